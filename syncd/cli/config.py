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
    """Check the config file; print every problem at once as file:line key: message (exit 2).

    Also exits 2 when records.paths finds no review file (a typo in a glob would otherwise
    make every later pass a healthy pass over nothing)."""
    from syncd.cli.globs import count_reviews

    loaded = obj.load(reviews=False)
    found = count_reviews(loaded, count=True)  # none found: exit 2, naming the records.paths line
    trackers = loaded.config.trackers
    mode = (
        "records-only mode (no tracker configured)"
        if not trackers
        else "trackers: " + ", ".join(f"{n} ({t.kind})" for n, t in trackers.items())
    )
    reviews = (
        "reviews in syncd's clone of records.repo"
        if found is None
        else f"records.paths finds {found} review file" + ("s" if found != 1 else "")
    )
    click.echo(f"{loaded.path}: valid; {mode}; {reviews}")
    return EXIT_OK


@config_group.command("schema")
def config_schema_cmd() -> int:
    """Print the JSON Schema of the config file (for editors, e.g. yaml-language-server)."""
    from syncd.config.load import config_schema

    click.echo(json.dumps(config_schema(), indent=2))
    return EXIT_OK
