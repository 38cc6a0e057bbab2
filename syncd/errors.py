"""Typed errors the core raises; entry.py turns each into one sentence and an exit code."""

from __future__ import annotations


class SyncdError(Exception):
    """Base class; `exit_code` follows DESIGN §7."""

    exit_code = 3


class ConfigError(SyncdError):
    """The configuration is missing or invalid (exit 2). `problems` are `file:line key: msg`."""

    exit_code = 2

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class UsageError(SyncdError):
    """The command line asked for something impossible (exit 2)."""

    exit_code = 2


class StoreLocked(SyncdError):
    """Another pass holds the store's lock (exit 3)."""

    exit_code = 3


class StoreError(SyncdError):
    """The state store cannot be opened or migrated (exit 3)."""

    exit_code = 3


class TrackerError(SyncdError):
    """A tracker failed this pass: its items are left unchanged (exit 3 if nothing else ran)."""

    exit_code = 3


class RateLimited(TrackerError):
    """The tracker asked us to wait longer than we are willing to block; resume next pass."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TicketGone(TrackerError):
    """A linked ticket was deleted (GitHub 410, GitLab and Jira 404 while the project
    answers): a write to it cannot succeed, now or later. `sync.on_deleted` decides."""

    def __init__(self, message: str, tracker: str, ticket_id: str) -> None:
        super().__init__(message)
        self.tracker = tracker
        self.ticket_id = ticket_id


class EditRefused(SyncdError):
    """An item cannot be edited safely; the file is left untouched and the reason reported."""


class FileChanged(SyncdError):
    """The file changed on disk since it was read; re-read and re-plan."""
