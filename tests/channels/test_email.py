"""Email to a real SMTP server on loopback: both parts, every recipient, verified TLS, AUTH,
hostile review text escaped, errors in one sentence without secrets."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import trustme

from syncd.channels.base import ChannelError, Outgoing
from syncd.channels.config import EmailChannel
from syncd.channels.email import send_email
from syncd.digest.render import Renderer, RenderOptions
from tests.channels.smtp import smtp_server
from tests.unit.test_digest_render import hostile_digest

NOW = datetime(2026, 6, 8, 7, 0, 5, tzinfo=UTC)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> Path:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


def channel(port: int, **extra: Any) -> EmailChannel:
    return EmailChannel.model_validate(
        {
            "to": ["sre@acme.example", "lead@acme.example"],
            "from": "syncd@acme.example",
            "host": "127.0.0.1",
            "port": port,
            "security": "none",
            **extra,
        }
    )


def outgoing(tmp_path: Path, **extra: Any) -> Outgoing:
    return Outgoing(
        digest=hostile_digest(),
        renderer=Renderer(),
        options=RenderOptions(zone="Europe/Berlin"),
        delivery_id="weekly/2026-06-08T09:00/email:abc",
        now=NOW,
        base_dir=tmp_path,
        **extra,
    )


@pytest.fixture
def plain_server() -> Iterator[tuple[Any, int]]:
    with smtp_server() as server:
        yield server


def test_one_message_reaches_every_recipient_with_text_then_html(
    plain_server: tuple[Any, int], tmp_path: Path
) -> None:
    inbox, port = plain_server
    detail = send_email(channel(port), outgoing(tmp_path))
    assert detail == "sent to 2 recipient(s)"
    (got,) = inbox.received
    assert got.sender == "syncd@acme.example"
    assert got.recipients == ["sre@acme.example", "lead@acme.example"]
    msg = got.message
    assert msg.get_content_type() == "multipart/alternative"
    text, html = msg.iter_parts()
    assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    assert msg["Subject"] == "Open actions: weekly — 2026-W23"
    assert msg["Date"] == "Mon, 08 Jun 2026 07:00:05 +0000"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["Message-ID"].endswith(".digest@acme.example>")
    assert "weekly.digest.acme.example" in msg["List-Id"]
    body_text, body_html = text.get_content(), html.get_content()
    assert "OVERDUE" in body_text and "Overdue, by owner" in body_html
    # Hostile review text: escaped in HTML, inert in text.
    assert "<script>" not in body_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body_html
    assert "<!here>" not in body_text and "@channel" not in body_text


def test_a_resent_delivery_carries_the_same_message_id(
    plain_server: tuple[Any, int], tmp_path: Path
) -> None:
    inbox, port = plain_server
    send_email(channel(port), outgoing(tmp_path))
    send_email(channel(port), outgoing(tmp_path))
    first, second = (r.message["Message-ID"] for r in inbox.received)
    assert first == second  # clients that drop duplicate ids drop the at-least-once resend


def test_per_owner_recipients_replace_the_list(
    plain_server: tuple[Any, int], tmp_path: Path
) -> None:
    inbox, port = plain_server
    send_email(channel(port), outgoing(tmp_path, recipients=("priya@acme.example",)))
    assert inbox.received[0].recipients == ["priya@acme.example"]
    assert inbox.received[0].message["To"] == "priya@acme.example"


def test_starttls_is_verified_and_then_logs_in(
    ca: trustme.CA, ca_file: Path, tmp_path: Path
) -> None:
    with smtp_server(ca=ca, mode="starttls", auth=("syncd", "s3cret")) as (inbox, port):
        cfg = channel(
            port, security="starttls", username="syncd", password="s3cret", ca_file=str(ca_file)
        )
        assert send_email(cfg, outgoing(tmp_path)) == "sent to 2 recipient(s)"
    assert len(inbox.received) == 1


def test_implicit_tls_with_a_password_file(ca: trustme.CA, ca_file: Path, tmp_path: Path) -> None:
    (tmp_path / "smtp.pw").write_text("s3cret\n")
    with smtp_server(ca=ca, mode="tls", auth=("syncd", "s3cret")) as (inbox, port):
        cfg = channel(
            port, security="tls", username="syncd", password_file="smtp.pw", ca_file=str(ca_file)
        )
        send_email(cfg, outgoing(tmp_path))
    assert len(inbox.received) == 1


def test_an_untrusted_certificate_is_refused(ca: trustme.CA, tmp_path: Path) -> None:
    with (
        smtp_server(ca=ca, mode="starttls") as (inbox, port),
        pytest.raises(ChannelError, match="certificate is not trusted") as caught,
    ):
        send_email(channel(port, security="starttls"), outgoing(tmp_path))
    assert caught.value.permanent
    assert inbox.received == []


def test_starttls_configured_but_not_offered_is_never_a_clear_text_send(
    plain_server: tuple[Any, int], tmp_path: Path
) -> None:
    inbox, port = plain_server
    with pytest.raises(ChannelError, match="does not offer STARTTLS"):
        send_email(channel(port, security="starttls"), outgoing(tmp_path))
    assert inbox.received == []


def test_a_wrong_password_is_permanent_and_not_shown(
    ca: trustme.CA, ca_file: Path, tmp_path: Path
) -> None:
    with smtp_server(ca=ca, mode="starttls", auth=("syncd", "s3cret")) as (_, port):
        cfg = channel(
            port, security="starttls", username="syncd", password="wrong-pw", ca_file=str(ca_file)
        )
        with pytest.raises(ChannelError, match="login refused") as caught:
            send_email(cfg, outgoing(tmp_path))
    assert caught.value.permanent
    assert "wrong-pw" not in str(caught.value)


def test_nobody_listening_is_a_transient_failure(tmp_path: Path) -> None:
    from tests.channels.smtp import free_port

    with pytest.raises(ChannelError, match="ConnectionRefusedError") as caught:
        send_email(channel(free_port()), outgoing(tmp_path))
    assert not caught.value.permanent


def test_a_password_over_clear_text_to_a_remote_host_is_a_config_error() -> None:
    with pytest.raises(ValueError, match="clear text"):
        EmailChannel.model_validate(
            {
                "to": ["a@b.example"],
                "from": "s@b.example",
                "host": "smtp.example.com",
                "security": "none",
                "username": "u",
                "password": "p",
            }
        )
