"""Turn pass results into what people and scripts read: text reports and stable JSON.

`item_json` is the documented shape of `syncd status --format json` (README "JSON output");
scripts rely on it, so fields are only ever added, never renamed or removed.
"""

from __future__ import annotations

import functools
import heapq
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from syncd.engine.plan.steps import UpdateTicket
from syncd.engine.run import PassResult
from syncd.model import Flag, ItemReport, Problem, Severity
from syncd.repo.deliver import Committed, PullRequestDelivered, Pushed, Unchanged
from syncd.trackers.protocol import CloseAs

# The order problems are shown in, most urgent first, with their headings.
SECTIONS: tuple[tuple[Flag, str], ...] = (
    (Flag.OVERDUE, "Overdue"),
    (Flag.NEEDS_DECISION, "Needs a decision (do it or consciously drop it)"),
    (Flag.DEPRIORITIZED_WITHOUT_REASON, "Deprioritized without a reason"),
    (Flag.DUE_SOON, "Due soon"),
    (Flag.UNOWNED, "No owner"),
    (Flag.UNDATED, "No due date"),
)


def review_path(report: ItemReport, root: Path, base_dir: Path) -> str:
    """The review's path relative to the config file's directory."""
    return _relative(root, report.review.path, base_dir)


@functools.lru_cache(maxsize=8192)  # pathlib costs ~30 us a call; reports repeat each review
def _relative(root: Path, path: str, base_dir: Path) -> str:
    absolute = root / path
    try:
        return absolute.relative_to(base_dir).as_posix()
    except ValueError:
        return absolute.as_posix()


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


def _age(today: date, due: date) -> str:
    days = (today - due).days
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} overdue"
    if days == 0:
        return "due today"
    return f"due in {-days} day{'s' if days != -1 else ''}"


def _urgency(report: ItemReport) -> tuple[date, str, int]:
    return (report.due or date.max, report.review.path, report.item.line)


def _line(report: ItemReport, today: date, where: str) -> str:
    item = report.item
    owner = item.owner or "no owner"
    if report.due:
        implied = " (implied)" if report.due_implied else ""
        due = f"due {report.due}{implied}, {_age(today, report.due)}"
    else:
        due = "no due date"
    desc = _shorten(item.description or (item.ticket.raw if item.ticket else ""), 70)
    return f"  {where}  {desc}  [{owner}; {due}]"


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def check_text(
    result: PassResult,
    root: Path,
    base_dir: Path,
    failing: Sequence[str],
    exit_code: int,
    *,
    limit: int = 0,
) -> str:
    """The cron report: counts, then each problem with its items (at most `limit` each, 0 = all)
    most urgent first, then lint errors, what was written, and the verdict."""
    active = [r for r in result.reports if not r.review.draft]
    out = [
        f"syncd check: {len(result.reviews)} reviews, {len(active)} action items, "
        f"as of {result.today}",
    ]
    counts = _status_counts(active)
    out.append("  " + ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.items()))
    for flag, title in SECTIONS:
        hits = [r for r in active if flag in r.flags]
        if not hits:
            continue
        out.append("")
        out.append(f"{title} ({len(hits)})")
        shown = (  # most urgent first; with a limit only the first few need ordering
            heapq.nsmallest(limit, hits, key=_urgency) if limit else sorted(hits, key=_urgency)
        )
        out.extend(
            _line(r, result.today, f"{review_path(r, root, base_dir)}:{r.item.line}") for r in shown
        )
        if len(shown) < len(hits):
            more = len(hits) - len(shown)
            out.append(f"  … and {more} more (all of them: syncd status --flag {flag.value})")
    errors = sum(1 for p in result.lint if p.severity is Severity.ERROR)
    warnings = sum(1 for p in result.lint if p.severity is Severity.WARNING)
    if errors or warnings:
        out.append("")
        out.append(f"Lint: {errors} errors, {warnings} warnings (details: syncd lint)")
        for p in result.lint:
            if p.severity is Severity.ERROR:
                out.append(f"  {p.path}:{p.line}:{p.col}: {p.code} {p.message}")
    if result.applied.reviews.written:
        out.append("")
        out.append(f"Updated marks in {len(result.applied.reviews.written)} review(s):")
        out.extend(f"  {p}" for p in result.applied.reviews.written)
    out.extend(delivery_lines(result))
    for diff in result.applied.reviews.diffs:
        out.append("")
        out.append(diff.rstrip("\n"))
    if result.applied.reviews.refused or result.applied.reviews.skipped:
        out.append("")
        out.append("Not written (the file is untouched):")
        out.extend(f"  {p}:{line}: {why}" for p, line, why in result.applied.reviews.refused)
        out.extend(f"  {p}: {why}" for p, why in result.applied.reviews.skipped)
    out.append("")
    if failing:
        out.append(f"Follow-through problems: {', '.join(failing)} (exit {exit_code})")
    else:
        out.append("Follow-through is healthy (exit 0)")
    return "\n".join(out) + "\n"


def _status_counts(reports: Sequence[ItemReport]) -> dict[str, int]:
    counts: dict[str, int] = {"open": 0, "in_progress": 0, "done": 0, "deprioritized": 0}
    for r in reports:
        counts[r.status.value] += 1
    return counts


