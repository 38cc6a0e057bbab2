"""Find review files by glob, relative to a base directory.

Globs are matched against POSIX paths relative to `base`: `*` and `?` stay inside one path
segment, `**` spans any number of segments (`reviews/**/*.md` also matches `reviews/a.md`).
Excludes are matched case-insensitively, so `**/*template*` also drops `TEMPLATE.md` and
`PM2021-000 - Postmortem Template.md` (record-formats.md §7.16). Hidden directories are not
entered by `**`. A symlink is followed only when its target resolves inside `base`; one that
points outside is reported (SYN006) and skipped, so a review repository cannot make syncd read
(or later edit) files elsewhere on the machine. Each real file is read once: a second path to
the same file (a symlink) is reported (SYN013) and skipped, so one item never gets two tickets.

A glob that leaves the base (`../../x/*.md`) is refused (SYN014) unless `allow_outside` (config
`records.allow_outside_root`); an absolute glob is refused always — never a silent empty match.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from syncd.model import Problem, Severity
from syncd.records.globs import compile_glob, glob_problem, static_prefix


def discover(
    base: Path,
    paths: Sequence[str],
    exclude: Sequence[str],
    *,
    allow_outside: bool = False,
    first_only: bool = False,
) -> tuple[list[Path], list[Problem]]:
    """Files matching any of `paths` and none of `exclude`, sorted, each real file once.
    `first_only`: stop at the first file found (is there any review at all?)."""
    root = base.resolve()
    includes = [compile_glob(p, ignore_case=False) for p in paths]
    excludes = [compile_glob(p, ignore_case=True) for p in exclude]
    found: dict[str, Path] = {}
    problems: dict[str, Problem] = {}
    for pattern, regex in zip(paths, includes, strict=True):
        refusal = glob_problem(pattern, allow_outside=allow_outside)
        if refusal is not None:
            problems[pattern] = Problem(pattern, 0, "SYN014", Severity.ERROR, refusal)
            continue
        start = static_prefix(pattern)
        top = base / start if start else base
        for rel, path in _walk(base, root, top, problems):
            if rel in found or not regex.fullmatch(rel):
                continue
            if any(x.fullmatch(rel) for x in excludes):
                continue
            found[rel] = path
            if first_only:
                return [path], []
    kept = _once_per_file(found, problems)
    return kept, [problems[k] for k in sorted(problems)]


def _once_per_file(found: dict[str, Path], problems: dict[str, Problem]) -> list[Path]:
    """The paths in sorted order, each real file once: the first path to a file wins, a
    later one (a symlink to it) is reported and skipped."""
    kept: list[Path] = []
    first: dict[tuple[int, int] | str, str] = {}
    for rel in sorted(found):
        path = found[rel]
        try:
            # One stat (it follows symlinks) names the file; realpath's lstat of every path
            # component cost a 1,000-review pass ~60 ms.
            st = os.stat(path)
            real: tuple[int, int] | str = (st.st_dev, st.st_ino)
        except OSError:
            real = str(path)
        if real in first:
            message = f"same file as {first[real]} (a symlink to it); read once, as {first[real]}"
            problems[rel] = Problem(rel, 0, "SYN013", Severity.INFO, message)
            continue
        first[real] = rel
        kept.append(path)
    return kept


def _walk(
    base: Path, root: Path, top: Path, problems: dict[str, Problem]
) -> Iterator[tuple[str, Path]]:
    if top.is_symlink() and not _inside(top, root, _rel(top, base), problems):
        return
    if top.is_file():
        yield (_rel(top, base), top)
        return
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
                    yield (rel, path)
            except OSError:
                continue


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


def relative(path: Path, root: Path) -> str:
    """`path` relative to `root`, POSIX: by string when it starts with root (a path from
    discover always does; pathlib's relative_to cost a 1,000-review pass ~15 ms)."""
    text, top = os.fspath(path), os.fspath(root).rstrip(os.sep)
    if text.startswith(top + os.sep):
        return text[len(top) + 1 :].replace(os.sep, "/")
    return path.relative_to(root).as_posix()


def _rel(path: Path, base: Path) -> str:
    return relative(path, base)
