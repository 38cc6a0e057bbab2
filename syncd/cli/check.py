"""`syncd check`: one pass and a report of follow-through problems (the cron entry point)."""

from __future__ import annotations

from typing import Any

import click

from syncd.cli.context import (
    EXIT_INCOMPLETE,
    EXIT_OK,
    EXIT_PROBLEMS,
    REPORTED_EVENTS,
    Ctx,
    failing,
    format_option,
    one_pass,
    parse_today,
    today_option,
)
from syncd.cli.report import terminal_safe


@click.command()
@format_option("text", "json", help="Report format.")
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
@click.option("--no-digest", is_flag=True, help="Do not send the digests that are due.")
@today_option
@click.pass_obj
def check(
    obj: Ctx, fmt: str, no_write: bool, limit: int, no_digest: bool, today: str | None
) -> int:
    """Run one pass and report follow-through problems (the cron entry point).

    Parses every review (unchanged files come from the cache), judges each action item,
    writes overdue / needs-decision marks into the reviews (records.write_back), and prints a
    report grouped by problem, then sends each digest that is due and not yet sent
    (`digests:`; --no-digest skips that). Exits 1 when a problem listed in health.fail_on is
    found, 3 when the pass or a digest send could not complete.
    """
    from syncd.cli.report_json import dumps, pass_json
    from syncd.cli.report_text import check_text
    from syncd.engine.run import Mode

    loaded = obj.load(reported=REPORTED_EVENTS)
    mode = Mode.NO_WRITE if no_write else Mode.SYNC
    result = one_pass(loaded, mode, parse_today(today), digests=not no_digest)
    problems = failing(result, loaded.config.health.fail_on)
    code = EXIT_PROBLEMS if problems else EXIT_OK
    digests = result.digests
    if result.incomplete or (digests is not None and digests.failed):
        code = EXIT_INCOMPLETE
    root, base = loaded.records_root(), loaded.base_dir
    if fmt == "json":
        doc = pass_json(result, root, base, problems, code)
        if digests is not None:
            doc["digests"] = digests_json(digests)
        click.echo(dumps(doc), nl=False)
    else:
        text = check_text(result, root, base, problems, code, limit=limit)
        click.echo(terminal_safe(text), nl=False)
        if digests is not None:
            from syncd.cli.digest import run_text

            click.echo(terminal_safe(run_text(digests, routine=False)), nl=False)
    return code


def digests_json(run: Any) -> list[dict[str, Any]]:
    return [
        {
            "digest": r.digest,
            "period": r.period,
            "channel": r.channel,
            "outcome": r.outcome,
            "reason": r.reason,
        }
        for r in run.results
    ]
