"""An action item's text → its fields: owner, due date, type, tickets, status marker, description.

Pure: the structural parser finds each item and passes its own text (list marker, checkbox and
syncd's suffix already removed). Every shape handled here is one record-formats.md §3–§4
observed. The parser calls `extract` for every item of every review on a cold pass, so
trailing parts are found from candidate positions (`rfind`, then an anchored match) rather
than with `…$` searches, which rescan the whole text for every alternative.

Decisions worth knowing:
- A date is a due date only after a key (`due:`, `due`, `by`, `deadline:`, `期限:`, `Prazo:`)
  or as a whole trailing field (`… - @ana - 2026-06-01`, `(@x, 2026-06-01)`); a date elsewhere
  in the sentence is not ("<date> due to …", okctl 0003, record-formats.md §4.2).
- Type drift: prevention/preventive → prevent, mitigation → mitigate; detection/repair/
  investigation → other (the SRE taxonomy has no detection type; its "other" is the rest).
- A bare `KEY-123` needs two letters before the dash and a prefix not in `_NOT_KEYS`
  (SEV-1, UTF-8, ISO-8601, CVE-…); dashless (KM512) and date-like (23Q1-07) keys are only
  taken from a link label.
- A trailing `(Lee to book a session)` is prose, not an owner (dfds, §3 P9).
- A ticked box beats a status word; an explicit word beats an unticked box; "won't do" and a
  struck-through description beat both.
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


# --- tickets -----------------------------------------------------------------------------------

_LINK = re.compile(r"(!?)\[([^\[\]\n]*)\]\(\s*<?([^()\s<>]+)>?(?:\s+\"[^\"\n]*\")?\s*\)")
_AUTOLINK = re.compile(r"<(https?://[^<>\s]+)>")
_URL = re.compile(r"https?://[^\s<>()\[\]]+")
_HASH = re.compile(r"#(\d+)\b")
_REPO_PATH = re.compile(r"(?:[\w.-]+/)+[\w.-]+")
_KEY = re.compile(r"([A-Z][A-Z0-9_]*)-(\d+)(?![\w-])")
_BUG = re.compile(r"\b(?:Bugzilla\s+)?[Bb]ug:?\s+\d{4,}\b")
_ISSUE_URL = re.compile(
    r"https?://[^/\s]+/(?P<repo>[^\s?#]+?)/(?:-/)?(?:issues|pull|pulls|merge_requests)/(?P<n>\d+)"
    r"(?![\w])"
)
_BROWSE_URL = re.compile(r"/browse/([A-Z][A-Z0-9_]*-\d+)(?![\w-])")
_LABEL_KEY = re.compile(r"([A-Z0-9][A-Z0-9_]*-?\d+)")
_LABEL_NUMBER = re.compile(r"(?:^|\s)((?:[\w.-]+/)+[\w.-]+)?#(\d+)$")
# Words shaped like Jira keys that postmortems use for versions, standards and severities.
_NOT_KEYS = frozenset(
    re.split(
        " ",
        "SEV UTF ISO COVID CVE CWE RFC SHA TLS SSL HTTP HTTPS IPV GPT PEP ECMA AES MD TCP UDP FY "
        "ASCII ID PR MR",
    )
)
_HASH_DELIMITERS = " \t\n([<{,;:'\"*"


def find_tickets(text: str) -> tuple[TicketRef, ...]:
    """Every ticket reference in `text`, in order of appearance; commit links go last."""
    found: list[tuple[int, TicketRef]] = []
    masked = text
    if "](" in text:
        spans = []
        for m in _LINK.finditer(text):
            spans.append(m.span())
            if not m[1]:  # an image is not a ticket
                found.append((m.start(), _from_link(m[0], m[2], m[3])))
        masked = _mask(text, spans)
    if "<http" in masked:
        spans = []
        for m in _AUTOLINK.finditer(masked):
            spans.append(m.span())
            found.append((m.start(), _from_url(m[0], m[1])))
        masked = _mask(masked, spans)
    if "://" in masked:
        spans = []
        for m in _URL.finditer(masked):
            spans.append(m.span())
            url = m[0].rstrip(".,;:!?'\"*_")
            found.append((m.start(), _from_url(url, url)))
        masked = _mask(masked, spans)
    if "#" in masked:
        for m in _HASH.finditer(masked):
            start = m.start()
            while start and masked[start - 1] not in _HASH_DELIMITERS:
                start -= 1
            if start == m.start():
                found.append((start, TicketRef(m[0], number=int(m[1]))))
            elif _REPO_PATH.fullmatch(masked, start, m.start()):
                repo = masked[start : m.start()]
                found.append((start, TicketRef(repo + m[0], repo=repo, number=int(m[1]))))
    if _has_dash_digit(masked):
        for m in _KEY.finditer(masked):
            start = m.start()
            if _is_key(m[1]) and not (
                start and (masked[start - 1].isalnum() or masked[start - 1] in "/.-_")
            ):
                found.append((start, TicketRef(m[0], key=m[0])))
    if "ug" in masked:
        found.extend((m.start(), TicketRef(m[0])) for m in _BUG.finditer(masked))
    if len(found) > 1:
        found.sort(key=lambda pair: (_is_commit(pair[1]), pair[0]))
    seen: set[str] = set()
    refs: list[TicketRef] = []
    for _, ref in found:
        identity = ref.url or ref.key or (f"{ref.repo}#{ref.number}" if ref.number else ref.raw)
        if identity not in seen:
            seen.add(identity)
            refs.append(ref)
    return tuple(refs)


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with the spans blanked, so later patterns neither see them nor shift positions."""
    parts: list[str] = []
    last = 0
    for start, end in spans:
        parts += (text[last:start], " " * (end - start))
        last = end
    parts.append(text[last:])
    return "".join(parts)


