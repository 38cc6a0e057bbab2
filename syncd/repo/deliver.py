"""Deliver one pass's review edits from syncd's clone (docs/git.md "What happens on conflicts").

- `commit`: one commit in the clone, nothing sent.
- `push`: one commit pushed to the branch, never forced. When others pushed first, fetch
  and rebase the commit onto their head and push again, `push_attempts` pushes at most per
  pass. When the rebase conflicts (a person edited a line syncd edits, or one next to it), the
  clone is reset to the new remote head and `Rejected` asks the engine to re-plan those
  reviews from the fresh files and call `deliver` again: the person's edit always wins and no
  conflict marker is ever written.
- `pull_request`: the base head plus one syncd commit on `pull_request_branch`, pushed with a
  lease (only ever over syncd's own commits), and one PR/MR opened or updated in place;
  closed when a pass has nothing left to change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Literal

from syncd import log
from syncd.repo.errors import PullRequestBlocked, PushContended, PushRefused, RepoError
from syncd.repo.message import ReviewChange, body, commit_message, subject
from syncd.repo.pulls import PullRequest, PullRequests
from syncd.repo.workspace import ORIGIN, Checkout, Workspace

_log = log.get("syncd.repo.deliver")

_RETRY_REASONS = ("fetch first", "non-fast-forward")
PR_NOTE = (
    "syncd keeps this request up to date on every pass and closes it when nothing is left "
    "to change. A push to this branch by anyone else stops syncd from updating it."
)


@dataclass(frozen=True, slots=True)
class Unchanged:
    """Nothing to deliver: the edits (if any) are already on the remote."""

    head: str


@dataclass(frozen=True, slots=True)
class Committed:
    """`delivery: commit`: one commit in syncd's clone."""

    sha: str
    paths: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Pushed:
    """`delivery: push`: the commit is on the remote branch after `attempts` pushes."""

    sha: str
    paths: tuple[str, ...]
    attempts: int


@dataclass(frozen=True, slots=True)
class Rejected:
    """A person's concurrent edit conflicts with syncd's; the clone now holds the new remote
    head. Re-plan `replan` (every review of the dropped commit) from the files in
    `checkout.root`, then call `deliver(checkout, …)` again with this `checkout`."""

    checkout: Checkout
    replan: tuple[str, ...]
    conflicts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PullRequestDelivered:
    """`delivery: pull_request`: what happened to syncd's one request."""

    action: Literal["opened", "updated", "unchanged", "closed"]
    number: int
    url: str
    sha: str | None  # the branch head syncd pushed or kept; None when closed


Delivered = Unchanged | Committed | Pushed | Rejected | PullRequestDelivered


def deliver(
    workspace: Workspace,
    checkout: Checkout,
    paths: Sequence[str],
    changes: Sequence[ReviewChange],
    *,
    run_id: str | None = None,
) -> Delivered:
    """Commit the review files `paths` (relative to `checkout.root`) and deliver them.

    Call after every pass, also one that wrote nothing: in pull-request mode that is how the
    request gets closed. `changes` word the commit message and the request's description."""
    git = workspace.git
    head = workspace.rev("HEAD")
    if head != checkout.head:
        raise RepoError(
            f"syncd's clone moved from {checkout.head[:12]} to {str(head)[:12]} during the pass;"
            " nothing was delivered"
        )
    staged = _stage(workspace, paths)
    mode = workspace.config.delivery
    if mode == "pull_request":
        return _pull_request(workspace, checkout, staged, changes, run_id)
    if not staged:
        return Unchanged(checkout.head)
    sha = _commit(workspace, changes, run_id)
    if mode == "commit":
        _log.info("repo_committed", sha=sha[:12], reviews=len(staged), items=len(changes))
        return Committed(sha, staged)
    attempts = checkout.attempts
    branch = workspace.config.branch
    while True:
        attempts += 1
        outcome, reason = _push(workspace, f"refs/heads/{branch}", force_lease=None)
        if outcome == "ok":
            sha = workspace.rev("HEAD") or sha
            _log.info("repo_pushed", sha=sha[:12], reviews=len(staged), attempts=attempts)
            return Pushed(sha, staged, attempts)
        if outcome == "refused":
            workspace.reset_to_remote()
            raise PushRefused(
                f"the remote refused syncd's push to {branch} ({reason}); check branch "
                "protection and hooks, or use `delivery: pull_request`"
            )
        if attempts >= workspace.config.push_attempts:
            workspace.fetch()
            workspace.reset_to_remote()
            raise PushContended(
                f"others pushed to {branch} first {attempts} times in a row; syncd's edits "
                "are redone next pass"
            )
        _log.info("repo_push_behind", branch=branch, attempt=attempts)
        workspace.fetch()
        rebased = git.run("rebase", "--quiet", workspace.base_ref, ok=(0, 1), env=workspace.dates())
        if rebased.code != 0:
            conflicts = _conflicted(workspace)
            git.run("rebase", "--abort", ok=(0, 1, 128))
            fresh = workspace.reset_to_remote()
            _log.info(
                "repo_edits_conflict", reviews=list(conflicts), head=fresh[:12], attempt=attempts
            )
            return Rejected(replace(checkout, head=fresh, attempts=attempts), staged, conflicts)


