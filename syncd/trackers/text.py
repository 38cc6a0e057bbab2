"""Review text made inert for each tracker's markup, and the time spellings. Pure.

Review text is data (DESIGN §3, §12): nothing a review says may ping a person, link or close
another issue, run a GitLab quick action, inject Jira wiki markup or HTML, or reorder what a
reader sees. So before review text reaches a ticket:

- control characters and bidi overrides (U+202E …) are removed from titles and shown as
  `(U+202E)` in bodies;
- Markdown (GitHub, GitLab): `&`, `<` and backticks are escaped (no HTML, no entity-encoded
  `@`), a zero-width joiner follows every `@`, `#`, `GH-` and GitLab reference sigil that
  could start a mention or reference, URLs go into code spans (a link to an issue is a
  cross-reference), and a `/` at a line start is escaped (GitLab quick actions only run
  there);
- Jira wiki: every markup character is backslash-escaped (`[~accountid:…]` mentions,
  `{code}`, `[text|url]` links, `h1.` headings).

Titles are shown by the tracker as plain text but still parsed for references, so they get
the zero-width joiners too; `plain_title()` takes them out again when a title is read back,
so the engine compares like with like and an unchanged title is never pushed again.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

ZWJ = "\u200d"
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_URL = re.compile(r"https?://[^\s<>`]+", re.I)
# A sigil that starts a mention or reference when a word character follows it.
_GITHUB_SIGILS = re.compile(r"(@|#|\bGH-)(?=\w)", re.I)
# GitLab: users, issues, merge requests, labels, milestones, snippets, epics (`&amp;` is how
# an escaped `&` reaches GitLab, which finds references in the rendered text).
_GITLAB_SIGILS = re.compile(r"(@|#|!|~|%|\$|&amp;|&(?!amp;|lt;))(?=\w)")
_QUICK_ACTION = re.compile(r"^(\s*)/", re.M)
_JIRA_SPECIAL = re.compile(r"([\\\[\]{}|*_^~+?!#])")
_JIRA_DASH = re.compile(r"(?<![\w])-|-(?![\w])")
_JIRA_BLOCK = re.compile(r"^(\s*)(h[1-6]|bq|bq\.|fn\d*)\.", re.M | re.I)


def _is_control(ch: str, keep: str) -> bool:
    return ch not in keep and (ch in _BIDI or unicodedata.category(ch) == "Cc")


def clean_title(text: str) -> str:
    """A title without control or bidi characters (newlines and tabs become spaces)."""
    if text.isprintable():  # no Cc/Cf (bidi marks are Cf), nothing to clean: 10,000 a pass
        return text
    spaced = text.replace("\n", " ").replace("\r", " ").replace("\t", " ")
    return "".join(ch for ch in spaced if not _is_control(ch, ""))


def show_controls(text: str) -> str:
    """Control and bidi characters as visible `(U+202E)`; newlines and tabs kept."""
    return "".join(
        f"(U+{ord(ch):04X})" if _is_control(ch, "\n\t") else ch for ch in text.replace("\r\n", "\n")
    )


def markdown_inert(text: str, *, gitlab: bool) -> str:
    """Review text for a GitHub or GitLab body or comment: rendered, never acting."""
    text = show_controls(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace("`", "\\`")
    pieces: list[str] = []
    last = 0
    for found in _URL.finditer(text):
        pieces.append(_sigils(text[last : found.start()], gitlab=gitlab))
        pieces.append(f"`{found.group(0)}`")  # inert, and its sigils are inside a code span
        last = found.end()
    pieces.append(_sigils(text[last:], gitlab=gitlab))
    return _QUICK_ACTION.sub(r"\1\\/", "".join(pieces))


def markdown_title(text: str, *, gitlab: bool) -> str:
    """A title for GitHub or GitLab: clean, and no mention or reference in it acts."""
    return _sigils(clean_title(text), gitlab=gitlab)


def plain_title(text: str) -> str:
    """A title as read back, without the joiners markdown_title() put in."""
    return text.replace(ZWJ, "") if ZWJ in text else text


def _sigils(text: str, *, gitlab: bool) -> str:
    pattern = _GITLAB_SIGILS if gitlab else _GITHUB_SIGILS
    return pattern.sub(lambda m: m.group(1) + ZWJ, text)


def jira_inert(text: str) -> str:
    """Review text for a Jira (wiki markup, REST v2) description or comment."""
    text = _JIRA_SPECIAL.sub(r"\\\1", text.replace("\r\n", "\n"))
    text = _JIRA_DASH.sub(r"\\-", text)
    text = _JIRA_BLOCK.sub(lambda m: f"{m.group(1)}\\{m.group(2)}.", text)
    return show_controls(text)  # after escaping: its `(U+202E)` is syncd's, shown as is


# -- time ---------------------------------------------------------------------------------
def parse_time(text: str) -> datetime:
    """Any of the three trackers' timestamps (`…Z`, `+0000`, `+02:00`, naive = UTC) as an
    aware UTC datetime."""
    dt = datetime.fromisoformat(text.strip())
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)


def as_utc(value: datetime) -> datetime:
    """Aware UTC; a naive value is taken to be UTC already."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
