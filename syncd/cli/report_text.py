"""The reports people read: `syncd check` grouped by problem, `syncd status` as a table.

In the check report an item appears once, under its most urgent problem, its other flags on
the same line; every due date says whether it was written or implied by the severity."""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from syncd.cli.report import (
    FLAG_WORDS,
    SECTIONS,
    most_urgent,
    plural,
    relative,
    review_path,
    shorten,
    status_counts,
)
from syncd.cli.report_trackers import delivery_lines, ticket_lines, tracker_lines
from syncd.engine.run import Orphan, PassResult
from syncd.model import Flag, ItemReport, Severity, Status

# Flags a line already shows in its owner and due slots ("no owner", "3 days overdue").
_SHOWN_IN_SLOTS = frozenset({Flag.OVERDUE, Flag.DUE_SOON, Flag.UNOWNED, Flag.UNDATED})
# How the verdict counts each problem: "20 overdue, 2 needing a decision".
_VERDICT = {
    Flag.OVERDUE: "overdue",
    Flag.NEEDS_DECISION: "needing a decision",
    Flag.DEPRIORITIZED_WITHOUT_REASON: "deprioritized without a reason",
    Flag.UNOWNED: "without an owner",
    Flag.UNDATED: "without a due date",
}


def due_words(report: ItemReport, today: date) -> str:
    """`due 2026-06-04, 12 days overdue` or `due 2026-06-11 (implied by SEV-2), due in 3 days`."""
    if report.due is None:
        return "no due date"
    implied = f" (implied by {report.review.meta.severity})" if report.due_implied else ""
    if report.status in (Status.DONE, Status.DEPRIORITIZED):  # closed: its date is history
        return f"due {report.due}{implied}, {report.status.value}"
    days = (today - report.due).days
    if days > 0:
        age = f"{plural(days, 'day')} overdue"
    elif days == 0:
        age = "due today"
    else:
        age = f"due in {plural(-days, 'day')}"
    return f"due {report.due}{implied}, {age}"


def item_line(report: ItemReport, today: date, where: str, listed_under: Flag | None) -> str:
    item = report.item
    slots = [item.owner or "no owner", due_words(report, today)]
    also = [
        FLAG_WORDS[flag]
        for flag, _ in SECTIONS
        if flag in report.flags and flag is not listed_under and flag not in _SHOWN_IN_SLOTS
    ]
    if also:
        slots.append("also: " + ", ".join(also))
    desc = shorten(item.description or (item.ticket.raw if item.ticket else ""), 70)
    return f"  {where}  {desc}  [{'; '.join(slots)}]"


def _urgency(report: ItemReport) -> tuple[date, str, int]:
    return (report.due or date.max, report.review.path, report.item.line)


def problem_sections(
    active: Sequence[ItemReport], today: date, root: Path, base_dir: Path, limit: int
) -> list[str]:
    """Each problem with the items listed under it (each item once, under its most urgent
    problem), most urgent first, at most `limit` a section (0 = all)."""
    out: list[str] = []
    under: dict[Flag, list[ItemReport]] = {flag: [] for flag, _ in SECTIONS}
    for r in active:
        flag = most_urgent(r.flags)
        if flag is not None:
            under[flag].append(r)
    for flag, title in SECTIONS:
        hits = under[flag]
        if not hits:
            continue
        everywhere = sum(1 for r in active if flag in r.flags)
        count = str(len(hits))
        if everywhere > len(hits):
            above = everywhere - len(hits)
            count += f"; {everywhere} in all, the other {above} listed above"
        out += ["", f"{title} ({count})"]
        shown = heapq.nsmallest(limit, hits, key=_urgency) if limit else sorted(hits, key=_urgency)
        out.extend(
            item_line(r, today, f"{review_path(r, root, base_dir)}:{r.item.line}", flag)
            for r in shown
        )
        if len(shown) < len(hits):
            more = len(hits) - len(shown)
            out.append(f"  … and {more} more (all of them: syncd status --flag {flag.value})")
    return out


