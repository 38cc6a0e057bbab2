"""Is this answer one we can read? And URLs that are safe to print.

A proxy or SSO page that answers 200 or 502 with HTML made PyGithub raise `TypeError:
'NoneType' object is not iterable`, python-gitlab `KeyError: 0`, and the jira library read it
as an empty search result — after a crash right after a create, recovery then concluded
"never created" and filed a duplicate. So every answer is checked for its content type (and
the adapters check the shape) before use, and anything unexpected is one TrackerError:
"<tracker> did not answer properly: GET <url> returned 200 text/html".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from syncd.errors import TrackerError


def redact_url(url: str) -> str:
    """`url` without user info (`https://user:secret@host` → `https://host`) or query."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable url>"
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


class Unreadable(TrackerError):
    """The tracker answered, but not with what its API promises (HTML, wrong shape)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def is_json(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().casefold()
    return media == "application/json" or media.endswith("+json")


def improper(who: str, method: str, url: str, status: int | None, content_type: str) -> Unreadable:
    """The one sentence for an answer syncd cannot use."""
    shown = content_type.split(";", 1)[0].strip() or "no content type"
    code = status if status is not None else "an answer"
    return Unreadable(
        f"{who} did not answer properly: {method.upper()} {redact_url(url)} returned "
        f"{code} {shown}.",
        status,
    )


def check(
    who: str, method: str, url: str, status: int, headers: Mapping[str, str], body: bytes | str
) -> None:
    """Raise Unreadable unless the answer is JSON or empty (204, 304, an empty body).

    `headers` may have any case. Redirects (3xx with Location) pass: the library follows.
    """
    if status in (204, 304) or (300 <= status < 400) or not body:
        return
    content_type = next((v for k, v in headers.items() if k.casefold() == "content-type"), "")
    if not is_json(content_type):
        raise improper(who, method, url, status, content_type)


def expect_list(who: str, what: str, data: Any, *, key: str) -> list[Any]:
    """`data` if it is a list of objects that each carry `key`, else Unreadable."""
    if isinstance(data, list) and all(isinstance(row, Mapping) and key in row for row in data):
        return data
    raise Unreadable(f"{who} did not answer properly: {what} is not a list of {key}s.")


def expect_object(who: str, what: str, data: Any, *, key: str) -> dict[str, Any]:
    """`data` if it is an object carrying `key`, else Unreadable."""
    if isinstance(data, dict) and key in data:
        return data
    raise Unreadable(f"{who} did not answer properly: {what} has no {key!r}.")
