"""Find review files by glob, relative to a base directory.

Globs are matched against POSIX paths relative to `base`: `*` and `?` stay inside one path
segment, `**` spans any number of segments (`reviews/**/*.md` also matches `reviews/a.md`).
Excludes are matched case-insensitively, so `**/*template*` also drops `TEMPLATE.md` and
`PM2021-000 - Postmortem Template.md` (record-formats.md §7.16). Hidden directories are not
entered by `**`. A symlink is followed only when its target resolves inside `base`; one that
points outside is reported (SYN006) and skipped, so a review repository cannot make syncd read
(or later edit) files elsewhere on the machine.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from syncd.model import Problem, Severity

_GLOB_CHARS = frozenset("*?[")


def discover(
    base: Path, paths: Sequence[str], exclude: Sequence[str]
) -> tuple[list[Path], list[Problem]]:
    """Files matching any of `paths` and none of `exclude`, sorted and de-duplicated."""
    root = base.resolve()
    includes = [_compile(p, ignore_case=False) for p in paths]
    excludes = [_compile(p, ignore_case=True) for p in exclude]
    found: dict[str, Path] = {}
    problems: dict[str, Problem] = {}
    for pattern, regex in zip(paths, includes, strict=True):
        start = _static_prefix(pattern)
        top = base / start if start else base
        for rel, path in _walk(base, root, top, problems):
            if rel in found or not regex.fullmatch(rel):
                continue
            if any(x.fullmatch(rel) for x in excludes):
                continue
            found[rel] = path
    return [found[rel] for rel in sorted(found)], [problems[k] for k in sorted(problems)]


def _walk(
    base: Path, root: Path, top: Path, problems: dict[str, Problem]
) -> list[tuple[str, Path]]:
    if top.is_symlink() and not _inside(top, root, _rel(top, base), problems):
        return []
    if top.is_file():
        return [(_rel(top, base), top)]
    out: list[tuple[str, Path]] = []
    seen: set[str] = set()
    stack = [top]
    while stack:
        directory = stack.pop()
        try:
            real = str(directory.resolve())
            if real in seen:
                continue  # a symlink loop inside the tree
            seen.add(real)
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            path = Path(entry.path)
            rel = _rel(path, base)
            if entry.is_symlink() and not _inside(path, root, rel, problems):
                continue
            try:
                if entry.is_dir():
                    if not entry.name.startswith("."):
                        stack.append(path)
                elif entry.is_file():
                    out.append((rel, path))
            except OSError:
                continue
    return out


def _inside(path: Path, root: Path, rel: str, problems: dict[str, Problem]) -> bool:
    try:
        target = path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop on Python 3.11
        target = None
    if target is not None and (target == root or root in target.parents):
        return True
    problems[rel] = Problem(
        rel,
        0,
        "SYN006",
        Severity.WARNING,
        "symlink points outside the records root; not followed",
    )
    return False


def _rel(path: Path, base: Path) -> str:
    return path.relative_to(base).as_posix()


def _static_prefix(pattern: str) -> str:
    parts: list[str] = []
    for part in pattern.split("/"):
        if _GLOB_CHARS & set(part):
            break
        parts.append(part)
    return "/".join(p for p in parts if p and p != ".")


def _compile(pattern: str, *, ignore_case: bool) -> re.Pattern[str]:
    pattern = pattern.removeprefix("./")
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:[^/]+/)*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 2 :]:
            close = pattern.index("]", i + 2)
            body = pattern[i + 1 : close].replace("\\", "\\\\")
            out.append("[^" + body[1:] + "]" if body.startswith("!") else "[" + body + "]")
            i = close + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out), re.IGNORECASE if ignore_case else 0)
