"""`syncd digest` and the digest part of `syncd check`, as real subprocesses."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from syncd.store.database import Store
from tests.channels.receiver import Receiver, receiver
from tests.system.conftest import SYNCD, Run
from tests.unit.test_store import postgres_schema


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with receiver("/hooks/digest") as r:
        yield r


def configure(project: Path, hook: Receiver, store: str = "sqlite:///.syncd/state.db") -> None:
    config = project / "syncd.yaml"
    config.write_text(
        config.read_text()
        + f"""
store: {{url: "{store}"}}
digests:
  weekly:
    schedule: "0 9 * * MON"
    channels:
      - webhook: {{url: "{hook.url}"}}
      - file: {{path: "digests/{{date}}.md", format: markdown}}
"""
    )


def deliveries(project: Path, url: str = "") -> list[str]:
    with Store.open(url or f"sqlite:///{project}/.syncd/state.db") as store:
        return [f"{d.channel.split(':')[0]} {d.state}" for d in store.deliveries()]


def test_without_digests_configured_it_renders_a_digest_of_everything(
    run: Run, project: Path
) -> None:
    done = run("digest", "--today", "2026-06-10")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Open actions — 2026-W23\n")
    assert "Alert when checkout 5xx rate stays above 3%" in done.stdout
    sent = run("digest", "--send", "--today", "2026-06-10")
    assert sent.returncode == 0
    assert sent.stdout == "digest: no channels configured; nothing sent\n"


def test_rendering_changes_nothing(run: Run, project: Path, hook: Receiver) -> None:
    configure(project, hook)
    for fmt in ("text", "markdown", "html", "json", "slack", "teams"):
        done = run("digest", "weekly", "--format", fmt, "--today", "2026-06-10")
        assert done.returncode == 0, done.stderr
    doc = json.loads(run("digest", "--format", "json", "--today", "2026-06-10").stdout)
    assert doc["digest"] == "weekly" and doc["period"]["start"].startswith("2026-06-01T09:00")
    assert hook.hits == []
    assert not (project / "digests").exists()
    assert deliveries(project) == []
    run("digest", "--format", "html", "-o", "out.html", "--today", "2026-06-10")
    assert (project / "out.html").read_text().startswith("<!DOCTYPE html>")


def test_send_delivers_once_and_force_again(run: Run, project: Path, hook: Receiver) -> None:
    configure(project, hook)
    first = run("digest", "weekly", "--send")
    assert first.returncode == 0, first.stderr
    assert first.stdout.count(": sent (") == 2
    second = run("digest", "weekly", "--send")
    assert second.stdout.count("skipped (already sent this period)") == 2
    assert len(hook.hits) == 1
    forced = run("digest", "weekly", "--send", "--force")
    assert forced.stdout.count(": sent (") == 2
    assert len(hook.hits) == 2
    assert sorted(deliveries(project)) == ["file sent", "webhook sent"]


def test_a_failed_send_exits_3_and_names_no_secret(run: Run, project: Path, hook: Receiver) -> None:
    configure(project, hook)
    hook.answer(500, "")
    done = run("--log-level", "debug", "digest", "weekly", "--send")
    assert done.returncode == 3
    assert "webhook: HTTP 500" in done.stdout
    assert hook.url not in done.stdout + done.stderr and "/hooks/digest" not in done.stderr


def test_an_unknown_digest_is_a_usage_error(run: Run, project: Path, hook: Receiver) -> None:
    configure(project, hook)
    done = run("digest", "monthly")
    assert done.returncode == 2
    assert "no digest named `monthly`" in done.stderr


def test_check_sends_the_due_digest_once_and_no_digest_skips(
    run: Run, project: Path, hook: Receiver
) -> None:
    configure(project, hook)
    skipped = run("check", "--no-write", "--no-digest", "--today", "2026-06-08")
    assert skipped.returncode == 1  # overdue items: follow-through problems
    assert hook.hits == []
    first = run("check", "--no-write", "--today", "2026-06-08")
    assert first.returncode == 1
    assert "digest weekly 2026-W23: webhook webhook: sent (HTTP 200)" in first.stdout
    quiet = run("check", "--no-write", "--today", "2026-06-08")
    assert "digest weekly" not in quiet.stdout  # "already sent" is no news for cron
    again = run("check", "--no-write", "--format", "json", "--today", "2026-06-08")
    digests = json.loads(again.stdout)["digests"]
    assert [d["outcome"] for d in digests] == ["skipped", "skipped"]
    assert len(hook.hits) == 1


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "sqlite":
        yield "sqlite:///.syncd/state.db"
    else:
        yield from postgres_schema()


def test_processes_at_once_against_one_store_send_once(
    project: Path, hook: Receiver, store_url: str
) -> None:
    configure(project, hook, store_url)
    hook.delay = 1.0  # the first send is still in flight while the others claim
    commands = [
        ["digest", "weekly", "--send", "--today", "2026-06-08"],
        ["digest", "weekly", "--send", "--today", "2026-06-08"],
        ["check", "--no-write", "--today", "2026-06-08"],  # cron beside the others
        ["digest", "--send", "--today", "2026-06-08"],
    ]
    procs = [
        subprocess.Popen(
            [str(SYNCD), *args],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in commands
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode in (0, 1) for p in procs), outputs
    assert len(hook.hits) == 1
    stdout = "".join(out for out, _ in outputs)
    assert stdout.count("webhook webhook: sent") == 1
    assert stdout.count("file digests/{date}.md: sent") == 1
    # The three `syncd digest --send` print a line per channel (sent or skipped); `syncd check`
    # prints only what it sent. Each channel is claimed on its own, so check may have sent
    # none, one or both: the digest commands then skipped 4, 5 or 6 times.
    skips = stdout.count("being sent by another process") + stdout.count("already sent")
    by_check = 2 - sum(
        out.count(": sent")
        for (out, _), args in zip(outputs, commands, strict=True)
        if args[0] == "digest"
    )
    assert skips == 4 + by_check
    shown = store_url if store_url.startswith("postgresql") else ""
    assert sorted(deliveries(project, shown)) == ["file sent", "webhook sent"]
