"""How PostgreSQL and syncd notice that the other end is gone: TCP keepalives on both ends.

A syncd that crashes closes its sockets and the server frees its locks at once. A lost host or
a network partition is noticed on an idle connection only by TCP keepalive, which Linux starts
after two hours by default (deploy-and-ha.md §8.2) — and until then the server keeps the dead
session's locks: the pass lock, the leader's lock. So every connection syncd opens to
PostgreSQL asks the server to probe it sooner (per-session settings any user may change, sent
with SET so they also pass a session-mode pooler, which refuses startup `options`) and probes
the server itself (libpq conninfo keys; a key already in the store's URL wins).

The server then drops a peer it has not heard from for about 30 s: idle 10 s, a probe every
5 s, and `tcp_user_timeout` 30 s, which also bounds data it sent that was never acknowledged
(Linux lets the user timeout replace the probe count once set: 10 + 4 × 5 s). 25 s is the
earliest: `SERVER_DETECTION_SECONDS`, the bound a leader's lease must stay under.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Server side: when PostgreSQL frees the locks of a client that went silent.
SERVER_SETTINGS = (
    ("tcp_keepalives_idle", "10"),
    ("tcp_keepalives_interval", "5"),
    ("tcp_keepalives_count", "3"),
    ("tcp_user_timeout", "30000"),
)
SERVER_DETECTION_SECONDS = 25

# Client side, store pool: a pass does not hang for hours on a server that vanished, but a
# slow network is not mistaken for a dead one (about a minute).
POOL_KEEPALIVES: Mapping[str, int] = {
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
    "tcp_user_timeout": 60000,
}

# Client side, the leader's lock connection: a check stuck on a dead network errors out within
# 5-9 s. (It cannot keep a replica leader meanwhile: the lease is counted by the clock.)
LOCK_KEEPALIVES: Mapping[str, int] = {
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 2,
    "tcp_user_timeout": 5000,
    "connect_timeout": 5,
}


def set_server_keepalives_sql() -> str:
    """One statement that sets `SERVER_SETTINGS` for this session."""
    return "; ".join(f"SET {name} = {value}" for name, value in SERVER_SETTINGS)


def with_defaults(given: Mapping[str, Any], defaults: Mapping[str, int]) -> dict[str, Any]:
    """`defaults` for the keys `given` (the URL's own connect arguments) does not set."""
    return {key: value for key, value in defaults.items() if key not in given}
