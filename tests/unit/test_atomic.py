"""Atomic, drift-safe review writes (DESIGN §4): a concurrent edit is never overwritten."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from syncd.errors import FileChanged
from syncd.records.atomic import remove_stale_temps, write_if_unchanged

OLD = b"- [ ] Pin the image\r\n"
NEW = b"- [x] Pin the image \xc2\xb7 done\r\n"


@pytest.fixture
def review(tmp_path: Path) -> Path:
    path = tmp_path / "2026-06-01-outage.md"
    path.write_bytes(OLD)
    return path


def test_writes_new_bytes(review: Path) -> None:
    assert write_if_unchanged(review, OLD, NEW) is True
    assert review.read_bytes() == NEW
    assert sorted(p.name for p in review.parent.iterdir()) == [review.name]


def test_drift_raises_and_leaves_the_file_alone(review: Path) -> None:
    concurrent = b"- [ ] Pin the image (edited by a human)\r\n"
    review.write_bytes(concurrent)
    with pytest.raises(FileChanged):
        write_if_unchanged(review, OLD, NEW)
    assert review.read_bytes() == concurrent
    assert sorted(p.name for p in review.parent.iterdir()) == [review.name]


def test_drift_is_detected_even_for_a_no_op(review: Path) -> None:
    review.write_bytes(b"changed")
    with pytest.raises(FileChanged):
        write_if_unchanged(review, OLD, OLD)


def test_removed_file_counts_as_changed(review: Path) -> None:
    review.unlink()
    with pytest.raises(FileChanged):
        write_if_unchanged(review, OLD, NEW)
    assert not review.exists()


def test_no_op_does_not_touch_the_file(review: Path) -> None:
    os.utime(review, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    before = review.stat()
    assert write_if_unchanged(review, OLD, OLD) is False
    after = review.stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)


@pytest.mark.parametrize("mode", [0o640, 0o755, 0o600])
def test_file_mode_is_preserved(review: Path, mode: int) -> None:
    review.chmod(mode)
    assert write_if_unchanged(review, OLD, NEW) is True
    assert stat.S_IMODE(review.stat().st_mode) == mode
    assert review.read_bytes() == NEW


def test_symlink_is_written_through_to_its_target(tmp_path: Path, review: Path) -> None:
    link = tmp_path / "latest.md"
    link.symlink_to(review.name)
    assert write_if_unchanged(link, OLD, NEW) is True
    assert link.is_symlink()
    assert os.readlink(link) == review.name
    assert review.read_bytes() == NEW


def test_temp_file_is_hidden_next_to_the_target_and_removed_on_error(
    review: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    def failing_replace(src: str, dst: object) -> None:
        seen.append(src)
        assert Path(src).exists()
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        write_if_unchanged(review, OLD, NEW)
    monkeypatch.undo()
    (temp,) = seen
    assert Path(temp).parent == review.parent
    assert Path(temp).name.startswith(f".{review.name}.syncd-")
    assert Path(temp).name.endswith(".tmp")
    assert review.read_bytes() == OLD
    assert sorted(p.name for p in review.parent.iterdir()) == [review.name]


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_directory_fails_without_damage(review: Path) -> None:
    review.parent.chmod(0o555)
    try:
        with pytest.raises(PermissionError):
            write_if_unchanged(review, OLD, NEW)
    finally:
        review.parent.chmod(0o755)
    assert review.read_bytes() == OLD
    assert sorted(p.name for p in review.parent.iterdir()) == [review.name]


@pytest.mark.skipif(os.geteuid() != 0, reason="only root may give a file away")
def test_owner_is_preserved_when_we_may_set_it(review: Path) -> None:
    os.chown(review, 1234, 4321)
    assert write_if_unchanged(review, OLD, NEW) is True
    assert (review.stat().st_uid, review.stat().st_gid) == (1234, 4321)


@pytest.mark.parametrize("mode", [0o444, 0o440, 0o400, 0o044])
def test_a_file_its_owner_may_not_write_is_refused_and_left_alone(review: Path, mode: int) -> None:
    # Issue #9: a read-only review was replaced by the rename (root may write anything, and
    # the rename needs only the directory): the mode bits say the team did not mean it.
    review.chmod(mode)
    before = review.stat()
    with pytest.raises(PermissionError, match="read-only"):
        write_if_unchanged(review, OLD, NEW)
    after = review.stat()
    assert review.read_bytes() == OLD
    assert (after.st_ino, stat.S_IMODE(after.st_mode)) == (before.st_ino, mode)
    assert [p.name for p in review.parent.iterdir()] == [review.name]  # no temp file left


def test_stale_temp_files_of_reviews_are_removed(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    reviews = root / "reviews"
    reviews.mkdir(parents=True)
    r0291 = reviews / "r0291.md"
    r0291.write_bytes(OLD)
    stale = reviews / ".r0291.md.syncd-ab12_x9z.tmp"
    stale.write_bytes(b"half a file")
    kept = [
        reviews / ".other.md.syncd-ab12_x9z.tmp",  # not a review in this pass
        reviews / ".r0291.md.syncd-short.tmp",  # not a name mkstemp makes
        reviews / "r0291.md.syncd-ab12_x9z.tmp",  # not hidden
        reviews / "notes.tmp",
    ]
    for path in kept:
        path.write_bytes(b"x")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "r0291.md").write_bytes(OLD)
    outside_temp = outside / ".r0291.md.syncd-ab12_x9z.tmp"
    outside_temp.write_bytes(b"x")
    removed = remove_stale_temps(root, [r0291, outside / "r0291.md"])
    assert removed == [stale]
    assert not stale.exists()
    assert all(path.exists() for path in [*kept, outside_temp])
    assert r0291.read_bytes() == OLD
    assert remove_stale_temps(root, [r0291]) == []


def test_a_temp_file_a_failed_write_leaves_is_found_by_name(review: Path) -> None:
    # The name write_if_unchanged gives its temp files is the one remove_stale_temps removes.
    import tempfile

    fd, name = tempfile.mkstemp(prefix=f".{review.name}.syncd-", suffix=".tmp", dir=review.parent)
    os.close(fd)
    assert remove_stale_temps(review.parent, [review]) == [Path(name)]
