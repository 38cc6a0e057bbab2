"""`syncd digest`: render a digest (changing nothing), or send it through its channels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from syncd.cli.context import (
    EXIT_INCOMPLETE,
    EXIT_OK,
    Ctx,
    format_option,
    one_pass,
    parse_today,
    today_option,
)
from syncd.cli.report import terminal_safe


@click.command()
@click.argument("name", required=False)
@format_option(
    "text",
    "markdown",
    "html",
    "json",
    "slack",
    "teams",
    help="Rendering to print (slack / teams: the webhook payloads as JSON).",
)
@click.option("--send", is_flag=True, help="Deliver through the digest's channels, once a period.")
@click.option("--force", is_flag=True, help="With --send: send again even if already sent.")
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the rendering to this file instead of standard output.",
)
@today_option
@click.pass_obj
def digest(
    obj: Ctx,
    name: str | None,
    fmt: str,
    send: bool,
    force: bool,
    output: Path | None,
    today: str | None,
) -> int:
    """Render the open-actions digest NAME (default: the first under `digests:`, or a digest
    of everything when none is configured). Without --send nothing is sent or recorded.

    \b
    Examples:
      syncd digest                          # this week's digest as text
      syncd digest weekly --format html -o digest.html
      syncd digest weekly --send            # deliver this period's digest, unless sent
      syncd digest weekly --send --force    # deliver it again
    """
    from syncd.clock import Clock
    from syncd.digest.inputs import make_digest, specs, tickets_of
    from syncd.digest.render import Renderer
    from syncd.engine.run import Mode
    from syncd.store.database import Store

    if force and not send:
        raise click.UsageError("--force only makes sense with --send")
    loaded = obj.load()
    day = parse_today(today)
    clock = Clock(zone=loaded.config.zone()).pinned(day)
    chosen = specs(loaded, name)
    result = one_pass(loaded, Mode.READ, day)  # the reviews and the last mirrored tickets
    reports, tickets = result.reports, tickets_of(result.linked)
    with Store.open(loaded.store_url()) as store:
        renderer = Renderer()
        if not send or output is not None:
            first, spec = next(iter(chosen.items()))
            built, options = make_digest(
                loaded,
                store,
                reports,
                clock,
                first,
                spec,
                tracker_of=result.routes,
                tickets=tickets,
            )
            _emit(renderer.render(built, fmt, options), output)  # type: ignore[arg-type]
        if not send:
            return EXIT_OK
        from syncd.digest.deliver import send_due_digests

        run = send_due_digests(
            loaded,
            store,
            reports,
            clock,
            force=force,
            only=name,
            ignore_grace=True,
            renderer=renderer,
            tracker_of=result.routes,
            tickets=tickets,
        )
    click.echo(terminal_safe(run_text(run)), nl=False)
    return EXIT_INCOMPLETE if run.failed else EXIT_OK


_ROUTINE = ("already sent", "not due", "being sent by another process")


def run_text(run: Any, *, routine: bool = True) -> str:
    """One line per digest channel: what was sent, skipped or failed, and why. Without
    `routine`, skips that happen on every pass of the week ("already sent") are left out, so
    cron mails only news."""
    if not run.results:
        return "digest: no channels configured; nothing sent\n" if routine else ""
    lines = [
        f"digest {r.digest} {r.period}: {r.description}: {r.outcome} ({r.reason})"
        for r in run.results
        if routine or r.outcome != "skipped" or not r.reason.startswith(_ROUTINE)
    ]
    return "".join(line + "\n" for line in lines)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(terminal_safe(text), nl=False)  # a terminal: review text shown, never obeyed
        return
    from syncd.channels.file import write_atomically

    write_atomically(output, text.encode())
