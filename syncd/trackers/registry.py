"""The explicit registry of tracker kinds: kind → (config model, adapter loader). STYLE 4:
no scanning, no plugins, no isinstance chain.

Config models load eagerly (config validation needs them); an adapter module, and with it its
client library (PyGithub, python-gitlab, jira: ~0.5 s of imports together), loads only when a
tracker of that kind is built, so records-only passes and `syncd lint` never pay for them.
Each loader is typed `(name, config) -> Tracker`, so mypy checks every adapter against the
Tracker protocol right here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field

from syncd.trackers.github.config import GitHubConfig
from syncd.trackers.gitlab.config import GitLabConfig
from syncd.trackers.jira.config import JiraConfig
from syncd.trackers.protocol import Tracker
from syncd.trackers.settings import TrackerConfigBase

TrackerConfig = Annotated[GitHubConfig | GitLabConfig | JiraConfig, Field(discriminator="kind")]


def _github(name: str, config: GitHubConfig) -> Tracker:
    from syncd.trackers.github.adapter import GitHubTracker

    return GitHubTracker(name, config)


def _gitlab(name: str, config: GitLabConfig) -> Tracker:
    from syncd.trackers.gitlab.adapter import GitLabTracker

    return GitLabTracker(name, config)


def _jira(name: str, config: JiraConfig) -> Tracker:
    from syncd.trackers.jira.adapter import JiraTracker

    return JiraTracker(name, config)


@dataclass(frozen=True, slots=True)
class TrackerKind:
    """One kind of tracker: its config model and how to build its adapter (lazily)."""

    config: type[TrackerConfigBase]
    build: Callable[[str, Any], Tracker]


TRACKERS: dict[str, TrackerKind] = {
    "github": TrackerKind(GitHubConfig, _github),
    "gitlab": TrackerKind(GitLabConfig, _gitlab),
    "jira": TrackerKind(JiraConfig, _jira),
}


def build_tracker(name: str, config: TrackerConfigBase) -> Tracker:
    """The adapter for one configured tracker (no request is made here)."""
    return TRACKERS[config.kind].build(name, config)
