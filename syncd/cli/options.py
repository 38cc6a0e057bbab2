"""The global options (`--config/-c`, `--log-level`, `--log-format`), accepted before the
subcommand (`syncd -c x.yaml check`) and after it (`syncd check -c x.yaml`): one decorator
puts them on the group and on every command, each storing into the shared `Ctx`, so every
`--help` lists them and the last one given wins."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from syncd.cli.context import Ctx

F = TypeVar("F", bound=Callable[..., Any])


def _store(attribute: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if value is None:
            return
        obj = ctx.ensure_object(Ctx)
        setattr(obj, attribute, value)
        if attribute != "config_path":
            obj.configure_logging()

    return callback


def global_options(command: F) -> F:
    """Add the global options to a click group or command (they are not passed to it)."""
    options = (
        click.option(
            "--config",
            "-c",
            type=click.Path(path_type=Path, dir_okay=False),
            expose_value=False,
            callback=_store("config_path"),
            help="Config file. Default: $SYNCD_CONFIG, else ./syncd.yaml.",
        ),
        click.option(
            "--log-level",
            type=click.Choice(["debug", "info", "warning", "error"]),
            expose_value=False,
            callback=_store("log_level"),
            help="Override log.level (logs go to stderr).",
        ),
        click.option(
            "--log-format",
            type=click.Choice(["auto", "console", "json"]),
            expose_value=False,
            callback=_store("log_format"),
            help="Override log.format: console on a TTY and JSON otherwise when auto.",
        ),
    )
    # On a built command each option is appended; on a function they stack in reverse.
    for option in options if isinstance(command, click.Command) else reversed(options):
        command = option(command)
    return command
