"""`syncd lint`: lint the configured reviews, or files given on the command line."""

from __future__ import annotations

from pathlib import Path

import click

from syncd.cli.context import EXIT_OK, EXIT_PROBLEMS, Ctx, format_option, one_pass
from syncd.cli.report import terminal_safe
from syncd.model import Severity


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@format_option(
    "text", "json", "github", help="github prints workflow annotations for GitHub Actions."
)
@click.option(
    "--fail-on",
    type=click.Choice(["warning", "error"]),
    help="Exit 1 when a problem of this severity or a worse one is found. "
    "Default: lint.fail_on in the config, else error.",
)
@click.pass_obj
def lint(obj: Ctx, paths: tuple[Path, ...], fmt: str, fail_on: str | None) -> int:
    """Check that action items are well written: one owner, a real due date, a specific change.

    Without PATHS, lints every review the config finds. With PATHS (files or directories),
    lints those — a config file is then optional (pre-commit passes file names). Exits 1 when
    an error-severity rule fires (with --fail-on warning, a warning too). Rules and
    suppression: docs/lint.md.
    """
    from syncd.engine.lint import lint_paths, ordered
    from syncd.engine.run import Mode
    from syncd.records.lint.output import format_github, format_json, format_text

    loaded = obj.load(required=not paths, reviews=not paths)
    if paths:
        problems = lint_paths(paths, loaded)
    else:  # the configured reviews, through the parse cache; none found is exit 2
        problems = ordered(one_pass(loaded, Mode.READ, None).lint)
    render = {"text": format_text, "json": format_json, "github": format_github}[fmt]
    output = render(problems)
    if output:
        click.echo(terminal_safe(output), nl=not output.endswith("\n"))
    threshold = fail_on or (loaded.config.lint.fail_on if loaded is not None else "error")
    failing = _FAILING[threshold]
    return EXIT_PROBLEMS if any(p.severity in failing for p in problems) else EXIT_OK


# Which severities fail at each --fail-on (info never does).
_FAILING = {
    "error": frozenset({Severity.ERROR}),
    "warning": frozenset({Severity.ERROR, Severity.WARNING}),
}
