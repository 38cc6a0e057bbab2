"""The commit message (and pull-request text) of one pass. PURE: changes in, text out.

The engine hands over what it changed as values, one `ReviewChange` per edited item; the
message lists them per review so a person reading `git log` sees what syncd did and why:

    syncd: update 3 action items in 2 reviews

    postmortems/2026-05-12-checkout.md
    - L14 Alert when checkout 5xx rate stays above 3%…: in progress (acme/ops#123)
    - L15 Pin the base image: done 2026-06-01 (OPS-481)

    postmortems/2026-06-01-search.md
    - L9 Shard the audit log: overdue since 2026-06-05 (acme/ops#130)

    Syncd-Run: 5f0c…

Review text is data: control characters are dropped and long descriptions cut, so an item
can never add lines (or a fake trailer) to the message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

SUBJECT_PREFIX = "syncd: "
TRAILER = "Syncd-Run"
MAX_LISTED = 200  # items listed in one message; the rest are counted
_ITEM_CHARS = 72
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


@dataclass(frozen=True, slots=True)
class ReviewChange:
    """One item syncd changed in a review this pass."""

    path: str  # the review, relative to the repository root (posix)
    line: int  # 1-based line of the item in the new file
    item: str  # the item's description, as the review words it
    mark: str  # what syncd wrote: "in progress", "done 2026-06-01", "overdue since …"
    ticket: str | None = None  # "acme/ops#123", "OPS-481"


def _clean(text: str, limit: int) -> str:
    flat = _UNSAFE.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def subject(changes: Sequence[ReviewChange]) -> str:
    """The first line: `syncd: update 3 action items in 2 reviews` (one review: its path)."""
    paths = {c.path for c in changes}
    items = _plural(len(changes), "action item")
    if len(paths) == 1:
        where = _clean(next(iter(paths)), 60)
        return f"{SUBJECT_PREFIX}update {items} in {where}"
    return f"{SUBJECT_PREFIX}update {items} in {_plural(len(paths), 'review')}"


def body(changes: Sequence[ReviewChange]) -> str:
    """The change list grouped by review, in path and line order."""
    ordered = sorted(changes, key=lambda c: (c.path, c.line))
    blocks: list[str] = []
    current: str | None = None
    for change in ordered[:MAX_LISTED]:
        if change.path != current:
            current = change.path
            blocks.append(("\n" if blocks else "") + _clean(change.path, 200))
        ticket = f" ({_clean(change.ticket, 60)})" if change.ticket else ""
        blocks.append(
            f"- L{change.line} {_clean(change.item, _ITEM_CHARS)}: "
            f"{_clean(change.mark, 80)}{ticket}"
        )
    if len(ordered) > MAX_LISTED:
        blocks.append(f"\n… and {len(ordered) - MAX_LISTED} more")
    return "\n".join(blocks)


def commit_message(changes: Sequence[ReviewChange], run_id: str | None = None) -> str:
    """Subject, blank line, the change list, and a `Syncd-Run:` trailer when given."""
    if not changes:
        text = f"{SUBJECT_PREFIX}update reviews"
    else:
        text = f"{subject(changes)}\n\n{body(changes)}"
    if run_id:
        text += f"\n\n{TRAILER}: {_clean(run_id, 64)}"
    return text + "\n"
