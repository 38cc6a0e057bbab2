"""Benchmark `syncd check` in records-only mode: 1,000 reviews, 10,000 items.

Reports, for the real command (a subprocess), its wall time, the pass's own time (the
`seconds` of its `pass_finished` log line: the command less start-up and imports) and peak RSS:
  cold:    empty store, every file parsed, linted and cached, no write-back (`--no-write`);
  write:   empty store again, and the marks written into the reviews;
  settle:  the pass after that (re-parses only the files syncd just wrote);
  warm:    nothing changed since the previous pass.
Targets (DESIGN §12 / issue 2): cold < 2 s, warm < 0.5 s, peak RSS < 200 MB.

    python bench/bench_records.py [--reviews 1000] [--items 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_reviews import generate

SYNCD = Path(sys.executable).with_name("syncd")
# As installed: `pip install` leaves compiled bytecode, so a run must not pay for compiling
# syncd's own modules (~0.1 s) just because this shell sets PYTHONDONTWRITEBYTECODE.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
PHASES = ("cold", "write", "settle", "warm")


def timed(cwd: Path, *args: str) -> tuple[float, float, float]:
    """(wall seconds, in-pass seconds, peak RSS MB) of one `syncd` run."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(SYNCD), "--log-level", "info", "--log-format", "json", *args],
        cwd=cwd,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    log = proc.stderr.read()
    _pid, _status, rusage = os.wait4(proc.pid, 0)  # reaps the child: RSS of this run only
    wall = time.perf_counter() - started
    return wall, _pass_seconds(log), rusage.ru_maxrss / 1024


def _pass_seconds(log: bytes) -> float:
    for line in reversed(log.decode(errors="replace").splitlines()):
        if "pass_finished" in line:
            try:
                return float(json.loads(line)["seconds"])
            except (ValueError, KeyError):
                break
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reviews", type=int, default=1000)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"corpus: {args.reviews} reviews x {args.items} items; machine: {os.cpu_count()} cores")
    rows: dict[str, list[tuple[float, float, float]]] = {phase: [] for phase in PHASES}
    check = ("check", "--today", "2026-11-23")
    subprocess.run([str(SYNCD), "--help"], env=ENV, stdout=subprocess.DEVNULL, check=True)
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            generate(root, args.reviews, args.items)
            rows["cold"].append(timed(root, *check, "--no-write"))
            shutil.rmtree(root / ".syncd", ignore_errors=True)
            rows["write"].append(timed(root, *check))
            rows["settle"].append(timed(root, *check))
            past = time.time() - 120
            for path in (root / "reviews").iterdir():
                os.utime(path, (past, past))
            timed(root, *check)  # let the cache take the files syncd wrote
            rows["warm"].append(timed(root, *check))
    for phase, values in rows.items():
        walls = sorted(v[0] for v in values)
        passes = sorted(v[1] for v in values)
        rss = max(v[2] for v in values)
        print(
            f"{phase:>6}: wall median {walls[len(walls) // 2]:.2f} s "
            f"(min {walls[0]:.2f}, max {walls[-1]:.2f}); "
            f"in-pass median {passes[len(passes) // 2]:.2f} s; peak RSS {rss:.0f} MB"
        )


if __name__ == "__main__":
    main()
