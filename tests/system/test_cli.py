"""The real `syncd` command: exit codes, output, idempotent write-back, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.system.conftest import Run, backdate, write

TODAY = "2026-11-23"


def test_version_and_help_teach(run: Run) -> None:
    version = run("--version")
    assert version.returncode == 0
    assert "syncd" in version.stdout
    helped = run("--help")
    assert helped.returncode == 0
    for word in ("check", "status", "lint", "config", "Exit codes"):
        assert word in helped.stdout


def test_check_reports_overdue_and_exits_1(run: Run, project: Path) -> None:
    result = run("check", "--today", TODAY)
    assert result.returncode == 1, result.stderr
    assert "Overdue (1)" in result.stdout
    assert "reviews/2026-05-02-checkout-outage.md:9" in result.stdout
    assert "Traceback" not in result.stderr


def test_check_lists_at_most_limit_items_per_problem(run: Run, project: Path) -> None:
    write(
        project / "reviews/2026-09-01-queue.md",
        """
        # Queue backlog
        ## Action items
        - [ ] Alert on queue depth — owner: @ana — due: 2026-10-01
        - [ ] Cap consumer retries — owner: @ben — due: 2026-10-02
        - [ ] Document the drain procedure — owner: @cy — due: 2026-10-03
        """,
    )
    everything = run("status", "--flag", "overdue", "--format", "json", "--today", TODAY)
    total = len(json.loads(everything.stdout))
    assert total >= 4, everything.stdout
    capped = run("check", "--no-write", "--limit", "1", "--today", TODAY)
    section = capped.stdout.split("Overdue")[1].split("\n\n")[0]
    assert f"({total})" in section
    assert len([ln for ln in section.splitlines() if ".md:" in ln]) == 1
    assert f"… and {total - 1} more (all of them: syncd status --flag overdue)" in section
    full = run("check", "--no-write", "--limit", "0", "--today", TODAY)
    section = full.stdout.split("Overdue")[1].split("\n\n")[0]
    assert len([ln for ln in section.splitlines() if ".md:" in ln]) == total
    assert "more (all of them" not in full.stdout


def test_check_writes_marks_once_and_second_pass_is_byte_identical(run: Run, project: Path) -> None:
    review = project / "reviews/2026-05-02-checkout-outage.md"
    first = run("check", "--today", TODAY)
    assert first.returncode == 1, first.stderr
    text = review.read_text(encoding="utf-8")
    assert "· ⚠ overdue since 2026-06-05" in text
    assert "Pin the payments base image to a digest — owner: @sam — due: 2026-05-20\n" in text
    before = review.read_bytes()
    mtime = review.stat().st_mtime_ns
    second = run("check", "--today", TODAY)
    assert second.returncode == 1
    assert review.read_bytes() == before
    assert review.stat().st_mtime_ns == mtime


def test_marks_are_removed_when_the_item_is_done(run: Run, project: Path) -> None:
    review = project / "reviews/2026-05-02-checkout-outage.md"
    run("check", "--today", TODAY)
    text = review.read_text(encoding="utf-8").replace("- [ ] Alert when", "- [x] Alert when")
    review.write_text(text, encoding="utf-8")
    result = run("check", "--today", TODAY)
    assert "overdue since" not in review.read_text(encoding="utf-8")
    assert "Overdue" not in result.stdout


def test_no_write_leaves_reviews_untouched(run: Run, project: Path) -> None:
    review = project / "reviews/2026-05-02-checkout-outage.md"
    before = review.read_bytes()
    result = run("check", "--no-write", "--today", TODAY)
    assert result.returncode == 1
    assert review.read_bytes() == before


def test_healthy_project_exits_0(run: Run, project: Path) -> None:
    result = run("check", "--today", "2026-05-10", "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    doc = json.loads(result.stdout)
    assert doc["exit_code"] == 0
    assert doc["flags"]["overdue"] == []


def test_status_json_shape(run: Run, project: Path) -> None:
    result = run("status", "--format", "json", "--today", TODAY)
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    assert len(items) == 4
    first = items[0]
    for key in (
        "review",
        "line",
        "key",
        "description",
        "owner",
        "due",
        "due_implied",
        "type",
        "ticket",
        "status",
        "reason",
        "flags",
    ):
        assert key in first
    alert = next(i for i in items if i["description"].startswith("Alert when"))
    assert alert["review"] == "reviews/2026-05-02-checkout-outage.md"
    assert alert["line"] == 9
    assert alert["owner"] == "@priya"
    assert alert["due"] == "2026-06-04"
    assert alert["status"] == "open"
    assert "overdue" in alert["flags"]
    done = next(i for i in items if i["description"].startswith("Pin the"))
    assert done["status"] == "done"
    assert done["flags"] == []


def test_status_filters(run: Run, project: Path) -> None:
    by_owner = json.loads(
        run("status", "--format", "json", "--owner", "priya", "--today", TODAY).stdout
    )
    assert [i["owner"] for i in by_owner] == ["@priya"]
    overdue = json.loads(
        run("status", "--format", "json", "--flag", "overdue", "--today", TODAY).stdout
    )
    assert len(overdue) == 1
    table = run("status", "--today", TODAY)
    assert "REVIEW:LINE" in table.stdout


def test_missing_config_is_a_usage_error(run: Run, tmp_path: Path) -> None:
    result = run("check")
    assert result.returncode == 2
    assert "syncd.yaml" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_config_reports_every_problem_with_lines(run: Run, tmp_path: Path) -> None:
    write(
        tmp_path / "bad.yaml",
        """
        timezone: Mars/Olympus
        records:
          pathz: ["x"]
        lint:
          max_items: many
        """,
    )
    result = run("--config", "bad.yaml", "config", "validate")
    assert result.returncode == 2
    assert "bad.yaml:1" in result.stderr
    assert "bad.yaml:3" in result.stderr
    assert "bad.yaml:5" in result.stderr
    assert "Traceback" not in result.stderr


def test_config_schema_is_json(run: Run) -> None:
    result = run("config", "schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert "properties" in schema


def test_example_config_validates_and_runs(run: Run, examples: Path) -> None:
    validated = run("--config", "config.example.yaml", "config", "validate")
    assert validated.returncode == 0, validated.stderr
    checked = run("--config", "config.example.yaml", "check", "--today", TODAY)
    assert checked.returncode in (0, 1), checked.stderr
    assert "Traceback" not in checked.stderr


def test_second_pass_on_a_locked_store_exits_3(run: Run, project: Path) -> None:
    run("check", "--no-write", "--today", TODAY)  # creates the store
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from syncd.store.database import Store\n"
            "s = Store.open(sys.argv[1])\n"
            "with s.lock('test holder'):\n"
            "    print('locked', flush=True)\n"
            "    time.sleep(30)\n",
            f"sqlite:///{project / '.syncd/state.db'}",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        result = run("check", "--today", TODAY)
        assert result.returncode == 3
        assert "lock" in result.stderr
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()


def test_bad_files_are_reported_and_others_still_processed(run: Run, project: Path) -> None:
    reviews = project / "reviews"
    (reviews / "binary.md").write_bytes(b"\x00\x01\x02 not text")
    (reviews / "latin1.md").write_bytes("## Action Items\n- caf\xe9\n".encode("latin-1"))
    write(reviews / "frontmatter.md", "---\ntitle: [unclosed\n---\n## Action Items\n- [ ] Do x\n")
    (reviews / "empty.md").write_text("", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in reviews.iterdir()}
    result = run("check", "--today", TODAY)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    linted = run("lint", "--format", "json")
    problems = json.loads(linted.stdout)
    paths = {p["path"] for p in problems}
    assert {"binary.md", "latin1.md", "frontmatter.md"} <= {Path(p).name for p in paths}
    assert "Overdue (1)" in result.stdout
    for name in ("binary.md", "latin1.md", "frontmatter.md", "empty.md"):
        assert (reviews / name).read_bytes() == before[name]


def test_lint_github_format_and_exit_code(run: Run, tmp_path: Path) -> None:
    write(
        tmp_path / "r.md",
        """
        # Review
        ## Action Items
        - [ ] Improve monitoring — owner: @x — due: 05-12-2022
        """,
    )
    result = run("lint", "--format", "github", "r.md")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "::error file=r.md,line=3" in result.stdout


def test_warm_pass_uses_the_parse_cache(run: Run, project: Path) -> None:
    write(
        project / "reviews/2026-05-20-queue.md",
        """
        ---
        status: draft
        ---
        # Still being written

        ## Action Items
        - [ ] Something to decide — owner: @x
        """,
    )
    backdate(project / "reviews")
    run("check", "--no-write", "--today", TODAY)
    result = run(
        "--log-level", "info", "--log-format", "json", "check", "--no-write", "--today", TODAY
    )
    events = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    finished = next(e for e in events if e["event"] == "pass_finished")
    assert finished["reviews"] == 3
    assert finished["cached"] == 3
    assert finished["parsed"] == 0
    # The log counts items as the report does (drafts' items left out).
    assert f"{finished['items']} action items" in result.stdout.splitlines()[0]
