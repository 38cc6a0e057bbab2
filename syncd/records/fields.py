"""An action item's text → its fields: owner, due date, type, tickets, status marker, description.

Pure and table-free: the structural parser (parse.py) finds each item and passes its own text
(list marker, checkbox and syncd's suffix already removed). Every shape handled here is one
record-formats.md §3–§4 observed; the traps it names are cited where they are handled.

Decisions worth knowing:
- A date is a due date only after a key (`due:`, `due`, `by`, `deadline:`, `期限:`, `Prazo:`)
  or as a whole trailing field (`… - @ana - 2026-06-01`, `(@x, 2026-06-01)`); a date elsewhere in
  the sentence is not ("<date> due to …", okctl 0003).
- Type drift: prevention/preventive → prevent, mitigation → mitigate; detection/repair/
  investigation → other (the SRE taxonomy has no detection type and its "other" is the rest).
- A bare `KEY-123` needs two letters before the dash and a key not in `_NOT_KEYS`
  (SEV-1, UTF-8, ISO-8601, CVE-…); dashless keys (KM512) and date-like keys (23Q1-07) are only
  taken from a link label.
- A trailing `(Lee to book a session)` is prose, not an owner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from syncd.model import Status, TicketRef
from syncd.records.dates import match_date, parse_date, parse_due

__all__ = [
    "Fields",
    "extract",
    "find_tickets",
    "parse_date",
    "parse_due",
    "parse_marker",
    "parse_owner",
    "parse_type",
]


@dataclass(frozen=True, slots=True)
class Fields:
    """What one item's text says, beside its description."""

    description: str
    owner: str | None
    owners: tuple[str, ...]
    due: date | None
    due_raw: str | None
    type: str | None
    tickets: tuple[TicketRef, ...]
    marker: Status | None
    reason: str | None
    suppressed: frozenset[str]


# --- tickets ---------------------------------------------------------------------------------

_LINK = re.compile(r"(!?)\[([^\[\]\n]*)\]\(\s*<?([^()\s<>]+)>?(?:\s+\"[^\"\n]*\")?\s*\)")
_AUTOLINK = re.compile(r"<(https?://[^<>\s]+)>")
_URL = re.compile(r"https?://[^\s<>()\[\]]+")
_REPO_REF = re.compile(r"(?<![\w/.#@-])((?:[\w.-]+/)+[\w.-]+)#(\d+)\b")
_NUM_REF = re.compile(r"(?<![\w&/#])#(\d+)\b")
_KEY = re.compile(r"(?<![\w/.-])([A-Z][A-Z0-9_]*)-(\d+)(?![\w-])")
_BUG = re.compile(r"\b(?:Bugzilla\s+)?[Bb]ug:?\s+\d{4,}\b")
_ISSUE_URL = re.compile(
    r"^https?://[^/\s]+/(?P<repo>[^\s?#]+?)/(?:-/)?(?:issues|pull|pulls|merge_requests)/(?P<n>\d+)"
    r"(?![\w])"
)
_BROWSE_URL = re.compile(r"/browse/([A-Z][A-Z0-9_]*-\d+)(?![\w-])")
_LABEL_KEY = re.compile(r"^([A-Z0-9][A-Z0-9_]*-?\d+)$")
_LABEL_REPO = re.compile(r"(?:^|\s)((?:[\w.-]+/)+[\w.-]+)?#(\d+)$")
# Words that look like Jira keys but are versions, standards or severities in postmortems.
_NOT_KEYS = frozenset(
    "SEV UTF ISO COVID CVE CWE RFC SHA TLS SSL HTTP HTTPS IPV GPT PEP ECMA AES MD TCP UDP FY "
    "ASCII ID PR MR P".split()
)
_URL_TAIL = ".,;:!?'\"*_"


