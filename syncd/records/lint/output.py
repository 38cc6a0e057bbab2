"""Render lint problems as text, JSON or GitHub workflow commands (docs/lint.md "Output").

Each formatter returns the whole report without a trailing newline; the CLI prints it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from syncd.model import Problem, Severity
from syncd.records.lint.checks import exit_code
from syncd.records.lint.rules import find_rule

__all__ = ["FORMATS", "exit_code", "format_github", "format_json", "format_text"]

FORMATS = ("text", "json", "github")


def format_text(problems: Sequence[Problem]) -> str:
    """`path:line:col: severity CODE message` per problem, then a summary line."""
    lines = [_text_line(p) for p in problems]
    lines.append(_summary(problems))
    return "\n".join(lines)


def _text_line(problem: Problem) -> str:
    where = f"{problem.path}:{problem.line}:{problem.col}" if problem.line > 0 else problem.path
    return f"{where}: {problem.severity.value} {problem.code} {problem.message}"


def _summary(problems: Sequence[Problem]) -> str:
    counts = {level: sum(p.severity is level for p in problems) for level in Severity}
    files = len({p.path for p in problems})
    parts = [
        _plural(counts[Severity.ERROR], "error"),
        _plural(counts[Severity.WARNING], "warning"),
    ]
    if counts[Severity.INFO]:
        parts.append(f"{counts[Severity.INFO]} info")
    return f"{', '.join(parts)} in {_plural(files, 'file')}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def format_json(problems: Sequence[Problem]) -> str:
    """A JSON array of `{path, line, col, code, rule, severity, message, item_key}` objects."""
    rows = []
    for problem in problems:
        rule = find_rule(problem.code)
        rows.append(
            {
                "path": problem.path,
                "line": problem.line,
                "col": problem.col,
                "code": problem.code,
                "rule": rule.name if rule is not None else None,
                "severity": problem.severity.value,
                "message": problem.message,
                "item_key": problem.item_key,
            }
        )
    return json.dumps(rows, indent=2, ensure_ascii=False)


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def format_github(problems: Sequence[Problem]) -> str:
    """GitHub Actions workflow commands, one annotation per problem.

    Escaping follows actions/toolkit `packages/core/src/command.ts` (escapeData and
    escapeProperty): an unescaped `,` or `:` in a property, or a newline in the message,
    silently truncates the annotation.
    """
    return "\n".join(_github_line(p) for p in problems)


def _github_line(problem: Problem) -> str:
    rule = find_rule(problem.code)
    title = f"{problem.code} {rule.name}" if rule is not None else problem.code
    props = [f"file={_escape_property(problem.path)}"]
    if problem.line > 0:
        props += [f"line={problem.line}", f"col={problem.col}"]
    props.append(f"title={_escape_property(title)}")
    level = _GITHUB_LEVEL[problem.severity]
    return f"::{level} {','.join(props)}::{_escape_data(problem.message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
