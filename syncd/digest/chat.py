"""Chat payloads: Slack Block Kit messages and Teams Adaptive Cards, packed within each
service's limits (reference §1, §2). PURE: digest in, JSON-ready payloads out.

Slack: ≤ 45 blocks, ≤ 2,900 chars per section, ≤ 12,000 chars of block text per message;
split on item boundaries (never inside a `<…>` token) into messages titled "(2/3)"; every
message carries a one-line `text` fallback for notifications; review text sits in `mrkdwn`
objects with `verbatim: true`, so Slack links nothing by itself. Teams: a `message` with one
Adaptive Card 1.4 attachment of ≤ 24 KB serialized, else several cards "(1/N)".
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from syncd.digest import escape
from syncd.digest.model import Digest, DigestItem

if TYPE_CHECKING:
    from syncd.digest.render import Renderer, RenderOptions

SLACK_MAX_BLOCKS = 45
SLACK_MAX_SECTION = 2_900
SLACK_MAX_TEXT = 12_000
SLACK_MAX_HEADER = 150
TEAMS_MAX_BYTES = 24_000
_TEAMS_LINES_PER_BLOCK = 15

Section = tuple[str, int | None, tuple[DigestItem, ...], str]  # title, count, items, flag


def sections(d: Digest) -> Iterator[Section]:
    """The digest's lists in reading order; overdue as one section per owner."""
    for group in d.overdue:
        yield (f"Overdue — {group.owner or 'no owner'}", len(group.items), group.items, "overdue")
    yield ("Due in the next days", len(d.due_soon), d.due_soon, "due_soon")
    yield ("Needs a decision", len(d.needs_decision), d.needs_decision, "needs_decision")
    yield ("Done this period", len(d.done_this_period), d.done_this_period, "")
    deprioritized = d.deprioritized_this_period
    yield ("Deprioritized this period", len(deprioritized), deprioritized, "")
    missing = d.deprioritized_without_reason
    yield ("Deprioritized without a reason", len(missing), missing, "deprioritized_without_reason")
    yield ("No owner", len(d.unowned), d.unowned, "unowned")
    yield ("No due date", len(d.undated), d.undated, "undated")


def fallback(d: Digest) -> str:
    """The one-line notification text."""
    return (
        f"{d.totals.open} open actions, {d.totals.overdue} overdue — "
        f"{escape.slack(d.title)} ({d.period.label})"
    )


# --- Slack ----------------------------------------------------------------------------------


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def _block_text(block: dict[str, Any]) -> int:
    if block["type"] == "context":
        return sum(len(e["text"]) for e in block["elements"])
    return len(block["text"]["text"])


def _chunks(lines: list[str], limit: int) -> Iterator[str]:
    """Lines joined into pieces of at most `limit` chars, split only between lines."""
    piece: list[str] = []
    size = 0
    for whole in lines:
        line = whole if len(whole) <= limit else whole[: limit - 1] + "…"
        if piece and size + 1 + len(line) > limit:
            yield "\n".join(piece)
            piece, size = [], 0
        piece.append(line)
        size += len(line) + (1 if size else 0)
    if piece:
        yield "\n".join(piece)


def slack_blocks(renderer: Renderer, d: Digest, options: RenderOptions) -> list[dict[str, Any]]:
    """Every block of the digest after the header, before packing into messages."""
    m = renderer.macros("chat.j2", options)
    cap = options.max_items
    blocks = [_mrkdwn(str(m.slack_summary(d)))]
    shown_owners = 0
    for title, count, items, flag in sections(d):
        if not items:
            continue
        if flag == "overdue":
            shown_owners += 1
            if shown_owners > cap:
                continue
        lines = [str(m.slack_heading(title, count))]
        lines += [str(m.slack_item(i)) for i in items[:cap]]
        if len(items) > cap:
            lines.append(str(m.slack_more(len(items) - cap, flag)))
        blocks += [_mrkdwn(text) for text in _chunks(lines, SLACK_MAX_SECTION)]
    if len(d.overdue) > cap:
        rest = len(d.overdue) - cap
        blocks.append(_mrkdwn(f"… and {rest} more owners with overdue items"))
    if d.empty:
        blocks.append(_mrkdwn("Nothing is open. Well done."))
    return blocks


def slack_payloads(renderer: Renderer, d: Digest, options: RenderOptions) -> list[dict[str, Any]]:
    """The digest as Slack webhook messages, each within Slack's limits."""
    title = escape.plain(f"{d.title} — {d.period.label}")
    messages: list[list[dict[str, Any]]] = [[]]
    used = 0
    budget = SLACK_MAX_TEXT - SLACK_MAX_HEADER
    for block in slack_blocks(renderer, d, options):
        size = _block_text(block)
        current = messages[-1]
        if current and (len(current) + 1 >= SLACK_MAX_BLOCKS or used + size > budget):
            messages.append([])
            used = 0
        messages[-1].append(block)
        used += size
    total = len(messages)
    out = []
    for index, blocks in enumerate(messages, 1):
        part = f" ({index}/{total})" if total > 1 else ""
        header_text = title[: SLACK_MAX_HEADER - len(part) - 1] + part
        header = {"type": "header", "text": {"type": "plain_text", "text": header_text}}
        out.append({"text": fallback(d) + part, "blocks": [header, *blocks]})
    return out


# --- Teams ----------------------------------------------------------------------------------


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _card(body: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "msteams": {"width": "Full"},
                    "body": body,
                },
            }
        ],
    }


def _size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False).encode())


def teams_payloads(renderer: Renderer, d: Digest, options: RenderOptions) -> list[dict[str, Any]]:
    """The digest as Teams Workflows messages, each one card of at most 24 KB."""
    m = renderer.macros("chat.j2", options)
    cap = options.max_items
    t = d.totals
    facts = [
        ("Open", t.open),
        ("Overdue", t.overdue),
        ("Due soon", t.due_soon),
        ("Needs a decision", t.needs_decision),
        ("Without owner", t.unowned),
        ("Done this period", t.done_this_period),
        ("Deprioritized this period", t.deprioritized_this_period),
    ]
    elements: list[dict[str, Any]] = [
        {"type": "FactSet", "facts": [{"title": k, "value": str(v)} for k, v in facts]},
        _text(str(m.teams_completion(d)), isSubtle=True),
    ]
    for title, count, items, flag in sections(d):
        if not items:
            continue
        elements.append(
            _text(f"{escape.teams(title)} ({count})", weight="Bolder", spacing="Medium")
        )
        lines = [str(m.teams_item(i)) for i in items[:cap]]
        if len(items) > cap:
            lines.append(str(m.teams_more(len(items) - cap, flag)))
        for start in range(0, len(lines), _TEAMS_LINES_PER_BLOCK):
            elements.append(_text("\n".join(lines[start : start + _TEAMS_LINES_PER_BLOCK])))
    title = escape.teams(f"{d.title} — {d.period.label}")
    cards: list[list[dict[str, Any]]] = [[]]
    used = _size(_card([_text(title + " (99/99)", size="Large", weight="Bolder")]))
    base = used
    for element in elements:
        size = _size(element) + 1
        if cards[-1] and used + size > TEAMS_MAX_BYTES:
            cards.append([])
            used = base
        cards[-1].append(element)
        used += size
    total = len(cards)
    out = []
    for index, body in enumerate(cards, 1):
        part = f" ({index}/{total})" if total > 1 else ""
        out.append(_card([_text(title + part, size="Large", weight="Bolder"), *body]))
    return out
