"""Owners, types and the keys that introduce a field (`owner:`, `Due date:`, `**Owner**:`).

Pure. `TBD`, `n/a` and friends are no owner; a trailing `(Lee to book a session)` is prose, not
an owner (dfds, record-formats.md §3 P9). Type drift seen in SRE-book copies and Kehoe's
template (§4.5): prevention/preventive → prevent, mitigation → mitigate; detection/repair/
investigation → other (the SRE taxonomy has no detection type; its "other" is the rest).
"""

from __future__ import annotations

import re

from syncd.records.parse.dates import match_date
from syncd.records.parse.words import BUILT_IN, Words

__all__ = [
    "INLINE_LINK",
    "LEAD_BRACKET",
    "LEAD_PAREN",
    "NOT_OWNER",
    "TEAM",
    "WORD",
    "is_handles",
    "is_name",
    "key_before",
    "parse_owner",
    "parse_type",
    "split_owners",
]

_LONGEST_KEY = 24
WORD = re.compile(r"[^\W\d_]+")
# No blanks in the pattern: each part is stripped anyway, and `\s*` around the separators
# rescanned a long blank run from each of its characters.
_OWNER_SPLIT = re.compile(r",|;|&|\+|\band/or\b|\band\b|/")
_NO_OWNER = frozenset(
    ("tbd", "tba", "n/a", "na", "none", "-", "—", "?", "owner", "owners", "unassigned", "nobody")
)
NOT_OWNER = re.compile(
    r"(?i:x|done|todo|to do|wip|in progress|optional|stretch|nice to have|high|medium|low"
    r"|critical|urgent|blocker|p\d|\d+\s*[mhdw]|tbd|n/a|\^.*)"
)
_HANDLE = r"(?:@[\w][\w.-]*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
_HANDLES = re.compile(rf"{_HANDLE}(?:\s*(?:,|&|\band\b)\s*{_HANDLE})*")
_NAME = re.compile(r"[^\W\d_][\w.'?-]*(?:\s+[^\W\d_][\w.'?-]*){0,3}")
LEAD_BRACKET = re.compile(r"\[([^\[\]()\n]{1,40})\](?![(\[:])\s*")
LEAD_PAREN = re.compile(r"\(([^()\n]{1,60})\)\s*")
TEAM = re.compile(r"((?:[\w&/.'-]+\s+){0,4}[Tt]eam)\s*[:：]\s*")
INLINE_LINK = re.compile(r"!?\[([^\[\]\n]*)\](?:\([^()\s]*(?:\s+\"[^\"\n]*\")?\)|\[[^\[\]\n]*\])")

# Drift seen in SRE-book copies and Kehoe's template (record-formats.md §4.5).
_TYPES = {
    word: kind
    for kind, words in (
        ("mitigate", "mitigate mitigation mitigating mitigative"),
        ("prevent", "prevent prevention preventive preventative preventing"),
        ("process", "process"),
        ("other", "other detect detection repair investigate investigation"),
    )
    for word in words.split()
}


def parse_type(cell: str) -> str | None:
    """The first type word in `cell`, normalized to mitigate | prevent | process | other."""
    for word in WORD.findall(cell.lower()):
        if word in _TYPES:
            return _TYPES[word]
    return None


def parse_owner(cell: str, words: Words = BUILT_IN) -> tuple[str | None, tuple[str, ...]]:
    """A table Owner cell → (first owner, every owner); `TBD`, `n/a` and empty are no owner."""
    colon = cell.find(":")
    if colon >= 0 and (key := key_before(cell, colon, words)) is not None and key[1] == "owner":
        cell = cell[colon + 1 :]
    owners = split_owners(cell)
    return (owners[0] if owners else None), owners


def split_owners(value: str) -> tuple[str, ...]:
    if "[" in value:
        value = INLINE_LINK.sub(r"\1", value)
    if value.strip(" \t\n.*`'\"").lower() in _NO_OWNER:
        return ()
    # Every separator _OWNER_SPLIT knows holds one of these; one owner (`@priya`) has none.
    several = "," in value or ";" in value or "&" in value or "+" in value
    several = several or "/" in value or "and" in value
    pieces = _OWNER_SPLIT.split(value) if several else (value,)
    parts = (part.strip(" \t\n.*`'\"") for part in pieces)
    return tuple(part for part in parts if part and part.lower() not in _NO_OWNER)


def key_before(text: str, colon: int, words: Words = BUILT_IN) -> tuple[int, str] | None:
    """The field key (`owner`, `Due date`, `**Owner**`, `担当`) ending at a colon, as
    (start, kind); the keys are `words.keys` and the two-word `words.pairs`."""
    end = colon
    while end and text[end - 1] in " \t\n*_":
        end -= 1
    start = _word_start(text, end)
    word = text[start:end].casefold()
    kind = words.keys.get(word) if word else None
    if kind is None and word:
        gap = start
        while gap and text[gap - 1] == " ":
            gap -= 1
        if gap < start:
            first = _word_start(text, gap)
            kind = words.pairs.get((text[first:gap].casefold(), word))
            start = first
    if kind is None:
        return None
    while start and text[start - 1] in "*_":
        start -= 1
    return start, kind


def _word_start(text: str, end: int) -> int:
    """Start of the letters ending at `end`; a run longer than any key is no key. (Each run of
    letters ends at most one colon's key, so these scans add up to one pass over the line.)"""
    start = end
    while start and text[start - 1].isalpha():
        start -= 1
    return start if end - start <= _LONGEST_KEY else end


def is_handles(text: str) -> bool:
    """All of `text` is handles or emails (`@ana`, `@ana, bo@x.org`); each has an `@`."""
    return "@" in text and _HANDLES.fullmatch(text) is not None


def is_name(text: str, words: int = 3) -> bool:
    return (
        _NAME.fullmatch(text) is not None
        and text.count(" ") < words
        and NOT_OWNER.fullmatch(text) is None
        and match_date(text, 0, None, None) is None
    )
