"""Ticket references: what a piece of an item's text refers to, and which of it is a ticket.

Pure; used on the parts of an item that sit in a ticket position (`ticket_places`), on table
Ticket cells and on front-matter `ticket:` values. A reference is a ticket when it names one:
an issue, pull or merge request URL, a Jira `/browse/KEY-1`, a Trello card, a Linear, YouTrack,
Azure DevOps, Shortcut or Bugzilla issue, a link whose label is a key (`[KM512](…)`), a bare
`KEY-123`, `#12`, `owner/repo#12` or `Bug 1234567`. A link to a repository, a document, a
commit or another review is not (record-formats.md §4.3), whatever its label says.

`TicketRef.raw` is the reference itself — the URL of a link or autolink, the key or number as
written — never the Markdown around it. A bare `KEY-123` needs two letters before the dash and
a prefix not in `_NOT_KEYS` (SEV-1, UTF-8, ISO-8601, CVE-…); dashless (KM512) and date-like
(23Q1-07) keys are only taken from a link label.

Every pattern here runs in linear time on a line of any length (tests/unit/test_long_lines.py):
where a pattern starts with a repeated class, a lookbehind for that class lets the regex engine
start only at the class's first character instead of at each one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from syncd.model import TicketRef

__all__ = [
    "BUG",
    "KEY",
    "LINK",
    "NO_LINKS",
    "URL",
    "Found",
    "add_tickets",
    "find_refs",
    "find_tickets",
    "identity",
    "is_key",
    "is_ticket",
    "label_key",
    "ref_from_url",
]

LINK = re.compile(r"(!?)\[([^\[\]\n]*)\]\(\s*<?([^()\s<>]+)>?(?:\s+\"[^\"\n]*\")?\s*\)")
# LINK without its optional leading "!": a literal first "[" lets the regex engine skip ahead.
# A "!" just before a match makes it an image (LINK would have matched from the "!").
_LINK_AT = re.compile(r"\[([^\[\]\n]*)\]\(\s*<?([^()\s<>]+)>?(?:\s+\"[^\"\n]*\")?\s*\)")
# `[#1234]`, `[text][#1234]`: reference-style links (`links.definitions` says where they point).
_REFERENCE = re.compile(r"\[([^\[\]\n]{1,200})\](?:\[([^\[\]\n]{0,200})\])?(?![(\[:])")
_BARE_LABEL = re.compile(r"#\d+|[A-Z][A-Z0-9_]*-\d+")
_AUTOLINK = re.compile(r"<(https?://[^<>\s]+)>")
URL = re.compile(r"(?<![\w.+-])https?://[^\s<>()\[\]]+")
_HASH = re.compile(r"#(\d+)\b")
_REPO_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
KEY = re.compile(r"(?<![\w/.-])([A-Z][A-Z0-9_]*)-(\d+)(?![\w-])")
BUG = re.compile(r"\b(?:Bugzilla\s+)?[Bb]ug:?\s+\d{4,}\b")
_ISSUE_URL = re.compile(
    r"https?://[^/\s]+/(?P<repo>[^\s?#]+?)/(?:-/)?(?:issues|pull|pulls|merge_requests)/(?P<n>\d+)"
    r"(?![\w])"
)
# URL shapes that name one ticket, beside _ISSUE_URL and Jira's /browse/ (checked first).
_TICKET_URL = re.compile(
    r"""https?://[^/\s]+/(?:
        (?:[^\s?#]+/)?(?:issues?|tickets?)/\d+                       # Redmine, Gitea, Trac
      | c/[A-Za-z0-9]+                                             # Trello card
      | [^\s/?#]+/issue/[A-Z][A-Z0-9_]*-\d+                        # Linear
      | issue/[A-Z][A-Z0-9_]*-\d+                                  # YouTrack
      | (?:[^\s?#]+/)?_workitems/edit/\d+                          # Azure DevOps
      | [^\s/?#]+/story/\d+                                        # Shortcut
      | T\d+/?$                                                    # Phabricator
    )""",
    re.VERBOSE,
)
_LINEAR_KEY = re.compile(r"/issue/([A-Z][A-Z0-9_]*-\d+)")
_BUGZILLA = re.compile(r"show_bug\.cgi\?(?:[^\s#]*&)?id=\d+")
_JIRA_QUERY = re.compile(r"[?&]selectedIssue=([A-Z][A-Z0-9_]*-\d+)")
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
_DASH_DIGIT = re.compile(r"-\d")
_HASH_TOKEN = re.compile(r"[^\s(\[<{,;:'\"*]+")

NO_LINKS: Mapping[str, str] = MappingProxyType({})  # a review without link definitions

Found = tuple[int, TicketRef, str]
"""(offset, reference, the Markdown it was written as)"""


def find_tickets(text: str, links: Mapping[str, str] = NO_LINKS) -> tuple[TicketRef, ...]:
    """The ticket references in `text`, in order of appearance, each once."""
    return tuple(ref for _, ref, _ in find_refs(text, links) if is_ticket(ref))


def find_refs(text: str, links: Mapping[str, str] = NO_LINKS) -> list[Found]:
    """Every reference in `text` (tickets or not), in order of appearance, each once.

    `links` holds the review's link reference definitions (`links.definitions`)."""
    if text.endswith(")") and text.count("[") == 1 and text.count("](") == 1:
        # The common part: one inline link, `- [jira](https://…/browse/OPS-1)`.
        m = _LINK_AT.search(text)
        if m is not None and m.end() == len(text) and "://" not in text[: m.start()]:
            start = m.start()
            if start and text[start - 1] == "!":
                return []
            rest = text[:start]
            if "#" not in rest and "-" not in rest.strip(" -—–:|") and "ug" not in rest:
                return [(start, _from_link(m[1], m[2]), m[0])]
    found: list[Found] = []
    masked = text
    if "[" in text:
        spans = []
        if "](" in text:
            for m in _LINK_AT.finditer(text):
                start = m.start()
                if start and text[start - 1] == "!":  # an image is not a ticket
                    spans.append((start - 1, m.end()))
                else:
                    spans.append((start, m.end()))
                    found.append((start, _from_link(m[1], m[2]), m[0]))
            masked = _mask(text, spans)
            spans = []
        if "[" in masked:
            for m in _REFERENCE.finditer(masked):
                ref = _from_reference(m[1], m[2], links)
                if ref is not None:
                    spans.append(m.span())
                    found.append((m.start(), ref, m[0]))
            masked = _mask(masked, spans)
    if "<http" in masked:
        spans = []
        for m in _AUTOLINK.finditer(masked):
            spans.append(m.span())
            found.append((m.start(), ref_from_url(m[1]), m[0]))
        masked = _mask(masked, spans)
    if "://" in masked:
        spans = []
        for m in URL.finditer(masked):
            spans.append(m.span())
            url = m[0].rstrip(".,;:!?'\"*_")
            found.append((m.start(), ref_from_url(url), url))
        masked = _mask(masked, spans)
    if "#" in masked:
        found.extend(_hash_refs(masked))
    if _has_dash_digit(masked):
        found.extend(
            (m.start(), TicketRef(m[0], key=m[0]), m[0])
            for m in KEY.finditer(masked)
            if is_key(m[1])
        )
    if "ug" in masked and _BUG_HINT.search(masked):
        found.extend((m.start(), TicketRef(m[0]), m[0]) for m in BUG.finditer(masked))
    if len(found) > 1:
        found.sort(key=lambda one: one[0])
    seen: set[str] = set()
    unique: list[Found] = []
    for one in found:
        name = identity(one[1])
        if name not in seen:
            seen.add(name)
            unique.append(one)
    return unique


def _hash_refs(masked: str) -> list[Found]:
    """`#12` and `owner/repo#12`: only the first `#` of a token can start one (what comes
    before a later `#` holds a `#`, which no repository path does)."""
    found: list[Found] = []
    for token in _HASH_TOKEN.finditer(masked):
        start = token.start()
        word = token[0]
        at = word.find("#")
        if at < 0:
            continue
        m = _HASH.match(word, at)
        if m is None:
            continue
        if at == 0:
            found.append((start, TicketRef(m[0], number=int(m[1])), m[0]))
        elif _is_repo_path(word[:at]):
            ref = word[: m.end()]
            found.append((start, TicketRef(ref, repo=word[:at], number=int(m[1])), ref))
    return found


def _is_repo_path(text: str) -> bool:
    parts = text.split("/")
    return len(parts) >= 2 and all(part and _REPO_CHARS.issuperset(part) for part in parts)


def add_tickets(
    tickets: tuple[TicketRef, ...], written: str, text: str, links: Mapping[str, str] = NO_LINKS
) -> tuple[tuple[TicketRef, ...], str]:
    """`tickets` and the tickets of `text` (a Ticket cell, a `ticket:` value) not among them
    yet; `written` stays how the first ticket is written (`Fields.written`)."""
    known = {identity(t) for t in tickets}
    for _, ref, markdown in find_refs(text, links):
        name = identity(ref)
        if name not in known and is_ticket(ref):
            known.add(name)
            tickets += (ref,)
            written = written or markdown
    return tickets, written


def is_ticket(ref: TicketRef) -> bool:
    """True when the reference names one ticket (module docstring), not a page or a commit."""
    if ref.url is None:
        return True  # a key, a number or a bug number as written
    if not ref.url.startswith(("https://", "http://")):
        return False  # a file next to the review (`./PM2020-004.md`)
    if ref.key is not None or ref.number is not None:
        return True
    url = ref.url
    return _TICKET_URL.match(url) is not None or _BUGZILLA.search(url) is not None


def identity(ref: TicketRef) -> str:
    """What two references to the same ticket have in common (within one review)."""
    if ref.repo is not None and ref.number is not None:
        return f"{ref.repo.casefold()}#{ref.number}"
    if ref.key is not None:
        return ref.key
    if ref.url is not None:
        return ref.url.rstrip("/")
    return ref.raw


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with the spans blanked, so later patterns neither see them nor shift positions."""
    if not spans:
        return text
    parts: list[str] = []
    last = 0
    for start, end in spans:
        parts += (text[last:start], " " * (end - start))
        last = end
    parts.append(text[last:])
    return "".join(parts)


def _has_dash_digit(text: str) -> bool:
    return "-" in text and _DASH_DIGIT.search(text) is not None


def is_key(prefix: str) -> bool:
    return prefix not in _NOT_KEYS and sum(c.isalpha() for c in prefix) >= 2


def ref_from_url(url: str) -> TicketRef:
    """The reference a URL makes: repository and number, or key, when the URL says them."""
    issue = _ISSUE_URL.match(url) if _ISSUE_HINT.search(url) else None
    if issue is not None:
        return TicketRef(url, url=url, repo=issue["repo"], number=int(issue["n"]))
    key = None
    if "/browse/" in url and (browse := _BROWSE_URL.search(url)):
        key = browse[1]
    elif "/issue/" in url and (linear := _LINEAR_KEY.search(url)):
        key = linear[1]
    elif "selectedIssue=" in url and (query := _JIRA_QUERY.search(url)):
        key = query[1]
    return TicketRef(url, url=url, key=key)


def _from_link(label: str, url: str) -> TicketRef:
    ref = ref_from_url(url)
    if ref.key or ref.number:
        return ref  # the URL says more than a label such as "jira" or "PR"
    label = label.strip()
    if _LABEL_KEY.fullmatch(label):
        return TicketRef(url, url=url, key=label)
    number = _LABEL_NUMBER.search(label)
    if number is not None:
        return TicketRef(url, url=url, repo=number[1], number=int(number[2]))
    return ref


def _from_reference(text: str, label: str | None, links: Mapping[str, str]) -> TicketRef | None:
    """`[text]` or `[text][label]`: the link its definition makes, or a bare `[#12]`."""
    target = links.get(label_key(label or text)) if links else None
    if target is not None:
        return _from_link(text, target)
    if label is None and _BARE_LABEL.fullmatch(text):
        return _from_bare(text)
    return None


def label_key(label: str) -> str:
    """How link labels compare (CommonMark): case-insensitively, spaces collapsed."""
    return " ".join(label.casefold().split())


def _from_bare(text: str) -> TicketRef:
    if text.startswith("#"):
        return TicketRef(text, number=int(text[1:]))
    return TicketRef(text, key=text)
