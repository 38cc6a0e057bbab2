"""Ticket references in an item's text: where they are, and where a trailing one starts.

Pure; used by `fields.extract` and the table reader. A bare `KEY-123` needs two letters before
the dash and a prefix not in `_NOT_KEYS` (SEV-1, UTF-8, ISO-8601, CVE-…); dashless (KM512) and
date-like (23Q1-07) keys are only taken from a link label.
"""

from __future__ import annotations

import re

from syncd.model import TicketRef
from syncd.records.parse.separators import pre_sep, skip_space

__all__ = [
    "BUG",
    "KEY",
    "LEAD_TICKET",
    "LINK",
    "REF",
    "TICKET_LABEL",
    "URL",
    "find_tickets",
    "is_key",
    "lead_ok",
    "may_lead_ticket",
    "ticket_tail",
]

LINK = re.compile(r"(!?)\[([^\[\]\n]*)\]\(\s*<?([^()\s<>]+)>?(?:\s+\"[^\"\n]*\")?\s*\)")
# LINK without its optional leading "!": a literal first "[" lets the regex engine skip ahead.
# A "!" just before a match makes it an image (LINK would have matched from the "!").
_LINK_AT = re.compile(r"\[([^\[\]\n]*)\]\(\s*<?([^()\s<>]+)>?(?:\s+\"[^\"\n]*\")?\s*\)")
_AUTOLINK = re.compile(r"<(https?://[^<>\s]+)>")
URL = re.compile(r"https?://[^\s<>()\[\]]+")
_HASH = re.compile(r"#(\d+)\b")
_REPO_PATH = re.compile(r"(?:[\w.-]+/)+[\w.-]+")
KEY = re.compile(r"([A-Z][A-Z0-9_]*)-(\d+)(?![\w-])")
BUG = re.compile(r"\b(?:Bugzilla\s+)?[Bb]ug:?\s+\d{4,}\b")
_ISSUE_URL = re.compile(
    r"https?://[^/\s]+/(?P<repo>[^\s?#]+?)/(?:-/)?(?:issues|pull|pulls|merge_requests)/(?P<n>\d+)"
    r"(?![\w])"
)
# What BUG and _ISSUE_URL cannot match without, found cheaply before running them.
_BUG_HINT = re.compile(r"ug:?\s+\d{4}")
_ISSUE_HINT = re.compile(r"/(?:issues|pulls?|merge_requests)/")
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
        for m in _LINK_AT.finditer(text):
            start = m.start()
            if start and text[start - 1] == "!":  # an image is not a ticket
                spans.append((start - 1, m.end()))
            else:
                spans.append((start, m.end()))
                found.append((start, _from_link(m[0], m[1], m[2])))
        masked = _mask(text, spans)
    if "<http" in masked:
        spans = []
        for m in _AUTOLINK.finditer(masked):
            spans.append(m.span())
            found.append((m.start(), _from_url(m[0], m[1])))
        masked = _mask(masked, spans)
    if "://" in masked:
        spans = []
        for m in URL.finditer(masked):
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
        for m in KEY.finditer(masked):
            start = m.start()
            if is_key(m[1]) and not (
                start and (masked[start - 1].isalnum() or masked[start - 1] in "/.-_")
            ):
                found.append((start, TicketRef(m[0], key=m[0])))
    if "ug" in masked and _BUG_HINT.search(masked):
        found.extend((m.start(), TicketRef(m[0])) for m in BUG.finditer(masked))
    if not found:
        return ()
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


def is_key(prefix: str) -> bool:
    return prefix not in _NOT_KEYS and sum(c.isalpha() for c in prefix) >= 2


def _is_commit(ref: TicketRef) -> bool:
    return ref.url is not None and ("/commit/" in ref.url or "/commits/" in ref.url)


