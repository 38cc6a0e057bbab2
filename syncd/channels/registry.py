"""The explicit registry of channel kinds (STYLE 4): kind → send function. No scanning."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from syncd.channels.base import Outgoing
from syncd.channels.config import ChannelEntry, ChannelKind


def _email(cfg: Any, out: Outgoing) -> str:
    from syncd.channels.email import send_email

    return send_email(cfg, out)


def _slack(cfg: Any, out: Outgoing) -> str:
    from syncd.channels.chat import send_slack

    return send_slack(cfg, out)


def _teams(cfg: Any, out: Outgoing) -> str:
    from syncd.channels.chat import send_teams

    return send_teams(cfg, out)


def _webhook(cfg: Any, out: Outgoing) -> str:
    from syncd.channels.webhook import send_webhook

    return send_webhook(cfg, out)


def _file(cfg: Any, out: Outgoing) -> str:
    from syncd.channels.file import send_file

    return send_file(cfg, out)


def _tracker_issue(cfg: Any, out: Outgoing) -> str:
    from syncd.channels.tracker_issue import send_tracker_issue

    return send_tracker_issue(cfg, out)


# Imported on use: a digest that only writes a file never loads requests or smtplib.
SENDERS: dict[ChannelKind, Callable[[Any, Outgoing], str]] = {
    "email": _email,
    "slack": _slack,
    "teams": _teams,
    "webhook": _webhook,
    "file": _file,
    "tracker_issue": _tracker_issue,
}


def send(entry: ChannelEntry, out: Outgoing) -> str:
    """Send through one channel; returns what happened in a few words, or raises
    ChannelError (any other exception is a bug and propagates)."""
    return SENDERS[entry.kind](entry.settings, out)
