"""What the pass does with what the reader now knows (issue #12 and #9, the engine's half):
syncd's own suffix is the status in records-only mode, a guessed date never becomes an
overdue mark, the config's vocabulary is used, a review without a date is named once, stale
temp files of a killed write go, and a glob may leave the root when the config says so."""

from __future__ import annotations

import json
from pathlib import Path

from tests.system.conftest import Run, backdate, write

TODAY = "2026-12-07"
HEAD = "---\ndate: 2026-06-01\nseverity: SEV-2\n---\n# Outage\n\n## Action items\n"


def _project(base: Path, body: str, extra: str = "", path: str = "reviews/r.md") -> Path:
    write(
        base / "syncd.yaml",
        'timezone: UTC\nrecords:\n  paths: ["reviews/**/*.md"]\n' + extra,
    )
    write(base / path, body)
    backdate(base / "reviews")
    return base


def _items(run: Run, base: Path) -> list[dict[str, object]]:
    result = run("status", "--format", "json", "--today", TODAY, cwd=base)
    assert result.returncode == 0, result.stdout + result.stderr
    items: list[dict[str, object]] = json.loads(result.stdout)
    return items


def test_syncd_s_own_suffix_is_the_status_in_records_only_mode(tmp_path: Path, run: Run) -> None:
    body = HEAD + (
        "- [ ] Rewrite the deployer — owner: @kim — due: 2026-07-01 · won't do: replaced by the "
        "managed service (2026-07-10)\n"
        "- [ ] Pin the base image — owner: @sam — due: 2026-07-01 · done 2026-06-30\n"
    )
    base = _project(tmp_path, body)
    dropped, done = _items(run, base)
    assert (dropped["status"], dropped["reason"], dropped["flags"]) == (
        "deprioritized",
        "replaced by the managed service",
        [],
    )
    assert (done["status"], done["flags"]) == ("done", [])
    run("check", "--today", TODAY, cwd=base)
    assert "overdue" not in (base / "reviews/r.md").read_text(encoding="utf-8")


def test_a_date_syncd_could_not_read_is_never_the_base_of_an_overdue_mark(
    tmp_path: Path, run: Run
) -> None:
    body = HEAD + "- [ ] Add a saturation alert by end of sprint 12/3 — owner: @priya\n"
    base = _project(tmp_path, body)
    (item,) = _items(run, base)
    assert item["due"] is None and "undated" in item["flags"]  # no implied SEV-2 date
    assert "overdue" not in item["flags"]
    result = run("check", "--today", TODAY, cwd=base)
    assert "overdue" not in (base / "reviews/r.md").read_text(encoding="utf-8")
    assert "Overdue" not in result.stdout


def test_the_config_s_vocabulary_is_read(tmp_path: Path, run: Run) -> None:
    body = (
        HEAD.replace("## Action items", "## Tiltak")
        + "- Pin the image (ferdig) — ansvarlig: @sam\n"
    )
    extra = (
        "  vocabulary:\n    sections: [Tiltak]\n    owner_keys: [ansvarlig]\n    done: [ferdig]\n"
    )
    base = _project(tmp_path, body, extra)
    (item,) = _items(run, base)
    assert (item["owner"], item["status"]) == ("@sam", "done")


def test_a_review_without_a_date_is_named_once_in_check(tmp_path: Path, run: Run) -> None:
    body = "# Outage\n\n## Action items\n- [ ] Add alert — owner: @priya — due: 2027-01-10\n"
    base = _project(tmp_path, body, path="reviews/outage-notes.md")
    result = run("check", "--today", TODAY, cwd=base)
    assert "No review date (1): the needs-a-decision check cannot run" in result.stdout
    assert result.stdout.count("reviews/outage-notes.md") == 1


def test_the_next_pass_removes_the_temp_file_a_killed_write_left(tmp_path: Path, run: Run) -> None:
    base = _project(tmp_path, HEAD + "- [ ] Add alert — owner: @priya — due: 2026-06-10\n")
    stale = base / "reviews" / ".r.md.syncd-1a2b3c4d.tmp"
    stale.write_text("half a review", encoding="utf-8")
    assert run("check", "--no-write", "--today", TODAY, cwd=base).returncode == 1
    assert stale.exists()  # --no-write writes (and removes) nothing
    assert run("check", "--today", TODAY, cwd=base).returncode == 1
    assert not stale.exists()


def test_a_glob_may_leave_the_root_when_the_config_allows_it(tmp_path: Path, run: Run) -> None:
    base = tmp_path / "team"
    write(
        tmp_path / "shared" / "r.md", HEAD + "- [ ] Add alert — owner: @priya — due: 2027-01-10\n"
    )
    write(base / "syncd.yaml", 'records:\n  paths: ["../shared/*.md"]\n')
    refused = run("check", "--today", TODAY, cwd=base)
    assert refused.returncode == 2 and "leaves records.root" in refused.stderr
    write(
        base / "syncd.yaml", 'records:\n  allow_outside_root: true\n  paths: ["../shared/*.md"]\n'
    )
    allowed = run("check", "--today", TODAY, cwd=base)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert "1 review" in allowed.stdout


def test_control_and_bidi_characters_from_a_review_never_reach_the_terminal_raw(
    tmp_path: Path, run: Run
) -> None:
    item = "- [ ] Evil \x1b]0;pwned\x07 title \u202e reversed — owner: @a — due: 2026-06-10\n"
    base = _project(tmp_path, HEAD + item)
    for args in (["status"], ["check", "--no-write"], ["lint"]):
        result = (
            run(*args, "--today", TODAY, cwd=base) if args[0] != "lint" else run(*args, cwd=base)
        )
        assert "\x1b" not in result.stdout and "\u202e" not in result.stdout, args
        if args[0] != "lint":
            assert "Evil \\x1b]0;pwned\\x07 title \\u202e reversed" in result.stdout, args
