"""Judging and planning again from the last pass (the service's memo) gives exactly what
judging and planning afresh gives, and does reuse what did not change.

A round is one pass of a long-running process: reviews whose text did not change are the same
Review objects (as the service's memo hands them back), tickets that did not change are the
same TicketState objects, and the last pass's JudgedPass and Plan.again are handed back. Between rounds the world changes the way real ones do: the plan is carried out, a person
closes, relabels or deletes a ticket, edits a review, a reminder is sent (or its record lost),
a second item links a ticket, a create's answer is lost, the tracker does not answer for a
pass, days go by.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syncd.engine.gather.tickets import Lookup
from syncd.engine.judge import JudgedPass, judge_reviews
from syncd.engine.plan.again import Again
from syncd.engine.plan.pass_plan import Plan, plan_pass
from syncd.engine.plan.steps import Comment, EditReview, SetLabel, UpdateTicket
from syncd.model import ItemReport, Review, Status
from syncd.records.parse import ParseOptions, parse_text
from syncd.store.schema import Episode
from tests.unit.plan_world import GH, NOW, RULES, TODAY, World, intent, ticket
from tests.unit.plan_world import settings as plan_settings

HEAD = "---\ndate: {date}\nseverity: SEV-2\n---\n# {title}\n\n## Action items\n\n"


class Service:
    """Plans a world round after round as the service does."""

    def __init__(self) -> None:
        self.parsed: dict[tuple[str, str], Review] = {}
        self.judged: JudgedPass | None = None
        self.again = Again()

    def reviews(self, world: World) -> tuple[Review, ...]:
        out = []
        for path, text in sorted(world.texts.items()):
            if (path, text) not in self.parsed:
                self.parsed[(path, text)] = parse_text(text, path, ParseOptions())
            out.append(self.parsed[(path, text)])
        return tuple(out)

    def plan(self, world: World, today: date) -> tuple[list[ItemReport], Plan]:
        reviews = self.reviews(world)
        gathered, tickets, _ = world.gather(reviews, today)
        linked = {}
        if tickets is not None:
            for key, (_, tid) in tickets.links.items():
                if (state := tickets.facts[GH].states.get(tid)) is not None:
                    linked[key] = state
        self.judged = judge_reviews(reviews, today, RULES, linked, self.judged)
        reports = self.judged.reports()
        plan = plan_pass(gathered, tickets, reports, plan_settings(), today, NOW, None, self.again)
        assert plan.again is not None
        self.again = plan.again
        return reports, plan


def _reported(plan: Plan) -> object:
    """What the report shows of the tracker side besides the steps."""
    sync = plan.tickets
    return None if sync is None else (sync.deferred, sync.orphans, sync.gone, sync.deleted)


def fresh(world: World, today: date) -> tuple[list[ItemReport], Plan]:
    gathered, tickets, reports = world.gather(None, today)
    return reports, plan_pass(gathered, tickets, reports, plan_settings(), today, NOW)


def _world(lines: list[list[str]], dates: list[str]) -> World:
    texts = {
        f"reviews/r{n}.md": HEAD.format(date=when, title=f"Outage {n}") + "\n".join(items) + "\n"
        for n, (items, when) in enumerate(zip(lines, dates, strict=True))
    }
    return World(texts)


_ITEM = st.tuples(
    st.sampled_from(["- [ ] ", "- [x] ", "- "]),
    st.sampled_from(["Owner: @priya. ", "Owner: @sam. ", ""]),
    st.sampled_from(["Due: 2026-06-01", "Due: 2026-06-20", "Due: 2026-09-01", ""]),
)
_CHANGES = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "apply",
                "close",
                "label",
                "delete",
                "edit",
                "remind",
                "attempt",
                "forget",
                "unlink",
                "share",
                "defer",
                "fail",
                "day",
                "nothing",
            ]
        ),
        st.integers(0, 50),
    ),
    max_size=8,
)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    reviews = draw(st.integers(1, 3))
    lines = [
        [
            f"{box}Action {r}.{n} on the checkout service. {owner}{due}"
            for n, (box, owner, due) in enumerate(draw(st.lists(_ITEM, min_size=1, max_size=4)))
        ]
        for r in range(reviews)
    ]
    dates = [draw(st.sampled_from(["2026-06-01", "2026-04-01"])) for _ in range(reviews)]
    world = _world(lines, dates)
    number = 0
    for review in world.reviews():
        for item in review.items:
            number += 1
            if draw(st.booleans()):
                status = draw(st.sampled_from(list(Status)))
                world.tickets[str(number)] = ticket(
                    number,
                    marker=item.key,
                    title=item.description,
                    status=status,
                    labels=frozenset(draw(st.sets(st.sampled_from(["postmortem", "overdue"])))),
                    closed_on=TODAY if status in (Status.DONE, Status.DEPRIORITIZED) else None,
                )
                world.links[item.key] = str(number)
    return world


def _change(world: World, kind: str, pick: int, plan: Plan) -> int:
    """Change the world one way; returns how many days go by."""
    tickets = sorted(world.tickets)
    some = tickets[pick % len(tickets)] if tickets else None
    world.ok = kind != "fail"  # the tracker does not answer for one pass
    if kind == "apply":
        world.apply(plan)
    elif kind == "close" and some is not None:
        state = world.tickets[some]
        world.tickets[some] = dataclasses.replace(state, status=Status.DONE, closed_on=TODAY)
    elif kind == "label" and some is not None:
        state = world.tickets[some]
        world.tickets[some] = dataclasses.replace(state, labels=state.labels ^ {"overdue"})
    elif kind == "delete" and some is not None:
        world.tickets[some] = dataclasses.replace(world.tickets[some], deleted=True)
    elif kind == "edit":
        path = sorted(world.texts)[pick % len(world.texts)]
        world.texts[path] = world.texts[path].replace("Due: 2026-06-20", "Due: 2026-05-02")
    elif kind == "remind":
        for key in sorted(world.links)[pick % 3 :: 3]:
            world.episodes[(key, "overdue")] = Episode(key, "overdue", TODAY, True)
    elif kind == "attempt":  # a reminder was sent, its answer lost, and it is not there
        for key in sorted(world.links)[pick % 3 :: 3]:
            world.episodes[(key, "overdue")] = Episode(key, "overdue", TODAY, False, NOW)
            world.confirmed[(key, "overdue")] = Lookup.ABSENT
    elif kind == "forget" and world.episodes:  # the store lost a reminder it sent
        world.episodes.pop(sorted(world.episodes)[pick % len(world.episodes)])
    elif kind == "share" and some is not None:  # a second item links the same ticket
        keys = sorted(i.key for r in world.reviews() for i in r.items)
        world.links[keys[pick % len(keys)]] = some
    elif kind == "defer":  # a create whose answer was lost, and the tracker cannot say
        if world.intents:
            world.intents = []
        else:
            keys = sorted(i.key for r in world.reviews() for i in r.items)
            world.intents = [intent(keys[pick % len(keys)], Lookup.UNKNOWN)]
    elif kind == "unlink" and world.links:
        world.links.pop(sorted(world.links)[pick % len(world.links)])
    elif kind == "day":
        return 1 + pick
    return 0


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(worlds(), _CHANGES)
def test_planning_again_from_the_last_pass_is_planning_afresh(
    world: World, changes: list[tuple[str, int]]
) -> None:
    service, today = Service(), TODAY
    for kind, pick in [("nothing", 0), *changes, ("nothing", 0)]:
        expected_reports, expected = fresh(world, today)
        reports, plan = service.plan(world, today)
        assert reports == expected_reports
        assert plan.steps == expected.steps
        assert _reported(plan) == _reported(expected)
        today += timedelta(days=_change(world, kind, pick, expected))


def test_an_idle_pass_reuses_every_review_and_a_changed_ticket_replans_only_its_own() -> None:
    items = ["- [ ] Add an alert on the queue. Owner: @priya. Due: 2026-06-01"]
    world = _world([items, items], ["2026-06-01", "2026-06-01"])
    for number, review in enumerate(world.reviews(), start=1):
        (item,) = review.items
        world.tickets[str(number)] = ticket(number, marker=item.key, title=item.description)
        world.links[item.key] = str(number)
    service = Service()
    _, first = service.plan(world, TODAY)
    assert len([s for s in first.steps if isinstance(s, SetLabel)]) == 2  # overdue, both
    world.apply(first)
    service.plan(world, TODAY)
    judged, marked, synced = service.judged, service.again.marked, service.again.synced
    assert judged is not None and marked is not None and synced is not None
    _, idle = service.plan(world, TODAY)  # nothing changed
    assert idle.steps == fresh(world, TODAY)[1].steps
    assert not [s for s in idle.steps if isinstance(s, SetLabel | EditReview)]
    assert service.judged is not None
    assert service.again.marked is not None and service.again.synced is not None
    assert all(a is b for a, b in zip(service.judged.reviews, judged.reviews, strict=True))
    assert len(service.again.marked.reviews) == len(service.again.synced.reviews) == 2
    assert all(service.again.marked.reviews[p] is marked.reviews[p] for p in marked.reviews)
    assert all(service.again.synced.reviews[p] is synced.reviews[p] for p in synced.reviews)
    # A person closes the first ticket: only its review is judged and planned again.
    judged = service.judged
    world.tickets["1"] = dataclasses.replace(world.tickets["1"], status=Status.DONE)
    _, plan = service.plan(world, TODAY)
    assert service.judged.reviews[0] is not judged.reviews[0]
    assert service.judged.reviews[1] is judged.reviews[1]
    assert service.judged.reviews[0].reports[0].status is Status.DONE
    assert plan.steps == fresh(world, TODAY)[1].steps
    # The next day everything is judged again (flags depend on the day).
    judged = service.judged
    service.plan(world, TODAY + timedelta(days=1))
    assert not any(a is b for a, b in zip(service.judged.reviews, judged.reviews, strict=True))


def test_an_edited_review_is_planned_again_though_no_ticket_changed() -> None:
    items = ["- [ ] Add an alert on the queue. Owner: @sam. Due: 2026-06-20"]
    world = _world([items], ["2026-06-01"])
    (item,) = world.reviews()[0].items
    world.tickets["1"] = ticket(1, marker=item.key, title=item.description)
    world.links[item.key] = "1"
    service = Service()
    for _ in range(2):
        _, plan = service.plan(world, TODAY)
        world.apply(plan)
    (path,) = world.texts
    world.texts[path] = world.texts[path].replace("Due: 2026-06-20", "Due: 2026-05-02")
    _, plan = service.plan(world, TODAY)  # the item is overdue now: label, reminder, mark
    assert plan.steps == fresh(world, TODAY)[1].steps
    assert {type(s) for s in plan.steps} >= {SetLabel, Comment, EditReview}


def test_a_reminder_whose_answer_was_lost_is_planned_again_from_its_episode() -> None:
    items = ["- [ ] Add an alert on the queue. Owner: @sam. Due: 2026-06-01"]
    world = _world([items], ["2026-06-01"])
    (item,) = world.reviews()[0].items
    world.tickets["1"] = ticket(1, marker=item.key, title=item.description)
    world.links[item.key] = "1"
    service = Service()
    _, plan = service.plan(world, TODAY)
    (comment,) = [s for s in plan.steps if isinstance(s, Comment)]
    assert comment.new_episode
    # The writer posted it but lost the answer; the look-up does not find it: sent again,
    # in the episode already started (not as a new one).
    world.episodes[(item.key, "overdue")] = Episode(item.key, "overdue", TODAY, False, NOW)
    world.confirmed[(item.key, "overdue")] = Lookup.ABSENT
    _, plan = service.plan(world, TODAY)
    assert plan.steps == fresh(world, TODAY)[1].steps
    (comment,) = [s for s in plan.steps if isinstance(s, Comment)]
    assert not comment.new_episode


def test_a_ticket_another_review_starts_linking_gets_nothing_from_either() -> None:
    first = ["- [ ] Add an alert on the queue. Owner: @sam. Due: 2026-06-01"]
    second = ["- [ ] Page the owner of the queue. Owner: @ana. Due: 2026-07-01"]
    world = _world([first, second], ["2026-06-01", "2026-06-01"])
    (item,) = world.reviews()[0].items
    world.tickets["1"] = ticket(1, marker=item.key, title="an old title")
    world.links[item.key] = "1"
    world.episodes[(item.key, "overdue")] = Episode(item.key, "overdue", TODAY, True)
    service = Service()
    for _ in range(2):  # the title update waits (say the tracker refuses it): the same steps
        _, plan = service.plan(world, TODAY)
    assert [s for s in plan.steps if isinstance(s, UpdateTicket)]
    (other,) = world.reviews()[1].items
    world.links[other.key] = "1"  # the second review's item now names the same ticket
    _, plan = service.plan(world, TODAY)
    assert plan.steps == fresh(world, TODAY)[1].steps
    assert not [s for s in plan.steps if isinstance(s, UpdateTicket | SetLabel)]


def test_a_finished_item_whose_create_cannot_be_confirmed_is_reported_as_deferred() -> None:
    items = ["- [x] Add an alert on the queue. Owner: @sam. Due: 2026-07-01"]
    world = _world([items], ["2026-06-01"])
    (item,) = world.reviews()[0].items
    service = Service()
    for _ in range(2):
        _, plan = service.plan(world, TODAY)
    assert plan.tickets is not None and plan.tickets.deferred == ()
    world.intents = [intent(item.key, Lookup.UNKNOWN)]
    _, plan = service.plan(world, TODAY)
    assert plan.tickets is not None and plan.tickets.deferred == (item.key,)
