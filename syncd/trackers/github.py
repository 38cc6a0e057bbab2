"""GitHub adapter (PyGithub): config model, adapter, pure mapping functions."""

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
    min_write_interval: float = Field(
        default=1.0, ge=0, description="Seconds between writes (GitHub's secondary limits)."
    )