def find_tickets(text: str) -> tuple[TicketRef, ...]:
    """Every ticket reference in `text`, in order of appearance; commit links go last."""
    found: list[tuple[int, TicketRef]] = []
    masked = text
    if "](" in text or "://" in text:
        for m in _LINK.finditer(text):
            if not m[1]:
                found.append((m.start(), _from_link(m[0], m[2], m[3])))
        masked = _LINK.sub(_blank, text)
        for m in _AUTOLINK.finditer(masked):
            found.append((m.start(), _from_url(m[0], m[1])))
        masked = _AUTOLINK.sub(_blank, masked)
        for m in _URL.finditer(masked):
            url = m[0].rstrip(_URL_TAIL)
            found.append((m.start(), _from_url(url, url)))
        masked = _URL.sub(_blank, masked)
    if "#" in masked:
        for m in _REPO_REF.finditer(masked):
            found.append((m.start(), TicketRef(m[0], repo=m[1], number=int(m[2]))))
        masked = _REPO_REF.sub(_blank, masked)
        for m in _NUM_REF.finditer(masked):
            found.append((m.start(), TicketRef(m[0], number=int(m[1]))))
    if "-" in masked:
        for m in _KEY.finditer(masked):
            if _is_key(m[1]):
                found.append((m.start(), TicketRef(m[0], key=m[0])))
    if "ug" in masked:
        found.extend((m.start(), TicketRef(m[0])) for m in _BUG.finditer(masked))
    found.sort(key=lambda pair: (_is_commit(pair[1]), pair[0]))
    seen: set[str] = set()
    refs: list[TicketRef] = []
    for _, ref in found:
        identity = ref.url or ref.key or (f"{ref.repo}#{ref.number}" if ref.number else ref.raw)
        if identity not in seen:
            seen.add(identity)
            refs.append(ref)
    return tuple(refs)


def _blank(match: re.Match[str]) -> str:
    return " " * len(match[0])


def _is_key(prefix: str) -> bool:
    return sum(c.isalpha() for c in prefix) >= 2 and prefix not in _NOT_KEYS


def _is_commit(ref: TicketRef) -> bool:
    return ref.url is not None and ("/commit/" in ref.url or "/commits/" in ref.url)


def _from_url(raw: str, url: str) -> TicketRef:
    issue = _ISSUE_URL.match(url)
    if issue is not None:
        return TicketRef(raw, url=url, repo=issue["repo"], number=int(issue["n"]))
    browse = _BROWSE_URL.search(url)
    return TicketRef(raw, url=url, key=browse[1] if browse else None)


def _from_link(raw: str, label: str, url: str) -> TicketRef:
    ref = _from_url(raw, url)
    if ref.key or ref.number:
        return ref
    label = label.strip()
    key = _LABEL_KEY.match(label)
    if key is not None:
        return TicketRef(raw, url=url, key=key[1])
    number = _LABEL_REPO.search(label)
    if number is not None:
        return TicketRef(raw, url=url, repo=number[1], number=int(number[2]))
    return ref


# Labels that name the ticket rather than describe the work: the link is a reference.
_TICKET_LABEL = re.compile(
    r"""^\s*(?:
        (?i:jira|pr|mr|ticket|issue|bug|trello(?:\s+card)?|card|link|here|github|gitlab|commit
          |pull\s+request|merge\s+request|tracking(?:\s+issue)?|(?:jira|github|gitlab)\s+(?:issue|ticket))
        (?:\s*\#?\d+)?
      | (?i:pr|mr|issue|bug|ticket)?\s*(?:[\w.-]+/)*[\w.-]*\#\d+
      | [A-Z0-9][A-Z0-9_]*-?\d+
      | https?://\S+
    )\s*$""",
    re.VERBOSE,
)

# --- markers ---------------------------------------------------------------------------------

