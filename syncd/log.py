"""structlog set-up: a console renderer on a TTY, JSON lines otherwise (DESIGN §7).

Event names are snake_case verbs (`review_written`, `pass_finished`); secrets are never
passed to the logger in the first place.
"""

from __future__ import annotations

import logging
import sys
from typing import Literal

import structlog

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}


def configure(
    level: str = "info",
    fmt: Literal["auto", "console", "json"] = "auto",
    drop: frozenset[str] = frozenset(),
) -> None:
    """Configure structlog to write to stderr (stdout is for command output). Events named
    in `drop` are not written: a command whose report already says them (once) drops them."""
    use_console = sys.stderr.isatty() if fmt == "auto" else fmt == "console"
    renderer: structlog.typing.Processor = (
        structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
        if use_console
        else structlog.processors.JSONRenderer()
    )
    structlog.configure(
        processors=[
            *([_dropping(drop)] if drop else []),
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(_LEVELS.get(level, logging.INFO)),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )


def get(name: str) -> structlog.typing.FilteringBoundLogger:
    logger: structlog.typing.FilteringBoundLogger = structlog.get_logger(name)
    return logger


def _dropping(names: frozenset[str]) -> structlog.typing.Processor:
    def processor(
        logger: object, method: str, event: structlog.typing.EventDict
    ) -> structlog.typing.EventDict:
        if event.get("event") in names:
            raise structlog.DropEvent
        return event

    return processor
