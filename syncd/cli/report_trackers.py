"""The tracker side of a pass in words: one line per tracker, then what was created, failed,
deferred, orphaned, deleted, moved or shared, and a dry run's calls. Each error once."""

from __future__ import annotations

from syncd.cli.report import plural
from syncd.engine.plan.steps import UpdateTicket
from syncd.engine.run import PassResult
from syncd.trackers.protocol import CloseAs


def delivery_lines(result: PassResult) -> list[str]:
    """What happened to the review edits in records.repo (nothing for a local folder)."""
    applied = result.applied
    if applied.delivery_error is not None:
        return [f"Reviews not delivered: {applied.delivery_error} (the next pass redoes it)"]
    done = applied.delivered
    if done is None:
        return []
    from syncd.repo.deliver import Committed, PullRequestDelivered, Pushed, Unchanged

    if isinstance(done, Unchanged):
        return []
    reviews = plural(len(done.paths), "review") if hasattr(done, "paths") else ""
    if isinstance(done, Pushed):
        return [f"Pushed {done.sha[:12]} ({reviews}, {plural(done.attempts, 'push', 'pushes')})"]
    if isinstance(done, Committed):
        return [f"Committed {done.sha[:12]} in syncd's clone ({reviews})"]
    if isinstance(done, PullRequestDelivered):
        if done.action == "unchanged":
            return []
        return [f"Pull request #{done.number} {done.action}: {done.url}"]
    return []


def tracker_lines(result: PassResult) -> list[str]:
    """One line per tracker: how it was read and what was written, or why it was not."""
    facts, applied = result.trackers, result.applied
    if facts is None:
        return []
    out = []
    for name, known in facts.items():
        if name in result.unverified:
            out.append(
                f"{name}: not reachable ({result.unverified[name].rstrip('.')}): the calls "
                "below assume no ticket changed since the last pass"
            )
            continue
        if not known.ok:
            out.append(f"{name}: FAILED this pass, its items were left unchanged: {known.error}")
            continue
        line = (
            f"{name}: {'full' if known.full else 'incremental'} listing, "
            f"{plural(known.requests, 'request')}; {plural(applied.writes.get(name, 0), 'write')}"
        )
        later = applied.postponed.get(name, 0)
        if later:
            line += f"; {later} postponed to the next pass (write_budget)"
        if name in applied.broken:
            line += "; stopped writing after the failure below"
        out.append(line)
    return out


def ticket_lines(result: PassResult) -> list[str]:
    """What the pass did to tickets beyond the per-tracker line."""
    applied, plan = result.applied, result.plan.tickets
    out = []
    if applied.created:
        keys = [s.key for s in applied.created.values()]
        out.append(f"Created {plural(len(keys), 'ticket')}: " + ", ".join(keys))
    out.extend(_failed_lines(result))
    if plan is not None and plan.deferred:
        out.append(
            f"Deferred {plural(len(plan.deferred), 'creation')}: a ticket may already exist "
            "that the tracker's search does not show yet; next pass decides"
        )
    closing = plan is not None and any(
        isinstance(s, UpdateTicket) and s.change.close is CloseAs.NOT_PLANNED for s in plan.steps
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
            else "syncd writes nothing to it any more (on_deleted: report)"
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
    out.extend(f"Routing: {problem}" for problem in result.problems)
    if applied.calls:
        unverified = " (unverified: see above)" if result.unverified else ""
        out.append(f"Would call{unverified}:")
        out.extend(f"  {c}" for c in applied.calls)
    return out


def _failed_lines(result: PassResult) -> list[str]:
    """Failed writes, each distinct error once, with the writes it stopped."""
    by_error: dict[str, list[str]] = {}
    for step, error in result.applied.failed:
        by_error.setdefault(error, []).append(step)
    out = []
    for error, steps in by_error.items():
        out.append(f"Failed ({plural(len(steps), 'write')}; the next pass retries): {error}")
        out.extend(f"  {step}" for step in steps)
    return out


def trackers_text(result: PassResult) -> str:
    """Both parts as text (`syncd sync`); empty in records-only mode."""
    lines = tracker_lines(result) + ticket_lines(result) if result.trackers is not None else []
    return "\n".join(lines) + "\n" if lines else ""
