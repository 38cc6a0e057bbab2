"""Where an item's ticket may be written: the positions whose references are its ticket.

A reference is the item's ticket only in a ticket position (issue #9): first on the line
(`[OPS-481](…) - text`, P5), last on the line (`… - [jira](…)`, `… (#2131)`, `… Ticket
[#3051](…)`, P6), a `ticket:` field, a link labelled as the ticket (`a [ticket](…) to …`), a
table's Ticket column, syncd's own suffix. A reference in the sentence (`Revert the change
that #2 introduced`, `… mentioned in OPS-1`) is prose: it stays in the description.

`work.Work` cuts these positions out of the text; `tickets.find_refs` reads what was cut.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from syncd.records.parse.separators import pre_sep, skip_space
from syncd.records.parse.tickets import KEY, NO_LINKS, find_refs, is_key, is_ticket

__all__ = [
    "LEAD_TICKET",
    "REF",
    "TICKET_LABEL",
    "dangling_link",
    "labelled_links",
    "lead_ok",
    "may_lead_ticket",
    "ticket_tail",
    "trailing_link",
]

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
# Labels that say "this link is the ticket" wherever the link stands in the sentence.
_TICKET_WORD_LABEL = re.compile(
    r"\s*(?i:jira|ticket|issue|bug|trello\s+card|tracking\s+issue|pull\s+request|merge\s+request"
    r"|pr|mr|(?:jira|github|gitlab)\s+(?:issue|ticket))\s*"
)
_LABELLED = re.compile(r"(?<!!)\[([^\[\]\n]{1,40})\]\([^()\s]+\)")
REF = (
    r"(?:\[[^\[\]\n]*\]\([^()\s]+\)|<https?://[^>\s]+>|https?://[^\s<>()]+"
    r"|(?:[\w.-]+/)+[\w.-]+\#\d+|\#\d+|[A-Z][A-Z0-9_]+-\d+)"
)
_T_DOUBLE = re.compile(r"\[\[[^\[\]\n]*\]\([^()\s]+\)\]")
_T_LINK = re.compile(r"\[([^\[\]\n]*)\]\([^()\s]+\)")
_T_REFERENCE = re.compile(r"\[[^\[\]\n]{1,200}\](?:\[[^\[\]\n]{0,200}\])?")
_T_AUTO = re.compile(r"<https?://[^>\s]+>")
_T_PAREN = re.compile(
    r"[(（]\s*(?:(?i:ticket(?:\s+no\.?)?|issue|bug|jira|pr|see|tracked\s+in)[:.]?\s*)?"
    rf"(?:https?://[^\s()]+|{REF})(?:\s*(?:,|and|&)\s*{REF})*\s*[)）]"
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
    )(?:\s*[-—–:|]\s+|\s*$|(?<=[\])])\s+)""",
    re.VERBOSE,
)
# `… - jira link`, `(ticket link)`: a link's words left behind without its URL.
_DANGLING = re.compile(
    r"(?:\s*[-—–|·:,;]\s*|\s*[(（]\s*)"
    r"(?i:(?:jira|ticket|issue|pr|mr|trello(?:\s+card)?|(?:github|gitlab)(?:\s+issue)?)\s+)?"
    r"(?i:link)\s*[)）]?\s*$"
)
# Several references joined at the end (`[PR #12](…) and [PR #13](…)`): enough for any real
# item, and a bound on the work a line of thousands of `#1, ` costs.
_MAX_JOINED = 16


def ticket_tail(text: str, links: Mapping[str, str] = NO_LINKS) -> int | None:
    """Where the trailing ticket reference(s) of `text` start, with their keyword
    ("Ticket") and separator; None when the text does not end with one. `links` holds the
    review's link reference definitions (`[#12]: https://…`)."""
    cut = _one_tail(text, links)
    if cut is None:
        return None
    for _ in range(_MAX_JOINED):  # "See [PR #12](…) and [PR #13](…)": take both
        end = skip_space(text, cut)
        earlier = None
        for joint in (" and", ",", " &"):
            if text.endswith(joint, 0, end):
                earlier = _one_tail(text[: end - len(joint)], links)
                if earlier is not None:
                    break
        if earlier is None:
            break
        cut = earlier
    return _with_keyword(text, cut)