def check_text(
    result: PassResult,
    root: Path,
    base_dir: Path,
    failing: Sequence[str],
    exit_code: int,
    *,
    limit: int = 0,
) -> str:
    """The cron report: counts, the trackers, each problem with its items, lint errors, what
    was written, and the verdict."""
    active = [r for r in result.reports if not r.review.draft]
    out = [
        f"syncd check: {plural(len(result.reviews), 'review')}, "
        f"{plural(len(active), 'action item')}, as of {result.today}",
    ]
    counts = status_counts(active)
    out.append("  " + ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.items()))
    trackers = tracker_lines(result) + ticket_lines(result)
    if trackers:
        out += ["", "Trackers", *(f"  {line}" for line in trackers)]
    out += problem_sections(active, result.today, root, base_dir, limit)
    out += undated_review_lines(result)
    errors = sum(1 for p in result.lint if p.severity is Severity.ERROR)
    warnings = sum(1 for p in result.lint if p.severity is Severity.WARNING)
    if errors or warnings:
        out += ["", f"Lint: {plural(errors, 'error')}, {plural(warnings, 'warning')}"]
        out[-1] += " (details: syncd lint)"
        out.extend(
            f"  {p.path}:{p.line}:{p.col}: {p.code} {p.message}"
            for p in result.lint
            if p.severity is Severity.ERROR
        )
    out += written_lines(result)
    out += ["", verdict(result, active, failing, exit_code)]
    return "\n".join(out) + "\n"


def undated_review_lines(result: PassResult) -> list[str]:
    """Reviews with action items and no date (SYN012), once each: a check syncd cannot run."""
    paths = sorted({p.path for p in result.lint if p.code == "SYN012"})
    if not paths:
        return []
    return [
        "",
        f"No review date ({len(paths)}): the needs-a-decision check cannot run for their items; "
        "add `date: YYYY-MM-DD` to the front matter or a date to the title or file name",
        *(f"  {path}" for path in paths),
    ]


def written_lines(result: PassResult) -> list[str]:
    """The reviews written (or the diffs of a dry run), and the ones refused."""
    reviews = result.applied.reviews
    out: list[str] = []
    if reviews.written:
        out += ["", f"Updated marks in {plural(len(reviews.written), 'review')}:"]
        out.extend(f"  {p}" for p in reviews.written)
    out.extend(delivery_lines(result))
    for diff in reviews.diffs:
        out += ["", diff.rstrip("\n")]
    if reviews.refused or reviews.skipped:
        out += ["", "Not written (the file is untouched):"]
        out.extend(f"  {p}:{line}: {why}" for p, line, why in reviews.refused)
        out.extend(f"  {p}: {why}" for p, why in reviews.skipped)
    return out


def verdict(
    result: PassResult, active: Sequence[ItemReport], failing: Sequence[str], exit_code: int
) -> str:
    problems = []
    for name in failing:
        if name == "lint errors":
            errors = sum(1 for p in result.lint if p.severity is Severity.ERROR)
            problems.append(plural(errors, "lint error"))
            continue
        flag = Flag(name.replace(" ", "_"))
        problems.append(f"{sum(1 for r in active if flag in r.flags)} {_VERDICT[flag]}")
    found = f"follow-through problems: {', '.join(problems)}" if problems else ""
    if exit_code == 3:
        why = "the pass did not complete (see above; the next pass carries on)"
        return f"{why[0].upper()}{why[1:]}{'; ' + found if found else ''} (exit 3)"
    if found:
        return f"{found[0].upper()}{found[1:]} (exit {exit_code})"
    return "Follow-through is healthy (exit 0)"


def status_table(
    reports: Sequence[ItemReport], orphans: Sequence[Orphan], root: Path, base_dir: Path
) -> str:
    if not reports and not orphans:
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
                shorten(r.item.description or (r.item.ticket.raw if r.item.ticket else ""), 60),
            )
        )
    for o in orphans:
        rows.append(
            (
                f"{relative(root, o.review, base_dir)}:0",
                o.ticket.status.value,
                str(o.ticket.due) if o.ticket.due else "-",
                "-",
                Flag.ORPHANED.value,
                shorten(f"{o.ticket.key} {o.ticket.title}", 60),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:5])) + "  " + row[5]
        for row in rows
    ]
    lines.append("")
    total = plural(len(reports), "item")
    if orphans:
        total += f" and {plural(len(orphans), 'orphaned ticket')}"
    lines.append(f"{total}; * = implied from the review's severity")
    return "\n".join(lines) + "\n"
