"""Atomic, drift-safe replacement of a review file (DESIGN §4 "atomic", "drift-safe").

The new bytes go to a hidden temp file next to the target, are fsynced, get the original's
mode (and owner when we may set it) and are renamed over the target; the directory is then
fsynced so the rename survives a crash. Model: pre-commit `autoupdate._write_new_config`,
vdirsyncer `utils.atomic_write`.

A file whose mode says its owner may not write it (0444) is left alone: the rename would
replace it whatever its mode (the directory's permission decides), and root may write anything,
so the mode bits, not `os.access`, say whether the team meant it to be edited (issue #9).
A write killed between the temp file and the rename leaves `.<name>.syncd-XXXXXXXX.tmp`
behind; `remove_stale_temps` clears those on the next pass.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from syncd.errors import FileChanged

__all__ = ["remove_stale_temps", "write_if_unchanged"]

_TEMP = ".syncd-"
# What tempfile.mkstemp makes of the prefix and suffix above: 8 characters of its own alphabet.
_TEMP_NAME = re.compile(r"\.(.+)\.syncd-[a-z0-9_]{8}\.tmp")


def write_if_unchanged(path: Path, expected: bytes, new: bytes) -> bool:
    """Replace `path`'s bytes `expected` with `new`; False when there was nothing to write.

    Raises FileChanged when the file no longer holds `expected` (the caller re-reads and
    re-plans). A symlink is written through: its target is replaced, the link stays.
    On any error the temp file is removed and the original is intact.
    """
    target = Path(os.path.realpath(path))
    _require_unchanged(target, expected)
    if new == expected:
        return False
    original = os.stat(target)
    if not original.st_mode & stat.S_IWUSR:
        mode = stat.S_IMODE(original.st_mode)
        raise PermissionError(
            errno.EACCES, f"the review is read-only (mode {mode:04o}); syncd does not replace it"
        )
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}{_TEMP}", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(new)
            handle.flush()
            os.fchmod(handle.fileno(), stat.S_IMODE(original.st_mode))
            _copy_owner(handle.fileno(), original)
            os.fsync(handle.fileno())
        # Checked again right before the rename to keep the window for a concurrent
        # editor's save as small as a rename allows.
        _require_unchanged(target, expected)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    _fsync_directory(target.parent)
    return True


def remove_stale_temps(root: Path, reviews: Iterable[Path]) -> list[Path]:
    """Remove the temp files a killed write left next to `reviews` (inside `root` only).

    Call it when no other pass can be writing (under the pass lock): every temp file of ours
    is then a leftover. Only names this module creates, `.<review name>.syncd-<8>.tmp`, in a
    review's folder, regular files only; returns what was removed. (A review reached through
    a symlinked file writes its temp file next to the target: swept when the target's own
    folder holds a review of that name.)
    """
    top = os.path.realpath(root)
    names_in: dict[str, set[str]] = {}  # a review folder → the review file names in it
    for review in reviews:
        folder, name = os.path.split(os.fspath(review))
        names_in.setdefault(folder, set()).add(name)
    by_directory: dict[Path, set[str]] = {}
    for folder, names in names_in.items():  # realpath per folder, not per file (1,000 a pass)
        real = os.path.realpath(folder)
        if real == top or real.startswith(top + os.sep):
            by_directory.setdefault(Path(real), set()).update(names)
    removed: list[Path] = []
    for directory, names in sorted(by_directory.items()):
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            m = _TEMP_NAME.fullmatch(entry.name)
            if m is None or m[1] not in names or not entry.is_file(follow_symlinks=False):
                continue
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return sorted(removed)


def _require_unchanged(target: Path, expected: bytes) -> None:
    try:
        current = target.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as gone:
        raise FileChanged(f"{target} was removed since it was read") from gone
    if current != expected:
        raise FileChanged(f"{target} changed since it was read")


def _copy_owner(fd: int, original: os.stat_result) -> None:
    if (original.st_uid, original.st_gid) == (os.geteuid(), os.getegid()):
        return
    # Only root (or the owner, for the group) may chown; a file we may not chown keeps
    # our ownership, which is what any editor's save would do as well.
    with contextlib.suppress(PermissionError):
        os.fchown(fd, original.st_uid, original.st_gid)


def _fsync_directory(directory: Path) -> None:
    # Some filesystems refuse fsync on a directory (EINVAL); the rename is done either way.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