def _from_url(raw: str, url: str) -> TicketRef:
    issue = _ISSUE_URL.match(url) if _ISSUE_HINT.search(url) else None
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
TICKET_LABEL = re.compile(
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
REF = (
    r"(?:\[[^\[\]\n]*\]\([^()\s]+\)|<https?://[^>\s]+>|https?://[^\s<>]+"
    r"|(?:[\w.-]+/)+[\w.-]+\#\d+|\#\d+|[A-Z][A-Z0-9_]+-\d+)"
)
_T_DOUBLE = re.compile(r"\[\[[^\[\]\n]*\]\([^()\s]+\)\]")
_T_LINK = re.compile(r"\[([^\[\]\n]*)\]\([^()\s]+\)")
_T_AUTO = re.compile(r"<https?://[^>\s]+>")
_T_PAREN = re.compile(
    r"\(\s*(?:(?i:ticket(?:\s+no\.?)?|issue|bug|jira|pr|see|tracked\s+in)[:.]?\s*)?"
    rf"(?:https?://[^\s()]+|{REF})(?:\s*(?:,|and|&)\s*{REF})*\s*\)"
)
_T_BARE = re.compile(r"https?://[^\s()<>]+|(?:[\w.-]+/)*[\w.-]*\#\d+|(?P<key>[A-Z][A-Z0-9_]*)-\d+")
_T_WORDS = frozenset(("ticket", "tracking", "issue", "see", "jira", "bug", "pr", "mr", "ref"))
_T_PAIRS = frozenset((("tracked", "in"), ("tracked", "by"), ("ticket", "no")))
LEAD_TICKET = re.compile(
    r"""(?:
        \[\[[^\[\]\n]*\]\([^()\s]+\)\]
      | \[(?P<label>[^\[\]\n]*)\]\([^()\s]+\)
      | <https?://[^>\s]+> | https?://[^\s<>]+
      | (?:[\w.-]+/)+[\w.-]+\#\d+ | \#\d+ | (?P<key>[A-Z][A-Z0-9_]*)-\d+ | [Bb]ug:?\s+\d{4,}
    )(?:\s*[-—–:|]\s+|\s*$|(?<=\])\s+)""",
    re.VERBOSE,
)


def ticket_tail(text: str) -> int | None:
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
        ok = link is not None and TICKET_LABEL.fullmatch(link[1]) is not None
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
        ok = bare is not None and (bare["key"] is None or is_key(bare["key"]))
        key = bare["key"] if bare else None
    else:
        return None
    if not ok:
        return None
    end = start
    while end and text[end - 1] in " \t\n":
        end -= 1
    for joint in (" and", ",", " &"):  # "See [PR #12](…) and [PR #13](…)": take both
        if text.endswith(joint, 0, end) and (earlier := ticket_tail(text[: end - len(joint)])):
            return earlier
    cut, word = end, False
    probe = end - 1 if end and text[end - 1] in ":." else end
    start = _word_start(text, probe)
    last = text[start:probe].lower()
    if last in _T_WORDS:
        cut, word = start, True
    elif last in ("in", "by", "no"):
        first = _word_start(text, skip_space(text, start))
        if (text[first : skip_space(text, start)].lower(), last) in _T_PAIRS:
            cut, word = first, True
    sep = pre_sep(text, cut)
    if key is not None and not word and sep == skip_space(text, cut):
        return None  # "… reported in OPS-12" reads as prose; "… — OPS-12" is a reference
    return sep


def _word_start(text: str, end: int) -> int:
    while end and text[end - 1].isalpha():
        end -= 1
    return end


def _names_real_ticket(paren: str) -> bool:
    if "://" in paren or "#" in paren or "](" in paren:
        return True
    key = KEY.search(paren)
    return key is not None and is_key(key[1])


def may_lead_ticket(text: str) -> bool:
    first = text[0]
    return (
        first in "[<#bB"
        or text.startswith("http")
        or "#" in text[:80]
        or (first.isupper() and "-" in text[:24])
    )


def lead_ok(m: re.Match[str]) -> bool:
    if m["label"] is not None:
        return TICKET_LABEL.fullmatch(m["label"]) is not None
    return m["key"] is None or is_key(m["key"])
