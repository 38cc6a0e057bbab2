"""The JSON shapes scripts rely on (README "JSON output"): fields are only ever added, never
renamed or removed.

`item_json` is one item of `syncd status --format json` (the digest's items carry the same
fields, syncd/digest/jsonout.py; a test keeps the two in step); `pass_json` is the report of
`syncd check --format json` and `syncd sync --format json` (one shape)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from syncd.cli.report import SECTIONS, relative, review_path, status_counts
from syncd.engine.run import Orphan, PassResult
from syncd.model import Flag, ItemReport, Problem
from syncd.trackers.protocol import TicketState


def item_json(report: ItemReport, root: Path, base_dir: Path) -> dict[str, Any]:
    item = report.item
    return {
        "review": review_path(report, root, base_dir),
        "review_id": item.review_id,
        "line": item.line,
        "key": item.key,
        "description": item.description,
        "owner": item.owner,
        "due": report.due.isoformat() if report.due else None,
        "due_implied": report.due_implied,
        "type": item.type,
        "ticket": item.ticket.raw if item.ticket else None,
        "status": report.status.value,
        "reason": report.reason,
        "flags": sorted(f.value for f in report.flags),
        "draft": report.review.draft,
    }


def link_json(state: TicketState | None) -> dict[str, Any] | None:
    """The ticket an item is linked to, as syncd last mirrored it (null: not linked)."""
    if state is None:
        return None
    return {
        "tracker": state.tracker,
        "id": state.id,
        "key": state.key,
        "url": state.url,
        "status": state.status.value,
    }


def linked_item_json(
    report: ItemReport, root: Path, base_dir: Path, linked: Mapping[str, TicketState]
) -> dict[str, Any]:
    """`item_json` plus `link` (status and check)."""
    return {**item_json(report, root, base_dir), "link": link_json(linked.get(report.item.key))}


def orphan_json(orphan: Orphan, root: Path, base_dir: Path) -> dict[str, Any]:
    """An orphaned ticket as a status row: the item fields it still has, line 0."""
    ticket = orphan.ticket
    return {
        "review": relative(root, orphan.review, base_dir),
        "review_id": orphan.item_key.rsplit("#", 1)[0],
        "line": 0,
        "key": orphan.item_key,
        "description": ticket.title,
        "owner": None,
        "due": ticket.due.isoformat() if ticket.due else None,
        "due_implied": False,
        "type": None,
        "ticket": ticket.key,
        "status": ticket.status.value,
        "reason": ticket.reason,
        "flags": [Flag.ORPHANED.value],
        "draft": False,
        "link": link_json(ticket),
    }


def problem_json(p: Problem) -> dict[str, Any]:
    return {
        "path": p.path,
        "line": p.line,
        "col": p.col,
        "code": p.code,
        "severity": p.severity.value,
        "message": p.message,
    }


def pass_json(
    result: PassResult, root: Path, base_dir: Path, failing: Sequence[str], exit_code: int
) -> dict[str, Any]:
    """One pass: counts, items by flag (every one), lint, writes, the tracker side."""
    active = [r for r in result.reports if not r.review.draft]
    linked = result.linked
    return {
        "today": result.today.isoformat(),
        "reviews": len(result.reviews),
        "items": len(active),
        "status": status_counts(active),
        "flags": {
            flag.value: [
                linked_item_json(r, root, base_dir, linked) for r in active if flag in r.flags
            ]
            for flag, _ in SECTIONS
        },
        "lint": [problem_json(p) for p in result.lint],
        "written": result.applied.reviews.written,
        "refused": [
            {"review": p, "line": ln, "reason": why}
            for p, ln, why in result.applied.reviews.refused
        ],
        "diffs": result.applied.reviews.diffs,
        "failing": list(failing),
        "exit_code": exit_code,
        "trackers": trackers_json(result),
        "tickets": tickets_json(result, root, base_dir),
    }


def trackers_json(result: PassResult) -> dict[str, Any] | None:
    """Per tracker: did it answer, what it cost, what was written (null: records-only)."""
    if result.trackers is None:
        return None
    applied = result.applied
    return {
        name: {
            "ok": facts.ok and name not in result.unverified,
            "error": facts.error or result.unverified.get(name) or applied.broken.get(name),
            "verified": name not in result.unverified,
            "listing": None if not facts.ok else ("full" if facts.full else "incremental"),
            "requests": facts.requests,
            "writes": applied.writes.get(name, 0),
            "postponed": applied.postponed.get(name, 0),
        }
        for name, facts in result.trackers.items()
    }


def tickets_json(result: PassResult, root: Path, base_dir: Path) -> dict[str, Any] | None:
    """What the pass did to tickets, or would do (`calls`, a dry run's)."""
    if result.trackers is None:
        return None
    plan = result.plan.tickets
    return {
        "created": [
            {"item": key, **(link_json(state) or {})}
            for key, state in result.applied.created.items()
        ],
        "failed": [{"step": step, "error": error} for step, error in result.applied.failed],
        "deferred": list(plan.deferred) if plan else [],
        "orphans": [orphan_json(o, root, base_dir) for o in result.orphans],
        "calls": list(result.applied.calls),
    }


def dumps(doc: object) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
