"""Build a digest as data. PURE: values in, a frozen `Digest` out; no I/O, no clock.

Inputs are the judged items (`ItemReport`, as `syncd status` shows them), the period, the day
they were judged on, and each item's latest status change from the store's history. What
counts where is written down once, here:

| list | an item is in it when |
|---|---|
| overdue | open or in progress and flagged overdue (grouped by owner, oldest first) |
| due_soon | flagged due soon (due within records.due_soon_days) |
| needs_decision | flagged needs decision |
| done_this_period | done, and it became done inside the period |
| deprioritized_this_period | deprioritized, and it became so inside the period |
| newly overdue (a count) | overdue, and due inside the period (its first day to the day before) |

"Became done inside the period" needs an observed transition; an item syncd first saw
already done counts only when its review is dated inside the period (it cannot have been
done before the review was written) -- so the first digest after installing syncd does not
claim that every finished item was finished this week.
"""

from __future__ import annotations

import functools
import posixpath
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from syncd.config.values import owner_key
from syncd.digest.model import (
    BuildSettings,
    Digest,
    DigestItem,
    LastChange,
    OldestOpen,
    OwnerGroup,
    Period,
    ReviewRef,
    Selection,
    TicketLink,
    Totals,
)
from syncd.digest.stats import completion, themes
from syncd.model import Flag, ItemReport, Review, Status

_OPEN = (Status.OPEN, Status.IN_PROGRESS)


def select(
    reports: Iterable[ItemReport], selection: Selection, tracker_of: Mapping[str, str]
) -> list[ItemReport]:
    """The non-draft items the selection asks for (every dimension given must match)."""
    teams = {t.casefold() for t in selection.teams}
    services = {s.casefold() for s in selection.services}
    owners = {owner_key(o) for o in selection.owners}
    trackers = set(selection.trackers)
    out = []
    for r in reports:
        meta = r.review.meta
        if r.review.draft:
            continue
        if teams and (meta.team or "").casefold() not in teams:
            continue
        if services and not services & {s.casefold() for s in meta.services}:
            continue
        if owners and not owners & {owner_key(o) for o in (r.item.owners or (r.item.owner,)) if o}:
            continue
        if trackers and tracker_of.get(r.item.key) not in trackers:
            continue
        out.append(r)
    return out


def build_digest(
    reports: Sequence[ItemReport],
    settings: BuildSettings,
    period: Period,
    today: date,
    history: Mapping[str, LastChange],
    *,
    tracker_of: Mapping[str, str] | None = None,
    tickets: Mapping[str, TicketLink] | None = None,
) -> Digest:
    """The digest of `reports` (judged on `today`) for `period`, filtered by the settings."""
    chosen = select(reports, settings.selection, tracker_of or {})
    view = _Viewer(settings, today, tickets or {})
    start_day = period.start.astimezone(period.end.tzinfo).date()
    end_day = period.end.date()  # due that day: overdue the next, in the next period
    by_flag: dict[Flag, list[ItemReport]] = defaultdict(list)
    done_now: list[ItemReport] = []
    dropped_now: list[ItemReport] = []
    counts: dict[Status, int] = defaultdict(int)
    for r in chosen:
        counts[r.status] += 1
        for flag in r.flags:
            by_flag[flag].append(r)
        change = history.get(r.item.key)
        if r.status in (Status.DONE, Status.DEPRIORITIZED) and _changed_in(change, r, period):
            (done_now if r.status is Status.DONE else dropped_now).append(r)
    overdue = by_flag[Flag.OVERDUE]
    done_now.sort(key=lambda r: (history[r.item.key].at, r.review.path, r.item.line))
    dropped_now.sort(key=lambda r: (history[r.item.key].at, r.review.path, r.item.line))
    totals = Totals(
        open=counts[Status.OPEN] + counts[Status.IN_PROGRESS],
        overdue=len(overdue),
        due_soon=len(by_flag[Flag.DUE_SOON]),
        needs_decision=len(by_flag[Flag.NEEDS_DECISION]),
        unowned=len(by_flag[Flag.UNOWNED]),
        undated=len(by_flag[Flag.UNDATED]),
        deprioritized=counts[Status.DEPRIORITIZED],
        deprioritized_without_reason=len(by_flag[Flag.DEPRIORITIZED_WITHOUT_REASON]),
        done=counts[Status.DONE],
        done_this_period=len(done_now),
        deprioritized_this_period=len(dropped_now),
        newly_overdue=sum(1 for r in overdue if r.due is not None and start_day <= r.due < end_day),
    )
    return Digest(
        name=settings.name,
        title=settings.title,
        period=period,
        today=today,
        totals=totals,
        completion=completion(chosen, settings.window_days, today, history, period),
        overdue=_by_owner(overdue, view),
        due_soon=view.all(sorted(by_flag[Flag.DUE_SOON], key=_by_due)),
        needs_decision=view.all(sorted(by_flag[Flag.NEEDS_DECISION], key=_by_review_date)),
        done_this_period=view.all(done_now),
        deprioritized_this_period=view.all(dropped_now),
        deprioritized_without_reason=view.all(
            sorted(by_flag[Flag.DEPRIORITIZED_WITHOUT_REASON], key=_by_review_date)
        ),
        unowned=view.all(sorted(by_flag[Flag.UNOWNED], key=_by_review_date)),
        undated=view.all(sorted(by_flag[Flag.UNDATED], key=_by_review_date)),
        oldest_open=_oldest_open(chosen, view),
        themes=themes(chosen, settings.window_days, today, view.ref),
        selection=settings.selection,
    )


