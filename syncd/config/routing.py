"""The tracker side of syncd.yaml: routing of reviews to trackers, sync timing and policy,
and the owners directory (DESIGN §5, §8). Split from syncd.config.models, which assembles them."""

from __future__ import annotations

import difflib
import string
from collections.abc import Collection, Iterable
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from syncd.config.values import (
    Duration,
    SeverityName,
    Strings,
    Username,
    one_or_many,
    parse_duration,
)

Loc = tuple[str | int, ...]

_FROZEN = ConfigDict(extra="forbid", frozen=True)
_REVIEW_URL_FIELDS = ("path", "line", "review_id", "title")


class RouteRule(BaseModel):
    """Send a review's items to `tracker` when its front matter matches every given field."""

    model_config = _FROZEN

    tracker: str = Field(description="Name of a configured tracker.")
    team: str | None = Field(default=None, description="Match front matter `team`.")
    services: Strings = Field(
        default=(), description="Match when the review names any of these services."
    )
    severity: Annotated[
        tuple[SeverityName, ...],
        BeforeValidator(one_or_many, json_schema_input_type=str | list[str]),
    ] = Field(default=(), description="Match any of these severities (SEV-1, sev2, …).")


class RoutingConfig(BaseModel):
    """Which tracker gets a review's items; front matter `tracker:` overrides."""

    model_config = _FROZEN

    default: str | None = Field(default=None, description="Tracker for reviews no rule matches.")
    rules: tuple[RouteRule, ...] = Field(
        default=(), description="Checked in order; first match wins."
    )


class SyncConfig(BaseModel):
    """How often and how syncd syncs."""

    model_config = _FROZEN

    interval: Duration = Field(default="15m", description="Time between incremental passes.")
    full_every: Duration = Field(default="24h", description="Time between full reconciliations.")
    on_removed: Literal["report", "close"] = Field(
        default="report",
        description="An item left its review while its ticket is open: report it, or close the "
        "ticket as not planned.",
    )
    review_url: str | None = Field(
        default=None,
        description="Link from a ticket back to the review; fields {path} {line} {review_id} "
        "{title}.",
    )
    delivery: Literal["working_tree"] = Field(
        default="working_tree", description="How review edits are delivered."
    )

    @field_validator("review_url")
    @classmethod
    def _known_fields(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            fields = [name for _, name, _, _ in string.Formatter().parse(value) if name is not None]
        except ValueError as exc:
            raise ValueError(
                f"not a valid template ({exc}); write `{{{{` for a literal `{{`"
            ) from None
        for name in fields:
            if name not in _REVIEW_URL_FIELDS:
                allowed = ", ".join(f"{{{f}}}" for f in _REVIEW_URL_FIELDS)
                raise ValueError(f"unknown field `{{{name}}}`; allowed: {allowed}")
        return value

    @property
    def interval_seconds(self) -> int:
        """`interval` in seconds."""
        return parse_duration(self.interval)

    @property
    def full_every_seconds(self) -> int:
        """`full_every` in seconds."""
        return parse_duration(self.full_every)


class OwnerEntry(BaseModel):
    """One person's identities in the trackers and for the digest."""

    model_config = _FROZEN

    github: Username = Field(default=None, description="GitHub login (without @).")
    gitlab: Username = Field(default=None, description="GitLab username (without @).")
    jira: str | None = Field(
        default=None, description="Jira Cloud account id, or Data Center username."
    )
    email: str | None = Field(default=None, description="Email address for the digest.")
    name: str | None = Field(default=None, description="Display name.")


def reference_problems(
    tracker_names: Collection[str], default: object, rule_trackers: Iterable[object]
) -> tuple[tuple[Loc, str], ...]:
    """Routing entries that name no configured tracker, as (key path, message)."""
    names = sorted(tracker_names)

    def unknown(name: str) -> str:
        if not names:
            return f"names tracker `{name}`, but no trackers are configured"
        close = difflib.get_close_matches(name, names, n=1)
        hint = f"did you mean `{close[0]}`?" if close else f"configured: {', '.join(names)}"
        return f"names tracker `{name}`, which is not configured ({hint})"

    found: list[tuple[Loc, str]] = []
    if isinstance(default, str) and default not in tracker_names:
        found.append((("routing", "default"), unknown(default)))
    for index, tracker in enumerate(rule_trackers):
        if isinstance(tracker, str) and tracker not in tracker_names:
            found.append((("routing", "rules", index, "tracker"), unknown(tracker)))
    return tuple(found)
