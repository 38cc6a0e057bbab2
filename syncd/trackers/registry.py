"""The explicit registry of tracker kinds: kind → (config model, adapter class). STYLE 4:
no scanning, no plugins; mypy checks each adapter against the Tracker protocol here.

Config models load eagerly (config validation needs them); an adapter module, and with it its
client library (PyGithub, python-gitlab, jira: ~0.5 s of imports together), loads only when a
tracker of that kind is built, so records-only passes and `syncd lint` never pay for them.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from syncd.trackers.github.config import GitHubConfig
from syncd.trackers.gitlab.config import GitLabConfig
from syncd.trackers.jira.config import JiraConfig
from syncd.trackers.protocol import Tracker

TrackerConfig = Annotated[GitHubConfig | GitLabConfig | JiraConfig, Field(discriminator="kind")]


def build_tracker(name: str, config: GitHubConfig | GitLabConfig | JiraConfig) -> Tracker:
    """The adapter for one configured tracker (no request is made here)."""
    if isinstance(config, GitHubConfig):
        from syncd.trackers.github.adapter import GitHubTracker

        return GitHubTracker(name, config)
    if isinstance(config, GitLabConfig):
        from syncd.trackers.gitlab.adapter import GitLabTracker

        return GitLabTracker(name, config)
    from syncd.trackers.jira.adapter import JiraTracker

    return JiraTracker(name, config)