def _changed_in(change: LastChange | None, r: ItemReport, period: Period) -> bool:
    if change is None or change.status is not r.status:
        return False
    if not period.start <= change.at < period.end:  # later changes belong to the next one
        return False
    if change.observed:
        return True
    reviewed = r.review.meta.date
    return reviewed is not None and reviewed >= period.start.astimezone(period.end.tzinfo).date()


def _by_due(r: ItemReport) -> tuple[date, str, int]:
    return (r.due or date.max, r.review.path, r.item.line)


def _by_review_date(r: ItemReport) -> tuple[date, str, int]:
    return (r.review.meta.date or date.max, r.review.path, r.item.line)


class _Viewer:
    """Turns reports into DigestItems, each once (an item can be in several lists)."""

    def __init__(
        self, settings: BuildSettings, today: date, tickets: Mapping[str, TicketLink]
    ) -> None:
        self.settings = settings
        self.today = today
        self.tickets = tickets
        self.made: dict[str, DigestItem] = {}
        self.refs: dict[str, ReviewRef] = {}
        self.paths: dict[str, str] = {}

    def all(self, reports: Iterable[ItemReport]) -> tuple[DigestItem, ...]:
        return tuple(self.item(r) for r in reports)

    def path(self, review: Review) -> str:
        found = self.paths.get(review.path)
        if found is None:
            base = self.settings.review_base
            found = posixpath.join(base, review.path) if base else review.path
            self.paths[review.path] = found
        return found

    def review_url(self, review: Review, line: int) -> str | None:
        template = self.settings.review_url
        if not template:
            return None
        title = review.meta.title or ""
        return template.format(path=review.path, line=line, review_id=review.meta.id, title=title)

    def ref(self, review: Review) -> ReviewRef:
        found = self.refs.get(review.path)
        if found is None:
            found = ReviewRef(
                review=self.path(review),
                review_id=review.meta.id,
                title=review.meta.title,
                date=review.meta.date,
                url=self.review_url(review, 1),
            )
            self.refs[review.path] = found
        return found

    def item(self, r: ItemReport) -> DigestItem:
        found = self.made.get(r.item.key)
        if found is not None:
            return found
        item = r.item
        overdue = Flag.OVERDUE in r.flags and r.due is not None
        found = DigestItem(
            review=self.path(r.review),
            review_id=item.review_id,
            review_title=r.review.meta.title,
            line=item.line,
            key=item.key,
            description=item.description or (item.ticket.raw if item.ticket else ""),
            owner=item.owner,
            due=r.due,
            due_implied=r.due_implied,
            type=item.type,
            ticket_ref=item.ticket.raw if item.ticket else None,
            status=r.status,
            reason=r.reason,
            flags=_flag_names(r.flags),
            review_url=self.review_url(r.review, item.line),
            days_overdue=(self.today - r.due).days if overdue and r.due else None,
            ticket=self.tickets.get(item.key) or _ticket_of(r),
        )
        self.made[item.key] = found
        return found


@functools.lru_cache(maxsize=256)  # bounded: there are only 2^7 sets of flags
def _flag_names(flags: frozenset[Flag]) -> tuple[str, ...]:
    return tuple(sorted(f.value for f in flags))


def _ticket_of(r: ItemReport) -> TicketLink | None:
    """The linked ticket as far as the review and the pass know it: the pass's URL, else
    syncd's own suffix (`· [OPS-7](url)`), else a reference written in the item."""
    ref, suffix = r.item.ticket, r.item.suffix
    url = r.ticket_url or (suffix.ticket_url if suffix else None) or (ref.url if ref else None)
    label = suffix.ticket_label if suffix and suffix.ticket_label else None
    if label is None and ref is not None:
        label = ref.key or (f"{ref.repo}#{ref.number}" if ref.repo and ref.number else None)
    if url is None and label is None:
        return None
    return TicketLink(key=label, url=url)


def _by_owner(overdue: Sequence[ItemReport], view: _Viewer) -> tuple[OwnerGroup, ...]:
    groups: dict[str, list[ItemReport]] = defaultdict(list)
    shown: dict[str, str | None] = {}
    for r in overdue:
        key = owner_key(r.item.owner) if r.item.owner else ""
        groups[key].append(r)
        shown.setdefault(key, r.item.owner)
    ordered = []
    for key, members in groups.items():
        members.sort(key=_by_due)
        ordered.append((_by_due(members[0]), key, members))
    ordered.sort(key=lambda entry: (entry[0], entry[1]))
    return tuple(OwnerGroup(shown[key], view.all(members)) for _, key, members in ordered)


def _oldest_open(chosen: Sequence[ItemReport], view: _Viewer) -> tuple[OldestOpen, ...]:
    per_review: dict[str, list[ItemReport]] = defaultdict(list)
    for r in chosen:
        if r.status in _OPEN:
            per_review[r.review.path].append(r)
    out = []
    for members in per_review.values():
        oldest = min(members, key=_by_due)
        out.append(OldestOpen(view.ref(oldest.review), view.item(oldest), len(members)))
    out.sort(key=lambda o: (o.review.date or date.max, o.review.review))
    return tuple(out)
