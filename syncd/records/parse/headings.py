"""Heading names: which headings hold action items, and what a heading says about its items.

- `matches`: a heading (or bold key) names an action-item section when it is one of the
  configured names, tolerantly: case, punctuation, emphasis, accents (`Acoes` for `Ações`), a
  leading number, a trailing colon, links and a trailing parenthetical aside; singular or
  plural (`Remediations`, `Root Cause Remediation(s)`, `Follow-up`); and after a leading
  qualifier (`Root Cause`, `Incident`, `Postmortem`) — never a different phrase that merely
  starts alike (`Follow-up timeline`).
- `heading_status`: `Immediate Actions (Completed)`, `Done`, `Completed actions` say their
  items are done (record-formats.md P12, PostHog); an item's own marker still wins.
- `looks_like_actions`: a heading outside every section whose words suggest actions, for the
  SYN011 hint that names it and the `records.sections` key.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from syncd.model import Status
from syncd.records.keys import strip_links
from syncd.records.parse.words import Words, fold_word

__all__ = [
    "display",
    "fold",
    "heading_status",
    "looks_like_actions",
    "matches",
    "name_set",
    "trailing_paren",
]

_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()]*\)")  # only to test for one: strip_links removes
_LEADING_NUMBER = re.compile(r"^\d+(?:\.\d+)*[.)]?\s+")
_NON_WORD = re.compile(r"[^\w&]+")
_ACCENTS = re.compile(r"[\u0300-\u036f]+")  # Latin combining accents only, not kana marks
# Words that qualify a section name without changing it: `Root Cause Remediations`,
# `Incident Action Items`, `Postmortem Follow-ups` (record-formats.md §2.1).
_QUALIFIERS = (
    "root cause",
    "incident",
    "postmortem",
    "post mortem",
    "post incident",
    "pir",
    "retro",
    "retrospective",
    "review",
    "key",
    "open",
    "remaining",
    "proposed",
    "recommended",
    "additional",
    "further",
)
# Words around a status word that leave it the heading's meaning: `Completed actions`.
_ITEM_WORDS = frozenset(
    "action actions item items task tasks follow up ups already the following all".split()  # noqa: SIM905
)
# Headings that hint at actions without being a configured name (SYN011).
_ACTION_HINTS = re.compile(
    r"\b(?:actions?|action items?|follow[ -]?ups?|remediations?|corrective|correction|preventi?v"
    r"|prevent(?:ion)?|fix(?:es)?|improvements?|todos?|to dos?|tasks?|next steps?|recommendations?"
    r"|countermeasures?|measures|what we ll do|doing about|plan)\b"
)


def fold(text: str) -> str:
    """Lower-case words only: emphasis, links' targets, a leading number and accents gone."""
    text = unicodedata.normalize("NFKC", text)
    text = strip_links(text) if "[" in text else text
    text = _LEADING_NUMBER.sub("", text.strip())
    if not text.isascii():  # `Acoes corretivas` is how many write `Ações corretivas`
        text = unicodedata.normalize("NFC", _ACCENTS.sub("", unicodedata.normalize("NFD", text)))
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


def _singular(folded: str) -> str:
    """Each word without a plural `s` (`follow ups` → `follow up`, `remedies` → `remedy`)."""
    return " ".join(_one(word) for word in folded.split())


def _one(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 2 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@functools.lru_cache(maxsize=16)
def name_set(names: tuple[str, ...]) -> frozenset[str]:
    """The configured section names as `matches` compares them."""
    return frozenset(_singular(fold(name)) for name in names)


@functools.lru_cache(maxsize=4096)  # heading texts repeat across reviews ("Summary")
def matches(text: str, names: frozenset[str]) -> bool:
    """True when a heading (or key) names an action-item section (module docstring)."""
    text = unicodedata.normalize("NFKC", strip_links(text)).strip().strip("*_ ")
    text = text.rstrip(":").strip().strip("*_ ").rstrip(":").strip()
    if _named(fold(text), names):
        return True
    m = trailing_paren(text)
    if m is None:
        return False
    # `Action Items (short term):`, `Remediation(s)` and `再発防止（Action Items）` all count.
    return _named(fold(m[0].rstrip(":")), names) or _named(fold(m[1]), names)


def _named(folded: str, names: frozenset[str]) -> bool:
    if not folded:
        return False
    wanted = _singular(folded)
    if wanted in names:
        return True
    for qualifier in _QUALIFIERS:
        if wanted.startswith(qualifier + " ") and wanted[len(qualifier) + 1 :] in names:
            return True
    return False


def trailing_paren(text: str) -> tuple[str, str] | None:
    """(text before, text inside) of a parenthetical ending `text` (`Action Items (short
    term)`, `Fixes (see [#1](…))`), nested at most once; None without one.

    A backward scan instead of a lazy `^(.*?)…$` pattern, which retried the rest of the line
    from every `(` of it.
    """
    body = text.rstrip(" \t")
    if not body.endswith(")"):
        return None
    depth = deepest = 0
    for at in range(len(body) - 1, -1, -1):
        ch = body[at]
        if ch == ")":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == "(":
            depth -= 1
            if depth == 0:
                if deepest > 2:
                    return None
                return body[:at].rstrip(" \t"), body[at + 1 : -1]
    return None


def display(text: str) -> str:
    """A heading as shown in reports: no emphasis, no trailing colon, no link-only aside."""
    if "[" in text:  # both steps need a link
        m = trailing_paren(text.strip())
        if m and _LINK.search(m[1]):
            text = m[0]
        text = strip_links(text)
    text = text.replace("**", "").replace("__", "")
    return " ".join(text.strip().strip("*_").strip().rstrip(":").split())


@functools.lru_cache(maxsize=1024)  # headings repeat across reviews; Words hash by identity
def heading_status(text: str, words: Words) -> Status | None:
    """The status a heading or group label gives its items: `Immediate Actions (Completed)`,
    `Done`, `Completed actions`, `完了`; None for every other heading."""
    m = trailing_paren(text.strip())
    if m is not None and (said := words.statuses.get(fold_word(m[1]))) is not None:
        return said
    folded = fold(text)
    said = words.statuses.get(folded)
    if said is not None:
        return said
    parts = folded.split()
    if 1 < len(parts) <= 4:
        for edge, rest in ((parts[0], parts[1:]), (parts[-1], parts[:-1])):
            said = words.statuses.get(edge)
            if said is not None and all(word in _ITEM_WORDS for word in rest):
                return said
    return None


def looks_like_actions(text: str) -> bool:
    """A heading whose words suggest action items (`Improvements`, `Fixes`, `TODO`)."""
    folded = fold(text)
    return bool(folded) and _ACTION_HINTS.search(folded) is not None
