"""Benchmark `syncd sync` against the loopback GitHub fake: 1,000 reviews, 10,000 linked items.

Set-up (not timed): bench/gen_reviews.py writes the corpus; the fake (tests/fakes/github.py,
real PyGithub over HTTP) is seeded with one issue per item, carrying syncd's hidden marker,
the item's title, `needs-owner` where the item names no owner, and closed where the review
says the item is done; the issues were last updated three days ago. One real `syncd sync`
then adopts every issue by its marker (a full listing) and writes the links into the
reviews; further passes run until a pass writes nothing. Items are judged as of 2026-01-01,
before any due date, so the settled corpus owes no overdue labels or reminders.

Measured, each with the real `syncd sync` as a subprocess:
  idle:    nothing changed since the last pass (target: <= 1 request per project, < 0.5 s);
  changed: 100 issues changed on the server since the last pass (50 closed as completed,
           50 labelled `in progress`): requests to read them (target <= 3) and time;
and for every pass the wall time of the command, the pass's own time (the `pass_finished`
log event: wall minus start-up and imports) and the peak RSS. After each changed pass every
changed issue's item must show its new status, or the benchmark stops and says which.

    python bench/bench_trackers.py [--reviews 1000] [--items 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from gen_reviews import generate  # noqa: E402

from syncd.engine.plan.tickets import title_for  # noqa: E402
from syncd.model import Status  # noqa: E402
from syncd.records.parse import ParseOptions, read_review  # noqa: E402
from syncd.trackers.protocol import TicketBody  # noqa: E402
from syncd.trackers.render import markdown_body  # noqa: E402
from tests.fakes.github import FakeGitHub  # noqa: E402

SYNCD = Path(sys.executable).with_name("syncd")
TODAY = "2026-01-01"
WRITES = ("POST", "PATCH", "PUT", "DELETE")


@dataclass
class Run:
    wall: float  # seconds, the whole command
    in_pass: float  # seconds, cycle.run_pass as logged by `pass_finished`
    rss: float  # MB, peak of the child
    requests: int  # seen by the fake
    reads: int  # of which GET
    written: int  # reviews written
    output: str  # stdout and the warnings on stderr, for a failed check


def sync(root: Path, fake: FakeGitHub) -> Run:
    """One `syncd sync` subprocess; the fake's request log covers exactly this pass."""
    fake.reset_log()
    # As installed (compiled bytecode), whatever this shell says: see bench_records.py.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["GH_TOKEN"] = fake.token
    args = [str(SYNCD), "--log-level", "info", "--log-format", "json", "sync", "--today", TODAY]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(args, cwd=root, env=env, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4 already
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise SystemExit(f"syncd sync exited {proc.returncode}:\n{stdout}\n{stderr[-2000:]}")
    events = [e for e in map(_event, stderr.splitlines()) if e]
    finished = [e for e in events if e.get("event") == "pass_finished"]
    updated = re.search(r"^Updated (?:marks in )?(\d+) review", stdout, re.MULTILINE)
    return Run(
        wall=wall,
        in_pass=float(str(finished[-1]["seconds"])) if finished else float("nan"),
        rss=usage.ru_maxrss / 1024,
        requests=len(fake.requests),
        reads=fake.count("GET"),
        written=int(updated.group(1)) if updated else 0,
        output=stdout + "".join(f"{e}\n" for e in events if e.get("level") != "info"),
    )


def _event(line: str) -> dict[str, object]:
    try:
        value = json.loads(line)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def seed(fake: FakeGitHub, root: Path) -> int:
    """One issue per item, as if syncd had filed them three days ago; returns the count."""
    options = ParseOptions()
    stamp = (datetime.now(UTC) - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    count = 0
    with fake.lock:
        for path in sorted((root / "reviews").glob("*.md")):
            review, _ = read_review(path, root, options)
            for item in review.items:
                labels = ["postmortem"] + ([] if item.owner else ["needs-owner"])
                body = markdown_body(TicketBody(item.description), item.key, gitlab=False)
                issue = fake._new(title_for(item), body, labels, [])
                if item.marker in (Status.DONE, Status.DEPRIORITIZED):
                    reason = "completed" if item.marker is Status.DONE else "not_planned"
                    fake._edit(issue, {"state": "closed", "state_reason": reason})
                    issue["closed_at"] = stamp
                issue["created_at"] = issue["updated_at"] = stamp
                count += 1
    return count


def configure(root: Path, fake: FakeGitHub) -> None:
    (root / "syncd.yaml").write_text(
        f"""\
timezone: UTC
records:
  paths: ["reviews/**/*.md"]
trackers:
  gh:
    kind: github
    url: {fake.api}
    repo: {fake.repo}
    token: ${{GH_TOKEN}}
    timeout: 30
""",
        encoding="utf-8",
    )


def backdate(root: Path) -> None:
    """Files look written two minutes ago, so the parse cache may keep them."""
    past = time.time() - 120
    for path in (root / "reviews").glob("*.md"):
        os.utime(path, (past, past))


def change(fake: FakeGitHub, count: int, rng: random.Random) -> dict[str, Status]:
    """A person closes half of `count` open issues and starts work on the other half;
    returns the status each changed issue's item should show next, by issue URL."""
    with fake.lock:
        open_ones = sorted(n for n, i in fake.issues.items() if i["state"] == "open")
    picked = rng.sample(open_ones, count)
    for number in picked[: count // 2]:
        fake.close(number, reason="completed")
    for number in picked[count // 2 :]:
        fake.add_label(number, "in progress")
    half = set(picked[: count // 2])
    return {
        fake.issue(n)["html_url"]: Status.DONE if n in half else Status.IN_PROGRESS for n in picked
    }


def shown(root: Path) -> dict[str, Status | None]:
    """The status each linked item shows in its suffix, by ticket URL."""
    options = ParseOptions()
    out: dict[str, Status | None] = {}
    for path in (root / "reviews").glob("*.md"):
        review, _ = read_review(path, root, options)
        for item in review.items:
            if item.suffix and item.suffix.ticket_url:
                out[item.suffix.ticket_url] = item.suffix.status
    return out


def settle(root: Path, fake: FakeGitHub, limit: int = 5) -> list[Run]:
    runs = []
    for _ in range(limit):
        run = sync(root, fake)
        runs.append(run)
        writes = sum(fake.count(m) for m in WRITES)
        if not writes and not run.written:
            return runs
    raise SystemExit(f"the corpus did not settle in {limit} passes: {runs}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reviews", type=int, default=1000)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--changed", type=int, default=100)
    args = parser.parse_args()
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as tmp, FakeGitHub() as fake:
        assert isinstance(fake, FakeGitHub)
        fake.rate_limit = fake.rate_remaining = 10**9
        root = Path(tmp)
        generate(root, args.reviews, args.items)
        configure(root, fake)
        items = seed(fake, root)
        print(
            f"corpus: {args.reviews} reviews, {items} items linked to {fake.ticket_count()} "
            f"GitHub issues (fake); machine: {os.cpu_count()} cores"
        )
        first = sync(root, fake)
        print(
            f" adopt: {first.requests} requests, {first.written} reviews written, "
            f"wall {first.wall:.2f} s, in-pass {first.in_pass:.2f} s, peak RSS {first.rss:.0f} MB"
        )
        settle(root, fake)
        idle: list[Run] = []
        changed: list[Run] = []
        for _ in range(args.repeat):
            backdate(root)
            settle(root, fake)  # the cache takes the files the last pass wrote
            idle.append(sync(root, fake))
            wanted = change(fake, args.changed, rng)
            changed.append(sync(root, fake))
            now = shown(root)
            wrong = {
                url: (now.get(url), status)
                for url, status in wanted.items()
                if now.get(url) is not status
            }
            if wrong:
                raise SystemExit(
                    f"the changed pass did not mirror {len(wrong)} of {len(wanted)} changes "
                    f"(shown, wanted): {wrong}\n{changed[-1].output[-3000:]}"
                )
        _report("idle", idle)
        _report(f"changed ({args.changed})", changed)
        print(f"{'peak RSS':>14}: {max(r.rss for r in [first, *idle, *changed]):.0f} MB")


def _report(name: str, runs: list[Run]) -> None:
    def med(values: list[float]) -> float:
        return sorted(values)[len(values) // 2]

    print(
        f"{name:>14}: requests {sorted({r.requests for r in runs})} "
        f"(GET {sorted({r.reads for r in runs})}); "
        f"wall median {med([r.wall for r in runs]):.2f} s "
        f"(min {min(r.wall for r in runs):.2f}); "
        f"in-pass median {med([r.in_pass for r in runs]):.2f} s "
        f"(min {min(r.in_pass for r in runs):.2f}); "
        f"reviews written {sorted({r.written for r in runs})}; "
        f"peak RSS {max(r.rss for r in runs):.0f} MB"
    )


if __name__ == "__main__":
    main()
