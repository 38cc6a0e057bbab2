"""One JSON POST for the webhook channels, on requests (already brought by the tracker
libraries; reference §3 explains why not apprise). Webhook URLs are secrets: neither the URL
nor `str(exc)` of a requests error (which contains it) ever reaches a message or a log line;
errors name the status code, the service's own error string and the exception class.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import requests

from syncd.channels.base import ChannelError

RETRY_AFTER_CAP = 60.0
_BODY_SHOWN = 120


def post_json(
    url: str,
    payload: Any,
    *,
    what: str,
    timeout: float = 15,
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
) -> requests.Response:
    """POST `payload` as JSON (or the exact `body` bytes); ChannelError unless 2xx.

    5xx, 408, 429 and transport errors are transient; other 4xx are permanent for this
    channel until someone fixes it. Redirects are not followed (a webhook never redirects;
    following one could send the digest elsewhere)."""
    data = body if body is not None else json.dumps(payload, ensure_ascii=False).encode()
    sent_headers = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    try:
        response = requests.post(
            url, data=data, headers=sent_headers, timeout=timeout, allow_redirects=False
        )
    except requests.Timeout:
        raise ChannelError(f"{what}: no answer within {timeout:g} s") from None
    except requests.RequestException as exc:
        raise ChannelError(f"{what}: request failed ({type(exc).__name__})") from None
    status = response.status_code
    if 200 <= status < 300:
        return response
    said = _said(response)
    if status == 429:
        retry_after = _retry_after(response)
        raise ChannelError(f"{what}: HTTP 429 rate limited{said}", retry_after=retry_after)
    if status >= 500 or status == 408:
        raise ChannelError(f"{what}: HTTP {status}{said}")
    if 300 <= status < 400:
        raise ChannelError(f"{what}: HTTP {status} redirect not followed", permanent=True)
    raise ChannelError(f"{what}: HTTP {status}{said}", permanent=True)


def _said(response: requests.Response) -> str:
    text = response.text.strip().splitlines()[0] if response.text.strip() else ""
    if not text or text.startswith("<"):  # an HTML error page says nothing useful
        return ""
    return f" ({text[:_BODY_SHOWN]})"


def _retry_after(response: requests.Response) -> float:
    try:
        seconds = float(response.headers.get("Retry-After", "1"))
    except ValueError:
        seconds = 1.0
    return min(max(seconds, 0.0), RETRY_AFTER_CAP)
