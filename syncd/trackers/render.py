"""Ticket bodies and comments in Markdown (GitHub, GitLab). Pure.

Review text (description, fact values, the review's title) is made inert by
text.markdown_inert; syncd's own words and links are written as they are. The marker goes
into syncd's own block at the end (marking.py), the one place it is read from.
"""

from __future__ import annotations

import re

from syncd.trackers import marking
from syncd.trackers.protocol import CommentNote, TicketBody
from syncd.trackers.shared import user_name
from syncd.trackers.text import markdown_inert

# A user name that can be mentioned: no `/` (no team mentions), no spaces, no markup.
_USER = re.compile(r"[A-Za-z0-9][\w.-]*")


def markdown_body(body: TicketBody, item_key: str, *, gitlab: bool) -> str:
    """The full body of a new issue."""

    def inert(text: str) -> str:
        return markdown_inert(text, gitlab=gitlab)

    title = inert(body.source_title or body.source_path)
    if body.source_url:
        source = f"[{title}]({body.source_url.replace(')', '%29').replace(' ', '%20')})"
    else:
        source = f"{title} ({inert(body.source_path)})" if body.source_path else title
    where = f", line {body.line}" if body.line else ""
    own = [
        "---",
        f"Action item from the post-incident review {source}{where}.",
    ]
    if body.facts:
        own.append(" · ".join(f"**{label}:** {inert(value)}" for label, value in body.facts))
    if body.note:
        own += ["", body.note]
    return f"{inert(body.description).rstrip()}\n\n{marking.block(own, item_key)}\n"


def markdown_comment(note: CommentNote, *, gitlab: bool) -> str:
    """A comment: real mentions only for `note.mention` (tracker user names from the owners
    directory or the assignee), then syncd's text (made inert anyway), then the tags."""
    who = " ".join(f"@{user_name(m)}" for m in note.mention if _USER.fullmatch(user_name(m)))
    text = markdown_inert(note.text, gitlab=gitlab).strip()
    head = f"{who}: {text}" if who else text
    return "\n\n".join([head, *([note.tag] if note.tag else []), marking.OWN_TAG])