def _one_tail(text: str, links: Mapping[str, str]) -> int | None:
    """Where one trailing reference starts (before its keyword), or None."""
    body = text.rstrip(".,;")
    last = body[-1:]
    key = None
    if last == "]":
        start = body.rfind("[[")
        ok = start >= 0 and _T_DOUBLE.fullmatch(body, start) is not None
        if not ok:  # `[#1234]`, `[text][#1234]`: only when it names a ticket
            start = _reference_start(body)
            ok = start >= 0 and any(is_ticket(r) for _, r, _ in find_refs(body[start:], links))
    elif last in ")）":
        start = body.rfind("](")
        start = body.rfind("[", 0, start) if start > 0 else -1
        link = _T_LINK.fullmatch(body, start) if start >= 0 else None
        ok = link is not None and TICKET_LABEL.fullmatch(link[1]) is not None
        if link is None:
            start = body.rfind("(") if last == ")" else body.rfind("（")
            if start >= 0 and body.find(")", start, len(body) - 1) >= 0:
                start = _opening_paren(body)  # a parenthesis inside: `([#1](url))`
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
    if key is not None and _with_keyword(text, start) == skip_space(text, start):
        return None  # "… reported in OPS-12" reads as prose; "… — OPS-12" is a reference
    return start


def _reference_start(body: str) -> int:
    """Where a reference-style link ending `body` starts (`[a]` or `[a][b]`), or -1."""
    start = body.rfind("[")
    if start > 0 and body[start - 1] == "]":
        first = body.rfind("[", 0, start - 1)
        if first >= 0 and _T_REFERENCE.fullmatch(body, first):
            return first
    return start if start >= 0 and _T_REFERENCE.fullmatch(body, start) else -1


def _opening_paren(body: str) -> int:
    """Where the parenthesis closing `body` opens (`(…[#1](url))` included), or -1."""
    depth = 0
    for i in range(len(body) - 1, max(-1, len(body) - 400), -1):
        ch = body[i]
        if ch in ")）":
            depth += 1
        elif ch in "(（":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _with_keyword(text: str, start: int) -> int:
    """`start` moved back over a keyword (`Ticket`, `tracked in`) and the separator before."""
    end = skip_space(text, start)
    cut = end
    probe = end - 1 if end and text[end - 1] in ":." else end
    first = _word_start(text, probe)
    last = text[first:probe].lower()
    if last in _T_WORDS:
        cut = first
    elif last in ("in", "by", "no"):
        before = _word_start(text, skip_space(text, first))
        if (text[before : skip_space(text, first)].lower(), last) in _T_PAIRS:
            cut = before
    return pre_sep(text, cut)


def _word_start(text: str, end: int) -> int:
    start = end
    while start and end - start < 20 and text[start - 1].isalpha():
        start -= 1
    return start


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


def trailing_link(text: str) -> str | None:
    """The link ending `text` when its label is words of the sentence (`Read [the restore
    runbook](…)`): a ticket if its URL names one, its label staying in the description."""
    body = text.rstrip(".,;")
    if not body.endswith(")"):
        return None
    start = body.rfind("](")
    start = body.rfind("[", 0, start) if start > 0 else -1
    link = _T_LINK.fullmatch(body, start) if start >= 0 else None
    return link[0] if link is not None else None


def labelled_links(text: str) -> list[str]:
    """Links anywhere in `text` whose label says they are the ticket (`a [ticket](…) to …`)."""
    if "](" not in text:
        return []
    return [m[0] for m in _LABELLED.finditer(text) if _TICKET_WORD_LABEL.fullmatch(m[1])]


def dangling_link(text: str) -> int | None:
    """Where a trailing `- jira link` (a link's words without its URL) starts, or None."""
    if not text[-12:].rstrip(" )）").lower().endswith("link"):
        return None
    m = _DANGLING.search(text, max(0, len(text) - 60))
    return m.start() if m else None
