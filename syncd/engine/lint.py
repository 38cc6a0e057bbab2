"""`syncd lint` on files given on the command line (the configured reviews are linted by the
pass itself, through the parse cache)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from syncd.config.load import LoadedConfig
from syncd.engine.context import PassContext
from syncd.model import Problem
from syncd.records.lint import LintSettings, lint_review
from syncd.records.parse import ParseOptions, read_review


def _order(p: Problem) -> tuple[str, int, int, str]:
    return (p.path, p.line, p.col, p.code)


def ordered(problems: Sequence[Problem]) -> list[Problem]:
    """By file, line, column and code: how lint output reads."""
    return sorted(problems, key=_order)


def lint_paths(paths: Sequence[Path], loaded: LoadedConfig | None) -> list[Problem]:
    """Lint files and directories given on the command line (pre-commit passes file names)."""
    ctx = PassContext.build(loaded) if loaded else None
    options = ctx.parse if ctx else ParseOptions()
    settings = ctx.lint if ctx else LintSettings()
    cwd = Path.cwd()
    problems: list[Problem] = []
    for path in _expand(paths):
        absolute = path.absolute()
        base = cwd if absolute.is_relative_to(cwd) else absolute.parent
        review, _ = read_review(absolute, base, options)
        problems.extend(lint_review(review, settings))
    return sorted(problems, key=_order)


def _expand(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.md") if p.is_file()))
        else:
            files.append(path)  # a missing file is reported by read_review (SYN001)
    return files
