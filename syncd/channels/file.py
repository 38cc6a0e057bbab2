"""Write a rendering to a file, atomically (temp file in the same directory, fsync, rename):
a reader sees the old file or the new one, never half of one. `{date}` is the fire time's
local date, `{digest}` the digest's name, `{period}` the period label."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from syncd.channels.base import ChannelError, Outgoing
from syncd.channels.config import FileChannel


def target(cfg: FileChannel, out: Outgoing) -> Path:
    period = out.digest.period
    name = cfg.path.format(
        date=period.key[:10], digest=out.digest.name, period=period.label.replace("/", "-")
    )
    path = Path(name).expanduser()
    return path if path.is_absolute() else out.base_dir / path


def write_atomically(path: Path, data: bytes) -> bool:
    """Replace `path` with `data`; False (and no write) when it already holds exactly that."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return True


def send_file(cfg: FileChannel, out: Outgoing) -> str:
    path = target(cfg, out)
    text = out.renderer.render(out.digest, cfg.format, out.options)
    try:
        written = write_atomically(path, text.encode())
    except OSError as exc:
        raise ChannelError(f"cannot write {path}: {exc.strerror or type(exc).__name__}") from None
    return f"wrote {path}" if written else f"{path} unchanged"
