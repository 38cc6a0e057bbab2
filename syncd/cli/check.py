"""`syncd check`: one pass and a report of follow-through problems (the cron entry point)."""

from __future__ import annotations

import click

from syncd.cli.context import (
    EXIT_INCOMPLETE,
    EXIT_OK,
    EXIT_PROBLEMS,
    Ctx,
    failing,
    one_pass,
    parse_today,
    today_option,
)


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--no-write", is_flag=True, help="Judge and report only; do not write marks into the reviews."
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="Items listed per problem in the text report (0: all); `syncd status --flag` lists all.",
)
@today_option
@click.pass_obj
def check(obj: Ctx, fmt: str, no_write: bool, limit: int, today: str | None) -> int:
    """Run one pass and report follow-through problems (the cron entry point).

    Parses every review (unchanged files come from the cache), judges each action item,
    writes overdue / needs-decision marks into the reviews (records.write_back), and prints a
    report grouped by problem. Exits 1 when a problem listed in health.fail_on is found.
    """
    from syncd.cli.report import check_json, check_text, trackers_text
    from syncd.engine.run import Mode

    loaded = obj.load()
    result = one_pass(loaded, Mode.NO_WRITE if no_write else Mode.SYNC, parse_today(today))
    problems = failing(result, loaded.config.health.fail_on)
    code = EXIT_PROBLEMS if problems else EXIT_OK
    if result.incomplete:
        code = EXIT_INCOMPLETE
    root, base = loaded.records_root(), loaded.base_dir
    if fmt == "json":
        click.echo(check_json(result, root, base, problems, code), nl=False)
    else:
        click.echo(trackers_text(result), nl=False)
        click.echo(check_text(result, root, base, problems, code, limit=limit), nl=False)
    return code
