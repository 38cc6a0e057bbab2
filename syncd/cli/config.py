"""`syncd config validate|schema`."""

from __future__ import annotations

import json

import click

from syncd.cli.context import EXIT_OK, Ctx


@click.group("config")
def config_group() -> None:
    """Validate the configuration or print its JSON Schema."""


@config_group.command("validate")
@click.pass_obj
def config_validate(obj: Ctx) -> int:
    """Check the config file; print every problem at once as file:line key: message (exit 2)."""
    loaded = obj.load()
    trackers = loaded.config.trackers
    mode = (
        "records-only mode (no tracker configured)"
        if not trackers
        else "trackers: " + ", ".join(f"{n} ({t.kind})" for n, t in trackers.items())
    )
    click.echo(f"{loaded.path}: valid; {mode}")
    return EXIT_OK


@config_group.command("schema")
def config_schema_cmd() -> int:
    """Print the JSON Schema of the config file (for editors, e.g. yaml-language-server)."""
    from syncd.config.load import config_schema

    click.echo(json.dumps(config_schema(), indent=2))
    return EXIT_OK
