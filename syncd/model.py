"""Frozen values shared by every layer: reviews, action items, references, problems.

Nothing here does I/O. Every other module passes these values, never dicts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date


class Status(enum.StrEnum):
    """Progress of an action item (tracker-owned once the item is linked)."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DEPRIORITIZED = "deprioritized"


class Flag(enum.StrEnum):
    """Derived follow-through problems; computed each pass, never stored as truth."""

    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    NEEDS_DECISION = "needs_decision"
    UNOWNED = "unowned"
    UNDATED = "undated"
    DEPRIORITIZED_WITHOUT_REASON = "deprioritized_without_reason"
    ORPHANED = "orphaned"


class Severity(enum.StrEnum):
    """How bad a problem is: errors fail lint, warnings and info do not."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class ItemShape(enum.StrEnum):
    """How the item is written; decides how it can be edited."""

    BULLET = "bullet"  # `- text` / `* text` / `1. text`
    CHECKBOX = "checkbox"  # `- [ ] text` (also malformed `- [] text`)
    PARAGRAPH = "paragraph"  # ticket-first bare line, `**Action item:** …` paragraph
    TABLE_ROW = "table_row"
    FRONT_MATTER = "front_matter"  # P16 `action_items:` in YAML front matter (read-only)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in a file, reported as `path:line:col: CODE message`."""

    path: str
    line: int  # 1-based; 0 when the problem concerns the whole file
    code: str  # stable code, e.g. SYN101 (lint) or SYN001 (file could not be read)
    severity: Severity
    message: str
    col: int = 1
    item_key: str | None = None


@dataclass(frozen=True, slots=True)
class TicketRef:
    """A ticket reference as written in a review, before it is resolved to a tracker.

    `raw` is exactly what the review says. `url` is set for links and bare URLs;
    `key` for `KEY-123`; `repo` + `number` for `owner/repo#12`; `number` alone for `#12`.
    """

    raw: str
    url: str | None = None
    key: str | None = None
    repo: str | None = None
    number: int | None = None


@dataclass(frozen=True, slots=True)
class Span:
    """Where an item lives in its file, in 0-based line indexes of the decoded text.

    `first`..`last` (inclusive) are the item's own lines, without nested children.
    `suffix_line` is the line whose end carries syncd's tracking suffix. For table rows
    `first == last == suffix_line` and `cell` is the index of the description cell.
    `checkbox_col` is the 0-based column of the character inside `[ ]` on `first`, if any.
    """

    first: int
    last: int
    suffix_line: int
    checkbox_col: int | None = None
    cell: int | None = None
    status_cell: int | None = None
    ticket_cell: int | None = None


@dataclass(frozen=True, slots=True)
class Suffix:
    """syncd's own tracking suffix, as parsed from (or rendered to) an item line.

    Shape: ` · [acme/ops#12](url) in progress ⚠ overdue since 2026-06-05`.
    Everything after the ` · ` separator belongs to syncd.
    """

    ticket_label: str | None = None
    ticket_url: str | None = None
    status: Status | None = None
    status_date: date | None = None
    reason: str | None = None
    overdue_since: date | None = None
    needs_decision: bool = False
    needs_reason: bool = False
    ticket_deleted: bool = False  # the linked ticket was deleted in its tracker


@dataclass(frozen=True, slots=True)
class ActionItem:
    """One committed follow-up in a review, with where it is written."""

    key: str  # review id + "#" + 8 hex chars of the normalized description hash
    review_id: str
    description: str  # cleaned: no markers, no owner/due/type fields, no syncd suffix
    text: str  # the item's text as written (joined lines, syncd suffix removed)
    line: int  # 1-based line of the item (span.first + 1)
    span: Span
    shape: ItemShape
    section: str  # heading text of the section the item is in
    owner: str | None = None  # as written (`@priya`, `Data team`, `maria`)
    owners: tuple[str, ...] = ()  # every owner named, when several are
    due: date | None = None
    due_raw: str | None = None  # as written, also when it could not be parsed
    type: str | None = None  # mitigate | prevent | process | other (normalized), or None
    ticket: TicketRef | None = None  # the first ticket reference, the item's link
    tickets: tuple[TicketRef, ...] = ()
    marker: Status | None = None  # status from the record's own markers ([x], DONE, ~~…~~)
    reason: str | None = None  # `won't do: reason` or `reason:` in the item
    suffix: Suffix | None = None  # syncd's suffix as currently written
    suppressed: frozenset[str] = frozenset()  # lint codes ignored inline for this item
    # Date-like text on the line of an item without a due date (`by end of sprint 12/3`, `Q3`,
    # `next Friday`, a date in the sentence): no mark may rest on an implied date for it.
    unused_date: str | None = None

    @property
    def written_status(self) -> Status | None:
        """The status the review shows without a tracker: the item's own marker, or the
        status in syncd's suffix (`· done 2026-06-01`, `· won't do: …`, `· in progress`)
        when the marker says no more than open (an unticked box, TODO, nothing)."""
        marker = self.marker
        if marker is not None and marker is not Status.OPEN:
            return marker
        said = self.suffix.status if self.suffix is not None else None
        return said if said is not None else marker

    @property
    def written_reason(self) -> str | None:
        """The won't-do reason in the item (`won't do: …`, `reason:`) or in syncd's suffix."""
        if self.reason:
            return self.reason
        return self.suffix.reason if self.suffix is not None else None


@dataclass(frozen=True, slots=True)
class ReviewMeta:
    """What the review says about the incident (front matter, body, or file name)."""

    id: str
    title: str | None = None
    date: date | None = None
    severity: str | None = None  # normalized `SEV-1`..`SEV-5` when recognisable, else as written
    status: str | None = None
    services: tuple[str, ...] = ()
    team: str | None = None
    themes: tuple[str, ...] = ()
    tracker: str | None = None
    sync: bool = True  # False for drafts and `syncd: false`


@dataclass(frozen=True, slots=True)
class Review:
    """One parsed review file."""

    path: str  # POSIX path relative to the records root's base (the config directory)
    meta: ReviewMeta
    items: tuple[ActionItem, ...] = ()
    problems: tuple[Problem, ...] = ()
    candidates: tuple[int, ...] = ()  # 1-based lines outside sections that look like items
    sha256: str = ""  # of the file bytes this review was parsed from
    suppressed: frozenset[str] = frozenset()  # lint codes ignored for the whole file
    readable: bool = True  # False when the file could not be read or decoded at all

    @property
    def draft(self) -> bool:
        return not self.meta.sync


@dataclass(frozen=True, slots=True)
class ItemReport:
    """An item judged for follow-through: the view `syncd status` and the digest show."""

    review: Review
    item: ActionItem
    status: Status
    flags: frozenset[Flag] = field(default_factory=frozenset)
    due: date | None = None  # explicit or implied
    due_implied: bool = False
    reason: str | None = None
    ticket_url: str | None = None
