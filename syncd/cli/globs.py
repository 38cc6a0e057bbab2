"""`records.paths` must find reviews: a glob that matches no file is a configuration error
(exit 2), not a healthy pass over nothing — a cron job must not stay green on a typo."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from syncd.errors import ConfigError


def count_reviews(loaded: Any, *, count: bool = False) -> int | None:
    """How many review files `records.paths` finds (with `count`; else 1 once one is found:
    the pass walks the folders itself); ConfigError (exit 2) when none.

    None with `records.repo`: the globs apply to syncd's clone, which a pass fetches first;
    `one_pass` checks what the pass found instead."""
    from syncd.records.discover import discover

    records = loaded.config.records
    if records.repo is not None:
        return None
    found, _ = discover(
        loaded.records_root(),
        records.paths,
        records.exclude,
        allow_outside=records.allow_outside_root,
        first_only=not count,
    )
    if not found:
        raise no_reviews_error(loaded, loaded.records_root())
    return len(found)


def no_reviews_error(loaded: Any, root: Path | None) -> ConfigError:
    """The error naming the config file, the `records.paths` line, each glob and what to do.
    `root` is where the globs start; None with `records.repo` (they start in syncd's clone)."""
    records = loaded.config.records
    where = _line_of_paths(loaded)
    globs = ", ".join(f'"{g}"' for g in records.paths)
    under = _shown(root) if root is not None else f"the root of {records.repo.url}"
    problems = [] if root is None else [_why_empty(root, g, records.exclude) for g in records.paths]
    problems.append(
        f"what to do: make records.paths ({where}) match the files your reviews are in (globs "
        f'are relative to {under}, e.g. "postmortems/**/*.md"); without a config yet, '
        "`syncd init` writes one whose records.paths matches the reviews it finds"
    )
    return ConfigError(
        f"records.paths ({globs}, {where}) matches no review file under {under}, so there "
        "is nothing to check",
        tuple(problems),
    )


def _why_empty(root: Path, glob: str, exclude: tuple[str, ...]) -> str:
    """Why one glob contributes no review: no file, or only files records.exclude drops."""
    from syncd.records.discover import discover

    matched, _ = discover(root, [glob], [])
    if not matched:
        return f'"{glob}" matches no file{_missing_folder(root, glob)}'
    return (
        f'"{glob}" matches {_files(len(matched))}, '
        f"{'all' if len(matched) > 1 else 'it is'} excluded by records.exclude "
        f"({', '.join(exclude)})"
    )


def _line_of_paths(loaded: Any) -> str:
    """`syncd.yaml:4 records.paths`, or `syncd.yaml (records.paths not set: the default)`."""
    from syncd.config.source import read_source

    name = loaded.path.name
    try:
        lines = read_source(loaded.path.read_text(encoding="utf-8"), os.environ).lines
    except OSError:
        lines = {}
    line = lines.get(("records", "paths"))
    if line is None:
        return f"not set in {name}, so the default applies"
    return f"{name}:{line}"


def _missing_folder(root: Path, glob: str) -> str:
    """Why a glob found nothing, when it is a missing folder: `there is no postmortem/ in the
    current folder (did you mean postmortems/?)`."""
    parts = glob.removeprefix("./").split("/")
    static = []
    for part in parts[:-1]:
        if set(part) & set("*?["):
            break
        static.append(part)
    folder = root
    for part in static:
        if not (folder / part).is_dir():
            near = _close_folders(folder, part)
            hint = f" (did you mean {near}/?)" if near else ""
            return f"; there is no {part}/ in {_shown(folder)}{hint}"
        folder = folder / part
    return ""


def _close_folders(folder: Path, name: str) -> str | None:
    import difflib

    try:
        names = [e.name for e in os.scandir(folder) if e.is_dir() and not e.name.startswith(".")]
    except OSError:
        return None
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return close[0] if close else None


def _files(n: int) -> str:
    return f"{n} file" + ("s" if n != 1 else "")


def _shown(root: Path) -> str:
    try:
        relative = root.resolve().relative_to(Path.cwd())
    except ValueError:
        return str(root.resolve())
    return f"{relative.as_posix()}/" if relative.parts else "the current folder"
