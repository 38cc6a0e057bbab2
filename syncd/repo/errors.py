"""Typed errors of the git side; each says what happened in one sentence, without secrets."""

from __future__ import annotations

from syncd.errors import SyncdError


class RepoError(SyncdError):
    """git could not do what the pass needed; the reviews stay as they are (exit 3)."""

    exit_code = 3


class GitMissing(RepoError):
    """The `git` program is not installed or not on PATH."""


class GitTimeout(RepoError):
    """A git command ran longer than `records.repo.timeout` and was stopped."""


class RemoteUnreachable(RepoError):
    """Clone, fetch or push could not reach the remote or was not allowed to."""


class PushRefused(RepoError):
    """The remote refused the push for a reason retrying cannot fix (protection, hook)."""


class PushContended(RepoError):
    """Others kept pushing first for `push_attempts` tries; the edits are redone next pass."""


class PullRequestBlocked(RepoError):
    """Someone else pushed to syncd's pull-request branch; syncd leaves it alone."""