_WORD_STATUS = {
    "done": Status.DONE,
    "completed": Status.DONE,
    "complete": Status.DONE,
    "fixed": Status.DONE,
    "resolved": Status.DONE,
    "closed": Status.DONE,
    "todo": Status.OPEN,
    "to do": Status.OPEN,
    "open": Status.OPEN,
    "not started": Status.OPEN,
    "pending": Status.OPEN,
    "planned": Status.OPEN,
    "in progress": Status.IN_PROGRESS,
    "in-progress": Status.IN_PROGRESS,
    "wip": Status.IN_PROGRESS,
    "ongoing": Status.IN_PROGRESS,
    "started": Status.IN_PROGRESS,
    "doing": Status.IN_PROGRESS,
    "won't do": Status.DEPRIORITIZED,
    "wont do": Status.DEPRIORITIZED,
    "won't fix": Status.DEPRIORITIZED,
    "wontfix": Status.DEPRIORITIZED,
    "not doing": Status.DEPRIORITIZED,
    "dropped": Status.DEPRIORITIZED,
    "deprioritized": Status.DEPRIORITIZED,
    "cancelled": Status.DEPRIORITIZED,
    "canceled": Status.DEPRIORITIZED,
    "declined": Status.DEPRIORITIZED,
}
_EMOJI_DONE = "(?:✅|✔️|✔|☑️|☑)"
_LEAD_BOX = re.compile(r"^\[([ xX]?)\](?![(\[])\s*")
_LEAD_STATUS = re.compile(
    rf"^(?:{_EMOJI_DONE}|\[(?P<b>(?i:done|todo|wip|in progress))\](?![(\[])"
    r"|(?:\*\*)?(?P<w>DONE|TODO|WIP)(?:\*\*)?(?=[\s:.—–-]|$)[:.]?)\s*"
)
_LEAD_LABEL = re.compile(
    r"^(?:\*\*|__)?(?i:action(?:\s+items?)?)(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s*"
)
_LEAD_TERM = re.compile(
    r"^(?:\*\*|__)?(?P<t>(?i:(?:short|medium|mid|long|near)[- ]term|immediate))"
    r"(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s*"
)
_REF = (
    r"(?:\[[^\[\]\n]*\]\([^()\s]+\)|<https?://[^>\s]+>|https?://[^\s<>]+"
    r"|(?:[\w.-]+/)+[\w.-]+\#\d+|\#\d+|[A-Z][A-Z0-9_]+-\d+)"
)
_TRAIL = re.compile(
    rf"""(?:
        \s*(?P<emoji>{_EMOJI_DONE})
      | \s*\(\s*(?P<paren>(?i:done|completed?|fixed|resolved|in[ -]progress|wip|ongoing|to\ ?do
            |open|not\ started|issue\ created|ticket\ created))\s*\)
      | \s*(?<![\w*])(?:(?P<word>DONE|TODO|IN\ PROGRESS|WIP)|(?:\*\*|__)(?P<bold>(?i:done|todo
            |in\ progress|wip))(?:\*\*|__)|(?:\*\*|__)(?P<bword>DONE|TODO|IN\ PROGRESS|WIP))
      | [\s.,;]*(?<![\w])(?P<pr>(?i:prs?\ exists?))
      | [\s.,;—–-]*(?<![\w])(?P<donein>(?i:done|fixed|resolved|merged|completed?|implemented)
            \s+(?:in|by|via|with)\s+{_REF}(?:\s*(?:,|and|&)\s*{_REF})*)
    )[.!]?\s*$""",
    re.VERBOSE,
)
_TRAIL_TICKET = re.compile(
    rf"""(?P<sep>\s*[-—–:|,;]\s*|\s+|^)
    (?P<kw>(?i:see|ticket(?:\s+no\.?)?|issue|pr|mr|bug|jira|tracked\s+(?:in|by)|tracking|ref)
        [:.]?\s*)?
    (?:
        \[\[[^\[\]\n]*\]\([^()\s]+\)\]
      | \[(?P<label>[^\[\]\n]*)\]\([^()\s]+\)
      | <https?://[^>\s]+>
      | \(\s*(?:(?i:ticket(?:\s+no\.?)?|issue|bug|jira|pr|see|tracked\s+in)[:.]?\s*)?
            (?:https?://[^\s()]+|{_REF})\s*\)
      | https?://[^\s()<>]+
      | (?:[\w.-]+/)+[\w.-]+\#\d+ | \#\d+
      | (?P<key>[A-Z][A-Z0-9_]*)-\d+
    )[.,;]?\s*$""",
    re.VERBOSE,
)
_LEAD_TICKET = re.compile(
    rf"""^(?:
        \[\[[^\[\]\n]*\]\([^()\s]+\)\]
      | \[(?P<label>[^\[\]\n]*)\]\([^()\s]+\)
      | <https?://[^>\s]+> | https?://[^\s<>]+
      | (?:[\w.-]+/)+[\w.-]+\#\d+ | \#\d+ | (?P<key>[A-Z][A-Z0-9_]*)-\d+ | [Bb]ug:?\s+\d{{4,}}
    )(?:\s*[-—–:|]\s+|\s*$|(?<=\])\s+)""",
    re.VERBOSE,
)
_WONT = re.compile(
    r"(?P<w>(?i:won['’`]?t\s+(?:do|fix)|will\s+not\s+(?:do|fix)|not\s+doing|wont-?fix))\b"
    r"(?P<c>\s*[:：]\s*|\s*[—–-]\s+)?"
)


