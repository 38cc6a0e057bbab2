"""Real git repositories on disk: a bare remote (`file://`) and a person's clone of it."""

from __future__ import annotations

import itertools
import os
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from syncd.clock import fixed
from syncd.repo.config import RepoConfig
from syncd.repo.pulls import PullRequests
from syncd.repo.workspace import Workspace

REVIEW = """\
# Checkout outage

## Action Items
- [ ] Alert on checkout 5xx rate — owner: @priya
- [ ] Pin the base image — owner: @sam

Some notes in between.
More notes.

- [ ] Shard the audit log — owner: @li
"""
CLOCK = fixed(datetime(2026, 6, 10, 9, 0, tzinfo=UTC))


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Plain git as a person runs it (no user config of the machine)."""
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(cwd),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Person",
        "GIT_AUTHOR_EMAIL": "person@acme.example",
        "GIT_COMMITTER_NAME": "Person",
        "GIT_COMMITTER_EMAIL": "person@acme.example",
    }
    done = subprocess.run(
        ["git", *args], cwd=cwd, env={**base, **(env or {})}, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode()


class RemoteRepo:
    """A bare repository (the remote) and `person`, a clone a person edits and pushes from."""

    def __init__(self, root: Path, files: dict[str, str]) -> None:
        self.bare = root / "remote.git"
        self.person = root / "person"
        root.mkdir(parents=True, exist_ok=True)
        git(root, "init", "--quiet", "--bare", "--initial-branch=main", str(self.bare))
        git(self.bare, "config", "core.logAllRefUpdates", "true")  # a reflog to audit pushes
        git(self.bare, "config", "uploadpack.allowFilter", "true")
        git(root, "clone", "--quiet", str(self.bare), str(self.person))
        for path, text in files.items():
            target = self.person / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        git(self.person, "add", "-A")
        git(self.person, "commit", "--quiet", "-m", "reviews")
        git(self.person, "push", "--quiet", "origin", "HEAD:main")

    @property
    def url(self) -> str:
        return self.bare.as_uri()

    def edit(self, path: str, old: str, new: str, message: str = "person edit") -> str:
        """Pull, replace `old` by `new` in `path`, commit and push as the person; the sha."""
        git(self.person, "pull", "--quiet", "--rebase", "origin", "main")
        target = self.person / path
        text = target.read_text(encoding="utf-8")
        assert old in text, (old, text)
        target.write_text(text.replace(old, new, 1), encoding="utf-8")
        git(self.person, "commit", "--quiet", "-am", message)
        git(self.person, "push", "--quiet", "origin", "HEAD:main")
        return git(self.person, "rev-parse", "HEAD").strip()

    def head(self, branch: str = "main") -> str:
        return git(self.bare, "rev-parse", f"refs/heads/{branch}").strip()

    def show(self, path: str, ref: str = "main") -> str:
        return git(self.bare, "show", f"{ref}:{path}")

    def log(self, ref: str = "main") -> list[tuple[str, str, str]]:
        """(sha, author email, full message) newest first."""
        out = git(self.bare, "log", "--format=%H%x00%ae%x00%B%x1e", ref)
        rows = [r.strip("\n") for r in out.split("\x1e") if r.strip()]
        return [tuple(r.split("\x00", 2)) for r in rows]  # type: ignore[misc]

    def is_ancestor(self, older: str, newer: str) -> bool:
        done = subprocess.run(
            ["git", "merge-base", "--is-ancestor", older, newer],
            cwd=self.bare,
            capture_output=True,
            check=False,
        )
        return done.returncode == 0

    def only_fast_forwards(self, branch: str = "main") -> bool:
        """Every update of `branch` recorded in the remote's reflog was a fast-forward."""
        out = git(self.bare, "reflog", "show", "--format=%H", f"refs/heads/{branch}")
        shas = out.split()[::-1]  # oldest first
        return all(self.is_ancestor(a, b) for a, b in itertools.pairwise(shas))


@pytest.fixture
def remote(tmp_path: Path) -> RemoteRepo:
    return RemoteRepo(
        tmp_path / "host",
        {
            "postmortems/2026-05-checkout.md": REVIEW,
            "postmortems/2026-06-search.md": REVIEW.replace("Checkout", "Search"),
            "README.md": "The team's postmortems.\n",
        },
    )


MakeWorkspace = Callable[..., Workspace]


@pytest.fixture
def make_workspace(tmp_path: Path, remote: RemoteRepo) -> MakeWorkspace:
    def make(
        pulls: PullRequests | None = None,
        environ: dict[str, str] | None = None,
        **settings: object,
    ) -> Workspace:
        options: dict[str, object] = {
            "url": remote.url,
            "author": "syncd <syncd@acme.example>",
            **settings,
        }
        config = RepoConfig.model_validate(options)
        return Workspace(
            config, tmp_path / "state" / "repo", clock=CLOCK, pulls=pulls, environ=environ
        )

    return make


def mark(root: Path, path: str, item: str, suffix: str) -> None:
    """What the engine does: append syncd's suffix to the line holding `item`."""
    target = root / path
    lines = target.read_text(encoding="utf-8").split("\n")
    for index, line in enumerate(lines):
        if item in line and suffix not in line:
            lines[index] = line + suffix
    target.write_text("\n".join(lines), encoding="utf-8")
