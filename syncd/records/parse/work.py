"""One item's text taken apart: the working state of `fields.extract`.

Each step removes what it recognised (won't-do, `key: value` fields, trailing status, tickets
and positional fields, leading boxes, labels, tickets and owners); what is left is the
description. Trailing parts are found from candidate positions (`rfind`, then an anchored match)
rather than with `…$` searches, which rescan the whole text for every alternative.

A date is a due date only after a key (`due:`, `due`, `by`, `deadline:`, `期限:`, `Prazo:`) or as
a whole trailing field (`… - @ana - 2026-06-01`, `(@x, 2026-06-01)`); a date elsewhere in the
sentence is not ("<date> due to …", okctl 0003, record-formats.md §4.2).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from syncd.model import Status
from syncd.records.parse.dates import match_date, parse_due
from syncd.records.parse.leading import MAX_PARTS, PARTS, strip_leading
from syncd.records.parse.markers import (
    LEAD_BOX,
    PRIORITY,
    WONT,
    status_tail,
)
from syncd.records.parse.owners import (
    INLINE_LINK,
    WORD,
    is_handles,
    is_name,
    key_before,
    parse_type,
    split_owners,
)
from syncd.records.parse.separators import (
    EDGE,
    drop_empty_parens,
    end_of,
    inside_paren,
    pre_sep,
    remove_spans,
    skip_space,
    unbold,
)
from syncd.records.parse.ticket_places import (
    REF,
    dangling_link,
    ticket_tail,
    trailing_link,
)
from syncd.records.parse.tickets import NO_LINKS
from syncd.records.parse.words import BUILT_IN, Words, fold_word

__all__ = ["Work"]

_DUE_WORDS = ("due", "deadline", "by", "before")
_DUE_GAP = re.compile(r"(?:\s+(?i:on|by|before|date))?\s+")
_AFTER_BY = re.compile(r"\s*(?:$|[.,;)|—–·]|-\s)")
# Where a field's value ends. A separator counts after a blank (`(?<=\s)—`, not `\s+—`, which
# rescanned a long blank run from each of its characters); the value is stripped after.
# An owner list may hold commas (`@a, @b`); a comma before a due word (`, due 2026-12-01`,
# `, by Friday`) ends it, so the date is still read (`_due_word`) and not lost in the owners.
_OWNER_END = re.compile(
    r"(?<=\s)[—–|·]|\n|;|\s-\s|\)|\.(?:\s|$)|\s\(|,\s*(?i:due|deadline|by|before)\s"
)
_DUE_END = re.compile(r"(?<=\s)[—–|·]|\n|;|\s-\s|\)|,")
_REASON_END = re.compile(r"(?<=\s)[—–|·]\s|;")
_REASON_END_PAREN = re.compile(r"(?<=\s)[—–|·]\s|;|\)")
_DIGIT = re.compile(r"\d")
_PAREN_LEFTOVER = re.compile(r"\(\s*[,;]\s*")
_PERIODS = re.compile(r"\.(?: ?\.)+")
_PAREN_FIELDS = re.compile(r"\(([^()\n]+)\)\.?")
_BRACKETED = re.compile(r"\[[^\[\]]+\]")
_WHOLE_LINK = re.compile(r"\[[^\[\]\n]+\]\([^()\s]+\)")
_TICKET_VALUE = re.compile(rf"(?:{REF}|[Bb]ug:?\s+\d{{4,}})(?:\s*(?:,|and|&)\s*{REF})*")


class Work:
    """An item's text being taken apart; each step removes what it recognised."""

    __slots__ = (
        "box",
        "date_order",
        "dropped",
        "due",
        "due_raw",
        "links",
        "owners",
        "positional",
        "reason",
        "refs",
        "review_date",
        "text",
        "type",
        "vocab",
        "words",
    )

    def __init__(
        self,
        text: str,
        review_date: date | None = None,
        date_order: str | None = None,
        links: Mapping[str, str] = NO_LINKS,
        vocab: Words = BUILT_IN,
    ):
        self.text = text
        self.review_date = review_date
        self.date_order = date_order
        self.links = links
        self.vocab = vocab
        self.owners: tuple[str, ...] = ()
        self.due: date | None = None
        self.due_raw: str | None = None
        self.type: str | None = None
        self.reason: str | None = None
        self.words: set[Status] = set()
        self.dropped = False
        self.box: bool | None = None
        self.positional = False  # a trailing date field was found, so a name before it is an owner
        self.refs: list[str] = []  # the parts cut from ticket positions (ticket_places)

    def status(self, checkbox: bool | None) -> Status | None:
        box = self.box if checkbox is None else checkbox
        if self.dropped:
            return Status.DEPRIORITIZED
        if box:
            return Status.DONE
        for status in PRIORITY if self.words else ():
            if status in self.words:
                return status
        return Status.OPEN if box is False else None

    def strip_wont(self) -> None:
        text = self.text
        lower = text.lower()
        if "won" not in lower and "will not" not in lower and "not doing" not in lower:
            return
        for m in WONT.finditer(text):
            start = m.start()
            before = text[:start].rstrip()
            if before and before[-1] not in "([.;—–|:,·-" and not m["c"] and m.end() < len(text):
                continue  # "the deployer won't do partial rollouts" is prose
            paren = text.count("(", 0, start) > text.count(")", 0, start)
            end = end_of(_REASON_END_PAREN if paren else _REASON_END, text, m.end(), len(text))
            self.dropped = True
            self.reason = self.reason or text[m.end() : end].strip(" \t\n.*_") or None
            self.text = remove_spans(text, [(pre_sep(text, start), end)])
            return

    def strip_keys(self) -> None:
        text = self.text
        keys: list[tuple[int, int, str]] = []
        last_tick = text.rfind("`")
        for colon in (":", "："):
            at = text.find(colon)
            ticks, counted = 0, 0  # backticks before `at`, counted up to `counted` (linear)
            while at >= 0:
                # not a URL's scheme, not inside `code`
                code = False
                if last_tick > at:
                    ticks += text.count("`", counted, at)
                    counted = at
                    code = ticks % 2 == 1
                plain = text[at + 1 : at + 3] != "//" and not code
                found = key_before(text, at, self.vocab) if plain else None
                if found is not None:
                    value = at + 1
                    while value < len(text) and text[value] in " \t*_":
                        value += 1
                    keys.append((found[0], value, found[1]))
                at = text.find(colon, at + 1)
        if keys:
            keys.sort()
            spans = [span for i in range(len(keys)) if (span := self._field(text, keys, i))]
            text = remove_spans(text, spans)
        if self.due_raw is None and _DIGIT.search(text):
            text = self._due_word(text)
        self.text = text

    def _field(
        self, text: str, keys: list[tuple[int, int, str]], index: int
    ) -> tuple[int, int] | None:
        key_start, start, kind = keys[index]
        limit = (
            len(text) if index + 1 == len(keys) else max(start, pre_sep(text, keys[index + 1][0]))
        )
        if kind == "due":
            found = match_date(text, start, self.review_date, self.date_order)
            if found is not None and found[0] <= limit:
                end = found[0]
                if self.due_raw is None:
                    self.due, self.due_raw = found[1], text[start:end]
            else:
                end = end_of(_DUE_END, text, start, limit)
                if self.due_raw is None:
                    raw = text[start:end].rstrip(" .")
                    self.due, self.due_raw = parse_due(raw, self.review_date, self.date_order)
        elif kind == "owner":
            end = end_of(_OWNER_END, text, start, limit)
            self.owners = self.owners or split_owners(text[start:end])
        elif kind == "ticket":
            found_ref = _TICKET_VALUE.match(text, start)
            if found_ref is None or found_ref.end() > limit:
                return None  # "root issue: the loader" is prose, not a field
            end = found_ref.end()
            self.refs.append(text[start:end])
        elif kind == "status":
            end = end_of(_DUE_END, text, start, limit)
            said = self.vocab.statuses.get(fold_word(text[start:end].strip(" .*_")))
            if said is None and text[start:end].strip(" .*_"):
                return None  # "status: see the dashboard" says no status
            if said is not None:
                self.words.add(said)
        elif kind == "type":
            word = WORD.match(text, start)
            kind_of = parse_type(word[0]) if word else None
            if word is None or kind_of is None:
                return None  # "content type: json" is not a field
            end = word.end()
            self.type = self.type or kind_of
        else:
            paren = inside_paren(text, key_start) if "(" in text else False
            end = end_of(_REASON_END_PAREN if paren else _REASON_END, text, start, limit)
            self.reason = self.reason or text[start:end].strip(" \t\n.*_") or None
        if end < len(text) and text[end] in "—–|·":
            end = skip_space(text, end)  # the blank before the next separator stays with it
        return pre_sep(text, key_start), end

    def _due_word(self, text: str) -> str:
        """`due 28 May 2026`, `by 2026-06-04`: a key word without a colon, then a date."""
        lower = text.lower()
        if len(lower) != len(text):
            return text
        for word in _DUE_WORDS:
            at = lower.find(word)
            while at >= 0:
                after = at + len(word)
                boundary = at == 0 or not (lower[at - 1].isalnum() or lower[at - 1] == "-")
                gap = _DUE_GAP.match(text, after) if boundary else None
                if gap is not None and (word in ("due", "deadline") or gap.group().isspace()):
                    found = match_date(text, gap.end(), self.review_date, self.date_order)
                    if found and (word in ("due", "deadline") or _AFTER_BY.match(text, found[0])):
                        self.due, self.due_raw = found[1], text[gap.end() : found[0]]
                        return remove_spans(text, [(pre_sep(text, at), found[0])])
                at = lower.find(word, at + 1)
        return text

    def strip_trailing(self) -> None:
        for _ in range(MAX_PARTS):
            text = self.text.rstrip()
            self.text = text
            if not text:
                return
            found = status_tail(text, self.vocab)
            cut = found[0] if found is not None else None
            if found is not None:
                if found[1] is not None:
                    self.words.add(found[1])
                part = text[cut:]
                if "[" in part or "/" in part or "#" in part or "-" in part:
                    self.refs.append(part)  # `DONE in [PR #812](…)` names the ticket
            if cut is None:
                cut = ticket_tail(text, self.links)
                if cut is not None:
                    self.refs.append(text[cut:])
            if cut is None:
                cut = self._field_tail(text)
            if cut is None and "ink" in text[-6:]:
                cut = dangling_link(text)
            if cut is None and (text[-1] in "—–|·,;:" or text[-2:] in (" -", "-")):
                cut = len(text) - 1
            if cut is None:
                if "](" in text and (link := trailing_link(text)):
                    self.refs.append(link)
                return
            self.text = text[:cut]

    def _field_tail(self, text: str) -> int | None:
        """`(owner, due)` or `- @owner - due` at the end: the templates' positional fields."""
        if text[-1] in ").":
            start = text.rfind("(")
            paren = _PAREN_FIELDS.fullmatch(text, start) if start >= 0 else None
            if paren is not None and self._paren_fields(paren[1]):
                return start
        sep = max(text.rfind(" - "), text.rfind("—"), text.rfind("–"), text.rfind("|"))
        if sep < 0:
            return None
        segment = text[sep + (3 if text.startswith(" - ", sep) else 1) :].strip().rstrip(".")
        if not self.owners and is_handles(segment):
            self.owners = split_owners(segment)
        elif self.due_raw is None and (found := self._whole_date(segment)):
            self.due, self.due_raw, self.positional = found[0], segment, True
        elif self.positional and not self.owners and is_name(segment):
            self.owners = (segment,)
        else:
            return None
        return sep

    def _paren_fields(self, inner: str) -> bool:
        parts = [part.strip() for part in PARTS.split(inner)]
        owners: list[str] = []
        due: tuple[date | None, str] | None = None
        for part in parts:
            if due is None and (found := self._whole_date(part)):
                due = found[0], part
            elif is_handles(part) or (len(parts) > 1 and is_name(part)):
                owners.extend(split_owners(part))
            else:
                return False
        if due is None and not all(is_handles(part) for part in parts):
            return False
        if (owners and self.owners) or (due is not None and self.due_raw is not None):
            return False
        self.owners = self.owners or tuple(owners)
        if due is not None:
            self.due, self.due_raw = due
        return True

    def _whole_date(self, text: str) -> tuple[date | None] | None:
        """`(date,)` when all of `text` is one date shape (the date None if unparseable)."""
        found = match_date(text, 0, self.review_date, self.date_order) if text else None
        return (found[1],) if found is not None and found[0] == len(text) else None

    def strip_leading(self, checkbox: bool | None) -> None:
        strip_leading(self, checkbox)

    def describe(self) -> str:
        text = self.text
        if "](" in text or "][" in text:
            text = INLINE_LINK.sub(r"\1", text)
        if "**" in text:
            text = unbold(text)
        text = " ".join(text.split())
        text = drop_empty_parens(text)
        if "(" in text:
            text = _PAREN_LEFTOVER.sub("(", text)  # `(, by Friday)` once the owner is cut
        if ".." in text and "..." not in text:
            text = _PERIODS.sub(".", text)  # `Add alert..` once `Owner: @p.` is cut
        text = text.strip(EDGE)
        if text.startswith(". "):
            text = text[2:].strip(EDGE)  # `. Rotate the keys` once a leading `Owner: @k` is cut
        while text.startswith("- ") or text.endswith(" -"):
            text = (text[2:] if text.startswith("- ") else text[:-2]).strip(EDGE)
        while text.startswith("[") and (box := LEAD_BOX.match(text)):  # one hidden in **…**
            text = text[box.end() :]
        if (self.owners or self.due_raw) and text[:1] == "[" and _BRACKETED.fullmatch(text):
            text = text[1:-1].strip()  # the template's slot after `[Owner] [Due date]`
        return text

    def whole_link(self) -> None:
        """An item that is one link (`[Shard the audit log #9120](…/issues/9120)`) is both
        its description and its ticket: the link stands first and last."""
        text = self.text.strip()
        if text.startswith("[") and text.endswith(")") and (m := _WHOLE_LINK.fullmatch(text)):
            self.refs.append(m[0])

    def unstrike(self) -> bool:
        """A description struck through as a whole (`~~…~~`) was consciously dropped."""
        text = self.text.strip()
        if len(text) > 4 and text[:2] == text[-2:] == "~~" and text.count("~~") == 2:
            self.dropped = True
            self.text = text[2:-2]
            return True
        return False