def _has_dash_digit(text: str) -> bool:
    at = text.find("-")
    while at >= 0:
        if text[at + 1 : at + 2].isdigit():
            return True
        at = text.find("-", at + 1)
    return False


def _is_key(prefix: str) -> bool:
    return prefix not in _NOT_KEYS and sum(c.isalpha() for c in prefix) >= 2


def _is_commit(ref: TicketRef) -> bool:
    return ref.url is not None and ("/commit/" in ref.url or "/commits/" in ref.url)


def _from_url(raw: str, url: str) -> TicketRef:
    issue = _ISSUE_URL.match(url)
    if issue is not None:
        return TicketRef(raw, url=url, repo=issue["repo"], number=int(issue["n"]))
    browse = _BROWSE_URL.search(url) if "/browse/" in url else None
    return TicketRef(raw, url=url, key=browse[1] if browse else None)


def _from_link(raw: str, label: str, url: str) -> TicketRef:
    ref = _from_url(raw, url)
    if ref.key or ref.number:
        return ref  # the URL says more than a label such as "jira" or "PR"
    label = label.strip()
    if _LABEL_KEY.fullmatch(label):
        return TicketRef(raw, url=url, key=label)
    number = _LABEL_NUMBER.search(label)
    if number is not None:
        return TicketRef(raw, url=url, repo=number[1], number=int(number[2]))
    return ref


