"""Push and commit delivery against a real bare repository, with a person pushing too."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from syncd.repo.deliver import Committed, Pushed, Rejected, Unchanged, deliver
from syncd.repo.errors import PushContended, PushRefused
from syncd.repo.message import ReviewChange
from tests.repo.conftest import MakeWorkspace, RemoteRepo, git, mark

CHECKOUT = "postmortems/2026-05-checkout.md"
SEARCH = "postmortems/2026-06-search.md"
OVERDUE = " · ⚠ overdue since 2026-06-05"


def change(
    path: str = CHECKOUT, line: int = 4, item: str = "Alert on checkout 5xx rate"
) -> ReviewChange:
    return ReviewChange(path, line, item, "overdue since 2026-06-05", "acme/ops#12")


def test_push_delivers_one_commit_listing_the_changes(
    remote: RemoteRepo, make_workspace: MakeWorkspace
) -> None:
    ws = make_workspace()
    checkout = ws.prepare()
    assert (checkout.root / CHECKOUT).read_text(encoding="utf-8").startswith("# Checkout")
    mark(checkout.root, CHECKOUT, "Alert on checkout", OVERDUE)

    result = deliver(ws, checkout, [CHECKOUT], [change()], run_id="run-1")

    assert isinstance(result, Pushed)
    assert (result.paths, result.attempts) == ((CHECKOUT,), 1)
    assert remote.head() == result.sha
    _sha, author, message = remote.log()[0]
    assert author == "syncd@acme.example"
    assert message.splitlines()[0] == f"syncd: update 1 action item in {CHECKOUT}"
    assert "- L4 Alert on checkout 5xx rate: overdue since 2026-06-05 (acme/ops#12)" in message
    assert "Syncd-Run: run-1" in message
    assert OVERDUE in remote.show(CHECKOUT)
    assert remote.only_fast_forwards()


def test_nothing_written_means_nothing_delivered(
    remote: RemoteRepo, make_workspace: MakeWorkspace
) -> None:
    ws = make_workspace()
    checkout = ws.prepare()
    before = remote.head()
    assert deliver(ws, checkout, [], []) == Unchanged(before)
    # A path the engine names but left byte-identical is not a change either.
    assert deliver(ws, checkout, [CHECKOUT], [change()]) == Unchanged(before)
    assert remote.head() == before


def test_concurrent_edit_of_another_line_is_rebased_and_kept(
    remote: RemoteRepo, make_workspace: MakeWorkspace
) -> None:
    ws = make_workspace()
    checkout = ws.prepare()
    mark(checkout.root, CHECKOUT, "Alert on checkout", OVERDUE)
    theirs = remote.edit(CHECKOUT, "More notes.", "More notes, edited by a person.")

    result = deliver(ws, checkout, [CHECKOUT], [change()])

    assert isinstance(result, Pushed)
    assert result.attempts == 2  # rejected once (fetch first), rebased, pushed
    text = remote.show(CHECKOUT)
    assert OVERDUE in text and "edited by a person" in text
    assert remote.is_ancestor(theirs, result.sha)
    assert remote.only_fast_forwards()  # never forced


def test_concurrent_edit_of_the_same_line_is_rejected_and_replanned(
    remote: RemoteRepo, make_workspace: MakeWorkspace
) -> None:
    ws = make_workspace()
    checkout = ws.prepare()
    mark(checkout.root, CHECKOUT, "Alert on checkout", OVERDUE)
    mark(checkout.root, SEARCH, "Alert on checkout", OVERDUE)
    theirs = remote.edit(
        CHECKOUT,
        "Alert on checkout 5xx rate — owner: @priya",
        "Alert on 5xx above 3% — owner: @sam",
    )

    result = deliver(ws, checkout, [CHECKOUT, SEARCH], [change(), change(SEARCH)])

    assert isinstance(result, Rejected)
    assert result.conflicts == (CHECKOUT,)
    assert result.replan == (CHECKOUT, SEARCH)  # every review of the dropped commit
    assert result.checkout.head == theirs == remote.head()
    fresh = (result.checkout.root / CHECKOUT).read_text(encoding="utf-8")
    assert "Alert on 5xx above 3% — owner: @sam\n" in fresh  # the person's edit wins
    assert "<<<<<<<" not in fresh and OVERDUE not in fresh
    assert OVERDUE not in (result.checkout.root / SEARCH).read_text(encoding="utf-8")

    # The engine re-plans the reviews from the fresh files and delivers again.
    mark(result.checkout.root, CHECKOUT, "Alert on 5xx above 3%", OVERDUE)
    mark(result.checkout.root, SEARCH, "Alert on checkout", OVERDUE)
    again = deliver(ws, result.checkout, [CHECKOUT, SEARCH], [change(), change(SEARCH)])

    assert isinstance(again, Pushed)
    assert again.attempts == 2  # the budget counts across the re-plan
    assert f"Alert on 5xx above 3% — owner: @sam{OVERDUE}\n" in remote.show(CHECKOUT)
    assert OVERDUE in remote.show(SEARCH)
    assert remote.is_ancestor(theirs, again.sha)
    assert [c[1] for c in remote.log()].count("syncd@acme.example") == 1  # one commit per pass
    assert remote.only_fast_forwards()


def _contending_git(tmp_path: Path, person: Path) -> Path:
    """A `git` first on PATH that lets the person push a commit before each of syncd's pushes."""
    real = "/usr/bin/git" if os.path.exists("/usr/bin/git") else "git"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "git"
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = push ]; then\n'
        f"  (cd {person} && GIT_AUTHOR_NAME=Person GIT_AUTHOR_EMAIL=person@acme.example "
        f"{real} commit --quiet --allow-empty -m busy && {real} push --quiet origin HEAD:main)"
        " >/dev/null 2>&1\n"
        "fi\n"
        f'exec {real} "$@"\n',
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return bin_dir


