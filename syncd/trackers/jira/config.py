"""Jira tracker settings: the config model, importable without the client library."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from syncd.trackers.settings import TrackerConfigBase

if TYPE_CHECKING:
    from syncd.config.routing import OwnerEntry


class JiraConfig(TrackerConfigBase):
    """A Jira Cloud or Data Center project."""

    kind: Literal["jira"] = "jira"
    url: str = Field(pattern=r"^https?://", description="Site URL, e.g. https://acme.atlassian.net")
    deployment: Literal["cloud", "datacenter"] = Field(
        default="cloud",
        description="cloud: email + API token (basic auth); datacenter: personal access token.",
    )
    email: str | None = Field(default=None, description="Account email (Cloud only).")
    project: str = Field(pattern=r"^[A-Z][A-Z0-9_]+$", description="Project key, e.g. OPS.")
    issue_type: str = Field(default="Task", description="Issue type for created tickets.")
    wont_do_resolutions: tuple[str, ...] = Field(
        default=("Won't Do", "Won't Fix", "Declined"),
        description="Resolutions meaning the item was deprioritized.",
    )
    close_transition: str | None = Field(
        default=None,
        description=(
            "Transition name used by `on_removed: close` (default: first to a done status)."
        ),
    )
    wont_do_resolution: str = Field(
        default="Won't Do", description="Resolution set when syncd closes a ticket as not planned."
    )
    duplicate_resolution: str = Field(
        default="Duplicate",
        description="Resolution set when syncd closes a second ticket for one item as a duplicate.",
    )
    search_lag: float = Field(
        default=60.0,
        ge=0,
        description=(
            "Seconds Jira search may lag behind writes; syncd defers creation while unsure."
        ),
    )

    @model_validator(mode="after")
    def _cloud_needs_email(self) -> JiraConfig:
        if self.deployment == "cloud" and not self.email:
            raise ValueError("Jira Cloud needs `email` (with an API token in `token`)")
        return self

    def user_for(self, entry: OwnerEntry) -> str | None:
        """The `jira:` identity of an `owners:` entry."""
        return entry.jira
