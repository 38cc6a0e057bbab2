"""Benchmark the git side of a pass on loopback: 1,000 reviews in a bare `file://` remote.

Prints wall seconds (median of --repeat runs) and git processes started, for:
  clone_full / clone_blobless / clone_shallow: plain `git clone` shapes, for comparison;
  prepare_cold:   syncd's first prepare (blobless clone + checkout);
  prepare_warm:   prepare with nothing new on the remote (fetch + reset);
  prepare_pulled: prepare after a person pushed one review;
  deliver_push:   commit and push 10 edited reviews, remote unchanged;
  deliver_rebase: the same after a person pushed another review first (rebase + 2nd push).

    python bench/bench_repo.py [--reviews 1000] [--items 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_reviews import generate

from syncd import log
from syncd.clock import fixed
from syncd.repo.config import RepoConfig
from syncd.repo.deliver import Pushed, deliver
from syncd.repo.message import ReviewChange
from syncd.repo.workspace import Workspace

CLOCK = fixed(datetime(2026, 6, 10, tzinfo=UTC))
ENV = {
    "PATH": os.environ["PATH"],
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Person",
    "GIT_AUTHOR_EMAIL": "p@x",
    "GIT_COMMITTER_NAME": "Person",
    "GIT_COMMITTER_EMAIL": "p@x",
}


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=ENV, check=True, capture_output=True)


def seed(root: Path, reviews: int, items: int) -> tuple[Path, Path]:
    person = root / "person"
    generate(person, reviews, items)
    (person / "syncd.yaml").unlink()
    bare = root / "remote.git"
    git(root, "init", "-q", "--bare", "-b", "main", str(bare))
    git(bare, "config", "uploadpack.allowFilter", "true")
    git(person, "init", "-q", "-b", "main")
    git(person, "add", "-A")
    git(person, "commit", "-qm", "reviews")
    git(person, "remote", "add", "origin", bare.as_uri())
    git(person, "push", "-q", "origin", "main")
    return bare, person


def person_push(person: Path, name: str) -> None:
    git(person, "pull", "-q", "--rebase", "origin", "main")
    path = sorted((person / "reviews").iterdir())[-1 if name == "last" else 0]
    path.write_text(path.read_text(encoding="utf-8") + "\nA note.\n", encoding="utf-8")
    git(person, "commit", "-qam", "note")
    git(person, "push", "-q", "origin", "main")


def clock_it(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def one_round(root: Path, reviews: int, items: int) -> dict[str, tuple[float, int]]:
    bare, person = seed(root, reviews, items)
    out: dict[str, tuple[float, int]] = {}
    shapes = {"full": [], "blobless": ["--filter=blob:none"], "shallow": ["--depth=1"]}
    for shape, extra in shapes.items():
        argv = ["clone", "-q", *extra, bare.as_uri(), str(root / f"clone-{shape}")]
        seconds, _ = clock_it(lambda argv=argv: git(root, *argv))
        out[f"clone_{shape}"] = (seconds, 1)
    config = RepoConfig(url=bare.as_uri(), author="syncd <syncd@acme.example>")
    ws = Workspace(config, root / "state" / "repo", clock=CLOCK, environ=ENV)

    def step(name: str, fn: Callable[[], object]) -> object:
        calls = ws.git.calls
        seconds, result = clock_it(fn)
        out[name] = (seconds, ws.git.calls - calls)
        return result

    step("prepare_cold", ws.prepare)
    step("prepare_warm", ws.prepare)
    person_push(person, "first")
    checkout = step("prepare_pulled", ws.prepare)
    for rebase in (False, True):
        files = sorted((ws.workdir / "reviews").iterdir())[1:11]
        changes = []
        for path in files:
            lines = path.read_text(encoding="utf-8").split("\n")
            lines[0] += " · done"
            path.write_text("\n".join(lines), encoding="utf-8")
            changes.append(ReviewChange(f"reviews/{path.name}", 5, "item", "done", "OPS-1"))
        paths = [c.path for c in changes]
        if rebase:
            person_push(person, "last")
        name = "deliver_rebase" if rebase else "deliver_push"
        result = step(name, lambda: deliver(ws, checkout, paths, changes))  # noqa: B023
        assert isinstance(result, Pushed), result
        assert result.attempts == (2 if rebase else 1)
        checkout = ws.prepare()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reviews", type=int, default=1000)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    log.configure("warning")
    runs = []
    for _ in range(args.repeat):
        root = Path(tempfile.mkdtemp(prefix="syncd-bench-repo-"))
        try:
            runs.append(one_round(root, args.reviews, args.items))
        finally:
            shutil.rmtree(root, ignore_errors=True)
    print(f"{args.reviews} reviews x {args.items} items, file:// remote, median of {args.repeat}")
    for name in runs[0]:
        seconds = statistics.median(run[name][0] for run in runs)
        print(f"  {name:<15} {seconds:7.3f} s   git calls: {runs[0][name][1]}")


if __name__ == "__main__":
    main()