def _stage(workspace: Workspace, paths: Sequence[str]) -> tuple[str, ...]:
    """`git add` the given review files; the ones that really differ from HEAD, sorted."""
    wanted = sorted({_inside(p) for p in paths})
    if wanted:
        workspace.git.run("add", "--", *wanted)
    done = workspace.git.run("diff", "--cached", "--name-only", "-z", "--no-renames")
    return tuple(sorted(p for p in done.out.split("\0") if p))


def _inside(path: str) -> str:
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise RepoError(f"`{path}` is not a path inside the repository")
    return pure.as_posix()


def _commit(workspace: Workspace, changes: Sequence[ReviewChange], run_id: str | None) -> str:
    message = commit_message(changes, run_id)
    workspace.git.run(
        "commit", "--quiet", "--no-verify", "--file=-", stdin=message, env=workspace.dates()
    )
    sha = workspace.rev("HEAD")
    assert sha is not None
    return sha


def _conflicted(workspace: Workspace) -> tuple[str, ...]:
    done = workspace.git.run("diff", "--name-only", "-z", "--diff-filter=U")
    return tuple(sorted(p for p in done.out.split("\0") if p))


def _push(
    workspace: Workspace, target: str, force_lease: str | None
) -> tuple[Literal["ok", "behind", "refused"], str]:
    """Push HEAD to `target`; with `force_lease` only over that remote value ("" = absent)."""
    args = ["push", "--porcelain", "--quiet", "--no-verify"]
    if force_lease is not None:
        args.append(f"--force-with-lease={target}:{force_lease}")
    done = workspace.git.run(*args, ORIGIN, f"HEAD:{target}", ok=(0, 1))
    for line in done.out.splitlines():
        flag, _, rest = line.partition("\t")
        if target not in rest:
            continue
        if flag in (" ", "*", "+", "=", "-"):
            return "ok", ""
        reason = rest.rsplit("\t", 1)[-1]
        if any(word in reason for word in _RETRY_REASONS):
            return "behind", reason
        return "refused", reason
    if done.code == 0:
        return "ok", ""
    raise RepoError(f"`git push` failed: {done.err.strip().splitlines()[-1:] or 'no answer'}")


def _pull_request(
    workspace: Workspace,
    checkout: Checkout,
    staged: tuple[str, ...],
    changes: Sequence[ReviewChange],
    run_id: str | None,
) -> Delivered:
    config = workspace.config
    pulls = _pulls(workspace)
    head, base = config.pull_request_branch, config.branch
    current = pulls.find_open(head, base)
    remote = workspace.rev(workspace.pull_ref)
    if not staged:
        if current is None:
            return Unchanged(checkout.head)
        closed = pulls.close(current.number)
        if remote is not None:  # tidy up: only over the commit syncd saw there
            _push_delete(workspace, head, remote)
        _log.info("pull_request_closed", number=closed.number)
        return PullRequestDelivered("closed", closed.number, closed.url, None)
    if remote is not None:
        _refuse_foreign_commits(workspace, remote)
    sha = _commit(workspace, changes, run_id)
    title, text = subject(changes), f"{PR_NOTE}\n\n{body(changes)}\n"
    same_tree = remote is not None and _tree(workspace, remote) == _tree(workspace, sha)
    if not same_tree:
        outcome, reason = _push(workspace, f"refs/heads/{head}", force_lease=remote or "")
        if outcome != "ok":
            workspace.reset_to_remote()
            raise PullRequestBlocked(
                f"syncd's branch {head} changed while syncd updated it ({reason}); "
                "it is tried again next pass"
            )
    else:
        sha = remote or sha
    if current is None:
        opened = pulls.open(head, base, title, text)
        _log.info("pull_request_opened", number=opened.number, sha=sha[:12])
        return PullRequestDelivered("opened", opened.number, opened.url, sha)
    if same_tree and (current.title, current.body) == (title, text):
        return PullRequestDelivered("unchanged", current.number, current.url, sha)
    updated = pulls.update(current.number, title, text)
    _log.info("pull_request_updated", number=updated.number, sha=sha[:12])
    return PullRequestDelivered("updated", updated.number, updated.url, sha)


def _pulls(workspace: Workspace) -> PullRequests:
    if workspace.pulls is None:
        raise RepoError("delivery: pull_request needs a pull request client (see docs/git.md)")
    return workspace.pulls


def _refuse_foreign_commits(workspace: Workspace, remote: str) -> None:
    """syncd's branch must hold only syncd's commits on top of the base branch."""
    _, email = workspace.config.author_parts()
    done = workspace.git.run("log", "--format=%ae", f"{workspace.base_ref}..{remote}")
    others = sorted({line for line in done.out.splitlines() if line and line != email})
    if others:
        raise PullRequestBlocked(
            f"{workspace.config.pull_request_branch} has commits by others ({', '.join(others)});"
            " syncd leaves the branch alone until it is merged or deleted"
        )


def _tree(workspace: Workspace, commit: str) -> str:
    return workspace.git.run("rev-parse", f"{commit}^{{tree}}").out.strip()


def _push_delete(workspace: Workspace, branch: str, expected: str) -> None:
    target = f"refs/heads/{branch}"
    lease = f"--force-with-lease={target}:{expected}"
    workspace.git.run("push", "--quiet", "--porcelain", lease, ORIGIN, f":{target}", ok=(0, 1))


__all__ = [
    "Committed",
    "Delivered",
    "PullRequest",
    "PullRequestDelivered",
    "Pushed",
    "Rejected",
    "Unchanged",
    "deliver",
]
