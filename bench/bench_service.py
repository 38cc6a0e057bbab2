"""Benchmark the service: idle passes in one long-running process, 10,000 linked items, GitHub.

Set-up as bench_trackers.py (1,000 generated reviews, 10,000 issues on the loopback GitHub
fake, settled with real `syncd sync` runs). Then one child process plays `syncd run`: it
builds the service once (`syncd.service.runner.Service`, as `syncd run` does, with the same
GC set-up) and calls its pass again and again, back to back — the pass the scheduler runs
every interval. Measured in the child: each pass's own time (in-pass; the imports a cron
process pays every time are paid once here), and the RSS after every pass; the fake counts
the requests of each pass.

Targets (DESIGN §12): idle pass < 0.15 s in-pass, <= 1 request; RSS < 200 MB and flat over
1,000 passes.

Then `--rounds` times, `--changed` issues change on the server (half closed, half labelled
`in progress`): measured are the pass that mirrors them into the reviews (checked) and the
pass after it, which reads back the reviews it wrote (DESIGN §1 principle 5: the cost of a
pass grows with what changed).

    python bench/bench_service.py [--reviews 1000] [--items 10] [--passes 1000]
        [--changed 100] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from bench_trackers import backdate, change, configure, seed, settle, shown  # noqa: E402
from gen_reviews import generate  # noqa: E402

from tests.fakes.github import FakeGitHub  # noqa: E402

CHILD = """
import gc, json, sys, time
from datetime import date
from pathlib import Path
from syncd import log
from zoneinfo import ZoneInfo
from syncd.cli.run import _collect_after
from syncd.clock import Clock
from syncd.service.runner import Service

log.configure("warning", "json")
root, passes = Path(sys.argv[1]), int(sys.argv[2])
clock = Clock(ZoneInfo("UTC"), pinned_today=date(2026, 1, 1))
service = Service(root / "syncd.yaml", {"GH_TOKEN": sys.argv[3]}, clock, _collect_after)
gc.disable(); gc.collect(); gc.freeze()  # as `syncd` and `syncd run` do
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
for n in range(passes):
    sys.stdin.readline()  # the parent resets the fake's request log in between
    result = service.pass_now("bench")
    print(json.dumps({"n": n, "seconds": result.seconds, "rss": rss(),
                      "written": len(result.applied.reviews.written)}), flush=True)
"""


def _age_written(root: Path) -> None:
    """The reviews written in the last minute look written two minutes ago (the others keep
    their times, as they would: the service must not read them again)."""
    now = time.time()
    for path in (root / "reviews").glob("*.md"):
        if path.stat().st_mtime > now - 60:
            os.utime(path, (now - 120, now - 120))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reviews", type=int, default=1000)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--passes", type=int, default=1000)
    parser.add_argument("--changed", type=int, default=100, help="issues changed per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of changes, after")
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp, FakeGitHub() as fake:
        assert isinstance(fake, FakeGitHub)
        fake.rate_limit = fake.rate_remaining = 10**9
        root = Path(tmp)
        generate(root, args.reviews, args.items)
        configure(root, fake)
        items = seed(fake, root)
        settle(root, fake)
        backdate(root)
        settle(root, fake)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        child = subprocess.Popen(
            [
                sys.executable,
                "-c",
                CHILD,
                str(root),
                str(args.passes + 2 * args.rounds),
                fake.token,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert child.stdin is not None and child.stdout is not None

        def one_pass() -> dict[str, float]:
            assert child.stdin is not None and child.stdout is not None
            fake.reset_log()
            child.stdin.write("\n")
            child.stdin.flush()
            line = child.stdout.readline()
            if not line:
                raise SystemExit(f"the service child died (exit {child.wait()})")
            record: dict[str, float] = json.loads(line)
            record["requests"] = len(fake.requests)
            return record

        passes = [one_pass() for _ in range(args.passes)]
        # Then people change tickets: the pass that mirrors the changes into the reviews, and
        # the one after it, which reads back the reviews it wrote.
        changed, after = [], []
        for _ in range(args.rounds):
            wanted = change(fake, args.changed, rng)
            changed.append(one_pass())
            now = shown(root)
            wrong = {url: (now.get(url), s) for url, s in wanted.items() if now.get(url) != s}
            if wrong:
                raise SystemExit(f"the service did not mirror {len(wrong)} changes: {wrong}")
            _age_written(root)  # a minute between passes: the files it wrote are not racy
            after.append(one_pass())
        child.stdin.close()
        child.wait()
    first, idle = passes[0], passes[1:]
    secs = sorted(p["seconds"] for p in idle)
    rss = [p["rss"] for p in passes]
    tenth = max(1, len(passes) // 10)
    print(
        f"corpus: {args.reviews} reviews, {items} linked GitHub issues (fake); "
        f"{os.cpu_count()} cores; {args.passes} passes in one service process"
    )
    print(
        f"first pass (cold in the process): {first['seconds']:.3f} s, "
        f"{first['requests']} request(s)"
    )
    print(
        f"idle passes: in-pass median {secs[len(secs) // 2]:.3f} s, "
        f"p90 {secs[int(len(secs) * 0.9)]:.3f} s, min {secs[0]:.3f} s; "
        f"requests {sorted({p['requests'] for p in idle})}; "
        f"reviews written {sorted({p['written'] for p in idle})}"
    )
    for name, runs in ((f"{args.changed} issues changed", changed), ("the pass after", after)):
        if runs:
            times = sorted(p["seconds"] for p in runs)
            print(
                f"{name}: in-pass median {times[len(times) // 2]:.3f} s "
                f"(min {times[0]:.3f}); requests {sorted({p['requests'] for p in runs})}; "
                f"reviews written {sorted({p['written'] for p in runs})}"
            )
    print(
        f"RSS: after pass 1 {rss[0]:.0f} MB, after pass {tenth} {rss[tenth - 1]:.0f} MB, "
        f"after pass {len(rss)} {rss[-1]:.0f} MB, max {max(rss):.0f} MB; "
        f"growth over the last 90 %: {rss[-1] - rss[tenth - 1]:+.1f} MB"
    )


if __name__ == "__main__":
    main()
