"""Review values to and from JSON, for the parse cache (unchanged files are not re-parsed).

Hand-written rather than `dataclasses.asdict` because the warm pass decodes 10,000 items and
asdict's deep copies cost several times more (bench/bench_records.py).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from syncd.model import (
    ActionItem,
    ItemShape,
    Problem,
    Review,
    ReviewMeta,
    Severity,
    Span,
    Status,
    Suffix,
    TicketRef,
)

# Bump when the shape below or the meaning of a cached value changes; old entries are then
# re-parsed. 2: suppression comments read rule names and `all` (rules.suppression_codes).
# 3: ActionItem.unused_date; TicketRef.raw is the reference, not its Markdown; tickets only
# from ticket positions; new lint rules (SYN112-SYN115) and parse problems (SYN011, SYN012).
# 4: Suffix.ticket_deleted (`· [OPS-1](…) ticket deleted`).
FORMAT = 4

# Enum members by value: `Status(v)` goes through EnumMeta.__call__ (~2 us); the warm pass
# decodes ~30,000 of them.
_SEVERITY = {m.value: m for m in Severity}
_STATUS = {m.value: m for m in Status}
_SHAPE = {m.value: m for m in ItemShape}
_NO_CODES: frozenset[str] = frozenset()


# One encoder for every call (json.dumps builds one per call); the values are plain lists and
# dicts built below, never cyclic, so the circular-reference check is skipped.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def dumps(review: Review, lint: tuple[Problem, ...] = ()) -> bytes:
    return _ENCODER.encode(
        {"review": _review(review), "lint": [_problem(p) for p in lint]}
    ).encode()


def loads(payload: bytes) -> tuple[Review, tuple[Problem, ...]]:
    data = json.loads(payload)
    return _review_back(data["review"]), tuple(_problem_back(p) for p in data["lint"])


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _db(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _problem(p: Problem) -> list[Any]:
    return [p.path, p.line, p.code, p.severity.value, p.message, p.col, p.item_key]


def _problem_back(p: list[Any]) -> Problem:
    return Problem(p[0], p[1], p[2], _SEVERITY[p[3]], p[4], p[5], p[6])


def _ref(r: TicketRef) -> list[Any]:
    return [r.raw, r.url, r.key, r.repo, r.number]


def _ref_back(r: list[Any]) -> TicketRef:
    return TicketRef(r[0], r[1], r[2], r[3], r[4])


def _suffix(s: Suffix | None) -> list[Any] | None:
    if s is None:
        return None
    return [
        s.ticket_label,
        s.ticket_url,
        s.status.value if s.status else None,
        _d(s.status_date),
        s.reason,
        _d(s.overdue_since),
        s.needs_decision,
        s.needs_reason,
        s.ticket_deleted,
    ]


def _suffix_back(s: list[Any] | None) -> Suffix | None:
    if s is None:
        return None
    return Suffix(
        s[0], s[1], _STATUS[s[2]] if s[2] else None, _db(s[3]), s[4], _db(s[5]), s[6], s[7], s[8]
    )


def _item(i: ActionItem) -> list[Any]:
    sp = i.span
    return [
        i.key,
        i.review_id,
        i.description,
        i.text,
        i.line,
        [
            sp.first,
            sp.last,
            sp.suffix_line,
            sp.checkbox_col,
            sp.cell,
            sp.status_cell,
            sp.ticket_cell,
        ],
        i.shape.value,
        i.section,
        i.owner,
        list(i.owners),
        _d(i.due),
        i.due_raw,
        i.type,
        _ref(i.ticket) if i.ticket else None,
        [_ref(r) for r in i.tickets],
        i.marker.value if i.marker else None,
        i.reason,
        _suffix(i.suffix),
        sorted(i.suppressed),
        i.unused_date,
    ]


def _item_back(v: list[Any]) -> ActionItem:
    # Positional, and shared empties: the warm pass builds 10,000 of these (keyword calls and
    # a new empty tuple / frozenset per item cost ~40 % of it).
    due, tickets, suppressed = v[10], v[14], v[18]
    return ActionItem(
        v[0],
        v[1],
        v[2],
        v[3],
        v[4],
        Span(*v[5]),
        _SHAPE[v[6]],
        v[7],
        v[8],
        tuple(v[9]) if v[9] else (),
        date.fromisoformat(due) if due else None,
        v[11],
        v[12],
        _ref_back(v[13]) if v[13] else None,
        tuple([_ref_back(r) for r in tickets]) if tickets else (),
        _STATUS[v[15]] if v[15] else None,
        v[16],
        _suffix_back(v[17]) if v[17] else None,
        frozenset(suppressed) if suppressed else _NO_CODES,
        v[19],
    )


def _review(r: Review) -> dict[str, Any]:
    m = r.meta
    return {
        "path": r.path,
        "meta": [
            m.id,
            m.title,
            _d(m.date),
            m.severity,
            m.status,
            list(m.services),
            m.team,
            list(m.themes),
            m.tracker,
            m.sync,
        ],
        "items": [_item(i) for i in r.items],
        "problems": [_problem(p) for p in r.problems],
        "candidates": list(r.candidates),
        "sha256": r.sha256,
        "suppressed": sorted(r.suppressed),
        "readable": r.readable,
    }


def _review_back(d: dict[str, Any]) -> Review:
    m = d["meta"]
    return Review(
        path=d["path"],
        meta=ReviewMeta(
            m[0], m[1], _db(m[2]), m[3], m[4], tuple(m[5]), m[6], tuple(m[7]), m[8], m[9]
        ),
        items=tuple(_item_back(i) for i in d["items"]),
        problems=tuple(_problem_back(p) for p in d["problems"]),
        candidates=tuple(d["candidates"]),
        sha256=d["sha256"],
        suppressed=frozenset(d["suppressed"]),
        readable=d["readable"],
    )
