"""The `syncd` commands: thin functions that return exit codes (the error boundary that turns
errors into messages is entry.py, STYLE 9).

Exit codes (DESIGN §7): 0 healthy; 1 follow-through problems found (what counts is
`health.fail_on`); 2 usage or configuration error; 3 a pass could not complete (store locked,
tracker unreachable, tracker write failed); 130 interrupted.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import click

import syncd
from syncd import log
from syncd.errors import UsageError
from syncd.model import Flag, Severity

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INCOMPLETE, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

_FLAG_NAMES = [f.value for f in Flag]


class _Ctx:
    def __init__(self, config: Path | None, log_level: str | None, log_format: str | None):
        self.config_path = config
        self.log_level = log_level
        self.log_format = log_format

    def load(self, *, required: bool = True) -> Any:
        from syncd.config.load import load_config

        loaded = load_config(self.config_path, os.environ) if required else _maybe(self)
        if loaded is not None:
            cfg = loaded.config.log
            log.configure(self.log_level or cfg.level, self.log_format or cfg.format)  # type: ignore[arg-type]
        return loaded


def _maybe(ctx: _Ctx) -> Any:
    """The config if one is given or found; None when there is none at all (lint on files)."""
    from syncd.config.load import load_config

    if (
        ctx.config_path is None
        and "SYNCD_CONFIG" not in os.environ
        and not Path("syncd.yaml").exists()
    ):
        return None
    return load_config(ctx.config_path, os.environ)


def _today(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--today {value!r} is not a date; write it as YYYY-MM-DD") from None


_today_option = click.option(
    "--today",
    metavar="YYYY-MM-DD",
    help="Judge due dates as of this day instead of today in the configured time zone "
    "(for back-filled reports and tests).",
)


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="""\b
Quick start:
  cp config.example.yaml syncd.yaml     # records-only mode works as is
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
@click.option(
    "--config",
    "-c",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Config file. Default: $SYNCD_CONFIG, else ./syncd.yaml.",
)
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    help="Override log.level (logs go to stderr).",
)
@click.option(
    "--log-format",
    type=click.Choice(["auto", "console", "json"]),
    help="Override log.format: console on a TTY and JSON otherwise when auto.",
)
@click.pass_context
def cli(
    ctx: click.Context, config: Path | None, log_level: str | None, log_format: str | None
) -> None:
    """syncd keeps postmortem action items honest.

    It reads the action items of your post-incident reviews (Markdown in git), judges their
    follow-through (overdue, due soon, needs a decision, no owner, no date), writes the marks
    back into the reviews, and tells you what is rotting.
    """
    log.configure(log_level or "warning", log_format or "auto")  # type: ignore[arg-type]
    ctx.obj = _Ctx(config, log_level, log_format)


@cli.command()
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
@_today_option
@click.pass_obj
def check(obj: _Ctx, fmt: str, no_write: bool, limit: int, today: str | None) -> int:
    """Run one pass and report follow-through problems (the cron entry point).

    Parses every review (unchanged files come from the cache), judges each action item,
    writes overdue / needs-decision marks into the reviews (records.write_back), and prints a
    report grouped by problem. Exits 1 when a problem listed in health.fail_on is found.
    """
    from syncd.cli.report import check_json, check_text, trackers_text
    from syncd.engine.run import PassOptions

    loaded = obj.load()
    result = _one_pass(loaded, PassOptions(today=_today(today), write=not no_write))
    failing = _failing(result, loaded.config.health.fail_on)
    code = EXIT_PROBLEMS if failing else EXIT_OK
    if _tracker_failed(result):
        code = EXIT_INCOMPLETE
    root, base = loaded.records_root(), loaded.base_dir
    if fmt == "json":
        click.echo(check_json(result, root, base, failing, code), nl=False)
    else:
        click.echo(trackers_text(result), nl=False)
        click.echo(check_text(result, root, base, failing, code, limit=limit), nl=False)
    return code


def _one_pass(loaded: Any, options: Any) -> Any:
    """Open the store, take its lock, run one pass (the body of check and sync)."""
    from syncd.engine.run import holder, open_store, run_pass

    with open_store(loaded) as store, store.lock(holder()):
        return run_pass(loaded, store, options)


def _tracker_failed(result: Any) -> bool:
    """A tracker could not be read, or a write to it failed: the pass did not complete (the
    next pass retries; deferred creations and writes over budget are not failures)."""
    outcome = result.trackers
    if outcome is None:
        return False
    return any(not v.ok for v in outcome.views.values()) or bool(outcome.result.failed)


