"""Merge requests for the GitLab fake: a mixin mounted on FakeGitLab, new routes only.

`FakeGitLabMerges` is FakeGitLab plus `/projects/:id/merge_requests` (list filtered by state,
source and target branch; create; update title/description/state_event). As on GitLab, a
second open MR for the same source and target branch is refused with 409.
"""

from __future__ import annotations

from typing import Any

from tests.fakes.base import Request, Response, route
from tests.fakes.gitlab import _P, FakeGitLab


class MergesRoutes:
    """The merge request endpoints; mixed into a FakeGitLab."""

    merges: dict[int, dict[str, Any]]

    def _merges_init(self) -> None:
        self.merges = {}

    def open_merges(self: Any) -> list[dict[str, Any]]:
        with self.lock:
            return [m for m in self.merges.values() if m["state"] == "opened"]

    @route("GET", _P + r"/merge_requests")
    def list_merges(self: Any, req: Request) -> Response:
        if not self._project_ok(req):
            return Response(404, {"message": "404 Project Not Found"})
        state = req.arg("state", "all")
        source, target = req.arg("source_branch"), req.arg("target_branch")
        rows = [
            m
            for m in sorted(self.merges.values(), key=lambda m: -m["iid"])
            if (state == "all" or m["state"] == state)
            and (source is None or m["source_branch"] == source)
            and (target is None or m["target_branch"] == target)
        ]
        return Response(200, rows)

    @route("POST", _P + r"/merge_requests")
    def create_merge(self: Any, req: Request) -> Response:
        if not self._project_ok(req):
            return Response(404, {"message": "404 Project Not Found"})
        data = req.json() or {}
        source, target = data.get("source_branch"), data.get("target_branch")
        for m in self.merges.values():
            if m["state"] == "opened" and (m["source_branch"], m["target_branch"]) == (
                source,
                target,
            ):
                return Response(
                    409,
                    {
                        "message": [
                            f"Another open merge request already exists for this source branch: !{m['iid']}"
                        ]
                    },
                )
        iid = max(self.merges, default=0) + 1
        merge = {
            "id": 9000 + iid,
            "iid": iid,
            "project_id": self.project_id,
            "state": "opened",
            "title": data.get("title", ""),
            "description": data.get("description") or "",
            "source_branch": source,
            "target_branch": target,
            "force_remove_source_branch": bool(data.get("remove_source_branch")),
            "web_url": f"{self.base}/{self.path}/-/merge_requests/{iid}",
        }
        self.merges[iid] = merge
        return Response(201, merge)

    @route("PUT", _P + r"/merge_requests/(?P<iid>\d+)")
    def update_merge(self: Any, req: Request) -> Response:
        merge = self.merges.get(int(req.match["iid"]))
        if merge is None or not self._project_ok(req):
            return Response(404, {"message": "404 Not found"})
        data = req.json() or {}
        if isinstance(data.get("title"), str):
            merge["title"] = data["title"]
        if isinstance(data.get("description"), str):
            merge["description"] = data["description"]
        if data.get("state_event") == "close":
            merge["state"] = "closed"
        elif data.get("state_event") == "reopen":
            merge["state"] = "opened"
        return Response(200, merge)


class FakeGitLabMerges(MergesRoutes, FakeGitLab):
    """FakeGitLab with merge requests."""

    def __init__(self, path: str = "grp/postmortems") -> None:
        super().__init__(path=path)
        self._merges_init()
