"""Read a Dockerfile into instructions per stage, as BuildKit does for the subset we use:
line continuations, comment lines (also inside a continuation), exec-form JSON arguments."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from typing import Any

_PRAGMA = re.compile(r"#\s*hadolint\s+ignore=", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Instruction:
    keyword: str  # upper case: FROM, RUN, COPY, …
    args: str  # the rest, continuations joined
    stage: int  # -1 before the first FROM (global ARGs)
    line: int  # 1-based line of the keyword


def parse(text: str) -> list[Instruction]:
    instructions: list[Instruction] = []
    stage, pending, start = -1, "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("#") or (not stripped and not pending):
            continue
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, args = (pending + stripped).partition(" ")
        pending = ""
        keyword = keyword.upper()
        if keyword == "FROM":
            stage += 1
        instructions.append(Instruction(keyword, args.strip(), stage, start))
    return instructions


def stages(instructions: list[Instruction]) -> list[list[Instruction]]:
    count = max(i.stage for i in instructions) + 1
    return [[i for i in instructions if i.stage == n] for n in range(count)]


def exec_form(args: str) -> list[str]:
    """The JSON array of an exec-form ENTRYPOINT/CMD (after any --options)."""
    try:
        value: Any = json.loads(args[args.index("[") :])
    except ValueError:
        value = None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"not an exec-form array: {args}")
    return value


def key_values(args: str) -> dict[str, str]:
    """ENV / LABEL / ARG `k=v k2="v 2"` pairs."""
    return dict(token.partition("=")[::2] for token in shlex.split(args))


def run_flags_and_command(args: str) -> tuple[list[str], str]:
    """RUN's leading --flags (e.g. --mount=…) and its shell command."""
    flags = []
    rest = args
    while rest.startswith("--"):
        flag, _, rest = rest.partition(" ")
        flags.append(flag)
        rest = rest.lstrip()
    return flags, rest


def ignore_pragmas(text: str) -> list[tuple[int, str]]:
    """(line, the comment line above it) for each `# hadolint ignore=` pragma."""
    lines = text.splitlines()
    return [
        (n + 1, lines[n - 1].strip() if n else "")
        for n, line in enumerate(lines)
        if _PRAGMA.match(line.strip())
    ]
