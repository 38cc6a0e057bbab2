"""The digest as data: what goes in which list, counts, completion, themes, filters."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

import pytest

from syncd.cli.report_json import item_json
from syncd.digest.jsonout import digest_json
from syncd.digest.jsonout import item_json as digest_item_json
from syncd.digest.model import LastChange, Selection
from syncd.model import Status
from tests.digest_world import CHECKOUT, SEARCH, at, digest, reports, world


def keys(items: object) -> list[str]:
    return [i.description for i in items]  # type: ignore[attr-defined]


def test_headline_numbers_count_every_non_draft_item() -> None:
    t = digest().totals
    assert (t.open, t.overdue, t.due_soon, t.unowned, t.undated) == (5, 2, 1, 1, 1)
    assert (t.done, t.deprioritized, t.deprioritized_without_reason) == (1, 1, 0)


def test_drafts_never_appear() -> None:
    d = digest()
    every = [i for g in d.overdue for i in g.items] + list(d.unowned) + list(d.due_soon)
    assert all("draft" not in i.review for i in every)
    assert "Never shown" not in str(digest_json(d))


def test_overdue_is_grouped_by_owner_oldest_first_with_days_overdue() -> None:
    d = digest()
    assert [(g.owner, keys(g.items)) for g in d.overdue] == [
        (None, ["Move the rebuild to a replica"]),  # due 06-01: the oldest
        ("@priya", ["Alert on checkout 5xx above 3%"]),  # due 06-04
    ]
    assert d.overdue[0].items[0].days_overdue == 9
    assert d.overdue[1].items[0].days_overdue == 6
    assert d.totals.newly_overdue == 2  # both due on or after the period's first day (06-01)


def test_newly_overdue_counts_only_due_dates_inside_the_period() -> None:
    d = digest(reports(("reviews/r.md", CHECKOUT), today=date(2026, 6, 20)))
    # 06-04 and 06-12 are both overdue by 06-20, but the period is 06-01 .. 06-08.
    assert d.totals.overdue == 2
    assert d.totals.newly_overdue == 1
    later = digest(reports(("reviews/r.md", CHECKOUT), today=date(2026, 7, 20)))
    assert later.totals.overdue == 3
    assert later.totals.newly_overdue == 1  # the period is fixed by the schedule, not today


def test_done_this_period_needs_an_observed_change_inside_the_period() -> None:
    items = world()
    done_key = next(r.item.key for r in items if r.status is Status.DONE)
    dropped_key = next(r.item.key for r in items if r.status is Status.DEPRIORITIZED)
    inside = {
        done_key: LastChange(Status.DONE, at(3), observed=True),
        dropped_key: LastChange(Status.DEPRIORITIZED, at(4), observed=True),
    }
    d = digest(items, history=inside)
    assert keys(d.done_this_period) == ["Pin the base image"]
    assert keys(d.deprioritized_this_period) == ["Rewrite the indexer"]
    assert d.deprioritized_this_period[0].reason == "replaced by the managed service"
    assert (d.totals.done_this_period, d.totals.deprioritized_this_period) == (1, 1)
    # Done after the fire time belongs to the next period; first seen done at install is no news.
    after = {done_key: LastChange(Status.DONE, at(8, 12), observed=True)}
    assert digest(items, history=after).done_this_period == ()
    first_seen = {done_key: LastChange(Status.DONE, at(3), observed=False)}
    assert digest(items, history=first_seen).done_this_period == ()


def test_an_item_first_seen_done_in_a_review_written_this_period_counts() -> None:
    text = CHECKOUT.replace("date: 2026-05-12", "date: 2026-06-02")
    items = reports(("reviews/new.md", text))
    key = next(r.item.key for r in items if r.status is Status.DONE)
    d = digest(items, history={key: LastChange(Status.DONE, at(3), observed=False)})
    assert keys(d.done_this_period) == ["Pin the base image"]


def test_deprioritized_without_a_reason_is_listed_apart() -> None:
    text = SEARCH.replace(" won't do: replaced by the managed service", " (won't do)")
    d = digest(reports(("reviews/s.md", text)))
    assert keys(d.deprioritized_without_reason) == ["Rewrite the indexer"]
    assert d.totals.deprioritized_without_reason == 1


def test_needs_decision_unowned_and_undated() -> None:
    d = digest(world(date(2026, 6, 20)), today=date(2026, 6, 20))
    # Older than 30 days and open, unless an explicit due date is still ahead (the canary).
    assert keys(d.needs_decision) == [
        "Alert on checkout 5xx above 3%",
        "Runbook for provider failover",
        "Move the rebuild to a replica",
        "Dashboard panel for rebuild time",
    ]
    assert keys(d.unowned) == ["Move the rebuild to a replica"]
    assert keys(d.undated) == ["Dashboard panel for rebuild time"]


def test_completion_rate_counts_deprioritized_apart_and_has_a_four_week_trend() -> None:
    items = world()
    done_key = next(r.item.key for r in items if r.status is Status.DONE)
    history = {done_key: LastChange(Status.DONE, at(1), observed=True)}
    c = digest(items, history=history).completion
    # due within 90 days up to 06-10: 05-20 (done), 06-01, 06-04 (open) → 1 of 3.
    assert (c.window_days, c.due, c.done, c.deprioritized) == (90, 3, 1, 0)
    assert c.rate == pytest.approx(1 / 3)
    assert [w.week for w in c.trend] == ["2026-W21", "2026-W22", "2026-W23", "2026-W24"]
    # Three weeks back (05-20) the item was due that day and not yet done (done 06-01).
    assert c.trend[0].rate == 0.0
    assert c.trend[-1].rate == pytest.approx(1 / 3)
    # Review 05-12, done 06-01 (Berlin): 20 days.
    assert c.median_days_to_done == 20.0


def test_completion_without_anything_due_is_no_rate_rather_than_zero() -> None:
    d = digest(reports(("reviews/s.md", SEARCH.replace("due: 2026-06-01", "owner: @kim"))))
    assert d.completion.rate is None
    assert d.completion.median_days_to_done is None


def test_a_theme_or_service_in_two_reviews_is_recurring_with_open_items() -> None:
    themes = {(t.kind, t.theme): t for t in digest().themes}
    assert set(themes) == {("theme", "deploys"), ("service", "checkout")}
    deploys = themes[("theme", "deploys")]
    assert [r.title for r in deploys.reviews] == ["Checkout 5xx", "Search latency"]
    assert deploys.open_items == 5  # 3 open in checkout + 2 open in search
    far = digest(world(date(2026, 10, 1)), today=date(2026, 10, 1))
    assert far.themes == ()  # both reviews fell out of the 90-day window


def test_oldest_open_item_per_review() -> None:
    oldest = {o.review.title: (o.item.description, o.open_items) for o in digest().oldest_open}
    assert oldest == {
        "Checkout 5xx": ("Alert on checkout 5xx above 3%", 3),
        "Search latency": ("Move the rebuild to a replica", 2),
    }


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (Selection(teams=("PAYMENTS",)), 3),
        (Selection(services=("search",)), 2),
        (Selection(services=("checkout",)), 5),
        (Selection(owners=("priya",)), 2),
        (Selection(owners=("@LEE",), teams=("payments",)), 0),
    ],
)
def test_filters_match_case_insensitively_and_all_must_match(
    selection: Selection, expected: int
) -> None:
    assert digest(selection=selection).totals.open == expected


def test_items_link_to_their_review_by_template_or_file_and_line() -> None:
    url = "https://git.example/pm/blob/main/{path}#L{line}?id={review_id}&t={title}"
    d = digest(review_url=url)
    item = d.overdue[1].items[0]
    assert item.where == "reviews/2026-05-12-checkout.md:10"
    assert item.review_url == (
        "https://git.example/pm/blob/main/reviews/2026-05-12-checkout.md#L10"
        "?id=2026-05-12-checkout&t=Checkout 5xx"
    )
    assert digest().overdue[1].items[0].review_url is None


def test_a_linked_ticket_is_carried_with_its_url() -> None:
    text = CHECKOUT.replace(
        "due: 2026-06-04", "due: 2026-06-04 · [OPS-7](https://jira.example/browse/OPS-7)"
    )
    d = digest(reports(("reviews/r.md", text)))
    ticket = d.overdue[0].items[0].ticket
    assert ticket is not None
    assert (ticket.key, ticket.url) == ("OPS-7", "https://jira.example/browse/OPS-7")
    assert d.overdue[0].items[0].link == "https://jira.example/browse/OPS-7"


def test_json_items_carry_every_status_json_field_with_the_same_values() -> None:
    items = world()
    d = digest(items)
    by_key = {r.item.key: r for r in items}
    for group in d.overdue:
        for shown in group.items:
            status = item_json(by_key[shown.key], Path("/p"), Path("/p"))
            ours = digest_item_json(shown)
            assert {k: ours[k] for k in status} == status
            assert set(ours) - set(status) == {"days_overdue", "review_url", "linked_ticket"}


def test_the_documented_json_keys_are_there() -> None:
    doc = digest_json(digest())
    assert {
        "digest",
        "period",
        "totals",
        "completion",
        "overdue",
        "due_soon",
        "needs_decision",
        "done_this_period",
        "deprioritized_this_period",
        "unowned",
        "themes",
    } <= set(doc)
    assert set(doc["period"]) >= {"start", "end"}
    assert set(doc["totals"]) >= {
        "open",
        "overdue",
        "due_soon",
        "needs_decision",
        "unowned",
        "undated",
        "deprioritized",
        "done",
        "done_this_period",
        "deprioritized_this_period",
    }
    assert set(doc["completion"]) >= {"window_days", "rate", "trend", "median_days_to_done"}
    assert set(doc["overdue"][0]) == {"owner", "items"}
    assert set(doc["themes"][0]) >= {"theme", "reviews", "open_items"}


def test_the_digest_is_a_frozen_value() -> None:
    d = digest()
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.name = "other"  # type: ignore[misc]
    assert d == digest()  # pure: the same inputs give the same digest
    assert d.period.end - d.period.start == timedelta(days=7)
