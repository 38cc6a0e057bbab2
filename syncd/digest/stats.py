"""Digest statistics across items: completion rate, its trend, time to done, recurring
themes. PURE, like build.py that calls them."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta

from syncd.digest.model import Completion, LastChange, Period, ReviewRef, Theme, WeekRate
from syncd.model import ItemReport, Review, Status

_OPEN = (Status.OPEN, Status.IN_PROGRESS)
_TREND_WEEKS = 4


def themes(
    chosen: Sequence[ItemReport],
    window_days: int,
    today: date,
    ref: Callable[[Review], ReviewRef],
) -> tuple[Theme, ...]:
    """Themes and services named by two or more reviews dated inside the window."""
    since = today - timedelta(days=window_days)
    reviews: dict[str, Review] = {}
    open_items: dict[str, int] = defaultdict(int)
    for r in chosen:
        reviews.setdefault(r.review.path, r.review)
        if r.status in _OPEN:
            open_items[r.review.path] += 1
    named: dict[tuple[str, str], dict[str, Review]] = defaultdict(dict)
    shown: dict[tuple[str, str], str] = {}
    for path, review in reviews.items():
        if review.meta.date is None or review.meta.date < since:
            continue
        for kind, names in (("theme", review.meta.themes), ("service", review.meta.services)):
            for name in names:
                key = (kind, name.casefold())
                named[key][path] = review
                shown.setdefault(key, name)
    out = []
    for key, members in named.items():
        if len(members) < 2:
            continue
        refs = sorted((ref(r) for r in members.values()), key=lambda x: x.review)
        still_open = sum(open_items[p] for p in members)
        out.append(Theme(shown[key], key[0], tuple(refs), still_open))
    out.sort(key=lambda t: (-len(t.reviews), -t.open_items, t.kind, t.theme.casefold()))
    return tuple(out)


def completion(
    chosen: Sequence[ItemReport],
    window_days: int,
    today: date,
    history: Mapping[str, LastChange],
    period: Period,
) -> Completion:
    """Done ÷ (due in the window − deprioritized), its last four weeks, median days to done."""
    window = timedelta(days=window_days)
    due = done = dropped = 0
    for r in chosen:
        if r.due is None or not today - window < r.due <= today:
            continue
        due += 1
        done += r.status is Status.DONE
        dropped += r.status is Status.DEPRIORITIZED
    counted = due - dropped
    trend = []
    zone = period.end.tzinfo
    for back in range(_TREND_WEEKS - 1, -1, -1):
        end_day = today - timedelta(days=7 * back)
        cutoff = datetime.combine(end_day + timedelta(days=1), datetime.min.time(), zone)
        rate = _rate_as_of(chosen, history, end_day, window, cutoff)
        trend.append(WeekRate(_iso_week(end_day), rate))
    days = []
    for r in chosen:
        change = history.get(r.item.key)
        if r.status is not Status.DONE or change is None or not change.observed:
            continue
        done_day = change.at.astimezone(zone).date()
        if r.review.meta.date is not None and done_day > today - window:
            days.append((done_day - r.review.meta.date).days)
    return Completion(
        window_days=window_days,
        rate=done / counted if counted else None,
        due=due,
        done=done,
        deprioritized=dropped,
        trend=tuple(trend),
        median_days_to_done=float(statistics.median(days)) if days else None,
    )


def _rate_as_of(
    chosen: Sequence[ItemReport],
    history: Mapping[str, LastChange],
    day: date,
    window: timedelta,
    cutoff: datetime,
) -> float | None:
    """The window's rate as it stood at the end of `day`: an item done now counts as done
    then if it became done before `cutoff` (or before the history kept in the store)."""
    counted = done = 0
    for r in chosen:
        if r.due is None or not day - window < r.due <= day:
            continue
        if r.status is Status.DEPRIORITIZED:
            continue
        counted += 1
        if r.status is Status.DONE:
            change = history.get(r.item.key)
            done += change is None or change.status is not Status.DONE or change.at < cutoff
    return done / counted if counted else None


def _iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
