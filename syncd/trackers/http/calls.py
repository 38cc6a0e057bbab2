"""One tracker request under syncd's retry rules, for adapters whose library retries are off.

python-gitlab and jira both resend POSTs on their own (tracker-apis.md §2.3, §3.4) and sleep
without a cap, so the GitLab and Jira adapters turn that off and run every request through a
Caller instead:

- a read is retried with backoff (0.1, 0.2, 0.4 s) on 5xx, timeouts and dropped connections;
- a write is never resent, unless the tracker refused it with a rate limit (nothing was
  written) and the wait fits in `max_wait`;
- a rate-limit wait longer than `max_wait` (all waits of one request added up) raises
  RateLimited, so the pass defers the rest instead of blocking;
- writes are spaced `min_write_interval` seconds apart.

The Caller also sees every HTTP response (install `observe` as the session's response hook):
it counts requests, keeps the last response's headers (where a 429 names its wait) and the
server's clock from `Date` (watermarks must not depend on ours).

GitHub's adapter keeps its own loop (github.py): PyGithub retries inside urllib3, so it gets
`get_only_retry()`, the same read rule as a urllib3 Retry.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Self, TypeVar

import requests
from urllib3.util.retry import Retry

from syncd.errors import RateLimited, TrackerError

T = TypeVar("T")

READ_RETRIES = 3  # reads only: 5xx, timeouts, dropped connections
FIRST_BACKOFF = 0.1  # seconds before the first read retry; doubles each time
LONGEST_GUESS = 60  # cap of the 1, 2, 4 … s wait when a 429 does not say how long


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
        max_wait: float,
        min_write_interval: float,
        errors: tuple[type[Exception], ...],
        refusal: Callable[[Exception, bool], Refusal],
        failure: Callable[[str, int | None, bool], TrackerError],
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """`errors`: the library's HTTP error types, which `refusal(exc, write)` reads;
        `failure(what, code, write)` builds the error to raise (code None: no answer)."""
        self.who = who
        self.max_wait = max_wait
        self.min_write_interval = min_write_interval
        self._errors = errors
        self._refusal = refusal
        self._failure = failure
        self._clock = clock
        self._sleep = sleep
        self._last_write = float("-inf")
        self.requests = 0  # HTTP requests sent, those that got no answer included
        self.headers: dict[str, str] = {}  # the last response's headers, lower-case names
        self.dates: list[datetime] = []  # the server clock of each response (callers clear it)

    def observe(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        """The `requests` response hook: count, keep the headers and the server's clock."""
        self.requests += 1
        self.headers = {k.lower(): v for k, v in response.headers.items()}
        with contextlib.suppress(KeyError, TypeError, ValueError):
            self.dates.append(parsedate_to_datetime(response.headers["Date"]).astimezone(UTC))

    @property
    def server_now(self) -> datetime | None:
        """The server clock at the last response that carried a `Date`."""
        return self.dates[-1] if self.dates else None

    def read(self, what: str, fn: Callable[[], T]) -> T:
        """Run a read: retried on 5xx and dropped connections, rate limits waited out."""
        return self._run(what, fn, write=False)

    def write(self, what: str, fn: Callable[[], T]) -> T:
        """Run a write `min_write_interval` after the last one; resent only after a 429."""
        wait = self._last_write + self.min_write_interval - self._clock()
        if wait > 0:
            self._sleep(wait)
        try:
            return self._run(what, fn, write=True)
        finally:
            self._last_write = self._clock()

    def _run(self, what: str, fn: Callable[[], T], write: bool) -> T:
        waited, attempt, throttled = 0.0, 0, 0
        while True:
            try:
                return fn()
            except self._errors as exc:
                answer = self._refusal(exc, write)
                code = answer.code
                if answer.throttled:
                    wait = answer.retry_after
                    if wait is None:  # GitLab.com may send no header (gitlab-org/gitlab#365728)
                        wait = float(min(2**throttled, LONGEST_GUESS))
                    throttled += 1
                    if waited + wait > self.max_wait:
                        raise RateLimited(
                            f"{self.who} is rate limited for {wait:.0f} s (more than max_wait "
                            f"{self.max_wait:g} s) while trying to {what}; it resumes next pass.",
                            retry_after=wait,
                        ) from None
                elif not write and code is not None and code >= 500 and attempt < READ_RETRIES:
                    wait = FIRST_BACKOFF * 2**attempt
                    attempt += 1
                else:
                    raise self._failure(what, code, write) from None
            except requests.RequestException:
                self.requests += 1  # no response reached the hook
                if write or attempt >= READ_RETRIES:
                    raise self._failure(what, None, write) from None
                wait = FIRST_BACKOFF * 2**attempt
                attempt += 1
            self._sleep(wait)
            waited += wait


class _CountingRetry(Retry):
    """urllib3 Retry that counts the attempts it resends into a shared one-element list."""

    sent: list[int]

    def new(self, **kw: Any) -> Self:
        fresh = super().new(**kw)
        fresh.sent = self.sent
        return fresh

    def sleep(self, response: Any = None) -> None:
        self.sent[0] += 1  # urllib3 sleeps exactly once before each resend
        super().sleep(response)


def get_only_retry(sent: list[int]) -> Retry:
    """A urllib3 Retry that resends GETs only (5xx, timeouts, dropped connections), counting
    each resend into `sent[0]`. It ignores Retry-After: the adapter caps those waits."""
    retry = _CountingRetry(
        total=3,
        connect=2,
        read=2,
        status=2,
        backoff_factor=0.25,
        status_forcelist=frozenset({500, 502, 503, 504}),
        allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=False,
        raise_on_status=False,
    )
    retry.sent = sent
    return retry
