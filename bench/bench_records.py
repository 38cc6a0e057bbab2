"""Benchmark `syncd check` in records-only mode: 1,000 reviews, 10,000 items.

Reports wall time and peak RSS of the real command (a subprocess) for
  cold:   empty store, every file parsed and linted, marks written into the reviews;
  settle: the pass after that (re-parses only the files syncd just wrote);
  warm:   nothing changed since the previous pass.
Targets (DESIGN §12 / issue 2): cold < 2 s, warm < 0.5 s, peak RSS < 200 MB.

    python bench/bench_records.py [--reviews 1000] [--items 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
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


def timed(cwd: Path, *args: str) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MB of this child, exit code)."""
    started = time.perf_counter()
    proc = subprocess.Popen([str(SYNCD), *args], cwd=cwd, stdout=subprocess.DEVNULL)
    _pid, status, rusage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4 already
    return wall, rusage.ru_maxrss / 1024, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reviews", type=int, default=1000)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"corpus: {args.reviews} reviews x {args.items} items; machine: {os.cpu_count()} cores")
    rows: dict[str, list[tuple[float, float]]] = {"cold": [], "settle": [], "warm": []}
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            generate(root, args.reviews, args.items)
            check = ("check", "--today", "2026-11-23")
            for phase in ("cold", "settle", "warm"):
                if phase == "warm":
                    past = time.time() - 120
                    for path in (root / "reviews").iterdir():
                        os.utime(path, (past, past))
                    timed(root, *check)  # let the cache take the files syncd wrote
                wall, rss, _ = timed(root, *check)
                rows[phase].append((wall, rss))
            shutil.rmtree(root / ".syncd", ignore_errors=True)
    for phase, values in rows.items():
        walls = sorted(v[0] for v in values)
        rss = max(v[1] for v in values)
        print(
            f"{phase:>6}: median {walls[len(walls) // 2]:.2f} s "
            f"(min {walls[0]:.2f}, max {walls[-1]:.2f}); peak RSS {rss:.0f} MB"
        )


if __name__ == "__main__":
    main()
