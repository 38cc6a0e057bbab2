"""GitHub tracker settings: the config model, importable without the client library."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from syncd.trackers.base import TrackerConfigBase


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
