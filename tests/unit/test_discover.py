"""Finding review files: globs, default-style excludes, and symlinks (followed only inside)."""

from __future__ import annotations

from pathlib import Path

from syncd.records.discover import discover

EXCLUDE = ["**/*template*", "**/README.md", "**/index.md"]


def touch(path: Path, text: str = "# x\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def rel(paths: list[Path], base: Path) -> list[str]:
    return [p.relative_to(base).as_posix() for p in paths]


def test_globs_recurse_sort_and_deduplicate(tmp_path: Path) -> None:
    for name in [
        "reviews/b.md",
        "reviews/2026/a.md",
        "reviews/2026/05/c.md",
        "reviews/x.txt",
        "other/d.md",
        "reviews/.hidden/e.md",
    ]:
        touch(tmp_path / name)
    found, problems = discover(tmp_path, ["reviews/**/*.md", "reviews/*.md"], [])
    assert rel(found, tmp_path) == ["reviews/2026/05/c.md", "reviews/2026/a.md", "reviews/b.md"]
    assert problems == []


def test_excludes_match_relative_paths_case_insensitively(tmp_path: Path) -> None:
    for name in [
        "reviews/TEMPLATE.md",
        "reviews/PMyyyy-nnn - Postmortem Template.md",
        "reviews/README.md",
        "reviews/2026/index.md",
        "reviews/real.md",
    ]:
        touch(tmp_path / name)
    found, _ = discover(tmp_path, ["reviews/**/*.md"], EXCLUDE)
    assert rel(found, tmp_path) == ["reviews/real.md"]


def test_symlink_inside_root_is_followed(tmp_path: Path) -> None:
    touch(tmp_path / "archive/2025/old.md")
    touch(tmp_path / "archive/other.md")
    (tmp_path / "reviews").mkdir()
    (tmp_path / "reviews/2025").symlink_to(tmp_path / "archive/2025")
    (tmp_path / "reviews/alias.md").symlink_to(tmp_path / "archive/other.md")
    found, problems = discover(tmp_path, ["reviews/**/*.md"], [])
    assert rel(found, tmp_path) == ["reviews/2025/old.md", "reviews/alias.md"]
    assert problems == []


def test_a_file_reached_twice_is_read_once(tmp_path: Path) -> None:
    # Issue #9: a symlink to another review made two items, and two tickets, of one item.
    touch(tmp_path / "reviews/r0291.md")
    (tmp_path / "reviews/latest.md").symlink_to(tmp_path / "reviews/r0291.md")
    (tmp_path / "reviews/2026").mkdir()
    (tmp_path / "reviews/2026/r0291.md").symlink_to(tmp_path / "reviews/r0291.md")
    found, problems = discover(tmp_path, ["reviews/**/*.md"], [])
    assert rel(found, tmp_path) == ["reviews/2026/r0291.md"]  # the first path, sorted
    assert [(p.path, p.code, p.severity.value) for p in problems] == [
        ("reviews/latest.md", "SYN013", "info"),
        ("reviews/r0291.md", "SYN013", "info"),
    ]
    assert "reviews/2026/r0291.md" in problems[0].message


def test_a_glob_leaving_the_base_is_refused_unless_allowed(tmp_path: Path) -> None:
    base = tmp_path / "repo"
    touch(base / "reviews/ok.md")
    touch(tmp_path / "x/outside.md")
    found, problems = discover(base, ["reviews/*.md", "../x/*.md"], [])
    assert rel(found, base) == ["reviews/ok.md"]
    assert [(p.path, p.code) for p in problems] == [("../x/*.md", "SYN014")]
    found, problems = discover(base, ["reviews/*.md", "../x/*.md"], [], allow_outside=True)
    assert rel(found, base) == ["../x/outside.md", "reviews/ok.md"]
    assert problems == []


def test_an_absolute_glob_is_refused_not_silently_empty(tmp_path: Path) -> None:
    touch(tmp_path / "reviews/a.md")
    found, problems = discover(tmp_path, [f"{tmp_path}/reviews/*.md"], [], allow_outside=True)
    assert found == []
    assert [p.code for p in problems] == ["SYN014"]
    assert "absolute glob" in problems[0].message


def test_symlink_outside_root_is_reported_not_followed(tmp_path: Path) -> None:
    base = tmp_path / "repo"
    outside = touch(tmp_path / "secret/passwd.md")
    touch(base / "reviews/ok.md")
    (base / "reviews/leak.md").symlink_to(outside)
    (base / "reviews/dir").symlink_to(tmp_path / "secret")
    found, problems = discover(base, ["reviews/**/*.md"], [])
    assert rel(found, base) == ["reviews/ok.md"]
    assert sorted((p.path, p.code) for p in problems) == [
        ("reviews/dir", "SYN006"),
        ("reviews/leak.md", "SYN006"),
    ]


def test_symlink_loop_terminates(tmp_path: Path) -> None:
    touch(tmp_path / "reviews/a.md")
    (tmp_path / "reviews/loop").symlink_to(tmp_path / "reviews")
    found, _ = discover(tmp_path, ["reviews/**/*.md"], [])
    assert "reviews/a.md" in rel(found, tmp_path)


def test_missing_directory_finds_nothing(tmp_path: Path) -> None:
    assert discover(tmp_path, ["reviews/**/*.md"], []) == ([], [])
