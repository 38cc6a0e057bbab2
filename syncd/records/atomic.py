"""Atomic, drift-safe replacement of a review file (DESIGN §4 "atomic", "drift-safe").

The new bytes go to a hidden temp file next to the target, are fsynced, get the original's
mode (and owner when we may set it) and are renamed over the target; the directory is then
fsynced so the rename survives a crash. Model: pre-commit `autoupdate._write_new_config`,
vdirsyncer `utils.atomic_write`.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from syncd.errors import FileChanged


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
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.syncd-", suffix=".tmp", dir=target.parent)
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
