"""Jira request bodies: wiki-markup descriptions and comments, labels, properties. Pure.

REST v2 takes wiki markup (tracker-apis.md §3.5): review text is escaped by
text.jira_inert, so a review can never mention (`[~accountid:…]`), link or format; syncd's
own mentions come only from `CommentNote.mention` (account ids / user names).
"""

from __future__ import annotations

import re
from typing import Any

from syncd.trackers.jira.config import JiraConfig
from syncd.trackers.jira.mapping import PROPERTY, label_text, marker_label, user_field
from syncd.trackers.protocol import CommentNote, TicketBody, TicketDraft
from syncd.trackers.shared import Diff, unique_labels, user_name
from syncd.trackers.text import clean_title, jira_inert

_IDENTITY = re.compile(r"[\w.:@-]+")  # an account id or user name, nothing that is markup


def edit_body(diff: Diff, cloud: bool) -> dict[str, Any]:
    """The body of `PUT /issue/{id}`: fields that differ and label adds/removes, one request."""
    fields: dict[str, Any] = {}
    if diff.title is not None:
        fields["summary"] = diff.title
    if diff.assignees is not None:
        fields["assignee"] = user_field(diff.assignees[0], cloud) if diff.assignees else None
    if diff.due is not None:
        fields["duedate"] = diff.due.isoformat()
    ops = [{"add": label_text(x)} for x in diff.add_labels]
    ops += [{"remove": label_text(x)} for x in diff.remove_labels]
    body: dict[str, Any] = {}
    if fields:
        body["fields"] = fields
    if ops:
        body["update"] = {"labels": ops}
    return body


def wiki_body(body: TicketBody) -> str:
    """A description in wiki markup (REST v2): review text escaped, syncd's lines plain."""
    title = jira_inert(body.source_title or body.source_path)
    source = f"[{title}|{body.source_url}]" if body.source_url else title
    if body.source_path and not body.source_url and body.source_title:
        source += f" ({jira_inert(body.source_path)})"
    where = f", line {body.line}" if body.line else ""
    lines = [jira_inert(body.description).rstrip(), "", "----"]
    lines.append(f"Action item from the post-incident review {source}{where}.")
    if body.facts:
        lines.append(" · ".join(f"*{label}:* {jira_inert(value)}" for label, value in body.facts))
    if body.note:
        lines += ["", body.note]
    return "\n".join(lines) + "\n"


def wiki_comment(note: CommentNote, cloud: bool) -> str:
    """A comment: real mentions only for `note.mention` (account ids / user names)."""
    who = " ".join(
        f"[~accountid:{user_name(m)}]" if cloud else f"[~{user_name(m)}]"
        for m in note.mention
        if _IDENTITY.fullmatch(user_name(m))
    )
    text = jira_inert(note.text).strip()
    return f"{who}: {text}" if who else text


def comment_properties(note: CommentNote) -> list[dict[str, Any]]:
    """The comment's syncd property: marks it as syncd's own, with its reminder tag."""
    value: dict[str, Any] = {"own": True}
    if note.tag:
        value["tag"] = note.tag
    return [{"key": PROPERTY, "value": value}]


def create_request(draft: TicketDraft, config: JiraConfig) -> dict[str, Any]:
    """The whole `POST /issue` body: fields and the syncd issue property (the marker)."""
    return {
        "fields": create_fields(draft, config),
        "properties": [{"key": PROPERTY, "value": {"item": draft.marker}}],
    }


def create_fields(draft: TicketDraft, config: JiraConfig) -> dict[str, Any]:
    """The `fields` of `POST /issue`; dict values so the library does no lookups."""
    labels = [*config.labels, *draft.labels, marker_label(draft.marker)]
    fields: dict[str, Any] = {
        "project": {"key": config.project},
        "issuetype": {"name": config.issue_type},
        "summary": clean_title(draft.title),
        "description": wiki_body(draft.body),
        "labels": unique_labels(label_text(lb) for lb in labels if lb.strip()),
    }
    if draft.due is not None:
        fields["duedate"] = draft.due.isoformat()
    if draft.assignees:
        fields["assignee"] = user_field(draft.assignees[0], config.deployment == "cloud")
    return fields


def duplicate_link(duplicate_id: str, original_id: str) -> dict[str, Any]:
    """`POST /issueLink`: the duplicate "duplicates" the original (Jira's Duplicate type)."""
    return {
        "type": {"name": "Duplicate"},
        "inwardIssue": {"id": duplicate_id},
        "outwardIssue": {"id": original_id},
    }
