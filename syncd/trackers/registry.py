"""The explicit registry of tracker kinds: kind → (config model, adapter class). STYLE 4:
no scanning, no plugins; mypy checks each adapter against the Tracker protocol here."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from syncd.trackers.github import GitHubConfig, GitHubTracker
from syncd.trackers.gitlab import GitLabConfig, GitLabTracker
from syncd.trackers.jira import JiraConfig, JiraTracker
from syncd.trackers.protocol import Tracker

TrackerConfig = Annotated[GitHubConfig | GitLabConfig | JiraConfig, Field(discriminator="kind")]


def build_tracker(name: str, config: GitHubConfig | GitLabConfig | JiraConfig) -> Tracker:
    """The adapter for one configured tracker (no request is made here)."""
    if isinstance(config, GitHubConfig):
        return GitHubTracker(name, config)
    if isinstance(config, GitLabConfig):
        return GitLabTracker(name, config)
    return JiraTracker(name, config)
