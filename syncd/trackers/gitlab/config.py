"""GitLab tracker settings: the config model, importable without the client library."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from syncd.trackers.settings import TrackerConfigBase

if TYPE_CHECKING:
    from syncd.config.routing import OwnerEntry


class GitLabConfig(TrackerConfigBase):
    """A GitLab.com or self-managed GitLab project."""

    kind: Literal["gitlab"] = "gitlab"
    url: str = Field(default="https://gitlab.com", description="GitLab instance URL.")
    project: str = Field(description="Project path (group/sub/project) or numeric id.")
    in_progress_labels: tuple[str, ...] = Field(
        default=("doing", "workflow::in progress"),
        description="Labels meaning the item is being worked on.",
    )
    wont_do_labels: tuple[str, ...] = Field(
        default=("won't do", "wontfix"),
        description=(
            "Labels on a closed issue meaning it was deprioritized (GitLab REST has no close"
            " reason); the first is added when syncd closes an issue as not planned."
        ),
    )

    def user_for(self, entry: OwnerEntry) -> str | None:
        """The `gitlab:` identity of an `owners:` entry."""
        return entry.gitlab
