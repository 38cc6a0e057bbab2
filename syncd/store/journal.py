"""The journal half of the state store: creation intents (DESIGN §5 exactly-once creation),
mark episodes (one reminder per overdue episode); the digest ledger is in ledger.py. Store
(database.py) inherits these; they only need its `_read` / `_write` transactions."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from syncd.store import schema as t
from syncd.store.ledger import DigestLedger, aware, now

__all__ = ["Journal", "aware", "now"]
from syncd.store.schema import Episode, Intent


class Journal(DigestLedger):
    """Intents, episodes and digests; every method runs in one transaction of its own."""

    # --- creation intents (DESIGN §5 exactly-once creation) --------------------------------

    def add_intent(
        self, item_key: str, tracker: str, review: str, *, at: datetime | None = None
    ) -> Intent:
        """Journal that a ticket is about to be created; returns the open intent if one exists."""
        row = {
            "item_key": item_key,
            "tracker": tracker,
            "review": review,
            "state": "open",
            "created_at": aware(at) if at else now(),
            "attempts": 0,
        }
        with self._write() as conn:
            t.insert_new(conn, t.intents, row)  # the partial unique index keeps one open
            found = conn.execute(_OPEN_INTENTS.where(t.intents.c.item_key == item_key))
            return Intent(*found.one())

    def open_intents(self, tracker: str | None = None) -> list[Intent]:
        """Intents not yet resolved, oldest first: to be looked up by marker before retrying."""
        query = _OPEN_INTENTS
        if tracker is not None:
            query = query.where(t.intents.c.tracker == tracker)
        with self._read() as conn:
            return [Intent(*r) for r in conn.execute(query)]

    def mark_intent_attempt(self, item_key: str, at: datetime) -> None:
        """Count a create attempt. LookupError without an open intent: journal before creating."""
        c = t.intents.c
        with self._write() as conn:
            done = conn.execute(
                sa.update(t.intents)
                .where(c.item_key == item_key, c.state == "open")
                .values(attempts=c.attempts + 1, last_attempt_at=aware(at))
            )
        if done.rowcount == 0:
            raise LookupError(f"no open creation intent for {item_key}")

    def intent_attempt_ended(self, item_key: str, at: datetime) -> None:
        """A create attempt got no answer: the tracker may have created the ticket up to
        `at`, so a lagging search is waited out from then (the attempt is counted already)."""
        c = t.intents.c
        with self._write() as conn:
            conn.execute(
                sa.update(t.intents)
                .where(c.item_key == item_key, c.state == "open")
                .values(last_attempt_at=aware(at))
            )

    def resolve_intent(
        self, item_key: str, ticket_id: str | None, *, at: datetime | None = None
    ) -> None:
        """Close the open intent: its ticket was found or created, or (None) it was abandoned."""
        c = t.intents.c
        with self._write() as conn:
            conn.execute(
                sa.update(t.intents)
                .where(c.item_key == item_key, c.state == "open")
                .values(
                    state="created" if ticket_id is not None else "abandoned",
                    ticket_id=ticket_id,
                    resolved_at=aware(at) if at else now(),
                )
            )

    # --- mark episodes ---------------------------------------------------------------------

    def episodes(self) -> dict[tuple[str, str], Episode]:
        """Every running episode by (item key, kind): one query, not one per item."""
        with self._read() as conn:
            rows = conn.execute(sa.select(*t.columns(t.episodes, Episode))).all()
        return {(row[0], row[1]): Episode(*row) for row in rows}

    def episode(self, item_key: str, kind: str) -> Episode | None:
        c = t.episodes.c
        query = sa.select(*t.columns(t.episodes, Episode))
        with self._read() as conn:
            row = conn.execute(query.where(c.item_key == item_key, c.kind == kind)).first()
        return None if row is None else Episode(*row)

    def start_episode(self, item_key: str, kind: str, started_on: date) -> None:
        """Start an episode; an episode already running is kept as it is."""
        row = {"item_key": item_key, "kind": kind, "started_on": started_on, "commented": False}
        with self._write() as conn:
            t.insert_new(conn, t.episodes, row)

    def mark_episode_attempt(self, item_key: str, kind: str, at: datetime) -> None:
        """Remember the reminder is being sent now: if its answer is lost, the next pass looks
        for it on the ticket before sending again. LookupError if no episode is running."""
        self._update_episode(item_key, kind, attempted_at=aware(at))

    def mark_episode_commented(self, item_key: str, kind: str) -> None:
        """Remember the episode's reminder was sent. LookupError if no episode is running."""
        self._update_episode(item_key, kind, commented=True)

    def _update_episode(self, item_key: str, kind: str, **values: object) -> None:
        c = t.episodes.c
        with self._write() as conn:
            done = conn.execute(
                sa.update(t.episodes).where(c.item_key == item_key, c.kind == kind).values(values)
            )
        if done.rowcount == 0:
            raise LookupError(f"no {kind} episode running for {item_key}")

    def end_episode(self, item_key: str, kind: str) -> None:
        c = t.episodes.c
        with self._write() as conn:
            conn.execute(sa.delete(t.episodes).where(c.item_key == item_key, c.kind == kind))


_OPEN_INTENTS = (
    sa.select(*t.columns(t.intents, Intent))
    .where(t.intents.c.state == "open")
    .order_by(t.intents.c.created_at, t.intents.c.id)
)
