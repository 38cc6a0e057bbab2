"""Pull requests for the GitHub fake: a mixin mounted on FakeGitHub, new routes only.

`FakeGitHubPulls` is FakeGitHub plus `/repos/{o}/{r}/pulls` (list with state/head/base
filters, create, get, update). As on GitHub, a pull request is also an issue (shared
numbers, `pull_request` key in issue lists), and a second open pull request for the same head
and base is refused with 422 "A pull request already exists for owner:branch.".
"""

from __future__ import annotations

from typing import Any

from tests.fakes.base import Request, Response, route
from tests.fakes.github import _REPO, FakeGitHub


class PullsRoutes:
    """The pulls endpoints; mixed into a FakeGitHub (uses its issues, lock and URLs)."""

    pulls: dict[int, dict[str, Any]]

    def _pull_init(self) -> None:
        self.pulls = {}

    def open_pulls(self: Any) -> list[dict[str, Any]]:
        with self.lock:
            return [p for p in self.pulls.values() if p["state"] == "open"]

    @route("GET", _REPO + r"/pulls")
    def list_pulls(self: Any, req: Request) -> Response:
        state = req.arg("state", "open")
        head, base = req.arg("head"), req.arg("base")
        rows = [
            p
            for p in sorted(self.pulls.values(), key=lambda p: p["number"])
            if (state == "all" or p["state"] == state)
            and (head is None or p["head"]["label"] == head)
            and (base is None or p["base"]["ref"] == base)
        ]
        return Response(200, rows)

    @route("POST", _REPO + r"/pulls")
    def create_pull(self: Any, req: Request) -> Response:
        data = req.json() or {}
        owner = self.repo.split("/")[0]
        label = f"{owner}:{data.get('head')}"
        if any(
            p["state"] == "open"
            and p["head"]["label"] == label
            and p["base"]["ref"] == data["base"]
            for p in self.pulls.values()
        ):
            return Response(
                422,
                {
                    "message": "Validation Failed",
                    "errors": [{"message": f"A pull request already exists for {label}."}],
                },
            )
        issue = self._new(str(data.get("title", "")), str(data.get("body") or ""), [], [])
        n = issue["number"]
        issue["pull_request"] = {"url": f"{self.api}/repos/{self.repo}/pulls/{n}"}
        pull = {
            "number": n,
            "state": "open",
            "title": issue["title"],
            "body": issue["body"],
            "html_url": f"{self.url}/{self.repo}/pull/{n}",
            "head": {"ref": data.get("head"), "label": label},
            "base": {"ref": data.get("base")},
            "merged": False,
            "maintainer_can_modify": bool(data.get("maintainer_can_modify")),
        }
        self.pulls[n] = pull
        return Response(201, pull)

    @route("GET", _REPO + r"/pulls/(?P<number>\d+)")
    def get_pull(self: Any, req: Request) -> Response:
        pull = self.pulls.get(int(req.match["number"]))
        return Response(200, pull) if pull else Response(404, {"message": "Not Found"})

    @route("PATCH", _REPO + r"/pulls/(?P<number>\d+)")
    def update_pull(self: Any, req: Request) -> Response:
        number = int(req.match["number"])
        pull = self.pulls.get(number)
        if pull is None:
            return Response(404, {"message": "Not Found"})
        data = req.json() or {}
        for name in ("title", "body"):
            if isinstance(data.get(name), str):
                pull[name] = data[name]
        if data.get("state") in ("open", "closed"):
            pull["state"] = data["state"]
        self._edit(self.issues[number], data)
        return Response(200, pull)


class FakeGitHubPulls(PullsRoutes, FakeGitHub):
    """FakeGitHub with pull requests."""

    def __init__(self, repo: str = "acme/postmortems", token: str | None = None) -> None:
        super().__init__(repo=repo, token=token)
        self._pull_init()
