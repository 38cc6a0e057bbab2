"""Config models of `digests:`: digests keyed by name, each with a schedule, a filter and
its channels (DESIGN §6, §8). Plugged into `Config.digests`; errors come out with file and
line like every other key."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from syncd.channels.config import ChannelEntry, EmailChannel
from syncd.config.values import Duration, Strings, parse_duration
from syncd.digest.period import validate_schedule

if TYPE_CHECKING:
    from syncd.digest.model import Selection

_FROZEN = ConfigDict(extra="forbid", frozen=True)
DEFAULT_SCHEDULE = "0 9 * * MON"

Loc = tuple[str | int, ...]


class DigestFilter(BaseModel):
    """Which items a digest shows; every key given must match, any value within a key."""

    model_config = _FROZEN

    teams: Strings = Field(default=(), description="Reviews whose `team` is one of these.")
    services: Strings = Field(default=(), description="Reviews naming any of these services.")
    owners: Strings = Field(default=(), description="Items owned by any of these people.")
    trackers: Strings = Field(default=(), description="Items routed to any of these trackers.")

    def selection(self) -> Selection:
        # Imported here: every command loads the config, few build a digest (the digest's
        # dataclasses cost ~10 ms of start-up).
        from syncd.digest.model import Selection

        return Selection(self.teams, self.services, self.owners, self.trackers)


class DigestSpec(BaseModel):
    """One digest: when it goes out, what it shows, where it goes."""

    model_config = _FROZEN

    schedule: str = Field(
        default=DEFAULT_SCHEDULE,
        description="Cron schedule (minute hour day month weekday) in `timezone`.",
    )
    title: str | None = Field(default=None, description="Heading; default `Open actions: <name>`.")
    filter: DigestFilter = Field(default_factory=DigestFilter, description="Which items it shows.")
    channels: tuple[ChannelEntry, ...] = Field(
        default=(), description="Where it goes; each entry is `- kind: {…}`."
    )
    per_owner: bool = Field(
        default=False,
        description="Also email each owner a digest of only their own items (address from "
        "`owners.<person>.email`, SMTP settings from this digest's email channel).",
    )
    grace: Duration = Field(
        default="24h",
        description="How long after a fire time a missed digest is still sent (catch-up).",
    )
    window_days: int = Field(
        default=90, ge=7, description="Days of due dates the completion rate and themes look at."
    )
    max_items: int = Field(
        default=10,
        ge=1,
        description="Items listed per section and owner before `and N more`.",
    )
    more_url: str | None = Field(
        default=None,
        description="Where `and N more` links to (a saved tracker search, a dashboard).",
    )

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str) -> str:
        if len(value.split()) != 5:
            raise ValueError(
                f"`{value}` is not a cron schedule; give five fields: minute hour day month "
                "weekday, e.g. `0 9 * * MON`"
            )
        validate_schedule(value, UTC)
        return value

    @model_validator(mode="after")
    def _per_owner_needs_email(self) -> DigestSpec:
        if self.per_owner and self.email is None:
            raise ValueError(
                "`per_owner: true` needs an `- email: {…}` channel for its SMTP settings"
            )
        return self

    @property
    def email(self) -> EmailChannel | None:
        """The first email channel (per-owner digests use its server settings)."""
        for entry in self.channels:
            if entry.email is not None:
                return entry.email
        return None

    @property
    def grace_seconds(self) -> int:
        return parse_duration(self.grace)

    def heading(self, name: str) -> str:
        if self.title:
            return self.title
        return "Open actions" if name == "digest" else f"Open actions: {name}"


def digest_reference_problems(
    data: Mapping[str, object], tracker_names: Iterable[str]
) -> list[tuple[Loc, str]]:
    """`tracker_issue` channels and `filter.trackers` naming no configured tracker (raw data,
    so they are reported together with every other problem)."""
    names = set(tracker_names)
    digests = data.get("digests")
    found: list[tuple[Loc, str]] = []
    if not isinstance(digests, dict):
        return found
    for name, spec in digests.items():
        if not isinstance(spec, dict):
            continue
        channels = spec.get("channels")
        for index, entry in enumerate(channels if isinstance(channels, list) else []):
            issue = entry.get("tracker_issue") if isinstance(entry, dict) else None
            tracker = issue.get("tracker") if isinstance(issue, dict) else None
            if isinstance(tracker, str) and tracker not in names:
                loc: Loc = ("digests", name, "channels", index, "tracker_issue", "tracker")
                found.append((loc, _unknown(tracker, names)))
        flt = spec.get("filter")
        wanted = flt.get("trackers") if isinstance(flt, dict) else None
        for tracker in [wanted] if isinstance(wanted, str) else wanted or []:
            if isinstance(tracker, str) and tracker not in names:
                found.append((("digests", name, "filter", "trackers"), _unknown(tracker, names)))
    return found


def _unknown(tracker: str, names: set[str]) -> str:
    if not names:
        return f"names tracker `{tracker}`, but no trackers are configured"
    configured = ", ".join(sorted(names))
    return f"names tracker `{tracker}`, which is not configured (configured: {configured})"
