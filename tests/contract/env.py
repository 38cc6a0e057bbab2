"""What the contract suite needs from each tracker: an adapter on a fresh fake, and levers.

Each adapter's test module provides a `make_<kind>_env()` returning a ContractEnv; the
shared suite in test_contract.py runs the same tests against every one of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr

from syncd.model import Status
from syncd.trackers.protocol import Tracker
from tests.fakes.base import FakeServer


@dataclass
class ContractEnv:
    """A started fake plus an adapter pointed at it, and functions that act as a person would."""

    kind: str
    fake: FakeServer
    tracker: Tracker
    # Change a ticket behind syncd's back, as a person in the tracker UI would:
    set_status: Callable[[str, Status, str | None], None]  # (ticket id, status, reason/comment)
    add_label: Callable[[str, str], None]  # (ticket id, label)
    ticket_count: Callable[[], int]  # tickets in the project, all states
    new_tracker: Callable[..., Tracker]  # another adapter (after a restart); config overrides
    # and `pacer=` as keyword arguments
    seed: Callable[[int], list[str]] = field(default=lambda n: [])  # n tickets made by a person
    body: Callable[[str], str] = field(default=lambda i: "")  # a ticket's raw body/description
    comments: Callable[[str], list[str]] = field(default=lambda i: [])  # raw comment bodies
    delete: Callable[[str], None] = field(default=lambda i: None)  # as an administrator would
    move: Callable[[str], str] = field(default=lambda i: "")  # to another project: its new key
    # What would act in this tracker's markup if it reached a body or comment verbatim
    # (tests.contract.test_contract.HOSTILE holds each of them).
    live: tuple[str, ...] = ()


def fast_settings(
    token: str, fields: Mapping[str, Any], overrides: Mapping[str, Any]
) -> dict[str, Any]:
    """Config fields for an adapter on a fake, with tiny waits so fault tests stay fast.

    `fields` (the kind's own settings), then a test's `overrides`, win over these defaults.
    """
    return {
        "token": SecretStr(token),
        "timeout": 1.0,
        "max_wait": 0.5,
        "min_write_interval": 0.0,
        **fields,
        **overrides,
    }
