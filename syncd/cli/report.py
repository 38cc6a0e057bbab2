"""What the text and JSON reports share: problem order, paths as the user wrote them, counts
in words. `report_text.py` renders for people, `report_json.py` for scripts (a stable shape),
`report_trackers.py` the tracker side of a pass."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from syncd.model import Flag, ItemReport

# The order problems are shown in, most urgent first, with their headings.
SECTIONS: tuple[tuple[Flag, str], ...] = (
    (Flag.OVERDUE, "Overdue"),
    (Flag.NEEDS_DECISION, "Needs a decision (do it or consciously drop it)"),
    (Flag.DEPRIORITIZED_WITHOUT_REASON, "Deprioritized without a reason"),
    (Flag.DUE_SOON, "Due soon"),
    (Flag.UNOWNED, "No owner"),
    (Flag.UNDATED, "No due date"),
)

# A flag in the words of a report line ("also: needs decision, no reason").
FLAG_WORDS = {
    Flag.OVERDUE: "overdue",
    Flag.NEEDS_DECISION: "needs decision",
    Flag.DEPRIORITIZED_WITHOUT_REASON: "deprioritized without a reason",
    Flag.DUE_SOON: "due soon",
    Flag.UNOWNED: "no owner",
    Flag.UNDATED: "no due date",
    Flag.ORPHANED: "orphaned",
}


def plural(n: int, word: str, words: str | None = None) -> str:
    """`1 error`, `2 errors`, `0 reviews`; `words` for an irregular plural."""
    return f"{n} {word if n == 1 else (words or word + 's')}"


def most_urgent(flags: Iterable[Flag]) -> Flag | None:
    """The flag an item is listed under: the first of SECTIONS it has."""
    present = set(flags)
    return next((flag for flag, _ in SECTIONS if flag in present), None)


def review_path(report: ItemReport, root: Path, base_dir: Path) -> str:
    """The review's path relative to the config file's directory."""
    return relative(root, report.review.path, base_dir)


@functools.lru_cache(maxsize=8192)  # pathlib costs ~30 us a call; reports repeat each review
def relative(root: Path, path: str, base_dir: Path) -> str:
    absolute = root / path
    try:
        return absolute.relative_to(base_dir).as_posix()
    except ValueError:
        return absolute.as_posix()


def shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def status_counts(reports: Sequence[ItemReport]) -> dict[str, int]:
    counts: dict[str, int] = {"open": 0, "in_progress": 0, "done": 0, "deprioritized": 0}
    for r in reports:
        counts[r.status.value] += 1
    return counts


# Control characters (C0 but newline and tab, DEL, C1) and the bidi/format marks that reorder or
# hide text: a review line must not retitle the terminal, move the cursor or read backwards.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """`text` with control and bidi characters shown escaped (`\\x1b`, `\\u202e`): what the
    text reports print, since review text is data, never terminal instructions."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
