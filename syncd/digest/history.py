"""Each item's latest status change, from the store's status history (read once per digest)."""

from __future__ import annotations

from datetime import datetime

from syncd.digest.model import LastChange
from syncd.store.database import Store


def history_since(store: Store, since: datetime) -> dict[str, LastChange]:
    """Item key → its latest transition at or after `since` (older ones do not matter to a
    digest: its period, completion window and trend all start later)."""
    latest: dict[str, LastChange] = {}
    for t in store.transitions(since=since):  # oldest first: the last one wins
        latest[t.key] = LastChange(t.to_status, t.at, t.from_status is not None)
    return latest
