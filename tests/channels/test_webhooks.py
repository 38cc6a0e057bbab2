"""Slack, Teams, generic webhooks and files against loopback receivers: payload shapes,
splitting, pacing, 429 handling, resuming a split digest, and secret URLs kept out of errors."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from syncd.channels.base import ChannelError, Outgoing
from syncd.channels.chat import MIN_INTERVAL, send_slack, send_teams
from syncd.channels.config import FileChannel, SlackChannel, TeamsChannel, WebhookChannel
from syncd.channels.file import send_file
from syncd.channels.webhook import send_webhook
from syncd.digest.model import Digest
from syncd.digest.render import Renderer, RenderOptions
from tests.channels.receiver import receiver
from tests.digest_world import digest
from tests.unit.test_digest_render import big_digest, hostile_digest

NOW = datetime(2026, 6, 8, 7, 0, 5, tzinfo=UTC)


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def outgoing(d: Digest, tmp_path: Path, **extra: Any) -> Outgoing:
    return Outgoing(
        digest=d,
        renderer=Renderer(),
        options=extra.pop("options", RenderOptions(zone="Europe/Berlin")),
        delivery_id="weekly/2026-06-08T09:00/slack:abc",
        now=NOW,
        base_dir=tmp_path,
        **extra,
    )


def test_slack_posts_block_kit_with_a_fallback_text(tmp_path: Path) -> None:
    with receiver() as hook:
        detail = send_slack(SlackChannel(webhook_url=hook.url), outgoing(digest(), tmp_path))
    assert detail == "posted 1 message"
    (hit,) = hook.hits
    payload = hit.json()
    assert hit.headers["content-type"] == "application/json; charset=utf-8"
    assert payload["text"].startswith("5 open actions, 2 overdue")
    assert [b["type"] for b in payload["blocks"]][:2] == ["header", "section"]


def test_slack_receives_hostile_text_escaped(tmp_path: Path) -> None:
    with receiver() as hook:
        send_slack(SlackChannel(webhook_url=hook.url), outgoing(hostile_digest(), tmp_path))
    body = hook.hits[0].body.decode()
    for live in ("<!here>", "<!channel>", "<@U024BE7LH>", "<script>", "@channel", "@everyone"):
        assert live not in body


def test_a_big_slack_digest_is_posted_in_parts_paced_apart(tmp_path: Path) -> None:
    sleeps = Sleeps()
    big = outgoing(
        big_digest(400, 3), tmp_path, sleep=sleeps, options=RenderOptions(max_items=1000)
    )
    with receiver() as hook:
        detail = send_slack(SlackChannel(webhook_url=hook.url), big)
    parts = len(hook.hits)
    assert parts > 1 and detail == f"posted {parts} messages"
    assert sleeps == [MIN_INTERVAL] * (parts - 1)
    headers = [h.json()["blocks"][0]["text"]["text"] for h in hook.hits]
    assert [h.rsplit(" ", 1)[1] for h in headers] == [f"({i}/{parts})" for i in range(1, parts + 1)]


def test_slack_429_waits_retry_after_once_then_posts(tmp_path: Path) -> None:
    sleeps = Sleeps()
    with receiver() as hook:
        hook.answer(429, "rate_limited", **{"Retry-After": "7"})
        send_slack(SlackChannel(webhook_url=hook.url), outgoing(digest(), tmp_path, sleep=sleeps))
    assert len(hook.hits) == 2
    assert sleeps == [7.0]


def test_a_failed_part_is_resumed_without_reposting_the_earlier_ones(tmp_path: Path) -> None:
    big = dict(sleep=Sleeps(), options=RenderOptions(max_items=1000))
    with receiver() as hook:
        hook.answer(200, "ok")
        hook.answer(500, "rollup_error")
        with pytest.raises(ChannelError) as caught:
            send_slack(
                SlackChannel(webhook_url=hook.url), outgoing(big_digest(400, 3), tmp_path, **big)
            )
        assert caught.value.progress == "parts_sent=1"
        assert not caught.value.permanent
        first_attempt = len(hook.hits)
        resumed = outgoing(big_digest(400, 3), tmp_path, resume="parts_sent=1", **big)
        send_slack(SlackChannel(webhook_url=hook.url), resumed)
    headers = [h.json()["blocks"][0]["text"]["text"] for h in hook.hits]
    assert first_attempt == 2
    assert headers[2] == headers[1]  # the retry starts with the part that failed
    assert headers.count(headers[0]) == 1  # part 1 was never posted twice


@pytest.mark.parametrize(
    ("status", "body", "permanent"),
    [(404, "no_service", True), (410, "channel_is_archived", True), (503, "", False)],
)
def test_slack_errors_say_what_slack_said_but_never_the_url(
    tmp_path: Path, status: int, body: str, permanent: bool
) -> None:
    with receiver() as hook:
        hook.answer(status, body)
        with pytest.raises(ChannelError) as caught:
            send_slack(SlackChannel(webhook_url=hook.url), outgoing(digest(), tmp_path))
    message = str(caught.value)
    assert f"HTTP {status}" in message and body in message
    assert "XXXXSECRET" not in message and "127.0.0.1" not in message
    assert caught.value.permanent is permanent


def test_an_answer_that_is_not_ok_is_not_taken_as_delivered(tmp_path: Path) -> None:
    with receiver() as hook:
        hook.answer(200, "<html>proxy login</html>")
        with pytest.raises(ChannelError, match="not `ok`"):
            send_slack(SlackChannel(webhook_url=hook.url), outgoing(digest(), tmp_path))


def test_teams_gets_an_adaptive_card_message_and_202_means_accepted(tmp_path: Path) -> None:
    with receiver("/workflows/abc/triggers/manual/paths/invoke?sig=SECRETSIG") as hook:
        hook.default = (202, "", {})
        detail = send_teams(
            TeamsChannel(webhook_url=hook.url), outgoing(hostile_digest(), tmp_path)
        )
    assert detail == "accepted 1 card"
    payload = hook.hits[0].json()
    assert payload["type"] == "message"
    (attachment,) = payload["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert attachment["content"]["version"] == "1.4"
    body = hook.hits[0].body.decode()
    assert "@channel" not in body and "<!here>" not in body


def test_teams_retired_connector_urls_are_refused_with_how_to() -> None:
    with pytest.raises(ValueError, match="Workflow"):
        TeamsChannel(webhook_url="https://acme.webhook.office.com/webhookb2/x")  # type: ignore[arg-type]


def test_a_generic_webhook_gets_signed_json_with_a_stable_id(tmp_path: Path) -> None:
    secret = "whsec_" + base64.b64encode(b"0123456789abcdef").decode()
    with receiver("/hooks/digest") as hook:
        cfg = WebhookChannel(url=hook.url, secret=secret)  # type: ignore[arg-type]
        send_webhook(cfg, outgoing(digest(), tmp_path))
        send_webhook(cfg, outgoing(digest(), tmp_path))
    first, second = hook.hits
    assert (
        first.headers["webhook-id"]
        == second.headers["webhook-id"]
        == ("weekly/2026-06-08T09:00/slack:abc")
    )
    signed = f"{first.headers['webhook-id']}.{first.headers['webhook-timestamp']}.".encode()
    mac = hmac.new(b"0123456789abcdef", signed + first.body, hashlib.sha256).digest()
    assert first.headers["webhook-signature"] == "v1," + base64.b64encode(mac).decode()
    doc = first.json()
    assert doc["digest"] == "weekly" and doc["totals"]["open"] == 5


def test_a_webhook_redirect_is_not_followed(tmp_path: Path) -> None:
    with receiver("/hooks/digest") as hook:
        hook.answer(302, "", Location="http://127.0.0.1:9/elsewhere")
        with pytest.raises(ChannelError, match="redirect not followed"):
            send_webhook(WebhookChannel(url=hook.url), outgoing(digest(), tmp_path))  # type: ignore[arg-type]
    assert len(hook.hits) == 1


def test_the_file_channel_writes_atomically_and_names_the_file_by_date(tmp_path: Path) -> None:
    cfg = FileChannel(path="digests/{date}-{digest}.md", format="markdown")
    detail = send_file(cfg, outgoing(digest(), tmp_path))
    written = tmp_path / "digests" / "2026-06-08-weekly.md"
    assert detail == f"wrote {written}"
    assert written.read_text().startswith("# Open actions: weekly — 2026-W23")
    assert send_file(cfg, outgoing(digest(), tmp_path)) == f"{written} unchanged"
    assert [p.name for p in written.parent.iterdir()] == [written.name]  # no temp files left
