"""Token over smart HTTP against a loopback `git http-backend` that wants Basic auth.

Proves the token reaches git only through the environment: clone, fetch and push work, while
the token is in no URL the server saw, not in `.git/config`, not in any log line, and not
in the error when the server refuses it.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from structlog.testing import capture_logs

from syncd.repo.config import RepoConfig
from syncd.repo.deliver import Pushed, deliver
from syncd.repo.errors import RemoteUnreachable
from syncd.repo.message import ReviewChange
from syncd.repo.workspace import Workspace
from tests.fakes.git_http import GitHttpServer
from tests.repo.conftest import CLOCK, RemoteRepo, mark

TOKEN = "ghs_s3cr3tT0kenValue0123456789"
CHECKOUT = "postmortems/2026-05-checkout.md"


@pytest.fixture
def server(remote: RemoteRepo) -> Iterator[GitHttpServer]:
    http = GitHttpServer(remote.bare.parent, TOKEN, user="x-access-token").start()
    yield http
    http.stop()


def workspace(tmp_path: Path, url: str, token: str | None, **more: object) -> Workspace:
    options: dict[str, object] = {"url": url, "host": "github", **more}
    if token is not None:
        options["token"] = SecretStr(token)
    return Workspace(RepoConfig.model_validate(options), tmp_path / "state" / "repo", clock=CLOCK)


def test_token_reaches_git_only_through_the_environment(
    tmp_path: Path, remote: RemoteRepo, server: GitHttpServer
) -> None:
    url = server.url_of("remote.git")
    ws = workspace(tmp_path, url, TOKEN)
    with capture_logs() as logs:
        checkout = ws.prepare()
        mark(checkout.root, CHECKOUT, "Alert on checkout", " · done")
        change = ReviewChange(CHECKOUT, 4, "Alert on checkout 5xx rate", "done", "acme/ops#1")
        result = deliver(ws, checkout, [CHECKOUT], [change])
        ws.prepare()  # and a fetch

    assert isinstance(result, Pushed)
    assert remote.head() == result.sha
    config = (checkout.root / ".git" / "config").read_text(encoding="utf-8")
    assert TOKEN not in config and url in config  # the URL as given, no user info
    assert not any(TOKEN in s.path for s in server.seen)
    basic = "Basic " + base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()
    assert any(s.authorization == basic for s in server.seen)
    assert any("git-receive-pack" in s.path for s in server.seen if s.authorization)
    assert TOKEN not in repr(logs) and logs
    leftovers = [p for p in (tmp_path / "state").rglob("*") if p.is_file()]
    assert not any(TOKEN.encode() in p.read_bytes() for p in leftovers)


@pytest.mark.parametrize("token", ["wrong-token-value-987", None])
def test_a_refused_or_missing_token_fails_fast_and_names_no_secret(
    tmp_path: Path, server: GitHttpServer, token: str | None
) -> None:
    ws = workspace(tmp_path, server.url_of("remote.git"), token)
    with pytest.raises(RemoteUnreachable, match="refused syncd's credentials") as failed:
        ws.prepare()
    assert TOKEN not in str(failed.value)
    assert token is None or token not in str(failed.value)
