"""What every channel shares: the message handed to it, its errors, how it is named."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from syncd.channels.config import (
    Channel,
    ChannelEntry,
    EmailChannel,
    FileChannel,
    SlackChannel,
    TeamsChannel,
    TrackerIssueChannel,
    WebhookChannel,
)

if TYPE_CHECKING:
    from syncd.digest.model import Digest
    from syncd.digest.render import Renderer, RenderOptions
    from syncd.trackers.registry import TrackerConfig


class ChannelError(Exception):
    """A send failed. `permanent`: retrying will not help (revoked webhook, bad password);
    the ledger still retries with a longer backoff, as a person may fix it meanwhile. The
    message never contains a secret (no webhook URL, no password)."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        retry_after: float | None = None,
        progress: str | None = None,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after
        self.progress = progress  # kept in the ledger; the retry resumes from it


class ChannelSkipped(Exception):
    """Nothing was sent on purpose (a person closed the digest issue): recorded for the
    period, not retried, reported as skipped with this message."""


@dataclass(frozen=True)
class Outgoing:
    """One digest on its way to one channel."""

    digest: Digest
    renderer: Renderer
    options: RenderOptions
    delivery_id: str  # stable across retries: digest name, period key, channel id
    now: datetime
    base_dir: Path  # relative paths in the channel's config resolve against this
    trackers: Mapping[str, TrackerConfig] = field(default_factory=dict)
    recipients: tuple[str, ...] | None = None  # email: overrides `to` (per-owner digests)
    sleep: Callable[[float], None] | None = None  # pacing between chat messages
    resume: str | None = None  # `progress` of the failed attempt before this one


def parts_sent(resume: str | None) -> int:
    """How many parts of a split chat digest an earlier attempt delivered."""
    if resume and resume.startswith("parts_sent="):
        try:
            return int(resume.removeprefix("parts_sent="))
        except ValueError:
            return 0
    return 0


def channel_id(entry: ChannelEntry) -> str:
    """A stable, secret-free name for a channel in the ledger and in reports: its kind and a
    short hash of what identifies its destination (reordering channels changes nothing)."""
    settings = entry.settings
    return f"{entry.kind}:{_digest(_identity(settings))}"


def _identity(settings: Channel) -> str:
    if isinstance(settings, EmailChannel):
        return "|".join((settings.host, *sorted(a.casefold() for a in settings.to)))
    if isinstance(settings, SlackChannel | TeamsChannel):
        return settings.webhook_url.get_secret_value()
    if isinstance(settings, WebhookChannel):
        return settings.url.get_secret_value()
    if isinstance(settings, FileChannel):
        return f"{settings.path}|{settings.format}"
    assert isinstance(settings, TrackerIssueChannel)
    return settings.tracker


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def describe(entry: ChannelEntry) -> str:
    """What a person reads in a report: never a secret."""
    settings = entry.settings
    if isinstance(settings, EmailChannel):
        return f"email to {', '.join(settings.to)}"
    if isinstance(settings, FileChannel):
        return f"file {settings.path}"
    if isinstance(settings, TrackerIssueChannel):
        return f"tracker issue in {settings.tracker}"
    return f"{entry.kind} webhook"
