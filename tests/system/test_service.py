"""`syncd run` as a real subprocess: health and metrics over HTTP, passes on an interval,
signals (SIGTERM mid-pass, SIGHUP with a broken config), a tracker outage, a held lock."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from syncd.store.database import Store
from tests.fakes.base import Faults, Request
from tests.fakes.github import FakeGitHub
from tests.system.conftest import SYNCD, backdate, write
from tests.system.service_env import Service, free_port, start

__all__ = ["start"]  # a fixture


def _config(base: Path, extra: str = "", interval: str = "1s") -> Path:
    write(
        base / "syncd.yaml",
        f"""
        timezone: Europe/Berlin
        records:
          paths: ["reviews/**/*.md"]
        sync:
          interval: {interval}
        service:
          listen: "127.0.0.1:{free_port()}"
          lock_wait: 1s
        """,
    )
    if extra:
        with (base / "syncd.yaml").open("a", encoding="utf-8") as f:
            f.write(extra)
    return base


def test_the_service_serves_health_and_metrics_runs_passes_and_stops_on_sigterm(
    project: Path, start: Callable[..., Service]
) -> None:
    service = start(_config(project))
    service.wait_for(lambda: service.passes("problems") + service.passes("ok") >= 2)
    status, body = service.get("/healthz")
    assert status == 200 and body.startswith("ok: last pass finished")  # no election on SQLite
    status, body = service.get("/livez")
    assert status == 200 and body.startswith("ok: alive, main loop ticked")
    _, metrics = service.get("/metrics")
    for name in (
        "syncd_items",
        "syncd_items_flagged",
        "syncd_overdue_items",
        "syncd_pass_duration_seconds_bucket",
        "syncd_passes_total",
        "syncd_last_success_timestamp_seconds",
        "syncd_config_last_reload_successful",
        "syncd_leader",
    ):
        assert f"\n{name}" in metrics, name
    assert service.metric('syncd_items{status="open"}') >= 1
    assert service.metric("syncd_leader") == 1  # the one process on a SQLite store leads
    assert service.get("/nothing")[0] == 404
    # One line per pass at info: nothing else when nothing changed.
    events = Counter(re.findall(r'"event": "(\w+)"', service.log()))
    assert events["pass_finished"] >= 2 and not events["tracker_listed"]
    code, took = service.stop()
    assert (code, took < 10) == (0, True), service.log()
    assert '"event": "service_stopped"' in service.log()


def test_sighup_with_a_broken_config_keeps_the_old_one_and_says_where(
    project: Path, start: Callable[..., Service]
) -> None:
    service = start(_config(project))
    service.wait_for(lambda: service.passes("problems") >= 1)
    good = (project / "syncd.yaml").read_text(encoding="utf-8")
    (project / "syncd.yaml").write_text(good + "records_typo: 1\n", encoding="utf-8")
    service.proc.send_signal(signal.SIGHUP)
    service.wait_for(lambda: service.metric("syncd_config_last_reload_successful") == 0)
    assert "config_reload_failed" in service.log()
    assert "syncd.yaml:9 unknown key `records_typo`" in service.log()  # as `config validate`
    before = service.passes("problems")
    service.wait_for(lambda: service.passes("problems") >= before + 2)  # still running, old config
    (project / "syncd.yaml").write_text(good, encoding="utf-8")
    service.proc.send_signal(signal.SIGHUP)
    service.wait_for(lambda: service.metric("syncd_config_last_reload_successful") == 1)
    assert service.stop()[0] == 0


def test_the_service_waits_for_a_pass_that_holds_the_stores_lock(
    project: Path, start: Callable[..., Service]
) -> None:
    _config(project)
    with Store.open(str(project / ".syncd" / "state.db")) as store, store.lock("syncd check"):
        service = start(project)
        service.wait_for(lambda: "store_locked_waiting" in service.log())
        time.sleep(1.5)
        assert service.passes("problems") == 0 and service.proc.poll() is None
    service.wait_for(lambda: service.passes("problems") >= 1)
    assert service.stop()[0] == 0


# --- against a tracker -------------------------------------------------------------------------


def _tracked(base: Path, github: FakeGitHub, items: int = 0) -> Path:
    _config(
        base,
        f"""
trackers:
  gh:
    kind: github
    url: {github.api}
    repo: {github.repo}
    token: ${{GH_TOKEN}}
    timeout: 2
    max_wait: 0.5
    min_write_interval: 0
""",
    )
    if items:
        lines = "\n".join(
            f"- [ ] Harden step {n} of the deploy pipeline — owner: @priya — due: 2026-12-30"
            for n in range(items)
        )
        write(
            base / "reviews" / "2026-11-30-deploy.md",
            "---\ndate: 2026-11-30\nseverity: SEV-2\n---\n# Deploy outage\n\n## Action items\n"
            + lines
            + "\n",
        )
        backdate(base / "reviews")
    return base


def test_sigterm_in_the_middle_of_a_pass_exits_soon_with_every_create_journalled(
    project: Path, github: FakeGitHub, start: Callable[..., Service]
) -> None:
    _tracked(project, github, items=30)
    created = []

    def slow_creates(req: Request) -> None:
        if req.method == "POST" and req.path.endswith("/issues"):
            created.append(req.path)
            time.sleep(0.4)  # 30 creates: a 12 s pass

    github.before_request = slow_creates
    service = start(project, {"GH_TOKEN": github.token})
    service.wait_for(lambda: len(created) >= 3)
    code, took = service.stop()
    assert code == 0 and took < 10, service.log()
    assert "shutdown_deadline_exceeded" not in service.log()  # it stopped between two writes
    made = github.ticket_count()
    assert 3 <= made < 10  # not the whole pass: it stopped after the create under way
    # Nothing half-done: the next pass links every ticket made and creates only the rest.
    github.before_request = None
    result = subprocess.run(
        [str(SYNCD), "sync"],
        cwd=project,
        env={**os.environ, "GH_TOKEN": github.token},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    bodies = [str(github.issue(n)["body"]) for n in range(1, github.ticket_count() + 1)]
    markers = Counter(re.search(r"syncd:item=(\S+)", b).group(1) for b in bodies)  # type: ignore[union-attr]
    assert sum(1 for key in markers if key.startswith("2026-11-30-deploy#")) == 30
    assert max(markers.values()) == 1  # never a second ticket


def test_a_tracker_outage_is_survived_and_health_says_so(
    project: Path, github: FakeGitHub, start: Callable[..., Service]
) -> None:
    service = start(_tracked(project, github), {"GH_TOKEN": github.token})
    service.wait_for(lambda: service.passes("problems") >= 1)
    github.set_faults(Faults(rate=1.0, kinds=("5xx",)))
    service.wait_for(lambda: service.passes("incomplete") >= 3)
    service.wait_for(lambda: service.get("/healthz")[0] == 503, within=10)
    assert "more than 3 intervals" in service.get("/healthz")[1]
    assert service.get("/livez")[0] == 200  # restarting the process would not help
    assert service.metric('syncd_tracker_requests_total{outcome="failed",tracker="gh"}') >= 1
    github.set_faults(Faults())
    service.wait_for(lambda: service.get("/healthz")[0] == 200)
    assert service.stop()[0] == 0
