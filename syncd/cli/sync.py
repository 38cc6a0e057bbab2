"""`syncd sync`: one pass with the trackers."""

from __future__ import annotations

import click

from syncd.cli.context import (
    EXIT_INCOMPLETE,
    EXIT_OK,
    REPORTED_EVENTS,
    Ctx,
    format_option,
    one_pass,
    parse_today,
    today_option,
)
from syncd.cli.report import terminal_safe
from syncd.errors import UsageError


@click.command()
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print the review diffs and the tracker calls a pass would make; change nothing. "
    "Works with a tracker that cannot be reached (then from the last pass's view of it, "
    "marked unverified, exit 3).",
)
@format_option(
    "text",
    "json",
    help="json: the shape of `syncd check --format json` (trackers and tickets included).",
)
@today_option
@click.pass_obj
def sync(obj: Ctx, dry_run: bool, fmt: str, today: str | None) -> int:
    """One pass with the trackers: file linked tickets, mirror their status into the reviews.

    Creates one ticket per action item (exactly once: journalled, marked, recovered after a
    crash), adopts tickets an item already references, pushes review-owned fields (title,
    owner, due date), mirrors progress back into the review's suffix and checkbox, and keeps
    the overdue label and reminders in step. Exits 3 if a tracker could not be read or a
    write to it failed (the next pass retries; nothing is created twice).

    With --dry-run nothing is written anywhere. A tracker that cannot be reached is named,
    and the calls shown for it assume none of its tickets changed since the last pass; the
    dry run still prints everything, then exits 3 (it could not verify), else 0.
    """
    from syncd.cli.report_json import dumps, pass_json
    from syncd.cli.report_text import written_lines
    from syncd.cli.report_trackers import trackers_text
    from syncd.engine.run import Mode

    loaded = obj.load(reported=REPORTED_EVENTS)
    if not loaded.config.trackers:
        raise UsageError(
            f"{loaded.path.name} configures no tracker, so there is nothing to sync; add one "
            "under `trackers:` (see docs/trackers/) or use `syncd check` for records-only mode"
        )
    result = one_pass(loaded, Mode.DRY_RUN if dry_run else Mode.SYNC, parse_today(today))
    code = EXIT_INCOMPLETE if result.incomplete else EXIT_OK
    if fmt == "json":
        doc = pass_json(result, loaded.records_root(), loaded.base_dir, [], code)
        click.echo(dumps({**doc, "dry_run": dry_run}), nl=False)
        return code
    click.echo(terminal_safe(trackers_text(result)), nl=False)
    lines = written_lines(result)
    if lines:
        click.echo(terminal_safe("\n".join(lines).lstrip("\n")))
    if dry_run and result.unverified:
        names = ", ".join(sorted(result.unverified))
        click.echo(
            f"\nDry run unverified: {names} could not be read; the calls above assume no ticket "
            "changed since the last pass (exit 3)"
        )
    return code
