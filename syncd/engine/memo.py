"""What a long-running caller keeps between passes, so an input that did not change is not
read and decoded again, and a review whose inputs did not change is not judged, linked or
planned again (DESIGN §1 principle 5: cost grows with changes, not with items).

The service owns one PassMemo and hands it to every pass; a cron command passes none. It holds
the last pass's values only — each entry is replaced or dropped every pass, so it is bounded by
the corpus and never grows from pass to pass. A store table is reused only while the store's
version token for it is the one the memo saw (`Store.versions`): a cron `syncd check` writing
beside the service invalidates it. Judged reports (`judge_reviews`), resolved links (below) and
planned steps (`plan/again.py`) are reused only while what they were computed from is the same:
the same objects, or equal copies; they are pure functions' results, so reusing them changes
no answer (tests/unit/test_incremental.py, tests/system/test_memo.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from syncd.engine.judge import JudgedPass, same_objects
from syncd.engine.plan.again import Again
from syncd.model import Problem, Review, Status
from syncd.store.schema import Link
from syncd.trackers.protocol import TicketState

# (size, mtime_ns, fingerprint) of a review file as it was when parsed
FileKey = tuple[int, int, str]


@dataclass
class PassMemo:
    reviews: dict[str, tuple[FileKey, Review, tuple[Problem, ...]]] = field(default_factory=dict)
    tickets: dict[str, tuple[str, dict[str, TicketState]]] = field(default_factory=dict)
    links: tuple[str, dict[str, Link]] | None = None
    statuses: tuple[str, Mapping[str, tuple[Status, str]]] | None = None
    judged: JudgedPass | None = None  # the last pass's reports, by review (judge_reviews)
    again: Again = field(default_factory=Again)  # its planned marks and tracker steps
    resolved: Resolved | None = None  # its links, as resolved (gather_tickets)


@dataclass(frozen=True, slots=True)
class Resolved:
    """The links a pass resolved, and copies of everything they were resolved from: the same
    Review objects (their references), routes, ticket states and stored links resolve to the
    same links (`engine.links.resolve_links` is pure; unchanged states are the same objects,
    so comparing them costs little)."""

    reviews: tuple[Review, ...]
    routes: dict[str, str]
    states: dict[str, dict[str, TicketState]]
    stored: dict[str, Link]
    links: dict[str, tuple[str, str]]

    @classmethod
    def of(
        cls,
        reviews: Sequence[Review],
        routes: Mapping[str, str],
        states: Mapping[str, Mapping[str, TicketState]],
        stored: Mapping[str, Link],
        links: Mapping[str, tuple[str, str]],
    ) -> Resolved:
        copied = {name: dict(known) for name, known in states.items()}
        return cls(tuple(reviews), dict(routes), copied, dict(stored), dict(links))

    def same(
        self,
        reviews: Sequence[Review],
        routes: Mapping[str, str],
        states: Mapping[str, Mapping[str, TicketState]],
        stored: Mapping[str, Link],
    ) -> bool:
        return (
            same_objects(self.reviews, reviews)
            and self.routes == routes
            and self.states == states
            and self.stored == stored
        )
