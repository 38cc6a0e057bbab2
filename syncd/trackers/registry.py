"""The explicit registry of tracker kinds: kind → (config model, adapter class)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from syncd.trackers.github import GitHubConfig
from syncd.trackers.gitlab import GitLabConfig
from syncd.trackers.jira import JiraConfig

TrackerConfig = Annotated[GitHubConfig | GitLabConfig | JiraConfig, Field(discriminator="kind")]
