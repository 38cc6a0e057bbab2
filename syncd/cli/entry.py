"""The `syncd` console entry point: the process around a command, and the one error boundary
(STYLE 9) that turns every error into one sentence and an exit code (DESIGN §7).

The commands themselves are in cli.py.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

import click

from syncd.cli.app import cli
from syncd.cli.context import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from syncd.errors import ConfigError, SyncdError


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point: the one error boundary.

    A command is one short process. The cyclic collector is off for all of it: it would
    rescan the ~10^5 acyclic objects of a pass again and again, and nothing a command builds
    needs it. The exit skips tearing that heap down (~80 ms at 10,000 items), as mypy's
    `util.hard_exit` does; everything is written and closed by then.
    """
    gc.disable()
    _hard_exit(_run(argv))


def _hard_exit(code: int) -> NoReturn:
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # `syncd status | head`: the reader left, nothing more to say
        pass
    os._exit(code)


def _run(argv: Sequence[str] | None) -> int:
    try:
        code = cli.main(
            args=list(argv) if argv is not None else None, prog_name="syncd", standalone_mode=False
        )
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.exceptions.Abort:
        click.echo("syncd: interrupted", err=True)
        code = EXIT_INTERRUPTED
    except KeyboardInterrupt:
        click.echo("syncd: interrupted", err=True)
        code = EXIT_INTERRUPTED
    except click.ClickException as exc:
        exc.show()
        code = EXIT_USAGE
    except ConfigError as exc:
        click.echo(f"syncd: {exc}", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        code = exc.exit_code
    except SyncdError as exc:
        click.echo(f"syncd: {exc}", err=True)
        code = exc.exit_code
    return code if isinstance(code, int) else EXIT_OK
