"""`syncd status`: the items and their follow-through, filtered; writes nothing."""

from __future__ import annotations

import click

from syncd.cli.context import EXIT_OK, Ctx, format_option, one_pass, parse_today, today_option
from syncd.cli.report import terminal_safe
from syncd.model import Flag

_FLAG_NAMES = [f.value for f in Flag]


@click.command()
@click.option("--owner", help="Only items of this owner (case-insensitive; @ optional).")
@click.option("--review", "review_filter", help="Only reviews whose path or id contains this.")
@click.option(
    "--flag",
    "flags",
    multiple=True,
    type=click.Choice(_FLAG_NAMES),
    help="Only items with this flag (repeatable: any of them). orphaned: open tickets whose "
    "item left its review, one row each (line 0).",
)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(["open", "in_progress", "done", "deprioritized"]),
    help="Only items in this status (repeatable).",
)
@format_option(
    "table",
    "json",
    help="table for people; json (one array, one object per item, `link` the linked ticket) "
    "for scripts.",
)
@today_option
@click.pass_obj
def status(
    obj: Ctx,
    owner: str | None,
    review_filter: str | None,
    flags: tuple[str, ...],
    statuses: tuple[str, ...],
    fmt: str,
    today: str | None,
) -> int:
    """Show action items and their follow-through, filtered. Writes nothing to the reviews.

    \b
    Examples:
      syncd status --flag overdue --flag needs_decision
      syncd status --owner @priya --format json | jq '.[] | .description'
    """
    from syncd.cli.report_json import dumps, linked_item_json, orphan_json
    from syncd.cli.report_text import status_table
    from syncd.engine.run import Mode

    loaded = obj.load()
    result = one_pass(loaded, Mode.READ, parse_today(today))
    wanted_owner = owner.lstrip("@").casefold() if owner else None
    selected = [
        r
        for r in result.reports
        if (wanted_owner is None or (r.item.owner or "").lstrip("@").casefold() == wanted_owner)
        and (
            review_filter is None
            or review_filter in r.review.path
            or review_filter == r.review.meta.id
        )
        and (not flags or any(Flag(f) in r.flags for f in flags))
        and (not statuses or r.status.value in statuses)
    ]
    orphans = [
        o
        for o in result.orphans
        if wanted_owner is None
        and (review_filter is None or review_filter in o.review)
        and (not flags or Flag.ORPHANED.value in flags)
        and (not statuses or o.ticket.status.value in statuses)
    ]
    root, base = loaded.records_root(), loaded.base_dir
    if fmt == "json":
        rows = [linked_item_json(r, root, base, result.linked) for r in selected]
        rows += [orphan_json(o, root, base) for o in orphans]
        click.echo(dumps(rows), nl=False)
    else:
        click.echo(terminal_safe(status_table(selected, orphans, root, base)), nl=False)
    return EXIT_OK
