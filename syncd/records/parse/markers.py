"""Status markers in an item's text: checkboxes, ✅, DONE/TODO, `(Done)`, `won't do: reason`.

The vocabulary and the patterns; `work.Work` applies them at the item's two ends. A ticked box
beats a status word; an explicit word beats an unticked box; "won't do" and a struck-through
description beat both.
"""

from __future__ import annotations

import re

from syncd.model import Status
from syncd.records.parse.separators import pre_sep
from syncd.records.parse.ticket_places import REF
from syncd.records.parse.words import BUILT_IN, Words, fold_word

__all__ = [
    "CELL_NOISE",
    "LEAD_BOX",
    "LEAD_LABEL",
    "LEAD_STATUS",
    "LEAD_TERM",
    "PRIORITY",
    "WONT",
    "status_tail",
    "word_status",
]

PRIORITY = (Status.DEPRIORITIZED, Status.DONE, Status.IN_PROGRESS, Status.OPEN)
_EMOJI = "✅✔☑\ufe0f"
LEAD_BOX = re.compile(r"\[([ xX]?)\](?![(\[])\s*")
# Leading status: an emoji or an upper-case word (`[done]`, `[対応中]`: Words.bracket_status).
LEAD_STATUS = re.compile(
    r"(?:[✅✔☑]\ufe0f?|(?:\*\*)?(?P<w>DONE|TODO|WIP)(?:\*\*)?(?=[\s:.—–-]|$)[:.]?)\s*"
)
LEAD_LABEL = re.compile(
    r"(?:\*\*|__)?(?i:action(?:\s+items?)?)(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s*"
)
LEAD_TERM = re.compile(
    r"(?:\*\*|__)?(?P<t>(?i:(?:short|medium|mid|long|near)[- ]term|immediate))"
    r"(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s*"
)
_END_WORD = re.compile(
    r"(?<![\w*])(?:(?P<w>DONE|TODO|IN PROGRESS|WIP)"
    r"|(?:\*\*|__)(?P<b>(?i:done|todo|in progress|wip))(?:\*\*|__))"
)
_DONE_VERBS = ("done", "fixed", "resolved", "merged", "completed", "complete", "implemented")
_DONE_IN = re.compile(
    rf"(?i:done|fixed|resolved|merged|completed?|implemented)\s+(?:in|by|via|with)\s+{REF}"
    rf"(?:\s*(?:,|and|&)\s*{REF})*"
)
_PR_EXISTS = ("pr exists", "pr exist", "prs exist")
CELL_NOISE = re.compile(r"[*_`~()\[\].:!]|n/a|#\d+")
WONT = re.compile(
    r"(?i:won['’`]?t\s+(?:do|fix)|will\s+not\s+(?:do|fix)|not\s+doing|wont-?fix)\b"
    r"(?P<c>\s*[:：]\s*|\s*[—–-]\s+)?"
)


def word_status(word: str, words: Words = BUILT_IN) -> Status:
    """The status a status word says (`Words.statuses`); the word is one the patterns found."""
    return words.statuses[fold_word(word)]


def status_tail(text: str, words: Words = BUILT_IN) -> tuple[int, Status | None] | None:
    """A status marker ending `text`: (where it starts, the status it says), else None.

    `(issue created)` and `PR exists` are cut but say nothing about progress (status None).
    """
    core = text.rstrip(".!")
    last = core[-1:]
    if not last:
        return None
    if last in _EMOJI:
        cut = len(core)
        while cut and core[cut - 1] in _EMOJI:
            cut -= 1
        return cut, Status.DONE
    if last in ")）":
        start = core.rfind("(" if last == ")" else "（")
        paren = words.paren_status.fullmatch(core, start) if start >= 0 else None
        if paren is not None:
            return start, None if paren["none"] else word_status(paren["w"], words)
    elif last in "EOPS*_":
        word = _END_WORD.search(core, max(0, len(core) - 16))
        if word is not None and word.end() == len(core):
            return word.start(), word_status(word["w"] or word["b"])
    elif last in "st":
        tail = core[-10:].lower()
        for phrase in _PR_EXISTS:
            if tail.endswith(phrase) and not core[-len(phrase) - 1 : -len(phrase)].isalnum():
                return len(core) - len(phrase), None
    # _DONE_IN ends with a reference: `…](url)`, `<https://…>`, a URL, `#12` or `KEY-12`.
    if (
        (last == ")" and ("](" in core or "://" in core))
        or (last == ">" and "://" in core)
        or last.isdigit()
        or "://" in core[-80:]
    ):
        lower = core.lower()
        for verb in _DONE_VERBS if len(lower) == len(core) else ():
            at = lower.rfind(verb)
            if at >= 0 and not lower[at - 1 : at].isalnum():
                done = _DONE_IN.match(core, at)
                if done is not None and done.end() == len(core):
                    return pre_sep(core, at), Status.DONE
    return _status_field(core, words)


def _status_field(core: str, words: Words) -> tuple[int, Status] | None:
    """A status word as the last positional field: `Pin the image — @sam — done`, `… | in
    progress` (the templates' `Action - Owner - Due date - Status`). Only after a separator:
    a sentence that ends in a status word (`until the migration is done`) is prose."""
    sep = max(core.rfind(" - "), core.rfind("—"), core.rfind("–"), core.rfind("|"))
    if sep < 0 or len(core) - sep > 24:
        return None
    value = sep + (3 if core.startswith(" - ", sep) else 1)
    said = words.statuses.get(fold_word(core[value:].strip(" *_`")))
    return (pre_sep(core, value), said) if said is not None else None