def parse_marker(cell: str) -> tuple[Status | None, str | None]:
    """Status words in a table cell (`n/a **DONE**`, `Bug 7721034 TODO`, `Won't do: replaced`)."""
    work = _Work(cell)
    work.strip_wont()
    work.strip_keys()
    work.strip_trailing()
    work.strip_leading(checkbox=None)
    if work.words or work.dropped:
        return work.status(None), work.reason
    rest = _LINK.sub("", work.text)
    rest = _URL.sub("", _KEY.sub("", _BUG.sub("", rest)))
    rest = " ".join(re.sub(r"[*_`~()\[\].:!]|n/a|#\d+", " ", rest.lower()).split())
    for size in (3, 2, 1):
        tail = " ".join(rest.split()[-size:])
        if tail in _WORD_STATUS:
            return _WORD_STATUS[tail], work.reason
    return None, work.reason


# --- owners, due dates, type, reason ---------------------------------------------------------

_KEY_FIELD = re.compile(
    r"""(?<![\w-])(?:\*\*|__)?(?:
        (?P<owner>(?i:owners?|assignees?|assigned\ to|dri|respons[aá]vel|dono)|担当者?|オーナー)
      | (?P<due>(?i:due(?:\ date)?|deadline|target\ date|eta|prazo|frist)|期限)
      | (?P<type>(?i:type))
      | (?P<reason>(?i:reason))
    )(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s*""",
    re.VERBOSE,
)
_DUE_WORD = re.compile(
    r"(?<![\w-])(?:(?P<due>(?i:due|deadline))(?:\s+(?i:on|by|before|date))?|(?i:by|before))\s+"
)
_AFTER_BY = re.compile(r"\s*(?:$|[.,;)|—–·]|-\s)")
_OWNER_END = re.compile(r"\s+[—–|·]|\n|;|\s-\s|\)|\.(?:\s|$)|\s\(")
_DUE_END = re.compile(r"\s+[—–|·]|\n|;|\s-\s|\)|,")
_REASON_END = re.compile(r"\s+[—–|·]\s|;")
_REASON_END_PAREN = re.compile(r"\s+[—–|·]\s|;|\)")
_WORD = re.compile(r"[^\W\d_]+")
_OWNER_SPLIT = re.compile(r"\s*(?:,|;|&|\+|\band/or\b|\band\b|/)\s*")
_NO_OWNER = frozenset("tbd tba n/a na none - — ? owner owners unassigned nobody".split())
_NOT_OWNER = re.compile(
    r"^(?i:x|done|todo|to do|wip|in progress|optional|stretch|nice to have|high|medium|low"
    r"|critical|urgent|blocker|p\d|\d+\s*[mhdw]|tbd|n/a|\^.*)$"
)
_HANDLE = r"(?:@[\w][\w.-]*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
_HANDLES = re.compile(rf"^{_HANDLE}(?:\s*(?:,|&|\band\b)\s*{_HANDLE})*$")
_NAME = re.compile(r"^[^\W\d_][\w.'?-]*(?:\s+[^\W\d_][\w.'?-]*){0,2}$")
_LEAD_BRACKET = re.compile(r"^\[([^\[\]()\n]{1,40})\](?![(\[:])\s*")
_LEAD_PAREN = re.compile(r"^\(([^()\n]{1,60})\)\s*")
_TEAM = re.compile(r"^((?:[\w&/.'-]+\s+){0,4}[Tt]eam)\s*[:：]\s*")
_TRAIL_PAREN = re.compile(r"\s*\(([^()\n]+)\)\.?\s*$")
_SEG = re.compile(r"\s+-\s+|\s*[—–|]\s*")
_TRAIL_SEP = re.compile(r"(?:\s+[-—–|·]+|\s*[—–|·,;:]+)\s*$")
_LEAD_SEP = re.compile(r"^(?:[-—–|·,;:]+\s+)+")
_EMPTY_PAREN = re.compile(r"\s*\(\s*[,;]?\s*\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_INLINE_LINK = re.compile(r"!?\[([^\[\]\n]*)\](?:\([^()\s]*(?:\s+\"[^\"\n]*\")?\)|\[[^\[\]\n]*\])")
_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_IGNORE = re.compile(r"^\s*syncd\s*:\s*ignore\b(.*)$", re.DOTALL | re.IGNORECASE)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)

_TYPES = {
    "mitigate": "mitigate",
    "mitigation": "mitigate",
    "mitigating": "mitigate",
    "mitigative": "mitigate",
    "prevent": "prevent",
    "prevention": "prevent",
    "preventive": "prevent",
    "preventative": "prevent",
    "preventing": "prevent",
    "process": "process",
    "other": "other",
    "detect": "other",
    "detection": "other",
    "repair": "other",
    "investigate": "other",
    "investigation": "other",
}
_PRIORITY = (Status.DEPRIORITIZED, Status.DONE, Status.IN_PROGRESS, Status.OPEN)


def parse_type(cell: str) -> str | None:
    """The first type word in `cell`, normalized to mitigate | prevent | process | other."""
    for word in _WORD.findall(cell.lower()):
        if word in _TYPES:
            return _TYPES[word]
    return None


def parse_owner(cell: str) -> tuple[str | None, tuple[str, ...]]:
    """A table Owner cell → (first owner, every owner); `TBD`, `n/a` and empty are no owner."""
    key = _KEY_FIELD.search(cell)
    if key is not None and key["owner"]:
        cell = cell[key.end() :]
    owners = _split_owners(cell)
    return (owners[0] if owners else None), owners


def _split_owners(value: str) -> tuple[str, ...]:
    if "[" in value:
        value = _INLINE_LINK.sub(r"\1", value)
    parts = (part.strip(" \t\n.*`'\"") for part in _OWNER_SPLIT.split(value))
    return tuple(part for part in parts if part and part.lower() not in _NO_OWNER)


def _pre_sep(text: str, start: int) -> int:
    """Where a field starting at `start` begins once its leading separator is counted in."""
    i = start
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    if i > 0 and (
        text[i - 1] in "—–|·;," or (text[i - 1] == "-" and i > 1 and text[i - 2] in " \t")
    ):
        i -= 1
        while i > 0 and text[i - 1] in " \t":
            i -= 1
    return i


def _end(pattern: re.Pattern[str], text: str, start: int, limit: int) -> int:
    found = pattern.search(text, start, limit)
    return found.start() if found else limit


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + text[end:]
    return _EMPTY_PAREN.sub("", text) if "(" in text else text


# --- the work on one item ----------------------------------------------------------------------


class _Work:
    """An item's text being taken apart; each step removes what it recognised."""

    __slots__ = (
        "box",
        "date_order",
        "dropped",
        "due",
        "due_raw",
        "owners",
        "positional",
        "reason",
        "review_date",
        "text",
        "type",
        "words",
    )

    def __init__(self, text: str, review_date: date | None = None, date_order: str | None = None):
        self.text = text
        self.review_date = review_date
        self.date_order = date_order
        self.owners: tuple[str, ...] = ()
        self.due: date | None = None
        self.due_raw: str | None = None
        self.type: str | None = None
        self.reason: str | None = None
        self.words: set[Status] = set()
        self.dropped = False
        self.box: bool | None = None
        self.positional = False

    def status(self, checkbox: bool | None) -> Status | None:
        # An explicit word beats an unticked box ([ ] … won't do: x); a ticked box beats words.
        box = self.box if checkbox is None else checkbox
        if self.dropped:
            return Status.DEPRIORITIZED
        if box:
            return Status.DONE
        for status in _PRIORITY:
            if status in self.words:
                return status
        return Status.OPEN if box is False else None

    def strip_wont(self) -> None:
        text = self.text
        for m in _WONT.finditer(text):
            start = m.start()
            before = text[:start].rstrip()
            if before and before[-1] not in "([.;—–|:,·-" and not m["c"] and m.end() < len(text):
                continue  # "the deployer won't do partial rollouts" is prose
            closer = (
                _REASON_END_PAREN
                if text.count("(", 0, start) > text.count(")", 0, start)
                else _REASON_END
            )
            end = _end(closer, text, m.end(), len(text))
            reason = text[m.end() : end].strip(" \t\n.*_")
            self.dropped = True
            self.reason = self.reason or reason or None
            self.text = _cut(text, [(_pre_sep(text, start), end)])
            return

    def strip_keys(self) -> None:
        text = self.text
        matches = list(_KEY_FIELD.finditer(text)) if (":" in text or "：" in text) else []
        spans: list[tuple[int, int]] = []
        for index, m in enumerate(matches):
            limit = (
                _pre_sep(text, matches[index + 1].start())
                if index + 1 < len(matches)
                else len(text)
            )
            start = m.end()
            kind = m.lastgroup
            if kind == "due":
                found = match_date(text, start, self.review_date, self.date_order)
                end = (
                    found[0] if found and found[0] <= limit else _end(_DUE_END, text, start, limit)
                )
                if self.due_raw is None:
                    self.due, self.due_raw = parse_due(
                        text[start:end].rstrip(" ."), self.review_date, self.date_order
                    )
            elif kind == "owner":
                end = _end(_OWNER_END, text, start, limit)
                self.owners = self.owners or _split_owners(text[start:end])
            elif kind == "type":
                word = _WORD.match(text, start)
                kind_of = parse_type(word[0]) if word else None
                if kind_of is None:
                    continue  # "content type: json" is not a field
                end = word.end() if word else start
                self.type = self.type or kind_of
            else:
                paren = text.count("(", 0, m.start()) > text.count(")", 0, m.start())
                end = _end(_REASON_END_PAREN if paren else _REASON_END, text, start, limit)
                self.reason = self.reason or text[start:end].strip(" \t\n.*_") or None
            spans.append((_pre_sep(text, m.start()), end))
        if spans:
            text = _cut(text, spans)
        if self.due_raw is None:
            for m in _DUE_WORD.finditer(text):
                found = match_date(text, m.end(), self.review_date, self.date_order)
                if found is None or not (m["due"] or _AFTER_BY.match(text, found[0])):
                    continue
                self.due, self.due_raw = found[1], text[m.end() : found[0]]
                text = _cut(text, [(_pre_sep(text, m.start()), found[0])])
                break
        self.text = text

    def strip_trailing(self) -> None:
        for _ in range(16):
            text = self.text.rstrip()
            if not text:
                break
            m = _TRAIL.search(text)
            if m is not None:
                self._trail_status(m)
                self.text = text[: m.start()]
                continue
            m = _TRAIL_TICKET.search(text) if _may_end_in_ticket(text) else None
            if m is not None and _trailing_ticket_ok(m):
                self.text = text[: m.start()]
                continue
            if self._trailing_fields(text):
                continue
            m = _TRAIL_SEP.search(text)
            if m is not None:
                self.text = text[: m.start()]
                continue
            self.text = text
            break

    def _trail_status(self, m: re.Match[str]) -> None:
        if m["emoji"] or m["donein"]:
            self.words.add(Status.DONE)
            return
        word = m["paren"] or m["word"] or m["bold"] or m["bword"]
        if word:
            status = _WORD_STATUS.get(" ".join(word.lower().split()))
            if status is not None:
                self.words.add(status)

    def _trailing_fields(self, text: str) -> bool:
        """`(owner, due)` or `- @owner - due` at the end (the templates' positional fields)."""
        paren = _TRAIL_PAREN.search(text) if text[-1] in ")." else None
        if paren is not None:
            owners: list[str] = []
            due: tuple[date | None, str] | None = None
            parts = [part.strip() for part in re.split(r"[,;]", paren[1])]
            for part in parts:
                found = match_date(part, 0, self.review_date, self.date_order)
                if found is not None and found[0] == len(part) and due is None:
                    due = (found[1], part)
                elif _HANDLES.match(part) or (len(parts) > 1 and _is_name(part)):
                    owners.extend(_split_owners(part))
                else:
                    return False
            if due is None and not all(_HANDLES.match(part) for part in parts):
                return False
            if (owners and self.owners) or (due and self.due_raw is not None):
                return False
            self.owners = self.owners or tuple(owners)
            if due is not None:
                self.due, self.due_raw = due
            self.text = text[: paren.start()]
            return True
        last = None
        for last in _SEG.finditer(text):
            pass
        if last is None:
            return False
        segment = text[last.end() :].strip().rstrip(".")
        if not self.owners and _HANDLES.match(segment):
            self.owners = _split_owners(segment)
        elif self.due_raw is None and (found := self._whole_date(segment)) is not None:
            self.due, self.due_raw = found, segment
            self.positional = True
        elif self.positional and not self.owners and _is_name(segment):
            self.owners = (segment,)
        else:
            return False
        self.text = text[: last.start()]
        return True

    def _whole_date(self, text: str) -> date | None | bool:
        found = match_date(text, 0, self.review_date, self.date_order)
        if found is None or found[0] != len(text):
            return None
        return found[1] if found[1] is not None else False

    def strip_leading(self, checkbox: bool | None) -> None:
        for _ in range(8):
            text = self.text.lstrip()
            self.text = text
            if not text:
                return
            if checkbox is None and self.box is None and (m := _LEAD_BOX.match(text)):
                self.box = m[1] in ("x", "X")
            elif m := _LEAD_STATUS.match(text):
                word = m["b"] or m["w"]
                self.words.add(_WORD_STATUS[word.lower()] if word else Status.DONE)
            elif m := _LEAD_LABEL.match(text):
                pass
            elif m := _LEAD_TERM.match(text):
                # "Long term:" is a timeframe, kept as the due text when nothing better is given.
                if self.due_raw is None:
                    self.due_raw = m["t"]
            elif (m := _LEAD_TICKET.match(text)) and _leading_ticket_ok(m):
                pass
            elif not self.owners and (m := self._leading_owner(text)):
                pass
            else:
                return
            self.text = text[m.end() :]

    def _leading_owner(self, text: str) -> re.Match[str] | None:
        if text[0] == "[":
            m = _LEAD_BRACKET.match(text)
            if m is None or _NOT_OWNER.match(m[1].strip()) or _TICKET_LABEL.match(m[1]):
                return None
            owners = _split_owners(m[1])
        elif text[0] == "(":
            m = _LEAD_PAREN.match(text)
            if m is None:
                return None
            parts = [part.strip() for part in re.split(r"[,;]", m[1])]
            if not all(_is_name(part, words=4) or _HANDLES.match(part) for part in parts):
                return None
            owners = _split_owners(m[1])
        else:
            m = _TEAM.match(text)
            if m is None:
                return None
            owners = (m[1],)
        if not owners or not any(c.isalnum() for c in text[m.end() :]):
            return None
        self.owners = owners
        return m

    def describe(self) -> str:
        text = self.text
        if "](" in text or "][" in text:
            text = _INLINE_LINK.sub(r"\1", text)
        if "**" in text:
            text = _BOLD.sub(r"\1", text)
        text = " ".join(text.split())
        if "(" in text:
            text = _EMPTY_PAREN.sub("", text)
        text = _LEAD_SEP.sub("", _TRAIL_SEP.sub("", text))
        if (
            text.startswith("~~")
            and text.endswith("~~")
            and len(text) > 4
            and text.count("~~") == 2
        ):
            self.dropped = True
            text = text[2:-2].strip()
        return text


def _is_name(text: str, words: int = 3) -> bool:
    return (
        _NAME.match(text) is not None
        and text.count(" ") < words
        and not _NOT_OWNER.match(text)
        and match_date(text, 0, None, None) is None
    )


def _may_end_in_ticket(text: str) -> bool:
    return text[-1] in ")>]" or text[-1].isdigit() or "http" in text


def _trailing_ticket_ok(m: re.Match[str]) -> bool:
    if m["label"] is not None:
        return _TICKET_LABEL.match(m["label"]) is not None
    matched = m[0]
    if m["key"] is not None:
        return _is_key(m["key"]) and (bool(m["kw"]) or bool(m["sep"].strip()))
    if "://" not in matched and "#" not in matched:
        key = _KEY.search(matched)
        return key is not None and _is_key(key[1])
    return True


def _leading_ticket_ok(m: re.Match[str]) -> bool:
    if m["label"] is not None:
        return _TICKET_LABEL.match(m["label"]) is not None
    return m["key"] is None or _is_key(m["key"])


def extract(
    text: str, *, checkbox: bool | None, review_date: date | None, date_order: str | None
) -> Fields:
    """Take one item's text apart (list marker, checkbox and syncd suffix already removed)."""
    suppressed: frozenset[str] = frozenset()
    if "<" in text:
        if "<!--" in text:
            codes: set[str] = set()
            for comment in _COMMENT.findall(text):
                ignore = _IGNORE.match(comment)
                if ignore is not None:
                    codes.update(ignore[1].replace(",", " ").split() or ("all",))
            suppressed = frozenset(codes)
            text = _COMMENT.sub(" ", text)
        if "<br" in text or "<BR" in text:
            text = _BR.sub(" ", text)
    work = _Work(text, review_date, date_order)
    tickets = find_tickets(text)
    work.strip_wont()
    work.strip_keys()
    work.strip_trailing()
    work.strip_leading(checkbox)
    description = work.describe()
    return Fields(
        description=description,
        owner=work.owners[0] if work.owners else None,
        owners=work.owners,
        due=work.due,
        due_raw=work.due_raw,
        type=work.type,
        tickets=tickets,
        marker=work.status(checkbox),
        reason=work.reason,
        suppressed=suppressed,
    )
