"""Per-format escaping of review text, applied only at the template edge (digest-and-service
reference §5): the digest holds raw strings, each filter runs once.

Review text is data. Nothing typed into a review may ping a channel, mention a person, or
inject markup: `<!here>`, `<!channel>`, `<@U123>` are defused by escaping `<`; `@here`,
`@channel`, `@everyone`, `@all` get a WORD JOINER after the `@` (shown the same, matched by
no chat client); in tracker issue bodies every `@name` and `#123` is broken the way GitHub
and GitLab honour (`@<!-- -->name`, github/cmark-gfm#181, gitlab#16827).
"""

from __future__ import annotations

import re

_JOINER = "\u2060"
_BROADCAST = re.compile(r"@(?=(?:here|channel|everyone|all|room|team)\b)", re.IGNORECASE)
_TOKEN = re.compile(r"<(?=[!@#])")  # Slack <!here> <@U1> <#C1>, and Teams/Mattermost alike
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Inline markup only: values never start a line (templates put them after "- " or a label),
# so block markers (# - + 1.) need no escape, and `(` is harmless once `]` is escaped.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_ISSUE_REFERENCE = re.compile(r"([@#!$~%])(?=\w)")
_NEWLINES = re.compile(r"\s*[\r\n]+\s*")


def plain(text: object) -> str:
    """Text for plain-text output: one line, no control characters, broadcasts defused."""
    value = _CONTROL.sub("", _NEWLINES.sub(" ", str(text)))
    return _TOKEN.sub("<" + _JOINER, _BROADCAST.sub("@" + _JOINER, value))


def slack(text: object) -> str:
    """Slack mrkdwn: `&`, `<`, `>` are its only control characters (entities for nothing else)."""
    value = plain(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


def markdown(text: object) -> str:
    """CommonMark: backslash-escape punctuation; `<` as an entity so no raw HTML gets in."""
    value = plain(text).replace("&", "&amp;").replace("<", "&lt;")
    return _MD_SPECIAL.sub(r"\\\1", value)


def issue(text: object) -> str:
    """Markdown for a GitHub/GitLab issue body: as `markdown`, and no mention or reference
    (`@name`, `#12`, `!3`, `~label`) can resolve, so rewriting the issue notifies nobody."""
    return _ISSUE_REFERENCE.sub(r"\1<!-- -->", markdown(text))


def teams(text: object) -> str:
    """Adaptive Card TextBlock Markdown (bold, italic, lists, links): escape its markers."""
    return _MD_SPECIAL.sub(r"\\\1", plain(text))


def url(value: object) -> str:
    """A URL placed inside `<…|…>` or `(…)`: characters that would end the token encoded."""
    text = _CONTROL.sub("", str(value))
    for char, code in (("<", "%3C"), (">", "%3E"), ("|", "%7C"), (" ", "%20"), (")", "%29")):
        text = text.replace(char, code)
    return text
