"""The explicit registry of tracker kinds: kind → (config model, adapter class)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from syncd.trackers.github import GitHubConfig
from syncd.trackers.gitlab import GitLabConfig
from syncd.trackers.jira import JiraConfig

TrackerConfig = Annotated[GitHubConfig | GitLabConfig | JiraConfig, Field(discriminator="kind")]


def build_tracker(name: str, config: GitHubConfig | GitLabConfig | JiraConfig) -> Tracker:
    """The adapter for one configured tracker (no request is made here)."""
    return TRACKERS[config.kind](name, config)  # type: ignore[arg-type]
