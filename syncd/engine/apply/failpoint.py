"""Crash points for the crash tests: `SYNCD_FAILPOINT=<name>` kills the process (SIGKILL, no
cleanup) when the pass reaches that step boundary. Names: before_create, after_create,
after_link, before_comment, after_comment (apply_trackers.py), after_review (cycle.py). Unset
in normal use."""

from __future__ import annotations

import os
import signal


def failpoint(name: str) -> None:
    if os.environ.get("SYNCD_FAILPOINT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
