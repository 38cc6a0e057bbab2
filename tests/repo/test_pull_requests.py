"""`delivery: pull_request` against the GitHub and GitLab fakes and a real bare remote:
one branch, one request, updated in place, never a second, closed when nothing is left."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from syncd.repo.config import RepoConfig
from syncd.repo.deliver import PullRequestDelivered, Unchanged, deliver
from syncd.repo.errors import PullRequestBlocked
from syncd.repo.message import ReviewChange
from syncd.repo.pulls import PullRequests, pull_requests_for
from syncd.trackers.github.config import GitHubConfig
from syncd.trackers.github.pulls import GitHubPulls
from syncd.trackers.gitlab.merges import GitLabMerges
from tests.fakes.github_pulls import FakeGitHubPulls
from tests.fakes.gitlab_merges import FakeGitLabMerges
from tests.repo.conftest import MakeWorkspace, RemoteRepo, git, mark

CHECKOUT = "postmortems/2026-05-checkout.md"
SEARCH = "postmortems/2026-06-search.md"
BRANCH = "syncd/updates"


@pytest.fixture
def github() -> Iterator[FakeGitHubPulls]:
    fake = FakeGitHubPulls("acme/postmortems").start()
    yield fake
    fake.stop()


@pytest.fixture
def gitlab() -> Iterator[FakeGitLabMerges]:
    fake = FakeGitLabMerges("grp/postmortems").start()
    yield fake
    fake.stop()


def one_pass(
    make_workspace: MakeWorkspace, pulls: PullRequests, edits: dict[str, str]
) -> PullRequestDelivered | Unchanged:
    """A pass as the engine runs it: prepare, write marks into the files read, deliver."""
    ws = make_workspace(
        pulls=pulls,
        delivery="pull_request",
        pull_request_tracker="fake",
        project="acme/postmortems",
    )
    checkout = ws.prepare()
    changes = []
    for path, item in edits.items():
        mark(checkout.root, path, item, " · in progress")
        changes.append(ReviewChange(path, 4, item, "in progress", "acme/ops#7"))
    result = deliver(ws, checkout, list(edits), changes)
    assert isinstance(result, PullRequestDelivered | Unchanged)
    return result


def test_github_one_pull_request_updated_in_place_then_closed(
    remote: RemoteRepo, make_workspace: MakeWorkspace, github: FakeGitHubPulls
) -> None:
    pulls = GitHubPulls(github.api, "acme/postmortems", github.token, timeout=5)
    main = remote.head()

    first = one_pass(make_workspace, pulls, {CHECKOUT: "Alert on checkout"})
    assert isinstance(first, PullRequestDelivered) and first.action == "opened"
    assert remote.head(BRANCH) == first.sha and remote.head() == main  # main untouched
    assert " · in progress" in remote.show(CHECKOUT, BRANCH)

    same = one_pass(make_workspace, pulls, {CHECKOUT: "Alert on checkout"})
    assert same == PullRequestDelivered("unchanged", first.number, first.url, first.sha)

    more = one_pass(make_workspace, pulls, {CHECKOUT: "Alert on checkout", SEARCH: "Pin the"})
    assert isinstance(more, PullRequestDelivered) and more.action == "updated"
    assert more.number == first.number and remote.head(BRANCH) == more.sha
    assert github.count("POST", r"/pulls$") == 1  # never a second request
    [pull] = github.open_pulls()
    assert pull["title"] == "syncd: update 2 action items in 2 reviews"
    assert SEARCH in pull["body"]
    assert remote.head() == main

    done = one_pass(make_workspace, pulls, {})
    assert isinstance(done, PullRequestDelivered) and done.action == "closed"
    assert github.open_pulls() == []
    assert git(remote.bare, "branch", "--list", BRANCH) == ""  # syncd's branch is tidied up
    assert one_pass(make_workspace, pulls, {}) == Unchanged(main)

    again = one_pass(make_workspace, pulls, {CHECKOUT: "Shard the audit"})
    assert isinstance(again, PullRequestDelivered) and again.action == "opened"
    assert len(github.open_pulls()) == 1


def test_the_branch_follows_main_when_main_moves(
    remote: RemoteRepo, make_workspace: MakeWorkspace, github: FakeGitHubPulls
) -> None:
    pulls = GitHubPulls(github.api, "acme/postmortems", github.token, timeout=5)
    first = one_pass(make_workspace, pulls, {CHECKOUT: "Alert on checkout"})
    theirs = remote.edit(SEARCH, "More notes.", "More notes, on main.")

    second = one_pass(make_workspace, pulls, {CHECKOUT: "Alert on checkout"})

    assert isinstance(second, PullRequestDelivered) and second.action == "updated"
    assert isinstance(first, PullRequestDelivered) and second.number == first.number
    assert remote.is_ancestor(theirs, remote.head(BRANCH))  # based on the new main
    assert remote.only_fast_forwards("main")


def test_someone_elses_commit_on_the_branch_stops_syncd(
    remote: RemoteRepo, make_workspace: MakeWorkspace, github: FakeGitHubPulls
) -> None:
    pulls = GitHubPulls(github.api, "acme/postmortems", github.token, timeout=5)
    one_pass(make_workspace, pulls, {CHECKOUT: "Alert on checkout"})
    git(remote.person, "fetch", "--quiet", "origin", BRANCH)
    git(remote.person, "checkout", "--quiet", "-B", "mine", "FETCH_HEAD")
    git(remote.person, "commit", "--quiet", "--allow-empty", "-m", "a reviewer's fixup")
    git(remote.person, "push", "--quiet", "origin", f"HEAD:{BRANCH}")
    theirs = remote.head(BRANCH)

    with pytest.raises(PullRequestBlocked, match="commits by others"):
        one_pass(make_workspace, pulls, {SEARCH: "Pin the"})
    assert remote.head(BRANCH) == theirs


def test_gitlab_one_merge_request_updated_in_place_then_closed(
    remote: RemoteRepo, make_workspace: MakeWorkspace, gitlab: FakeGitLabMerges
) -> None:
    merges = GitLabMerges(gitlab.url, "grp/postmortems", gitlab.token, timeout=5)

    first = one_pass(make_workspace, merges, {CHECKOUT: "Alert on checkout"})
    more = one_pass(make_workspace, merges, {CHECKOUT: "Alert on checkout", SEARCH: "Pin the"})
    done = one_pass(make_workspace, merges, {})

    assert isinstance(first, PullRequestDelivered) and first.action == "opened"
    assert isinstance(more, PullRequestDelivered) and more.action == "updated"
    assert more.number == first.number
    assert isinstance(done, PullRequestDelivered) and done.action == "closed"
    assert gitlab.count("POST", r"/merge_requests$") == 1
    assert gitlab.open_merges() == []
    assert gitlab.merges[first.number]["force_remove_source_branch"] is True


def test_a_lost_create_answer_never_makes_a_second_request(
    github: FakeGitHubPulls, gitlab: FakeGitLabMerges
) -> None:
    pulls = GitHubPulls(github.api, "acme/postmortems", github.token, timeout=5)
    opened = pulls.open(BRANCH, "main", "t", "b")
    assert pulls.open(BRANCH, "main", "t2", "b2").number == opened.number  # 422 → the same
    assert len(github.open_pulls()) == 1 and github.open_pulls()[0]["title"] == "t2"

    merges = GitLabMerges(gitlab.url, "grp/postmortems", gitlab.token, timeout=5)
    mr = merges.open(BRANCH, "main", "t", "b")
    assert merges.open(BRANCH, "main", "t2", "b2").number == mr.number  # 409 → the same
    assert len(gitlab.open_merges()) == 1


def test_the_client_comes_from_the_named_tracker_or_the_repo_url() -> None:
    trackers = {"gh": GitHubConfig(repo="acme/ops", url="https://ghe.acme.example/api/v3")}
    via_tracker = RepoConfig(
        url="git@ghe.acme.example:acme/postmortems.git",
        delivery="pull_request",
        pull_request_tracker="gh",
    )
    client = pull_requests_for(via_tracker, trackers)
    assert isinstance(client, GitHubPulls)
    assert (client.api_url, client.repo) == ("https://ghe.acme.example/api/v3", "acme/postmortems")

    own = RepoConfig.model_validate(
        {
            "url": "https://gitlab.example/grp/sub/postmortems.git",
            "host": "gitlab",
            "token": "glpat-x",
            "delivery": "pull_request",
        }
    )
    mr = pull_requests_for(own, {})
    assert isinstance(mr, GitLabMerges)
    assert (mr.url, mr.project) == ("https://gitlab.example", "grp/sub/postmortems")
