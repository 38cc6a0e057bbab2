"""`records.paths` globs: how they match, where a walk starts, and which are refused. PURE.

Globs are matched against POSIX paths relative to the base: `*` and `?` stay inside one path
segment, `**` spans any number of segments (`reviews/**/*.md` also matches `reviews/a.md`).
A glob may not leave the base (`../../x/*.md`) unless the config allows it, and may not be
absolute: config validation (syncd/config/models.py) and discovery refuse the same globs, so a
valid config never silently matches nothing or reads files outside `records.root` (issue #9).
"""

from __future__ import annotations

import re

__all__ = ["compile_glob", "glob_problem", "static_prefix"]

_GLOB_CHARS = frozenset("*?[")


def glob_problem(pattern: str, *, allow_outside: bool) -> str | None:
    """Why a `records.paths` glob is refused, or None (also used by config validation)."""
    if pattern.startswith(("/", "\\")) or (len(pattern) > 1 and pattern[1] == ":"):
        return (
            f"absolute glob `{pattern}` is not supported; write it relative to records.root "
            "(or set records.root to its directory)"
        )
    if not allow_outside and _leaves_base(pattern):
        return (
            f"glob `{pattern}` leaves records.root; syncd would read and edit files outside it "
            "(set records.allow_outside_root: true if that is meant)"
        )
    return None


def _leaves_base(pattern: str) -> bool:
    """True when the glob can climb above its base: `..` beyond what it descended (a `**`
    counts as no level, the least it may match)."""
    depth = 0
    for part in pattern.replace("\\", "/").split("/"):
        if part == "..":
            depth -= 1
            if depth < 0:
                return True
        elif part not in ("", ".", "**"):
            depth += 1
    return False


def static_prefix(pattern: str) -> str:
    parts: list[str] = []
    for part in pattern.split("/"):
        if _GLOB_CHARS & set(part):
            break
        parts.append(part)
    return "/".join(p for p in parts if p and p != ".")


def compile_glob(pattern: str, *, ignore_case: bool) -> re.Pattern[str]:
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
