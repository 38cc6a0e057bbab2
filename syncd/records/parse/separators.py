"""Where an item's fields start and end: separators (` — `, `|`, `·`, ` - `) and cuts.

Pure helpers shared by the ticket, marker and field readers of one item's text.
"""

from __future__ import annotations

import re

__all__ = [
    "EDGE",
    "EMPTY_PAREN",
    "SEPARATORS",
    "drop_empty_parens",
    "end_of",
    "inside_paren",
    "lstrip_separators",
    "pre_sep",
    "remove_spans",
    "skip_space",
    "unbold",
]

SEPARATORS = "—–|·;,"
EDGE = " \t\n—–|·,;:"
EMPTY_PAREN = re.compile(r"\s*\(\s*[,;]?\s*\)")
# The same without the leading spaces: it starts with a literal "(", so the regex engine
# skips ahead to each "(" instead of trying EMPTY_PAREN at every position.
_EMPTY_PAREN_CORE = re.compile(r"\(\s*[,;]?\s*\)")


def skip_space(text: str, start: int) -> int:
    while start and text[start - 1] in " \t":
        start -= 1
    return start


def pre_sep(text: str, start: int) -> int:
    """Where a field starting at `start` begins once its leading separator is counted in."""
    i = skip_space(text, start)
    if i and (text[i - 1] in SEPARATORS or (text[i - 1] == "-" and i > 1 and text[i - 2] in " \t")):
        i = skip_space(text, i - 1)
    return i


def end_of(pattern: re.Pattern[str], text: str, start: int, limit: int) -> int:
    found = pattern.search(text, start, limit)
    return found.start() if found else limit


def remove_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` without the spans (overlapping ones merged), in one pass."""
    parts: list[str] = []
    done = 0
    for start, end in sorted(spans):
        if start > done:
            parts.append(text[done:start])
        done = max(done, end)
    parts.append(text[done:])
    return drop_empty_parens("".join(parts))


def drop_empty_parens(text: str) -> str:
    """`text` without `()`, `( , )` and the blanks before them (left after a field is cut).

    What `EMPTY_PAREN.sub("", text)` did, in linear time: its leading `\\s*` rescanned a long
    blank run from each of its characters.
    """
    if "(" not in text or _EMPTY_PAREN_CORE.search(text) is None:
        return text
    parts: list[str] = []
    done = 0
    for m in _EMPTY_PAREN_CORE.finditer(text):
        start = m.start()
        while start > done and text[start - 1].isspace():
            start -= 1
        parts.append(text[done:start])
        done = m.end()
    parts.append(text[done:])
    return "".join(parts)


def lstrip_separators(text: str) -> str:
    while True:
        stripped = text.lstrip().lstrip(EDGE)
        if stripped.startswith("- "):  # a separator left in front, or a stray list marker
            stripped = stripped[2:]
        if stripped == text:
            return text
        text = stripped


def inside_paren(text: str, at: int) -> bool:
    """More `(` than `)` before `at`: a field inside a parenthesis (`(reason: …)`). Counted
    from the nearest line start back, so a line of many keys is not recounted per key."""
    start = text.rfind("\n", 0, at) + 1
    return text.count("(", start, at) > text.count(")", start, at)


def unbold(text: str) -> str:
    """`**bold**` → `bold` on one line, in linear time: what the lazy pattern
    `[*][*](?=[^ ])(.+?)(?<=[^ ])[*][*]` did, without rescanning the line from every
    unclosed `**` (tests/unit/test_long_lines.py checks both agree)."""
    marks: list[int] = []
    at = text.find("**")
    while at >= 0:
        marks.append(at)
        at = text.find("**", at + 1)
    # A mark can close when a non-space comes before it; each opener takes the first such
    # mark at least one character after it on its line. The closer index only moves forward.
    closers = [m for m in marks if m and not text[m - 1].isspace()]
    parts: list[str] = []
    done = 0
    k = 0
    for mark in marks:
        if mark < done or mark + 2 >= len(text) or text[mark + 2].isspace():
            continue
        while k < len(closers) and closers[k] < mark + 3:
            k += 1
        if k == len(closers):
            break
        close = closers[k]
        if "\n" in text[mark:close]:
            continue
        parts += (text[done:mark], text[mark + 2 : close])
        done = close + 2
    if not parts:
        return text
    parts.append(text[done:])
    return "".join(parts)
