"""What a long-running caller keeps between passes, so an input that did not change is not
read and decoded again (DESIGN §1 principle 5: cost grows with changes, not with items).

The service owns one PassMemo and hands it to every pass; a cron command passes none. It holds
the last pass's values only — each entry is replaced or dropped every pass, so it is bounded by
the corpus and never grows from pass to pass. A store table is reused only while the store's
version token for it is the one the memo saw (`Store.versions`): a cron `syncd check` writing
beside the service invalidates it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

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
