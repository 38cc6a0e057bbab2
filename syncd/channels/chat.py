"""Slack incoming webhooks and Teams Workflows webhooks (reference §1, §2).

A digest too big for one message goes as several ("(2/3)"), at most one post per 1.1 s to a
webhook. If part 2 of 3 fails, the ledger keeps `parts_sent=1` and the retry starts at
part 2: no part is posted twice because a later one failed. Slack answers a good post with
200 and the literal body `ok`; anything else is not taken as delivered. Teams Workflows
answer 202 at once and may still drop the card later: recorded as "accepted".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from syncd.channels.base import ChannelError, Outgoing, parts_sent
from syncd.channels.config import SlackChannel, TeamsChannel
from syncd.channels.http import post_json
from syncd.digest import chat

MIN_INTERVAL = 1.1  # seconds between posts to one webhook (Slack: ~1 message/s)


def _post_all(
    url: str,
    payloads: list[dict[str, Any]],
    out: Outgoing,
    *,
    what: str,
    check: Callable[[Any], None],
) -> int:
    sleep = out.sleep if out.sleep is not None else time.sleep
    start = min(parts_sent(out.resume), len(payloads))
    for index in range(start, len(payloads)):
        if index > start:
            sleep(MIN_INTERVAL)
        try:
            try:
                check(post_json(url, payloads[index], what=what))
            except ChannelError as exc:
                if exc.retry_after is None:
                    raise
                sleep(exc.retry_after)  # one retry after a 429, then leave it to the ledger
                check(post_json(url, payloads[index], what=what))
        except ChannelError as exc:
            exc.progress = f"parts_sent={index}"
            raise
    return len(payloads)


def _slack_ok(response: Any) -> None:
    if response.status_code != 200 or response.text.strip() != "ok":
        raise ChannelError(
            f"Slack webhook: unexpected answer (HTTP {response.status_code}, not `ok`)"
        )


def send_slack(cfg: SlackChannel, out: Outgoing) -> str:
    payloads = chat.slack_payloads(out.renderer, out.digest, out.options)
    url = cfg.webhook_url.get_secret_value()
    count = _post_all(url, payloads, out, what="Slack webhook", check=_slack_ok)
    return f"posted {count} message{'s' if count != 1 else ''}"


def _teams_ok(response: Any) -> None:
    if response.status_code not in (200, 202):
        raise ChannelError(f"Teams workflow: unexpected answer (HTTP {response.status_code})")


def send_teams(cfg: TeamsChannel, out: Outgoing) -> str:
    payloads = chat.teams_payloads(out.renderer, out.digest, out.options)
    url = cfg.webhook_url.get_secret_value()
    count = _post_all(url, payloads, out, what="Teams workflow", check=_teams_ok)
    # 202 means accepted: a card the flow rejects shows only in its run history.
    return f"accepted {count} card{'s' if count != 1 else ''}"
