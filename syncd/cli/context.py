"""What every command shares: exit codes, the loaded config, `--today`, one locked pass."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from syncd import log
from syncd.errors import ConfigError, UsageError
from syncd.model import Flag, Severity

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INCOMPLETE, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

# Warnings a pass logs that the report of `check` and `sync` prints anyway (tracker line,
# "Failed", "Not written", "Reviews not delivered"); at the default log level a
# reporting command drops them, so each is said once.
REPORTED_EVENTS = frozenset(
    {
        "tracker_failed",
        "tracker_write_failed",
        "tracker_rate_limited",
        "review_not_written",
        "reviews_not_delivered",
    }
)


class Ctx:
    """What the global options say; filled in by `options.global_options` wherever they are
    given on the command line."""

    def __init__(
        self,
        config: Path | None = None,
        log_level: str | None = None,
        log_format: str | None = None,
    ):
        self.config_path = config
        self.log_level = log_level
        self.log_format = log_format
        self.configured: tuple[str | None, str] = (None, "auto")  # log.level, log.format
        self.reported: frozenset[str] = frozenset()  # log events the command's report shows

    def configure_logging(self, *, service: bool = False) -> None:
        """--log-level, else the config's log.level, else `warning` for a command (its output
        is its report; a log line would only come before it) and `info` for the service.
        At that default, a command that reports a pass does not also log what its report
        says (a tracker error is printed once, in the report)."""
        chosen = self.log_level or self.configured[0]
        level = chosen or ("info" if service else "warning")
        drop = self.reported if chosen is None else frozenset()
        log.configure(level, self.log_format or self.configured[1], drop)  # type: ignore[arg-type]

    def load(
        self,
        *,
        required: bool = True,
        service: bool = False,
        reviews: bool = True,
        reported: frozenset[str] = frozenset(),
    ) -> Any:
        """The validated config. With `reviews`, `records.paths` must find a review (exit 2
        otherwise; the service logs it and keeps running, the reviews may come later)."""
        from syncd.cli.globs import count_reviews
        from syncd.config.load import load_config

        loaded = load_config(self.config_path, os.environ) if required else maybe_load(self)
        if loaded is None:
            return None
        cfg = loaded.config.log
        self.configured = (cfg.level, cfg.format)
        self.reported = reported
        self.configure_logging(service=service)
        if reviews:
            try:
                count_reviews(loaded)
            except ConfigError as exc:
                if not service:
                    raise
                log.get("syncd.cli").warning(
                    "records_match_nothing", error=str(exc), details=list(exc.problems)
                )
        return loaded


def maybe_load(ctx: Ctx) -> Any:
    """The config if one is given or found; None when there is none at all (lint on files)."""
    from syncd.config.load import load_config

    if (
        ctx.config_path is None
        and "SYNCD_CONFIG" not in os.environ
        and not Path("syncd.yaml").exists()
    ):
        return None
    return load_config(ctx.config_path, os.environ)


def parse_today(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--today {value!r} is not a date; write it as YYYY-MM-DD") from None


_Command = TypeVar("_Command", bound=Callable[..., Any])


def format_option(*choices: str, help: str) -> Callable[[_Command], _Command]:
    """`--format` (the parameter `fmt`): one of `choices`, the first by default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help=help,
    )


today_option = click.option(
    "--today",
    metavar="YYYY-MM-DD",
    help="Judge due dates as of this day instead of today in the configured time zone "
    "(for back-filled reports and tests).",
)


def one_pass(loaded: Any, mode: Any, today: date | None, *, digests: bool = False) -> Any:
    """Open the store, take its lock, run one pass (the body of check, sync, status and
    digest); with `digests`, the digests that are due are sent after the pass."""
    from syncd.clock import Clock
    from syncd.engine.context import PassContext, holder
    from syncd.engine.run import Mode, run_pass
    from syncd.store.database import Store

    ctx = PassContext.build(loaded, Clock(loaded.config.zone(), pinned_today=today))
    with Store.open(loaded.store_url()) as store:
        if mode is Mode.READ:  # reads, and a parse cache any pass may refresh: no lock
            result = run_pass(ctx, store, mode)
        else:
            renderer = None
            if digests and loaded.config.digests:
                from syncd.digest.render import Renderer

                renderer = Renderer()
            with store.lock(holder()):
                result = run_pass(ctx, store, mode, digests=renderer)
    if not result.reviews and loaded.config.records.repo is not None:
        from syncd.cli.globs import no_reviews_error

        raise no_reviews_error(loaded, None)  # in syncd's clone of records.repo
    return result


def failing(result: Any, fail_on: Sequence[str]) -> list[str]:
    active = [r for r in result.reports if not r.review.draft]
    failing = []
    for name in fail_on:
        if name == "lint_errors":
            if any(p.severity is Severity.ERROR for p in result.lint):
                failing.append("lint errors")
        elif any(Flag(name) in r.flags for r in active):
            failing.append(name.replace("_", " "))
    return failing
