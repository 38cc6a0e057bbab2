"""syncd's clone of the review repository: prepared before each pass (docs/git.md).

`prepare()` clones when the work directory is empty, fetches, and hard-resets to the remote
branch head, removing every local leftover (untracked files, an interrupted rebase, a stale
index lock after kill -9), then returns the `Checkout` the engine reads the reviews from.
In `delivery: commit` mode syncd's own unpushed commits are the output and are kept (rebased
onto the fetched head; dropped when that conflicts, since the pass re-renders them anyway).

The clone is blobless (`--filter=blob:none`, single branch): history for merge bases and
rebases, file contents fetched as needed; never `--depth`, which breaks later pushes and
rebases (deploy-and-ha.md §1.4). A server without filter support sends a full clone.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

from syncd import log
from syncd.clock import Clock
from syncd.repo.config import RepoConfig
from syncd.repo.errors import RepoError
from syncd.repo.git import Git, GitSettings

if TYPE_CHECKING:
    from syncd.config.load import LoadedConfig
    from syncd.repo.pulls import PullRequests

_log = log.get("syncd.repo.workspace")

ORIGIN = "origin"


@dataclass(frozen=True, slots=True)
class Checkout:
    """The files a pass reads: `root` at commit `head` of `branch`.

    `attempts` counts the pushes already spent in this pass; `deliver` hands back a new
    Checkout with it raised when it asks the engine to re-plan (`Rejected`)."""

    root: Path
    head: str
    branch: str
    attempts: int = 0


def default_workdir(loaded: LoadedConfig) -> Path:
    """`records.repo.workdir`, else `repo/` next to a SQLite store file, else `.syncd/repo`
    next to the config file."""
    repo = loaded.config.records.repo
    if repo is not None and repo.workdir is not None:
        return repo.workdir
    url = make_url(loaded.store_url())
    database = url.database or ""
    # SQLite URI filenames (`file:…`) are left to the user.
    local_file = database not in ("", ":memory:") and not database.startswith("file:")
    if url.get_backend_name() == "sqlite" and local_file:
        return Path(database).parent / "repo"
    return loaded.base_dir / ".syncd" / "repo"


class Workspace:
    """The clone in `workdir` and the git settings of `records.repo`. Holds no pass state."""

    def __init__(
        self,
        config: RepoConfig,
        workdir: Path,
        *,
        clock: Clock,
        environ: Mapping[str, str] | None = None,
        pulls: PullRequests | None = None,
    ) -> None:
        """`environ`: where PATH and proxy settings come from (default os.environ);
        `pulls`: the PR/MR client `delivery: pull_request` needs (`open_workspace` builds it
        from the config; syncd.repo.pulls)."""
        self.config = config
        self.workdir = Path(os.path.abspath(workdir))
        self.clock = clock
        self.pulls = pulls
        inherited = os.environ if environ is None else environ
        self.git = Git(self.workdir, self._settings(), inherited)

    def _settings(self) -> GitSettings:
        """Git settings from the config; reads `token_file` (so a rotated token is used)."""
        config = self.config
        try:
            token = config.secret()
        except OSError as exc:
            raise RepoError(
                f"records.repo: cannot read `token_file` ({exc.strerror or exc})"
            ) from None
        return GitSettings(
            home=self.workdir.parent,
            safe_directory=self.workdir,
            author=config.author_parts(),
            username=config.https_username(),
            token=token,
            ssh_key=config.ssh_key_file,
            known_hosts=config.known_hosts_file or self.workdir.parent / "known_hosts",
            accept_new_host_key=config.accept_new_host_key,
            timeout=config.timeout,
        )

    @property
    def base_ref(self) -> str:
        return f"refs/remotes/{ORIGIN}/{self.config.branch}"

    @property
    def pull_ref(self) -> str:
        return f"refs/remotes/{ORIGIN}/{self.config.pull_request_branch}"

    # -- prepare -------------------------------------------------------------------------------
    def prepare(self) -> Checkout:
        """Clone if needed, fetch, reset to the remote branch head; the checkout to read."""
        started = self.clock.monotonic()
        if self.config.token_file is not None:
            self.git.use(self._settings())
        cloned = self._ensure_clone()
        if not cloned:
            self._recover()
            self.fetch()
        branch = self.config.branch
        if self.config.delivery == "commit" and self._has(f"refs/heads/{branch}"):
            head = self._keep_local_commits()
        else:
            head = self.reset_to_remote()
        _log.info(
            "repo_prepared",
            branch=branch,
            head=head[:12],
            cloned=cloned,
            seconds=round(self.clock.monotonic() - started, 3),
        )
        return Checkout(self.workdir, head, branch)

    def fetch(self) -> None:
        """Fetch the branch (and in pull-request mode syncd's branch, which may not exist)."""
        base = f"+refs/heads/{self.config.branch}:{self.base_ref}"
        if self.config.delivery != "pull_request":
            self.git.run("fetch", "--quiet", "--prune", "--no-tags", ORIGIN, base)
            return
        pull = f"+refs/heads/{self.config.pull_request_branch}:{self.pull_ref}"
        done = self.git.run("fetch", "--quiet", "--no-tags", ORIGIN, base, pull, ok=(0, 1, 128))
        if done.code != 0:  # most often: syncd's branch does not exist (yet, or any more)
            self.git.run("fetch", "--quiet", "--no-tags", ORIGIN, base)
            if self._has(self.pull_ref):
                self.git.run("update-ref", "-d", self.pull_ref)

    def reset_to_remote(self) -> str:
        """Check out the fetched branch head, dropping every local change; returns it."""
        branch = self.config.branch
        self.git.run("checkout", "--quiet", "--force", "-B", branch, self.base_ref)
        self.git.run("clean", "-ffdxq")
        head = self.rev("HEAD")
        assert head is not None
        return head

    def rev(self, ref: str) -> str | None:
        """The commit `ref` names, or None when it does not exist."""
        done = self.git.run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", ok=(0, 1))
        return done.out.strip() or None

    def _has(self, ref: str) -> bool:
        return self.rev(ref) is not None

    def _ensure_clone(self) -> bool:
        if (self.workdir / ".git").is_dir():
            self._point_at_url()
            return False
        if self.workdir.exists() and any(self.workdir.iterdir()):
            raise RepoError(
                f"{self.workdir} is not empty and not syncd's clone; empty it or set "
                "records.repo.workdir to a directory of its own"
            )
        self.workdir.parent.mkdir(parents=True, exist_ok=True)
        self.git.run(
            "clone",
            "--quiet",
            "--no-checkout",
            "--single-branch",
            "--no-tags",
            "--filter=blob:none",
            "--origin",
            ORIGIN,
            "--branch",
            self.config.branch,
            "--",
            self.config.url,
            str(self.workdir),
            cwd=self.workdir.parent,
        )
        if self.config.delivery == "pull_request":
            self.fetch()  # syncd's branch too
        _log.info("repo_cloned", branch=self.config.branch, workdir=str(self.workdir))
        return True

    def _point_at_url(self) -> None:
        # The config may have moved to another URL or branch since the clone was made.
        done = self.git.run("config", "--get", f"remote.{ORIGIN}.url", ok=(0, 1))
        if done.out.strip() != self.config.url:
            self.git.run("remote", "set-url", ORIGIN, self.config.url)

    def _recover(self) -> None:
        """Clear what a killed pass may have left: an index lock, a rebase in progress."""
        gitdir = self.workdir / ".git"
        lock = gitdir / "index.lock"
        if lock.exists():
            lock.unlink()
            _log.warning("repo_stale_lock_removed", workdir=str(self.workdir))
        if (gitdir / "rebase-merge").exists() or (gitdir / "rebase-apply").exists():
            self.git.run("rebase", "--abort", ok=(0, 1, 128))
            for leftover in ("rebase-merge", "rebase-apply"):
                shutil.rmtree(gitdir / leftover, ignore_errors=True)
            _log.warning("repo_interrupted_rebase_aborted", workdir=str(self.workdir))

    def _keep_local_commits(self) -> str:
        branch = self.config.branch
        self.git.run("checkout", "--quiet", "--force", branch)
        self.git.run("clean", "-ffdxq")
        behind = self.git.run("merge-base", "--is-ancestor", self.base_ref, "HEAD", ok=(0, 1))
        if behind.code != 0:  # else the branch holds the remote head, syncd's commits on top
            done = self.git.run("rebase", "--quiet", self.base_ref, ok=(0, 1), env=self.dates())
            if done.code != 0:
                self.git.run("rebase", "--abort", ok=(0, 1, 128))
                _log.warning("repo_local_commits_dropped", branch=branch, reason="conflict")
                return self.reset_to_remote()
        head = self.rev("HEAD")
        assert head is not None
        return head

    def dates(self) -> dict[str, str]:
        """Author and committer date from the injected clock (git's own is not consulted)."""
        stamp = self.clock.now().strftime("%Y-%m-%dT%H:%M:%S+0000")
        return {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}


def open_workspace(
    loaded: LoadedConfig, *, clock: Clock, environ: Mapping[str, str] | None = None
) -> Workspace | None:
    """The workspace of `records.repo`, or None when the reviews are a local working tree.

    Builds the PR/MR client too in pull-request mode (no request is made here)."""
    repo = loaded.config.records.repo
    if repo is None:
        return None
    pulls = None
    if repo.delivery == "pull_request":
        from syncd.repo.pulls import pull_requests_for

        pulls = pull_requests_for(repo, loaded.config.trackers)
    return Workspace(repo, default_workdir(loaded), clock=clock, environ=environ, pulls=pulls)
