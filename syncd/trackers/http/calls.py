"""Every tracker request under one set of retry and pacing rules (all three adapters).

All three libraries resend POSTs on their own (PyGithub's GithubRetry, python-gitlab's
`retry_transient_errors`, jira's ResilientSession: tracker-apis.md §1.5, §2.3, §3.4) and sleep
without a cap, so the adapters turn every library retry off and run each request through a
Caller:

- a read is retried with backoff (0.1, 0.2, 0.4 s) on 5xx, timeouts and dropped connections;
- a write is never resent, unless the tracker refused it with a rate limit (nothing was
  written) and the wait fits in `max_wait`;
- a rate-limit wait is a hold on the tracker's Pacer (pacing.py): the tracker's own number,
  else the adapter's first guess doubled per guess in a row (one rule, one cap);
- a wait longer than `max_wait` (all waits of one request added up) raises RateLimited, so
  the pass defers the rest instead of blocking;
- an answer that is not JSON (a proxy's HTML page) raises answers.Unreadable: never read as
  "nothing there" (a 5xx one is retried like any 5xx on a read).

The Caller also sees every HTTP response when `observe` is installed as a `requests` response
hook (GitLab, Jira): it counts requests, keeps the last response's headers (where a 429 names
its wait) and the server's clock from `Date` (watermarks must not depend on ours). GitHub's
adapter reports what PyGithub hands back through `seen()` instead.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import requests

from syncd.errors import RateLimited, TrackerError
from syncd.trackers.http import answers
from syncd.trackers.http.pacing import Pacer, Why

T = TypeVar("T")

READ_RETRIES = 3  # reads only: 5xx, timeouts, dropped connections
FIRST_BACKOFF = 0.1  # seconds before the first read retry; doubles each time
THROTTLED_TRIES = 3  # rate-limit refusals of one request before it defers, whatever the waits


@dataclass(frozen=True, slots=True)
class Refusal:
    """An error answer from the tracker, as the retry loop needs it."""

    code: int | None  # HTTP status; None when the library did not say
    throttled: bool = False  # refused by a rate limit: nothing happened, resending is safe
    retry_after: float | None = None  # seconds the tracker asked for, if it said


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """`Retry-After` as seconds: delta-seconds or an HTTP date (python-gitlab only does int())."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - now).total_seconds())
    except (TypeError, ValueError):
        return None


class Caller:
    """Runs an adapter's requests: `read()` and `write()` apply the rules above."""

    def __init__(
        self,
        who: str,
        *,
        pacer: Pacer,
        max_wait: float,
        errors: tuple[type[Exception], ...],
        refusal: Callable[[Exception, bool], Refusal],
        failure: Callable[[str, int | None, bool], TrackerError],
    ) -> None:
        """`errors`: the library's HTTP error types, which `refusal(exc, write)` reads;
        `failure(what, code, write)` builds the error to raise (code None: no answer)."""
        self.who = who
        self.pacer = pacer
        self.max_wait = max_wait
        self._errors = errors
        self._refusal = refusal
        self._failure = failure
        self.requests = 0  # HTTP requests sent, those that got no answer included
        self.headers: dict[str, str] = {}  # the last response's headers, lower-case names
        self.dates: list[datetime] = []  # the server clock of each response (callers clear it)

    def observe(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        """The `requests` response hook: count, keep headers and clock, refuse non-JSON."""
        method = response.request.method or "GET" if response.request is not None else "GET"
        self.seen(method, response.url, response.status_code, response.headers, response.content)

    def seen(
        self, method: str, url: str, status: int, headers: Mapping[str, str], body: bytes | str
    ) -> None:
        """One answer arrived (hook or adapter): count it, keep what the loop needs, check it."""
        self.requests += 1
        self.headers = {k.lower(): v for k, v in headers.items()}
        with contextlib.suppress(KeyError, TypeError, ValueError):
            self.dates.append(parsedate_to_datetime(self.headers["date"]).astimezone(UTC))
        answers.check(self.who, method, url, status, headers, body)

    @property
    def server_now(self) -> datetime | None:
        """The server clock at the last response that carried a `Date`."""
        return self.dates[-1] if self.dates else None

    def read(self, what: str, fn: Callable[[], T]) -> T:
        """Run a read: retried on 5xx and dropped connections, rate limits waited out."""
        return self._run(what, fn, write=False, creates=False)

    def write(self, what: str, fn: Callable[[], T], *, creates: bool = False) -> T:
        """Run a write `interval` after the last one; resent only after a rate-limit refusal.
        `creates`: it creates content (an issue, a comment) and counts in the windows."""
        return self._run(what, fn, write=True, creates=creates)

    def _run(self, what: str, fn: Callable[[], T], *, write: bool, creates: bool) -> T:
        pacer = self.pacer
        waited, attempt, throttled = 0.0, 0, 0
        while True:
            delay = pacer.delay(write=write, creates=creates)
            if delay.why in (Why.HOLD, Why.WINDOW):  # write spacing is always paid
                if waited + delay.seconds > self.max_wait:
                    raise RateLimited(self._too_long(what, delay.seconds, delay.why), delay.seconds)
                waited += delay.seconds
            pacer.pause(delay.seconds)
            pacer.sending(creates=creates)
            backoff: float | None = None
            try:
                result = fn()
            except self._errors as exc:
                answer = self._refusal(exc, write)
                if answer.throttled:
                    throttled += 1
                    wait = pacer.hold(answer.retry_after)
                    if waited + wait > self.max_wait or throttled >= THROTTLED_TRIES:
                        raise RateLimited(self._too_long(what, wait, Why.HOLD), wait) from None
                    continue
                code = answer.code
                if write or code is None or code < 500 or attempt >= READ_RETRIES:
                    raise self._failure(what, code, write) from None
                backoff = FIRST_BACKOFF * 2**attempt
            except answers.Unreadable as exc:
                if write or exc.status is None or exc.status < 500 or attempt >= READ_RETRIES:
                    raise
                backoff = FIRST_BACKOFF * 2**attempt
            except requests.RequestException:
                self.requests += 1  # no response reached the hook
                if write or attempt >= READ_RETRIES:
                    raise self._failure(what, None, write) from None
                backoff = FIRST_BACKOFF * 2**attempt
            finally:
                if write:
                    pacer.wrote()
            if backoff is None:
                pacer.answered()
                return result
            attempt += 1
            pacer.pause(backoff)
            waited += backoff

    def _too_long(self, what: str, wait: float, why: Why) -> str:
        limit = f"max_wait {self.max_wait:g} s"
        if why is Why.WINDOW:
            return (
                f"{self.who}: creating more now would exceed the tracker's content-creation "
                f"pace; the next slot is {wait:.0f} s away ({limit}), so the rest is created "
                "next pass."
            )
        return (
            f"{self.who} is rate limited for {wait:.0f} s ({limit}) while trying to {what}; "
            "it resumes next pass."
        )