def check_json(
    result: PassResult, root: Path, base_dir: Path, failing: Sequence[str], exit_code: int
) -> str:
    active = [r for r in result.reports if not r.review.draft]
    doc = {
        "today": result.today.isoformat(),
        "reviews": len(result.reviews),
        "items": len(active),
        "status": _status_counts(active),
        "flags": {
            flag.value: [item_json(r, root, base_dir) for r in active if flag in r.flags]
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
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def problem_json(p: Problem) -> dict[str, Any]:
    return {
        "path": p.path,
        "line": p.line,
        "col": p.col,
        "code": p.code,
        "severity": p.severity.value,
        "message": p.message,
    }


def status_table(reports: Sequence[ItemReport], root: Path, base_dir: Path) -> str:
    if not reports:
        return "No action items match.\n"
    rows = [("REVIEW:LINE", "STATUS", "DUE", "OWNER", "FLAGS", "DESCRIPTION")]
    for r in reports:
        due = f"{r.due}{'*' if r.due_implied else ''}" if r.due else "-"
        rows.append(
            (
                f"{review_path(r, root, base_dir)}:{r.item.line}",
                r.status.value,
                due,
                r.item.owner or "-",
                ",".join(sorted(f.value for f in r.flags)) or "-",
                _shorten(r.item.description or (r.item.ticket.raw if r.item.ticket else ""), 60),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:5])) + "  " + row[5]
        for row in rows
    ]
    lines.append("")
    lines.append(f"{len(reports)} item(s); * = implied from the review's severity")
    return "\n".join(lines) + "\n"


def delivery_lines(result: PassResult) -> list[str]:
    """What happened to the review edits in records.repo (nothing for a local folder)."""
    applied = result.applied
    if applied.delivery_error is not None:
        return [f"Reviews not delivered: {applied.delivery_error} (the next pass redoes it)"]
    done = applied.delivered
    if done is None or isinstance(done, Unchanged):
        return []
    if isinstance(done, Pushed):
        return [f"Pushed {done.sha[:12]} ({len(done.paths)} review(s), {done.attempts} push(es))"]
    if isinstance(done, Committed):
        return [f"Committed {done.sha[:12]} in syncd's clone ({len(done.paths)} review(s))"]
    if isinstance(done, PullRequestDelivered):
        if done.action == "unchanged":
            return []
        return [f"Pull request #{done.number} {done.action}: {done.url}"]
    return []


def trackers_text(result: PassResult) -> str:
    """What the tracker side of a pass did, one line per tracker, then failures and calls."""
    facts, applied, plan = result.trackers, result.applied, result.plan.tickets
    if facts is None:
        return ""
    out = []
    for name, known in facts.items():
        if not known.ok:
            out.append(f"{name}: FAILED this pass, its items were left unchanged: {known.error}")
            continue
        writes = applied.writes.get(name, 0)
        later = applied.postponed.get(name, 0)
        line = (
            f"{name}: {'full' if known.full else 'incremental'} listing, "
            f"{known.requests} request(s); {writes} write(s)"
        )
        if later:
            line += f"; {later} postponed to the next pass (write_budget)"
        out.append(line)
    if applied.created:
        keys = [s.key for s in applied.created.values()]
        out.append(f"Created {len(keys)} ticket(s): " + ", ".join(keys))
    for step, error in applied.failed:
        out.append(f"  failed: {step}: {error}")
    if plan is not None and plan.deferred:
        out.append(
            f"Deferred {len(plan.deferred)} creation(s): a ticket may already exist "
            "that the tracker's search does not show yet; next pass decides"
        )
    closing = (
        any(
            isinstance(s, UpdateTicket) and s.change.close is CloseAs.NOT_PLANNED
            for s in plan.steps
        )
        if plan
        else False
    )
    for key, tracker, ticket in plan.orphans if plan else ():
        what = "closing it as not planned (sync.on_removed: close)"
        if not closing:
            what = "left open (sync.on_removed: report)"
        out.append(f"Orphaned: {tracker} ticket {ticket} (item {key} left its review); {what}")
    for key, tracker, ticket, review in plan.gone if plan else ():
        out.append(
            f"Orphaned: {tracker} ticket {ticket} (item {key}; its review {review} is no "
            "longer found); left open: syncd never closes the tickets of a missing review"
        )
    for key, tracker, ticket, recreated in plan.deleted if plan else ():
        what = (
            "a new one is filed (on_deleted: recreate)"
            if recreated
            else ("syncd writes nothing to it any more (on_deleted: report)")
        )
        out.append(f"Deleted: {tracker} ticket {ticket} (item {key}) was deleted; {what}")
    fixed = result.plan.reconciled
    for key, old, new in fixed.moved if fixed else ():
        out.append(f"Moved: the ticket of item {key} moved from {old} to {new}; link updated")
    for key, closed, kept in fixed.duplicates if fixed else ():
        out.append(
            f"Duplicate: {closed} carries the marker of item {key} like {kept}; closing "
            f"{closed} as a duplicate of {kept}"
        )
    for (tracker, ticket), sharing in sorted(fixed.shared.items()) if fixed else ():
        out.append(
            f"Shared: {tracker} ticket {ticket} is the ticket of {len(sharing)} items "
            f"({', '.join(sharing)}); syncd writes nothing to it until each names its own"
        )
    for problem in result.problems:
        out.append(f"Routing: {problem}")
    if applied.calls:
        out.append("Would call:")
        out.extend(f"  {c}" for c in applied.calls)
    return "\n".join(out) + "\n" if out else ""
