"""GitHub tracker settings: the config model, importable without the client library."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from syncd.trackers.settings import TrackerConfigBase

if TYPE_CHECKING:
    from syncd.config.routing import OwnerEntry


class GitHubConfig(TrackerConfigBase):
    """A GitHub (or GitHub Enterprise Server) repository."""

    kind: Literal["github"] = "github"
    url: str = Field(
        default="https://api.github.com",
        description="API base URL; GitHub Enterprise Server: https://HOST/api/v3",
    )
    repo: str = Field(pattern=r"^[\w.-]+/[\w.-]+$", description="owner/name of the repository.")
    in_progress_labels: tuple[str, ...] = Field(
        default=("in progress",), description="Labels meaning the item is being worked on."
    )
    wont_do_labels: tuple[str, ...] = Field(
        default=("wontfix",),
        description="Labels that make a closed issue deprioritized whatever its close reason.",
    )
    min_write_interval: float = Field(
        default=1.0, ge=0, description="Seconds between writes (GitHub's secondary limits)."
    )
    # GitHub: "about 80 content-creating requests a minute and 500 an hour", subject to change
    # without notice and shared with everything else the account does (tracker-apis.md §1.3).
    creates_per_minute: int = Field(
        default=60,
        ge=1,
        description="Most issues + comments syncd creates per minute (GitHub's limit: ~80).",
    )
    creates_per_hour: int = Field(
        default=400,
        ge=1,
        description="Most issues + comments syncd creates per hour (GitHub's limit: ~500).",
    )

    def user_for(self, entry: OwnerEntry) -> str | None:
        """The `github:` identity of an `owners:` entry."""
        return entry.github
