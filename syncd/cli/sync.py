"""`syncd sync`: one pass with the trackers."""

from __future__ import annotations

import click

from syncd.cli.context import (
    EXIT_INCOMPLETE,
    EXIT_OK,
    Ctx,
    one_pass,
    parse_today,
    today_option,
)
from syncd.errors import UsageError


@click.command()
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print the review diffs and the tracker calls a pass would make; change nothing.",
)
@today_option
@click.pass_obj
def sync(obj: Ctx, dry_run: bool, today: str | None) -> int:
    """One pass with the trackers: file linked tickets, mirror their status into the reviews.

    Creates one ticket per action item (exactly once: journalled, marked, recovered after a
    crash), adopts tickets an item already references, pushes review-owned fields (title,
    owner, due date), mirrors progress back into the review's suffix and checkbox, and keeps
    the overdue label and reminders in step. Exits 3 if a tracker could not be read or a
    write to it failed (the next pass retries; nothing is created twice).
    """
    from syncd.cli.report import delivery_lines, trackers_text
    from syncd.engine.run import Mode

    loaded = obj.load()
    if not loaded.config.trackers:
        raise UsageError(
            f"{loaded.path.name} configures no tracker, so there is nothing to sync; add one "
            "under `trackers:` (see docs/trackers/) or use `syncd check` for records-only mode"
        )
    result = one_pass(loaded, Mode.DRY_RUN if dry_run else Mode.SYNC, parse_today(today))
    click.echo(trackers_text(result), nl=False)
    for diff in result.applied.reviews.diffs:
        click.echo(diff, nl=False)
    if result.applied.reviews.written:
        click.echo(
            f"Updated {len(result.applied.reviews.written)} review(s): "
            + ", ".join(result.applied.reviews.written)
        )
    for path, line, why in result.applied.reviews.refused:
        click.echo(f"Not written: {path}:{line}: {why}")
    for line in delivery_lines(result):
        click.echo(line)
    return EXIT_INCOMPLETE if result.incomplete else EXIT_OK