def test_pushes_are_bounded_when_others_keep_pushing_first(
    tmp_path: Path, remote: RemoteRepo, make_workspace: MakeWorkspace
) -> None:
    git(remote.person, "pull", "--quiet", "origin", "main")
    bin_dir = _contending_git(tmp_path, remote.person)
    path = {"PATH": f"{bin_dir}:{os.environ['PATH']}"}
    ws = make_workspace(push_attempts=3, environ=path)
    checkout = ws.prepare()
    mark(checkout.root, CHECKOUT, "Alert on checkout", OVERDUE)

    with pytest.raises(PushContended, match="3 times in a row"):
        deliver(ws, checkout, [CHECKOUT], [change()])

    authors = [c[1] for c in remote.log()]
    assert authors[:3] == ["person@acme.example"] * 3  # the person's three commits landed
    assert "syncd@acme.example" not in authors
    assert ws.rev("HEAD") == remote.head()  # the clone is back at the remote head
    assert remote.only_fast_forwards()


def test_a_push_the_remote_refuses_is_reported_not_retried(
    remote: RemoteRepo, make_workspace: MakeWorkspace
) -> None:
    hook = remote.bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected branch' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    ws = make_workspace()
    checkout = ws.prepare()
    before = remote.head()
    mark(checkout.root, CHECKOUT, "Alert on checkout", OVERDUE)

    with pytest.raises(PushRefused, match="refused syncd's push to main"):
        deliver(ws, checkout, [CHECKOUT], [change()])
    assert remote.head() == before
    assert ws.rev("HEAD") == before


def test_commit_mode_commits_in_the_clone_and_keeps_it_across_passes(
    remote: RemoteRepo, make_workspace: MakeWorkspace
) -> None:
    ws = make_workspace(delivery="commit")
    before = remote.head()
    checkout = ws.prepare()
    mark(checkout.root, CHECKOUT, "Alert on checkout", OVERDUE)

    result = deliver(ws, checkout, [CHECKOUT], [change()])

    assert isinstance(result, Committed)
    assert remote.head() == before  # nothing sent
    # Next pass: the person pushed meanwhile; syncd's commit is kept, on top of theirs.
    theirs = remote.edit(SEARCH, "More notes.", "More notes, edited.")
    again = ws.prepare()
    assert again.head != result.sha
    assert OVERDUE in (again.root / CHECKOUT).read_text(encoding="utf-8")
    assert "edited" in (again.root / SEARCH).read_text(encoding="utf-8")
    assert git(again.root, "merge-base", "--is-ancestor", theirs, "HEAD") == ""
    assert deliver(ws, again, [], []) == Unchanged(again.head)
