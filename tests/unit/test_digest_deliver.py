"""Exactly once per period, with an injected clock: sent once, caught up within the grace and
not after it, failures retried with backoff while the other channels go out, stale claims
taken over, per-owner emails."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from syncd.clock import Clock
from syncd.config.load import LoadedConfig, load_config
from syncd.digest.deliver import CLAIM_TIMEOUT, DigestRun, send_due_digests
from syncd.store.database import Store
from tests.channels.receiver import Receiver, receiver
from tests.channels.smtp import smtp_server
from tests.digest_world import ZONE, world

MONDAY_0905 = datetime(2026, 6, 8, 9, 5, tzinfo=ZONE)


class Time:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def clock(self) -> Clock:
        return Clock(ZONE, lambda: self.now)


def project(tmp_path: Path, channels: str, extra: str = "") -> LoadedConfig:
    (tmp_path / "syncd.yaml").write_text(
        textwrap.dedent(
            """
            timezone: Europe/Berlin
            store: {url: "sqlite:///state.db"}
            digests:
              weekly:
                schedule: "0 9 * * MON"
                channels:
            """
        ).lstrip()
        + textwrap.indent(textwrap.dedent(channels).strip(), " " * 6)
        + "\n"
        + textwrap.dedent(extra),
        encoding="utf-8",
    )
    return load_config(tmp_path / "syncd.yaml", {})


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with receiver("/hooks/digest") as r:
        yield r


@pytest.fixture
def setup(tmp_path: Path, hook: Receiver) -> Iterator[tuple[LoadedConfig, Store]]:
    loaded = project(
        tmp_path,
        f"""
        - webhook: {{url: "{hook.url}"}}
        - file: {{path: "out/{{date}}.md"}}
        """,
    )
    with Store.open(loaded.store_url()) as store:
        yield loaded, store


def run(setup: tuple[LoadedConfig, Store], time: Time, **kw: object) -> DigestRun:
    loaded, store = setup
    return send_due_digests(loaded, store, world(), time.clock(), sleep=lambda s: None, **kw)  # type: ignore[arg-type]


def outcomes(result: DigestRun) -> list[tuple[str, str]]:
    return [(r.kind, r.outcome) for r in result.results]


def test_a_weekly_digest_is_sent_once_per_period(
    setup: tuple[LoadedConfig, Store], hook: Receiver, tmp_path: Path
) -> None:
    time = Time(MONDAY_0905)
    assert outcomes(run(setup, time)) == [("webhook", "sent"), ("file", "sent")]
    for later in (timedelta(minutes=5), timedelta(hours=3), timedelta(days=3)):
        time.now = MONDAY_0905 + later
        again = run(setup, time)
        assert [r.outcome for r in again.results] == ["skipped", "skipped"]
    assert len(hook.hits) == 1
    time.now = MONDAY_0905 + timedelta(days=7)
    assert outcomes(run(setup, time)) == [("webhook", "sent"), ("file", "sent")]
    assert len(hook.hits) == 2
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "2026-06-08.md",
        "2026-06-15.md",
    ]


def test_a_missed_week_is_caught_up_once_within_the_grace_not_after(
    setup: tuple[LoadedConfig, Store], hook: Receiver
) -> None:
    time = Time(MONDAY_0905 + timedelta(hours=23))  # syncd was down at 09:00; 24 h grace
    assert [r.outcome for r in run(setup, time).results] == ["sent", "sent"]
    time.now += timedelta(minutes=30)
    assert [r.outcome for r in run(setup, time).results] == ["skipped", "skipped"]
    # The next week is missed for longer than the grace: it is not sent late.
    time.now = MONDAY_0905 + timedelta(days=7, hours=25)
    late = run(setup, time)
    assert [r.outcome for r in late.results] == ["skipped", "skipped"]
    assert "grace ended" in late.results[0].reason
    assert len(hook.hits) == 1
    # `syncd digest --send` sends the latest period however late.
    assert [r.outcome for r in run(setup, time, ignore_grace=True).results] == ["sent", "sent"]


def test_a_failing_channel_is_retried_with_backoff_and_stops_no_other(
    setup: tuple[LoadedConfig, Store], hook: Receiver
) -> None:
    time = Time(MONDAY_0905)
    hook.answer(503, "busy")
    first = run(setup, time)
    assert outcomes(first) == [("webhook", "failed"), ("file", "sent")]
    assert first.failed and "HTTP 503" in first.results[0].reason
    assert first.counts()[("weekly", "webhook", "failed")] == 1
    time.now += timedelta(seconds=30)  # before the first backoff (1 minute) ends
    waiting = run(setup, time)
    assert outcomes(waiting) == [("webhook", "skipped"), ("file", "skipped")]
    assert "retried from" in waiting.results[0].reason
    time.now += timedelta(minutes=1)
    assert outcomes(run(setup, time)) == [("webhook", "sent"), ("file", "skipped")]
    assert len(hook.hits) == 2
    _, store = setup
    (webhook,) = [d for d in store.deliveries() if d.channel.startswith("webhook")]
    assert (webhook.state, webhook.attempts, webhook.last_error) == ("sent", 2, None)


def test_a_claim_left_by_a_crash_is_taken_over_after_the_timeout(
    setup: tuple[LoadedConfig, Store], hook: Receiver
) -> None:
    _, store = setup
    time = Time(MONDAY_0905)
    crashed = run(setup, time, only="weekly")
    assert [r.outcome for r in crashed.results] == ["sent", "sent"]
    # Simulate a process that claimed next week's sends and died before sending.
    time.now = MONDAY_0905 + timedelta(days=7)
    for r in crashed.results:
        store.claim_delivery(
            "weekly",
            "2026-06-15T09:00",
            r.channel,
            time.now,
            holder="dead",
            stale_after=CLAIM_TIMEOUT,
        )
    busy = run(setup, time)
    assert {r.reason for r in busy.results} == {"being sent by another process"}
    time.now += CLAIM_TIMEOUT + timedelta(seconds=1)
    assert [r.outcome for r in run(setup, time).results] == ["sent", "sent"]
    assert len(hook.hits) == 2


def test_force_sends_a_sent_period_again(setup: tuple[LoadedConfig, Store], hook: Receiver) -> None:
    time = Time(MONDAY_0905)
    run(setup, time)
    assert [r.outcome for r in run(setup, time, force=True).results] == ["sent", "sent"]
    assert len(hook.hits) == 2


def test_per_owner_digests_go_to_each_owner_with_only_their_items(tmp_path: Path) -> None:
    with smtp_server() as (inbox, port):
        loaded = project(
            tmp_path,
            f"""
            - email: {{to: [sre@acme.example], from: syncd@acme.example, host: 127.0.0.1,
                       port: {port}, security: none}}
            """,
            """
            owners:
              "@priya": {email: priya@acme.example}
              "@marco": {email: marco@acme.example}
            """,
        )
        text = (
            (tmp_path / "syncd.yaml")
            .read_text()
            .replace("    channels:", "    per_owner: true\n    channels:")
        )
        (tmp_path / "syncd.yaml").write_text(text)
        loaded = load_config(tmp_path / "syncd.yaml", {})
        with Store.open(loaded.store_url()) as store:
            result = send_due_digests(loaded, store, world(), Time(MONDAY_0905).clock())
    by_target = {r.description: (r.outcome, r.reason) for r in result.results}
    assert by_target["email to sre@acme.example"][0] == "sent"
    assert by_target["email to @priya"][0] == "sent"
    assert by_target["email to @marco"][0] == "sent"
    assert by_target["email to @lee"] == ("skipped", "no email address for @lee in `owners`")
    mails = {tuple(m.recipients): m.message for m in inbox.received}
    assert set(mails) == {("sre@acme.example",), ("priya@acme.example",), ("marco@acme.example",)}
    priya = mails[("priya@acme.example",)].get_body(("plain",)).get_content()
    assert "Alert on checkout 5xx" in priya and "Canary the gateway" not in priya
    assert "owners @priya" in priya
