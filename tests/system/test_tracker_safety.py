"""`syncd sync` against the loopback GitHub fake when tickets are deleted, transferred,
duplicated by a second store, shared by two items, or a person's own; and a creation window
that must outlive the process (issue #9, the engine's half)."""

from __future__ import annotations

import re
import time
from pathlib import Path

from tests.fakes.github import FakeGitHub
from tests.system.conftest import Run, backdate, write

TODAY = "2026-11-23"
REVIEW = "reviews/2026-11-02-outage.md"


def _project(base: Path, github: FakeGitHub, items: list[str], extra: str = "") -> Path:
    write(
        base / "syncd.yaml",
        f"""
        timezone: UTC
        records:
          paths: ["reviews/**/*.md"]
        sync:
          full_every: 1s
        trackers:
          gh:
            kind: github
            url: {github.api}
            repo: {github.repo}
            token: ${{GH_TOKEN}}
            timeout: 2
            max_wait: 0.5
            min_write_interval: 0
        """
        + extra,
    )
    write(
        base / REVIEW,
        "---\ndate: 2026-11-02\nseverity: SEV-2\n---\n# Outage\n\n## Action items\n"
        + "".join(f"{line}\n" for line in items),
    )
    backdate(base / "reviews")
    return base


def _sync(run: Run, github: FakeGitHub, base: Path):  # type: ignore[no-untyped-def]
    return run("sync", "--today", TODAY, cwd=base, env={"GH_TOKEN": github.token})


def _full_listing_due() -> None:
    """sync.full_every is 1 s here: the next pass lists every ticket (full reconciliation),
    which is where a deleted or transferred ticket shows (it leaves the listing)."""
    time.sleep(1.1)


def test_a_deleted_ticket_is_reported_once_and_no_longer_fails_every_pass(
    tmp_path: Path, run: Run, github: FakeGitHub
) -> None:
    base = _project(tmp_path, github, ["- [ ] Add alert — owner: @priya — due: 2026-11-10"])
    assert _sync(run, github, base).returncode == 0
    github.delete(1)
    _full_listing_due()
    first = _sync(run, github, base)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Deleted: gh ticket acme/ops#1" in first.stdout
    text = (base / REVIEW).read_text(encoding="utf-8")
    assert re.search(r"· \[acme/ops#1\]\(\S+\) ticket deleted ⚠ overdue since 2026-11-11", text)
    github.reset_log()
    again = _sync(run, github, base)
    assert again.returncode == 0 and "Deleted" not in again.stdout  # reported once
    assert not github.count(path_regex=r"/issues/1(/|$)")  # nothing asked of it any more
    assert github.ticket_count() == 0  # not recreated (on_deleted: report)


def test_on_deleted_recreate_files_a_new_ticket_and_links_it(
    tmp_path: Path, run: Run, github: FakeGitHub
) -> None:
    extra = "    on_deleted: recreate\n"
    base = _project(tmp_path, github, ["- [ ] Add alert — owner: @priya — due: 2026-12-10"], extra)
    assert _sync(run, github, base).returncode == 0
    github.delete(1)
    _full_listing_due()
    result = _sync(run, github, base)  # learns it is gone, files a new one
    assert result.returncode == 0, result.stdout + result.stderr
    text = (base / REVIEW).read_text(encoding="utf-8")
    assert re.search(r"\[acme/ops#2\]\(\S+/issues/2\) open", text), text


def test_a_transferred_ticket_is_followed_and_the_review_links_its_new_home(
    tmp_path: Path, run: Run, github: FakeGitHub
) -> None:
    base = _project(tmp_path, github, ["- [ ] Add alert — owner: @priya — due: 2026-12-10"])
    assert _sync(run, github, base).returncode == 0
    github.transfer(1, "acme/platform")
    _full_listing_due()
    result = _sync(run, github, base)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Moved: the ticket of item" in result.stdout
    text = (base / REVIEW).read_text(encoding="utf-8")
    assert "[acme/platform#1](" in text and "acme/ops#1" not in text


def test_a_second_store_s_duplicate_is_closed_as_a_duplicate_of_the_oldest(
    tmp_path: Path, run: Run, github: FakeGitHub
) -> None:
    base = _project(tmp_path, github, ["- [ ] Add alert — owner: @priya — due: 2026-12-10"])
    assert _sync(run, github, base).returncode == 0
    # Another host with its own store filed the same item again (same hidden marker).
    body = str(github.issue(1)["body"])
    (dup,) = github.seed_issues(1, body=body, title="Add alert", labels=("postmortem",))
    result = _sync(run, github, base)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"closing acme/ops#{dup} as a duplicate of acme/ops#1" in result.stdout
    closed = github.issue(dup)
    assert (closed["state"], closed["state_reason"]) == ("closed", "duplicate")
    assert github.issue(1)["state"] == "open"


def test_a_persons_ticket_is_mirrored_but_its_title_is_never_rewritten(
    tmp_path: Path, run: Run, github: FakeGitHub
) -> None:
    (mine,) = github.seed_issues(1, title="The person's own wording")
    item = f"- [ ] Add alert — owner: @priya — due: 2026-12-10 — ticket: #{mine}"
    base = _project(tmp_path, github, [item])
    result = _sync(run, github, base)
    assert result.returncode == 0, result.stdout + result.stderr
    assert github.issue(mine)["title"] == "The person's own wording 1"
    assert not github.count("PATCH", rf"/issues/{mine}$")
    assert f"acme/ops#{mine}" in (base / REVIEW).read_text(encoding="utf-8")


def test_two_items_naming_one_ticket_push_nothing_to_it(
    tmp_path: Path, run: Run, github: FakeGitHub
) -> None:
    (shared,) = github.seed_issues(1, title="Shared")
    items = [
        f"- [ ] Add alert — owner: @priya — due: 2026-11-10 — ticket: #{shared}",
        f"- [ ] Write the runbook — owner: @sam — due: 2026-11-10 — ticket: #{shared}",
    ]
    base = _project(tmp_path, github, items, "    adopted_tickets: update\n")
    for _ in range(2):
        result = _sync(run, github, base)
        assert result.returncode == 0, result.stdout + result.stderr
    assert f"Shared: gh ticket {shared} is the ticket of 2 items" in result.stdout
    writes = [r for r in github.requests if r.method in ("PATCH", "POST", "DELETE")]
    assert not [r for r in writes if f"/issues/{shared}" in r.path], writes


def test_the_hourly_creation_window_outlives_the_process(
    tmp_path: Path, run: Run, github: FakeGitHub
) -> None:
    items = [f"- [ ] Harden step {n} — owner: @priya — due: 2026-12-10" for n in range(5)]
    base = _project(tmp_path, github, items, "    creates_per_hour: 2\n")
    _sync(run, github, base)
    assert github.ticket_count() == 2
    _sync(run, github, base)  # a new process: the window is still full
    assert github.ticket_count() == 2
