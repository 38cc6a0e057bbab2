"""prepare(): clone, fetch, reset, and what a crashed or interrupted pass leaves behind."""

from __future__ import annotations

import os
import shutil
import stat
import time
from pathlib import Path

import pytest

from syncd.repo.errors import GitMissing, GitTimeout, RemoteUnreachable, RepoError
from syncd.repo.git import Git, GitSettings
from tests.repo.conftest import MakeWorkspace, RemoteRepo, git

CHECKOUT = "postmortems/2026-05-checkout.md"


def test_prepare_clones_blobless_then_fetches_the_new_head(
    remote: RemoteRepo, make_workspace: MakeWorkspace
) -> None:
    ws = make_workspace()
    first = ws.prepare()
    assert first.head == remote.head() and first.branch == "main"
    assert git(first.root, "config", "remote.origin.promisor").strip() == "true"  # blobless
    assert not (first.root / ".git" / "shallow").exists()  # never --depth

    theirs = remote.edit(CHECKOUT, "More notes.", "More notes, later.")
    second = ws.prepare()

    assert second.root == first.root and second.head == theirs
    assert "later" in (second.root / CHECKOUT).read_text(encoding="utf-8")


def test_prepare_leaves_no_local_leftovers(
    remote: RemoteRepo, make_workspace: MakeWorkspace
) -> None:
    ws = make_workspace()
    root = ws.prepare().root
    (root / CHECKOUT).write_text("half-written\n", encoding="utf-8")
    (root / "postmortems" / ".2026-05-checkout.md.syncd-1.tmp").write_text("x", encoding="utf-8")
    (root / ".git" / "index.lock").write_text("", encoding="utf-8")  # kill -9 during `git add`

    checkout = ws.prepare()

    assert git(root, "status", "--porcelain", "--ignored") == ""
    assert (root / CHECKOUT).read_text(encoding="utf-8") == remote.show(CHECKOUT)
    assert checkout.head == remote.head()


def test_prepare_aborts_a_rebase_a_killed_pass_left_behind(
    remote: RemoteRepo, make_workspace: MakeWorkspace
) -> None:
    ws = make_workspace()
    root = ws.prepare().root
    path = root / CHECKOUT
    path.write_text(path.read_text(encoding="utf-8").replace("@priya", "@mine"), "utf-8")
    git(root, "commit", "--quiet", "-am", "syncd's commit")
    remote.edit(CHECKOUT, "@priya", "@theirs")
    git(root, "fetch", "--quiet", "origin", "+refs/heads/main:refs/remotes/origin/main")
    stuck = os.system(
        f"cd {root} && git -c core.hooksPath=/dev/null rebase -q origin/main >/dev/null 2>&1"
    )
    assert stuck != 0 and (root / ".git" / "rebase-merge").exists()

    checkout = ws.prepare()

    assert not (root / ".git" / "rebase-merge").exists()
    assert checkout.head == remote.head()
    assert "@theirs" in path.read_text(encoding="utf-8")
    assert git(root, "status", "--porcelain") == ""


def test_commit_mode_drops_its_commit_when_it_conflicts_with_the_remote(
    remote: RemoteRepo, make_workspace: MakeWorkspace
) -> None:
    ws = make_workspace(delivery="commit")
    root = ws.prepare().root
    path = root / CHECKOUT
    path.write_text(path.read_text(encoding="utf-8").replace("@priya", "@mine"), "utf-8")
    git(root, "commit", "--quiet", "-am", "syncd's commit")
    remote.edit(CHECKOUT, "@priya", "@theirs")

    checkout = ws.prepare()

    assert checkout.head == remote.head()  # the pass re-renders its edits from the fresh file
    assert "@theirs" in path.read_text(encoding="utf-8")


def test_prepare_follows_a_changed_url(tmp_path: Path, make_workspace: MakeWorkspace) -> None:
    other = RemoteRepo(tmp_path / "moved", {"postmortems/x.md": "# Moved\n"})
    make_workspace().prepare()
    moved = make_workspace(url=other.url).prepare()
    assert moved.head == other.head()
    assert (moved.root / "postmortems" / "x.md").exists()
    assert not (moved.root / CHECKOUT).exists()


def test_a_foreign_non_empty_workdir_is_refused(
    tmp_path: Path, make_workspace: MakeWorkspace
) -> None:
    workdir = tmp_path / "state" / "repo"
    workdir.mkdir(parents=True)
    (workdir / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(RepoError, match="not empty and not syncd's clone"):
        make_workspace().prepare()
    assert (workdir / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_missing_branch_is_one_clear_sentence(make_workspace: MakeWorkspace) -> None:
    with pytest.raises(RemoteUnreachable, match="branch does not exist on the remote"):
        make_workspace(branch="trunk").prepare()


def test_a_hanging_git_is_stopped_at_the_timeout(tmp_path: Path) -> None:
    fake = tmp_path / "bin" / "git"
    fake.parent.mkdir()
    sleep = shutil.which("sleep")
    fake.write_text(f"#!/bin/sh\n{sleep} 30 &\n{sleep} 30\n", encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    settings = GitSettings(home=tmp_path, safe_directory=tmp_path, author=("s", "s@x"), timeout=0.5)
    runner = Git(tmp_path, settings, {"PATH": str(fake.parent)})
    started = time.monotonic()
    with pytest.raises(GitTimeout, match=r"longer than 0\.5 s"):
        runner.run("fetch")
    assert time.monotonic() - started < 5


def test_no_git_on_path_is_one_clear_sentence(tmp_path: Path) -> None:
    settings = GitSettings(home=tmp_path, safe_directory=tmp_path, author=("s", "s@x"))
    with pytest.raises(GitMissing, match="not installed"):
        Git(tmp_path, settings, {"PATH": str(tmp_path / "nowhere")}).run("--version")


def test_the_users_git_config_has_no_influence(
    tmp_path: Path, remote: RemoteRepo, make_workspace: MakeWorkspace
) -> None:
    hostile = tmp_path / "user.gitconfig"
    hostile.write_text(
        f'[url "file:///nowhere/"]\n\tinsteadOf = {remote.url}\n'
        "[core]\n\thooksPath = /nowhere\n[commit]\n\tgpgSign = true\n",
        encoding="utf-8",
    )
    environ = {
        "PATH": os.environ["PATH"],
        "GIT_CONFIG_GLOBAL": str(hostile),
        "GIT_DIR": str(tmp_path / "elsewhere"),
        "HOME": str(tmp_path),
    }
    checkout = make_workspace(environ=environ).prepare()
    assert checkout.head == remote.head()