# Link labels that name the ticket rather than describe the work.
_TICKET_LABEL = re.compile(
    r"""\s*(?:
        (?i:jira|pr|mr|ticket|issue|bug|trello(?:\s+card)?|card|link|here|github|gitlab|commit
          |pull\s+request|merge\s+request|tracking(?:\s+issue)?|(?:jira|github|gitlab)\s+(?:issue|ticket))
        (?:\s*\#?\d+)?
      | (?i:pr|mr|issue|bug|ticket)?\s*(?:[\w.-]+/)*[\w.-]*\#\d+
      | [A-Z0-9][A-Z0-9_]*-?\d+
      | https?://\S+
    )\s*""",
    re.VERBOSE,
)
_REF = (
    r"(?:\[[^\[\]\n]*\]\([^()\s]+\)|<https?://[^>\s]+>|https?://[^\s<>]+"
    r"|(?:[\w.-]+/)+[\w.-]+\#\d+|\#\d+|[A-Z][A-Z0-9_]+-\d+)"
)
_T_DOUBLE = re.compile(r"\[\[[^\[\]\n]*\]\([^()\s]+\)\]")
_T_LINK = re.compile(r"\[([^\[\]\n]*)\]\([^()\s]+\)")
_T_AUTO = re.compile(r"<https?://[^>\s]+>")
_T_PAREN = re.compile(
    r"\(\s*(?:(?i:ticket(?:\s+no\.?)?|issue|bug|jira|pr|see|tracked\s+in)[:.]?\s*)?"
    rf"(?:https?://[^\s()]+|{_REF})(?:\s*(?:,|and|&)\s*{_REF})*\s*\)"
)
_T_BARE = re.compile(r"https?://[^\s()<>]+|(?:[\w.-]+/)*[\w.-]*\#\d+|(?P<key>[A-Z][A-Z0-9_]*)-\d+")
_T_WORDS = frozenset(("ticket", "tracking", "issue", "see", "jira", "bug", "pr", "mr", "ref"))
_T_PAIRS = frozenset((("tracked", "in"), ("tracked", "by"), ("ticket", "no")))
_LEAD_TICKET = re.compile(
    r"""(?:
        \[\[[^\[\]\n]*\]\([^()\s]+\)\]
      | \[(?P<label>[^\[\]\n]*)\]\([^()\s]+\)
      | <https?://[^>\s]+> | https?://[^\s<>]+
      | (?:[\w.-]+/)+[\w.-]+\#\d+ | \#\d+ | (?P<key>[A-Z][A-Z0-9_]*)-\d+ | [Bb]ug:?\s+\d{4,}
    )(?:\s*[-—–:|]\s+|\s*$|(?<=\])\s+)""",
    re.VERBOSE,
)


def _ticket_tail(text: str) -> int | None:
    """Where a trailing ticket reference starts, with its keyword ("Ticket") and separator."""
    body = text.rstrip(".,;")
    last = body[-1:]
    key = None
    if last == "]":
        start = body.rfind("[[")
        ok = start >= 0 and _T_DOUBLE.fullmatch(body, start) is not None
    elif last == ")":
        start = body.rfind("](")
        start = body.rfind("[", 0, start) if start > 0 else -1
        link = _T_LINK.fullmatch(body, start) if start >= 0 else None
        ok = link is not None and _TICKET_LABEL.fullmatch(link[1]) is not None
        if link is None:
            start = body.rfind("(")
            paren = _T_PAREN.fullmatch(body, start) if start >= 0 else None
            ok = paren is not None and _names_real_ticket(paren[0])
    elif last == ">":
        start = body.rfind("<")
        ok = start >= 0 and _T_AUTO.fullmatch(body, start) is not None
    elif last.isdigit() or "://" in body[-60:]:
        start = max(body.rfind(" "), body.rfind("\n"), body.rfind("\t")) + 1
        bare = _T_BARE.fullmatch(body, start)
        ok = bare is not None and (bare["key"] is None or _is_key(bare["key"]))
        key = bare["key"] if bare else None
    else:
        return None
    if not ok:
        return None
    end = start
    while end and text[end - 1] in " \t\n":
        end -= 1
    for joint in (" and", ",", " &"):  # "See [PR #12](…) and [PR #13](…)": take both
        if text.endswith(joint, 0, end) and (earlier := _ticket_tail(text[: end - len(joint)])):
            return earlier
    cut, word = end, False
    probe = end - 1 if end and text[end - 1] in ":." else end
    start = _word_start(text, probe)
    last = text[start:probe].lower()
    if last in _T_WORDS:
        cut, word = start, True
    elif last in ("in", "by", "no"):
        first = _word_start(text, _skip_space(text, start))
        if (text[first : _skip_space(text, start)].lower(), last) in _T_PAIRS:
            cut, word = first, True
    sep = _pre_sep(text, cut)
    if key is not None and not word and sep == _skip_space(text, cut):
        return None  # "… reported in OPS-12" reads as prose; "… — OPS-12" is a reference
    return sep


