"""An in-memory world for testing the planner directly: reviews as text, tickets as values.

`World.gather()` builds what the gather phase would hand the planner; `World.apply(plan)`
carries out the plan's steps on the values (review edits through the real pure editor), so a
test can plan, apply and plan again without HTTP or files.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from syncd.engine.gather.reviews import GatheredReviews
from syncd.engine.gather.tickets import GatheredTickets, IntentFact, Lookup, TrackerFacts
from syncd.engine.judge import Progress, Rules, judge_all
from syncd.engine.plan.pass_plan import Plan, Settings, plan_pass
from syncd.engine.plan.reviews import linked_marks
from syncd.engine.plan.steps import (
    Comment,
    ConfirmReminder,
    CreateTicket,
    EditReview,
    EndEpisode,
    LinkFound,
    SetLabel,
    UpdateTicket,
)
from syncd.engine.plan.tickets import TrackerPolicy
from syncd.model import ItemReport, Review, Status
from syncd.records.edit import ItemEdit, apply_edits
from syncd.records.parse import ParseOptions, parse_text
from syncd.store.schema import Episode, Intent, Link
from syncd.trackers.protocol import CloseAs, TicketState

NOW = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
RULES = Rules(follow_up_days=30, due_soon_days=7, due_defaults={"SEV-2": 30})
GH = "gh"


def ticket(number: int, **fields: object) -> TicketState:
    values: dict[str, object] = {
        "tracker": GH,
        "id": str(number),
        "project": "acme/ops",
        "key": f"acme/ops#{number}",
        "url": f"https://github.test/acme/ops/issues/{number}",
        "status": Status.OPEN,
        "updated": NOW,
        "title": "",
        "labels": frozenset({"postmortem"}),
    }
    values.update(fields)
    return TicketState(**values)  # type: ignore[arg-type]


def settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "write_back": True,
        "policies": {GH: TrackerPolicy(supports_due=False)},
        "search_lag": {GH: 0.0},
        "assignees": {},
        "review_url": None,
        "close_orphans": False,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@dataclass
class World:
    texts: dict[str, str]  # review path → Markdown
    tickets: dict[str, TicketState] = field(default_factory=dict)  # id → state
    stored: dict[str, TicketState] | None = None  # what the store had; default: `tickets`
    links: dict[str, str] = field(default_factory=dict)  # item key → ticket id
    stored_links: dict[str, Link] = field(default_factory=dict)
    episodes: dict[tuple[str, str], Episode] = field(default_factory=dict)
    intents: list[IntentFact] = field(default_factory=list)
    confirmed: dict[tuple[str, str], Lookup] = field(default_factory=dict)
    ok: bool = True
    tracked: bool = True  # False: records-only mode
    next_id: int = 100

    def reviews(self) -> tuple[Review, ...]:
        return tuple(parse_text(t, p, ParseOptions()) for p, t in sorted(self.texts.items()))

    def gather(
        self, reviews: tuple[Review, ...] | None = None, today: date = TODAY
    ) -> tuple[GatheredReviews, GatheredTickets | None, list[ItemReport]]:
        """What the gather phase would hand the planner (`reviews`: as already parsed)."""
        reviews = self.reviews() if reviews is None else reviews
        gathered = GatheredReviews(reviews, (), (), (), (), len(reviews), 0)
        if not self.tracked:
            return gathered, None, judge_all(reviews, today, RULES)
        stored = dict(self.tickets if self.stored is None else self.stored)
        facts = TrackerFacts(GH, ok=self.ok, states=dict(self.tickets), stored=stored)
        keys = {i.key for r in reviews if not r.draft for i in r.items}
        links = {k: (GH, tid) for k, tid in self.links.items() if k in keys}
        tickets = GatheredTickets(
            facts={GH: facts},
            routes={k: GH for k in keys},
            problems=(),
            stored_links=dict(self.stored_links),
            links=links,
            intents=tuple(self.intents),
            episodes=dict(self.episodes),
            confirmed=dict(self.confirmed),
        )
        progress = {  # as run_pass judges: a deleted ticket's item goes by its review
            k: Progress(s.status, s.reason, s.url)
            for k, (_, tid) in links.items()
            if (s := self.tickets.get(tid)) is not None and not s.deleted
        }
        return gathered, tickets, judge_all(reviews, today, RULES, progress)

    def plan(self, **overrides: object) -> Plan:
        gathered, tickets, reports = self.gather()
        return plan_pass(gathered, tickets, reports, settings(**overrides), TODAY, NOW)

    def apply(self, plan: Plan) -> None:
        """Carry the plan out on the values, as the writer would with every write succeeding."""
        created: dict[str, TicketState] = {}
        for step in plan.steps:
            if isinstance(step, CreateTicket):
                state = ticket(
                    self.next_id,
                    title=step.draft.title,
                    labels=frozenset(step.draft.labels),
                    marker=step.item_key,
                    assignees=step.draft.assignees,
                    due=step.draft.due,
                )
                self.next_id += 1
                self.tickets[state.id] = created[step.item_key] = state
                self.links[step.item_key] = state.id
            elif isinstance(step, UpdateTicket):
                self.tickets[step.ticket_id] = _updated(self.tickets[step.ticket_id], step)
            elif isinstance(step, SetLabel):
                old = self.tickets[step.ticket_id]
                labels = old.labels | {step.label} if step.present else old.labels - {step.label}
                self.tickets[step.ticket_id] = dataclasses.replace(old, labels=labels)
            elif isinstance(step, Comment):
                self.episodes[(step.item_key, step.episode)] = Episode(
                    step.item_key, step.episode, step.started_on, True
                )
            elif isinstance(step, LinkFound):
                self.links[step.item_key] = step.ticket_id
                self.intents = [i for i in self.intents if i.intent.item_key != step.item_key]
            elif isinstance(step, ConfirmReminder):
                old_episode = self.episodes[(step.item_key, step.episode)]
                self.episodes[(step.item_key, step.episode)] = dataclasses.replace(
                    old_episode, commented=True
                )
                self.confirmed.pop((step.item_key, step.episode), None)
            elif isinstance(step, EndEpisode):
                del self.episodes[(step.item_key, step.episode)]
            elif isinstance(step, EditReview):
                self._edit(step, created)

    def _edit(self, step: EditReview, created: dict[str, TicketState]) -> None:
        edits = []
        for mark in step.marks:
            state = created.get(mark.item.key)
            if mark.created is not None and state is not None:
                suffix, checked = linked_marks(mark.created, state)
                edits.append(ItemEdit(mark.item, suffix, checked))
            else:
                edits.append(ItemEdit(mark.item, mark.suffix, mark.checked))
        text, problems = apply_edits(self.texts[step.review.path], edits)
        assert not problems, problems
        self.texts[step.review.path] = text


def _updated(state: TicketState, step: UpdateTicket) -> TicketState:
    change = step.change
    if change.close is CloseAs.NOT_PLANNED:
        return dataclasses.replace(state, status=Status.DEPRIORITIZED, closed_on=TODAY)
    return dataclasses.replace(
        state,
        title=change.title if change.title is not None else state.title,
        assignees=change.assignees if change.assignees is not None else state.assignees,
        due=change.due if change.due is not None else state.due,
    )


def intent(
    key: str, lookup: Lookup, state: TicketState | None = None, **at: datetime
) -> IntentFact:
    created = at.get("created_at", NOW)
    return IntentFact(
        Intent(key, GH, "reviews/r.md", created, 1, at.get("last_attempt_at", created), None),
        lookup,
        state,
    )


def day(text: str) -> date:
    return date.fromisoformat(text)
