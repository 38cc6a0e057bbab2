"""The overlap-window listing cursor shared by the GitLab and Jira adapters.

Both list "updated at or after the watermark", oldest change first. Their time bounds are
coarse (GitLab's `Date` header has 1 s resolution, JQL bounds minutes) and their indexes may lag
writes (Jira search, tracker-apis.md §3.3), so each listing re-reads a window before the newest
change it saw and remembers the (id, updated) pairs inside it: a pair already reported is not
reported again. Where the watermark is taken from differs per tracker and stays in its adapter;
GitHub lists newest first behind an ETag and keeps its own cursor (github_map.Cursor).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

Row = Mapping[str, Any]
R = TypeVar("R", bound=Row)
_VERSION = 1


@dataclass(frozen=True, slots=True)
class CursorFormat:
    """What differs between trackers: how a row names its version and the cursor is written.

    The encodings are kept as each adapter first wrote them, so stored cursors stay readable.
    """

    version: Callable[[Row], tuple[str, str]]  # (id, updated) as the API spells them
    parse_time: Callable[[str], datetime]  # the `updated` spelling → aware UTC
    write_after: Callable[[datetime], object]  # watermark → its JSON value
    read_after: Callable[[Any], datetime]  # and back
    numeric_ids: bool = False  # ids are written as JSON numbers (GitLab)

    def updated(self, row: Row) -> datetime:
        return self.parse_time(self.version(row)[1])


@dataclass(frozen=True, slots=True)
class OverlapCursor:
    """Where the next listing starts, and the (id, updated) pairs already seen at/after it."""

    watermark: datetime
    seen: frozenset[tuple[str, str]] = frozenset()

    def encode(self, fmt: CursorFormat) -> str:
        pairs = sorted([int(i) if fmt.numeric_ids else i, u] for i, u in self.seen)
        return json.dumps({"v": _VERSION, "after": fmt.write_after(self.watermark), "seen": pairs})

    @staticmethod
    def decode(text: str, fmt: CursorFormat) -> OverlapCursor | None:
        """None for a cursor this version cannot read: the caller then lists everything."""
        try:
            data = json.loads(text)
            if data.get("v") != _VERSION:
                return None
            read_id: Callable[[Any], str] = (lambda i: str(int(i))) if fmt.numeric_ids else str
            seen = frozenset((read_id(i), str(u)) for i, u in data.get("seen", ()))
            return OverlapCursor(fmt.read_after(data["after"]), seen)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            return None


def unseen(rows: Iterable[R], prev: OverlapCursor | None, fmt: CursorFormat) -> list[R]:
    """The rows whose version the previous listing has not reported yet."""
    return [r for r in rows if prev is None or fmt.version(r) not in prev.seen]


def advance(
    rows: Iterable[Row], prev: OverlapCursor | None, watermark: datetime, fmt: CursorFormat
) -> OverlapCursor:
    """The next cursor: never behind the previous watermark; remembers the rows at/after it."""
    if prev is not None:
        watermark = max(watermark, prev.watermark)
    seen = frozenset(fmt.version(r) for r in rows if fmt.updated(r) >= watermark)
    return OverlapCursor(watermark, seen)