def _word_start(text: str, end: int) -> int:
    while end and text[end - 1].isalpha():
        end -= 1
    return end


def _names_real_ticket(paren: str) -> bool:
    if "://" in paren or "#" in paren or "](" in paren:
        return True
    key = _KEY.search(paren)
    return key is not None and _is_key(key[1])


# --- status markers ----------------------------------------------------------------------------

_WORD_STATUS = {
    word: status
    for status, words in (
        (Status.DONE, "done|completed|complete|fixed|resolved|closed"),
        (Status.OPEN, "todo|to do|open|not started|pending|planned"),
        (Status.IN_PROGRESS, "in progress|in-progress|wip|ongoing|started|doing"),
        (
            Status.DEPRIORITIZED,
            "won't do|wont do|won't fix|wontfix|not doing|dropped|deprioritized|cancelled"
            "|canceled|declined",
        ),
    )
    for word in words.split("|")
}
_PRIORITY = (Status.DEPRIORITIZED, Status.DONE, Status.IN_PROGRESS, Status.OPEN)
_EMOJI = "✅✔☑\ufe0f"
_LEAD_BOX = re.compile(r"\[([ xX]?)\](?![(\[])\s*")
_LEAD_STATUS = re.compile(
    r"(?:[✅✔☑]\ufe0f?|\[(?P<b>(?i:done|todo|wip|in progress))\](?![(\[])"
    r"|(?:\*\*)?(?P<w>DONE|TODO|WIP)(?:\*\*)?(?=[\s:.—–-]|$)[:.]?)\s*"
)
_LEAD_LABEL = re.compile(
    r"(?:\*\*|__)?(?i:action(?:\s+items?)?)(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s*"
)
_LEAD_TERM = re.compile(
    r"(?:\*\*|__)?(?P<t>(?i:(?:short|medium|mid|long|near)[- ]term|immediate))"
    r"(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s*"
)
_PAREN_STATUS = re.compile(
    r"\(\s*(?P<w>(?i:done|completed?|fixed|resolved|in[ -]progress|wip|ongoing|to ?do|open"
    r"|not started|(?P<none>issue created|ticket created)))\s*\)"
)
_END_WORD = re.compile(
    r"(?<![\w*])(?:(?P<w>DONE|TODO|IN PROGRESS|WIP)"
    r"|(?:\*\*|__)(?P<b>(?i:done|todo|in progress|wip))(?:\*\*|__))"
)
_DONE_VERBS = ("done", "fixed", "resolved", "merged", "completed", "complete", "implemented")
_DONE_IN = re.compile(
    rf"(?i:done|fixed|resolved|merged|completed?|implemented)\s+(?:in|by|via|with)\s+{_REF}"
    rf"(?:\s*(?:,|and|&)\s*{_REF})*"
)
_PR_EXISTS = ("pr exists", "pr exist", "prs exist")
_CELL_NOISE = re.compile(r"[*_`~()\[\].:!]|n/a|#\d+")
_WONT = re.compile(
    r"(?i:won['’`]?t\s+(?:do|fix)|will\s+not\s+(?:do|fix)|not\s+doing|wont-?fix)\b"
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
    rest = _URL.sub(" ", _LINK.sub(" ", work.text))
    rest = _BUG.sub(" ", _KEY.sub(" ", rest)).lower()
    words = _CELL_NOISE.sub(" ", rest).split()
    for size in (3, 2, 1):
        status = _WORD_STATUS.get(" ".join(words[-size:]))
        if status is not None and len(words) >= size:
            return status, work.reason
    return None, work.reason


# --- owners, due dates, type, reason -----------------------------------------------------------

_KEY_WORDS = {
    **dict.fromkeys(
        ("owner", "owners", "assignee", "assignees", "dri", "responsável", "responsavel", "dono"),
        "owner",
    ),
    **dict.fromkeys(("担当", "担当者", "オーナー"), "owner"),
    **dict.fromkeys(("due", "deadline", "eta", "prazo", "frist", "期限"), "due"),
    "type": "type",
    "reason": "reason",
}
_KEY_PAIRS = {("due", "date"): "due", ("target", "date"): "due", ("assigned", "to"): "owner"}
_DUE_WORDS = ("due", "deadline", "by", "before")
_DUE_GAP = re.compile(r"(?:\s+(?i:on|by|before|date))?\s+")
_AFTER_BY = re.compile(r"\s*(?:$|[.,;)|—–·]|-\s)")
_OWNER_END = re.compile(r"\s+[—–|·]|\n|;|\s-\s|\)|\.(?:\s|$)|\s\(")
_DUE_END = re.compile(r"\s+[—–|·]|\n|;|\s-\s|\)|,")
_REASON_END = re.compile(r"\s+[—–|·]\s|;")
_REASON_END_PAREN = re.compile(r"\s+[—–|·]\s|;|\)")
_WORD = re.compile(r"[^\W\d_]+")
_DIGIT = re.compile(r"\d")
_OWNER_SPLIT = re.compile(r"\s*(?:,|;|&|\+|\band/or\b|\band\b|/)\s*")
_NO_OWNER = frozenset(
    ("tbd", "tba", "n/a", "na", "none", "-", "—", "?", "owner", "owners", "unassigned", "nobody")
)
_NOT_OWNER = re.compile(
    r"(?i:x|done|todo|to do|wip|in progress|optional|stretch|nice to have|high|medium|low"
    r"|critical|urgent|blocker|p\d|\d+\s*[mhdw]|tbd|n/a|\^.*)"
)
_HANDLE = r"(?:@[\w][\w.-]*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
_HANDLES = re.compile(rf"{_HANDLE}(?:\s*(?:,|&|\band\b)\s*{_HANDLE})*")
_NAME = re.compile(r"[^\W\d_][\w.'?-]*(?:\s+[^\W\d_][\w.'?-]*){0,3}")
_LEAD_BRACKET = re.compile(r"\[([^\[\]()\n]{1,40})\](?![(\[:])\s*")
_LEAD_PAREN = re.compile(r"\(([^()\n]{1,60})\)\s*")
_TEAM = re.compile(r"((?:[\w&/.'-]+\s+){0,4}[Tt]eam)\s*[:：]\s*")
_PAREN_FIELDS = re.compile(r"\(([^()\n]+)\)\.?")
_EMPTY_PAREN = re.compile(r"\s*\(\s*[,;]?\s*\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_INLINE_LINK = re.compile(r"!?\[([^\[\]\n]*)\](?:\([^()\s]*(?:\s+\"[^\"\n]*\")?\)|\[[^\[\]\n]*\])")
_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_IGNORE = re.compile(r"\s*syncd\s*:\s*ignore\b(.*)", re.DOTALL | re.IGNORECASE)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_SEPARATORS = "—–|·;,"
_EDGE = " \t\n—–|·,;:"

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
    for word in _WORD.findall(cell.lower()):
        if word in _TYPES:
            return _TYPES[word]
    return None


def parse_owner(cell: str) -> tuple[str | None, tuple[str, ...]]:
    """A table Owner cell → (first owner, every owner); `TBD`, `n/a` and empty are no owner."""
    colon = cell.find(":")
    if colon >= 0 and (key := _key_before(cell, colon)) is not None and key[1] == "owner":
        cell = cell[colon + 1 :]
    owners = _split_owners(cell)
    return (owners[0] if owners else None), owners


def _split_owners(value: str) -> tuple[str, ...]:
    if "[" in value:
        value = _INLINE_LINK.sub(r"\1", value)
    if value.strip(" \t\n.*`'\"").lower() in _NO_OWNER:
        return ()
    parts = (part.strip(" \t\n.*`'\"") for part in _OWNER_SPLIT.split(value))
    return tuple(part for part in parts if part and part.lower() not in _NO_OWNER)


def _key_before(text: str, colon: int) -> tuple[int, str] | None:
    """The field key (`owner`, `Due date`, `**Owner**`) ending at a colon, as (start, kind)."""
    end = colon
    while end and text[end - 1] in " \t\n*_":
        end -= 1
    start = end
    while start and text[start - 1].isalpha():
        start -= 1
    word = text[start:end].lower()
    kind = _KEY_WORDS.get(word)
    if kind is None and word in ("date", "to"):
        gap = start
        while gap and text[gap - 1] == " ":
            gap -= 1
        first = gap
        while first and text[first - 1].isalpha():
            first -= 1
        kind = _KEY_PAIRS.get((text[first:gap].lower(), word))
        start = first
    if kind is None:
        return None
    while start and text[start - 1] in "*_":
        start -= 1
    return start, kind


def _skip_space(text: str, start: int) -> int:
    while start and text[start - 1] in " \t":
        start -= 1
    return start


def _pre_sep(text: str, start: int) -> int:
    """Where a field starting at `start` begins once its leading separator is counted in."""
    i = _skip_space(text, start)
    if i and (
        text[i - 1] in _SEPARATORS or (text[i - 1] == "-" and i > 1 and text[i - 2] in " \t")
    ):
        i = _skip_space(text, i - 1)
    return i


def _end(pattern: re.Pattern[str], text: str, start: int, limit: int) -> int:
    found = pattern.search(text, start, limit)
    return found.start() if found else limit


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + text[end:]
    return _EMPTY_PAREN.sub("", text) if "(" in text else text


def _is_name(text: str, words: int = 3) -> bool:
    return (
        _NAME.fullmatch(text) is not None
        and text.count(" ") < words
        and _NOT_OWNER.fullmatch(text) is None
        and match_date(text, 0, None, None) is None
    )


# --- one item --------------------------------------------------------------------------------


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
        self.positional = False  # a trailing date field was found, so a name before it is an owner

    def status(self, checkbox: bool | None) -> Status | None:
        box = self.box if checkbox is None else checkbox
        if self.dropped:
            return Status.DEPRIORITIZED
        if box:
            return Status.DONE
        for status in _PRIORITY if self.words else ():
            if status in self.words:
                return status
        return Status.OPEN if box is False else None

    def strip_wont(self) -> None:
        text = self.text
        lower = text.lower()
        if "won" not in lower and "will not" not in lower and "not doing" not in lower:
            return
        for m in _WONT.finditer(text):
            start = m.start()
            before = text[:start].rstrip()
            if before and before[-1] not in "([.;—–|:,·-" and not m["c"] and m.end() < len(text):
                continue  # "the deployer won't do partial rollouts" is prose
            paren = text.count("(", 0, start) > text.count(")", 0, start)
            end = _end(_REASON_END_PAREN if paren else _REASON_END, text, m.end(), len(text))
            self.dropped = True
            self.reason = self.reason or text[m.end() : end].strip(" \t\n.*_") or None
            self.text = _cut(text, [(_pre_sep(text, start), end)])
            return

    def strip_keys(self) -> None:
        text = self.text
        keys: list[tuple[int, int, str]] = []
        for colon in (":", "："):
            at = text.find(colon)
            while at >= 0:
                # not a URL's scheme, not inside `code`
                code = text.count("`", 0, at) % 2 and "`" in text[at:]
                plain = text[at + 1 : at + 3] != "//" and not code
                found = _key_before(text, at) if plain else None
                if found is not None:
                    value = at + 1
                    while value < len(text) and text[value] in " \t*_":
                        value += 1
                    keys.append((found[0], value, found[1]))
                at = text.find(colon, at + 1)
        if keys:
            keys.sort()
            spans = [span for i in range(len(keys)) if (span := self._field(text, keys, i))]
            text = _cut(text, spans)
        if self.due_raw is None and _DIGIT.search(text):
            text = self._due_word(text)
        self.text = text

    def _field(
        self, text: str, keys: list[tuple[int, int, str]], index: int
    ) -> tuple[int, int] | None:
        key_start, start, kind = keys[index]
        limit = (
            len(text) if index + 1 == len(keys) else max(start, _pre_sep(text, keys[index + 1][0]))
        )
        if kind == "due":
            found = match_date(text, start, self.review_date, self.date_order)
            if found is not None and found[0] <= limit:
                end = found[0]
                if self.due_raw is None:
                    self.due, self.due_raw = found[1], text[start:end]
            else:
                end = _end(_DUE_END, text, start, limit)
                if self.due_raw is None:
                    raw = text[start:end].rstrip(" .")
                    self.due, self.due_raw = parse_due(raw, self.review_date, self.date_order)
        elif kind == "owner":
            end = _end(_OWNER_END, text, start, limit)
            self.owners = self.owners or _split_owners(text[start:end])
        elif kind == "type":
            word = _WORD.match(text, start)
            kind_of = parse_type(word[0]) if word else None
            if word is None or kind_of is None:
                return None  # "content type: json" is not a field
            end = word.end()
            self.type = self.type or kind_of
        else:
            paren = text.count("(", 0, key_start) > text.count(")", 0, key_start)
            end = _end(_REASON_END_PAREN if paren else _REASON_END, text, start, limit)
            self.reason = self.reason or text[start:end].strip(" \t\n.*_") or None
        return _pre_sep(text, key_start), end

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
                        return _cut(text, [(_pre_sep(text, at), found[0])])
                at = lower.find(word, at + 1)
        return text

    def strip_trailing(self) -> None:
        while True:
            text = self.text.rstrip()
            self.text = text
            if not text:
                return
            cut = self._status_tail(text)
            if cut is None:
                cut = _ticket_tail(text)
            if cut is None:
                cut = self._field_tail(text)
            if cut is None and (text[-1] in "—–|·,;:" or text[-2:] in (" -", "-")):
                cut = len(text) - 1
            if cut is None:
                return
            self.text = text[:cut]

    def _status_tail(self, text: str) -> int | None:
        core = text.rstrip(".!")
        last = core[-1:]
        if not last:
            return None
        if last in _EMOJI:
            cut = len(core)
            while cut and core[cut - 1] in _EMOJI:
                cut -= 1
            self.words.add(Status.DONE)
            return cut
        if last == ")":
            start = core.rfind("(")
            paren = _PAREN_STATUS.fullmatch(core, start) if start >= 0 else None
            if paren is not None:
                if not paren["none"]:  # "(issue created)" says nothing about progress
                    self.words.add(_word_status(paren["w"]))
                return start
        elif last in "EOPS*_":
            word = _END_WORD.search(core, max(0, len(core) - 16))
            if word is not None and word.end() == len(core):
                self.words.add(_word_status(word["w"] or word["b"]))
                return word.start()
        elif last in "st":
            tail = core[-10:].lower()
            for phrase in _PR_EXISTS:
                if tail.endswith(phrase) and not core[-len(phrase) - 1 : -len(phrase)].isalnum():
                    return len(core) - len(phrase)
        if last in ")>" or last.isdigit() or "://" in core[-80:]:
            lower = core.lower()
            for verb in _DONE_VERBS if len(lower) == len(core) else ():
                at = lower.rfind(verb)
                if at >= 0 and not lower[at - 1 : at].isalnum():
                    done = _DONE_IN.match(core, at)
                    if done is not None and done.end() == len(core):
                        self.words.add(Status.DONE)
                        return _pre_sep(core, at)
        return None

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
        if not self.owners and _HANDLES.fullmatch(segment):
            self.owners = _split_owners(segment)
        elif self.due_raw is None and (found := self._whole_date(segment)):
            self.due, self.due_raw, self.positional = found[0], segment, True
        elif self.positional and not self.owners and _is_name(segment):
            self.owners = (segment,)
        else:
            return None
        return sep

    def _paren_fields(self, inner: str) -> bool:
        parts = [part.strip() for part in re.split(r"[,;]", inner)]
        owners: list[str] = []
        due: tuple[date | None, str] | None = None
        for part in parts:
            if due is None and (found := self._whole_date(part)):
                due = found[0], part
            elif _HANDLES.fullmatch(part) or (len(parts) > 1 and _is_name(part)):
                owners.extend(_split_owners(part))
            else:
                return False
        if due is None and not all(_HANDLES.fullmatch(part) for part in parts):
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
        while True:
            text = _lstrip_separators(self.text)
            self.text = text
            if not text:
                return
            first = text[0]
            m: re.Match[str] | None = None
            if first == "[" and (m := _LEAD_BOX.match(text)):
                if checkbox is None and self.box is None:
                    self.box = m[1] in ("x", "X")
            elif first in "[✅✔☑*DTW" and (m := _LEAD_STATUS.match(text)):
                word = m["b"] or m["w"]
                self.words.add(_word_status(word) if word else Status.DONE)
            elif first == "(" and (m := _PAREN_STATUS.match(text)):
                if not m["none"]:
                    self.words.add(_word_status(m["w"]))
            elif first in "*_Aa" and (m := _LEAD_LABEL.match(text)):
                pass
            elif first in "*_SMLNIsmlni" and (m := _LEAD_TERM.match(text)):
                if self.due_raw is None:  # "Long term:" is a timeframe; lint reports it as no date
                    self.due_raw = m["t"]
            elif not (
                (_may_lead_ticket(text) and (m := _LEAD_TICKET.match(text)) and _lead_ok(m))
                or (not self.owners and (m := self._leading_owner(text)))
            ):
                return
            self.text = text[m.end() :]

    def _leading_owner(self, text: str) -> re.Match[str] | None:
        first = text[0]
        if first == "[":
            m = _LEAD_BRACKET.match(text)
            if m is None or _NOT_OWNER.fullmatch(m[1].strip()) or _TICKET_LABEL.fullmatch(m[1]):
                return None
            owners = _split_owners(m[1])
        elif first == "(":
            m = _LEAD_PAREN.match(text)
            if m is None:
                return None
            parts = [part.strip() for part in re.split(r"[,;]", m[1])]
            if not all(_is_name(part, words=4) or _HANDLES.fullmatch(part) for part in parts):
                return None
            owners = _split_owners(m[1])
        elif "team" in text[:60].lower():
            m = _TEAM.match(text)
            if m is None:
                return None
            owners = (m[1],)
        else:
            return None
        if not owners or not any(c.isalnum() for c in text[m.end() :]):
            return None  # a bracket alone is the description, not an owner
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
        text = text.strip(_EDGE)
        while text.startswith("- ") or text.endswith(" -"):
            text = (text[2:] if text.startswith("- ") else text[:-2]).strip(_EDGE)
        while text.startswith("[") and (box := _LEAD_BOX.match(text)):  # one hidden in **…**
            text = text[box.end() :]
        return text

    def unstrike(self) -> bool:
        """A description struck through as a whole (`~~…~~`) was consciously dropped."""
        text = self.text.strip()
        if len(text) > 4 and text[:2] == text[-2:] == "~~" and text.count("~~") == 2:
            self.dropped = True
            self.text = text[2:-2]
            return True
        return False


def _lstrip_separators(text: str) -> str:
    while True:
        stripped = text.lstrip().lstrip(_EDGE)
        if stripped.startswith("- "):  # a separator left in front, or a stray list marker
            stripped = stripped[2:]
        if stripped == text:
            return text
        text = stripped


def _word_status(word: str) -> Status:
    return _WORD_STATUS[" ".join(word.lower().replace("-", " ").split())]


def _may_lead_ticket(text: str) -> bool:
    first = text[0]
    return (
        first in "[<#bB"
        or text.startswith("http")
        or "#" in text[:80]
        or (first.isupper() and "-" in text[:24])
    )


def _lead_ok(m: re.Match[str]) -> bool:
    if m["label"] is not None:
        return _TICKET_LABEL.fullmatch(m["label"]) is not None
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
    tickets = find_tickets(text)
    work = _Work(text, review_date, date_order)
    work.strip_wont()
    work.strip_keys()
    work.strip_trailing()
    work.strip_leading(checkbox)
    if work.unstrike():
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
