"""HTML comments in review text: found and removed in linear time.

A comment never carries an item or a field (record-formats.md §7.1: templates hide example
items in them), and a value syncd reads — a title, a description — never keeps one: a comment
left in a value could read as a syncd marker (`<!-- syncd:item=… -->`) wherever it is shown.
`str.find` rather than `<!--(.*?)-->`: the lazy pattern rescans to the end of the text from
every unclosed `<!--`, which is quadratic on a line of many of them.
"""

from __future__ import annotations

__all__ = ["comments", "strip_comments"]

_OPEN, _CLOSE = "<!--", "-->"


def comments(text: str) -> list[str]:
    """The inside of each closed comment, in order."""
    found: list[str] = []
    at = text.find(_OPEN)
    while at >= 0:
        end = text.find(_CLOSE, at + len(_OPEN))
        if end < 0:
            break
        found.append(text[at + len(_OPEN) : end])
        at = text.find(_OPEN, end + len(_CLOSE))
    return found


def strip_comments(text: str, *, unclosed: bool = False) -> str:
    """`text` with each closed comment replaced by a space; with `unclosed`, an unclosed
    `<!--` and everything after it goes too (a value must not end in half a comment)."""
    if _OPEN not in text:
        return text
    parts: list[str] = []
    last = 0
    at = text.find(_OPEN)
    while at >= 0:
        end = text.find(_CLOSE, at + len(_OPEN))
        if end < 0:
            if unclosed:
                parts.append(text[last:at])
                last = len(text)
            break
        parts += (text[last:at], " ")
        last = end + len(_CLOSE)
        at = text.find(_OPEN, last)
    parts.append(text[last:])
    return "".join(parts)