@cli.command()
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print the review diffs and the tracker calls a pass would make; change nothing.",
)
@_today_option
@click.pass_obj
def sync(obj: _Ctx, dry_run: bool, today: str | None) -> int:
    """One pass with the trackers: file linked tickets, mirror their status into the reviews.

    Creates one ticket per action item (exactly once: journalled, marked, recovered after a
    crash), adopts tickets an item already references, pushes review-owned fields (title,
    owner, due date), mirrors progress back into the review's suffix and checkbox, and keeps
    the overdue label and reminders in step. Exits 3 if a tracker could not be read or a
    write to it failed (the next pass retries; nothing is created twice).
    """
    from syncd.cli.report import trackers_text
    from syncd.engine.run import PassOptions

    loaded = obj.load()
    if not loaded.config.trackers:
        raise UsageError(
            f"{loaded.path.name} configures no tracker, so there is nothing to sync; add one "
            "under `trackers:` (see docs/trackers/) or use `syncd check` for records-only mode"
        )
    result = _one_pass(loaded, PassOptions(today=_today(today), dry_run=dry_run))
    click.echo(trackers_text(result), nl=False)
    for diff in result.apply.diffs:
        click.echo(diff, nl=False)
    if result.apply.written:
        click.echo(
            f"Updated {len(result.apply.written)} review(s): " + ", ".join(result.apply.written)
        )
    for path, line, why in result.apply.refused:
        click.echo(f"Not written: {path}:{line}: {why}")
    return EXIT_INCOMPLETE if _tracker_failed(result) else EXIT_OK


def _failing(result: Any, fail_on: Sequence[str]) -> list[str]:
    active = [r for r in result.reports if not r.review.draft]
    failing = []
    for name in fail_on:
        if name == "lint_errors":
            if any(p.severity is Severity.ERROR for p in result.lint):
                failing.append("lint errors")
        elif any(Flag(name) in r.flags for r in active):
            failing.append(name.replace("_", " "))
    return failing


@cli.command()
@click.option("--owner", help="Only items of this owner (case-insensitive; @ optional).")
@click.option("--review", "review_filter", help="Only reviews whose path or id contains this.")
@click.option(
    "--flag",
    "flags",
    multiple=True,
    type=click.Choice(_FLAG_NAMES),
    help="Only items with this flag (repeatable: any of them).",
)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(["open", "in_progress", "done", "deprioritized"]),
    help="Only items in this status (repeatable).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table for people; json (one array, one object per item) for scripts.",
)
@_today_option
@click.pass_obj
def status(
    obj: _Ctx,
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
    from syncd.cli.report import item_json, status_table
    from syncd.engine.judge import judge_all
    from syncd.engine.run import gather, open_store, rules, today_for

    loaded = obj.load()
    with open_store(loaded) as store:
        gathered = gather(loaded, store)
    reports = judge_all(gathered.reviews, today_for(loaded, _today(today)), rules(loaded))
    wanted_owner = owner.lstrip("@").casefold() if owner else None
    selected = [
        r
        for r in reports
        if (wanted_owner is None or (r.item.owner or "").lstrip("@").casefold() == wanted_owner)
        and (
            review_filter is None
            or review_filter in r.review.path
            or review_filter == r.review.meta.id
        )
        and (not flags or any(Flag(f) in r.flags for f in flags))
        and (not statuses or r.status.value in statuses)
    ]
    root, base = loaded.records_root(), loaded.base_dir
    if fmt == "json":
        click.echo(
            json.dumps([item_json(r, root, base) for r in selected], indent=2, ensure_ascii=False)
        )
    else:
        click.echo(status_table(selected, root, base), nl=False)
    return EXIT_OK


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="github prints workflow annotations for GitHub Actions.",
)
@click.pass_obj
def lint(obj: _Ctx, paths: tuple[Path, ...], fmt: str) -> int:
    """Check that action items are well written: one owner, a real due date, a specific change.

    Without PATHS, lints every review the config finds. With PATHS (files or directories),
    lints those — a config file is then optional (pre-commit passes file names). Exits 1 when
    an error-severity rule fires. Rules and suppression: docs/lint.md.
    """
    from syncd.engine.lint import lint_config_reviews, lint_paths
    from syncd.records.lint_output import format_github, format_json, format_text

    loaded = obj.load(required=not paths)
    problems = lint_paths(paths, loaded) if paths else lint_config_reviews(loaded)
    render = {"text": format_text, "json": format_json, "github": format_github}[fmt]
    output = render(problems)
    if output:
        click.echo(output, nl=not output.endswith("\n"))
    return EXIT_PROBLEMS if any(p.severity is Severity.ERROR for p in problems) else EXIT_OK


@cli.group("config")
def config_group() -> None:
    """Validate the configuration or print its JSON Schema."""


@config_group.command("validate")
@click.pass_obj
def config_validate(obj: _Ctx) -> int:
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
