"""The `syncd` command group and its global options. Each command is a module of its own
(check, sync, status, lint, config); commands are thin functions that return exit codes, and
entry.py is the error boundary that turns errors into messages (STYLE 9).

Exit codes (DESIGN §7): 0 healthy; 1 follow-through problems found (what counts is
`health.fail_on`); 2 usage or configuration error; 3 a pass could not complete (store locked,
tracker unreachable, tracker write failed); 130 interrupted.
"""

from __future__ import annotations

import click

import syncd
from syncd.cli import check, config, digest, init, lint, run, status, sync
from syncd.cli.context import Ctx
from syncd.cli.options import global_options


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="""\b
Quick start:
  syncd init                            # a syncd.yaml for the reviews found here
  syncd lint                            # check the action items are well written
  syncd check                           # one pass: marks overdue items, exit 1 if any
  syncd status --flag overdue           # what is overdue, as a table
  syncd sync --dry-run                  # with a tracker: the tickets it would file

Exit codes: 0 healthy, 1 follow-through problems, 2 usage/config error,
3 pass could not complete (store locked, tracker unreachable or a write
failed), 130 interrupted.
Docs: README.md, docs/configuration.md, docs/record-format.md, docs/lint.md""",
)
@click.version_option(syncd.__version__, "--version", prog_name="syncd")
@global_options
@click.pass_context
def cli(ctx: click.Context) -> None:
    """syncd keeps postmortem action items honest.

    It reads the action items of your post-incident reviews (Markdown in git), judges their
    follow-through (overdue, due soon, needs a decision, no owner, no date), writes the marks
    back into the reviews, and tells you what is rotting.
    """
    ctx.ensure_object(Ctx).configure_logging()


for _command in (
    check.check,
    sync.sync,
    run.run,
    digest.digest,
    status.status,
    lint.lint,
    config.config_group,
    init.init,
):
    cli.add_command(_command)
    for _each in (_command, *getattr(_command, "commands", {}).values()):
        global_options(_each)
