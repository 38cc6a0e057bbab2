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
    "lstrip_separators",
    "pre_sep",
    "remove_spans",
    "skip_space",
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
    """`text` without `()`, `( , )` and the spaces before them (left after a field is cut)."""
    if "(" in text and _EMPTY_PAREN_CORE.search(text) is not None:
        return EMPTY_PAREN.sub("", text)
    return text


def lstrip_separators(text: str) -> str:
    while True:
        stripped = text.lstrip().lstrip(EDGE)
        if stripped.startswith("- "):  # a separator left in front, or a stray list marker
            stripped = stripped[2:]
        if stripped == text:
            return text
        text = stripped
