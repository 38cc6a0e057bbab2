"""A stateful loopback fake of the GitHub REST subset syncd uses (tracker-apis.md §1).

One repository. Speaks enough of the real API for PyGithub to run unmodified: token auth,
`Link` pagination, `state`/`labels`/`since`/`sort`/`direction`/`creator` filters, weak ETags
with `If-None-Match` → 304 on lists (not counted against the primary limit, as on GitHub),
`x-ratelimit-*` headers, primary (403 "API rate limit exceeded") and secondary (403/429 +
Retry-After) limits, `state_reason`, labels, comments, pull requests mixed into issue lists,
1-second timestamps. Routes accept an optional `/api/v3` prefix, as on GitHub Enterprise Server.
A deleted issue answers 410 Gone; a transferred one answers 301 to
`/repositories/{id}/issues/{n}` (tracker-apis.md §5), and its new repository is served too.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
import zlib
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlencode

from tests.fakes.base import FakeServer, Request, Response, route

_ACCOUNTS = itertools.count(1)
_REPO = r"(?:/api/v3)?/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)"
_PRIMARY = "API rate limit exceeded for user ID 1."
_SECONDARY = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)


def _stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_since(value: str) -> str | None:
    try:
        return _stamp(datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC))
    except ValueError:
        return None


class FakeGitHub(FakeServer):
    """GitHub for one repository (`repo`), answering only requests that carry `token`."""

    poll_interval = 0.05  # stop() quickly: tests start one fake each

    def __init__(
        self, repo: str = "acme/ops", token: str | None = None, api_prefix: str = ""
    ) -> None:
        super().__init__()
        self.repo = repo
        self.api_prefix = api_prefix  # "/api/v3" to look like GitHub Enterprise Server
        # Each fake is its own account: syncd paces and honours rate-limit waits per host and
        # token for the whole process (syncd/trackers/http/pacing.py), and ports get reused.
        self.token = token or f"t0ken-{next(_ACCOUNTS)}"
        self.issues: dict[int, dict[str, Any]] = {}  # number → issue (pull requests too)
        self.comments: dict[int, list[dict[str, Any]]] = {}
        self.rate_limit = 5000
        self.rate_remaining = 5000
        self.rate_reset_at = int(time.time()) + 3600  # epoch second the primary window resets
        self._canned: list[Response] = []  # answers for the next requests
        self._ids = itertools.count(1001)
        self.deleted: set[int] = set()
        self.transferred: dict[int, tuple[str, int]] = {}  # number → (repo, number there)
        self.elsewhere: dict[tuple[str, int], dict[str, Any]] = {}  # transferred issues

    # -- levers: act as a person in the UI ---------------------------------------------------
    def seed_issues(
        self,
        count: int,
        *,
        state: str = "open",
        labels: tuple[str, ...] = (),
        body: str = "",
        title: str = "Seeded issue",
    ) -> list[int]:
        with self.lock:
            return [
                self._new(f"{title} {i + 1}", body, list(labels), [], state=state)["number"]
                for i in range(count)
            ]

    def seed_pull_request(self, title: str = "A pull request") -> int:
        with self.lock:
            issue = self._new(title, "", [], [])
            n = issue["number"]
            issue["pull_request"] = {
                "url": f"{self.api}/repos/{self.repo}/pulls/{n}",
                "html_url": f"{self.url}/{self.repo}/pull/{n}",
            }
            issue["html_url"] = f"{self.url}/{self.repo}/pull/{n}"
            return int(n)

    def close(self, number: int, reason: str = "completed", comment: str | None = None) -> None:
        with self.lock:
            if comment is not None:
                self.comment(number, comment)
            self._edit(self.issues[number], {"state": "closed", "state_reason": reason})

    def reopen(self, number: int) -> None:
        with self.lock:
            self._edit(self.issues[number], {"state": "open"})

    def add_label(self, number: int, label: str) -> None:
        with self.lock:
            self._add_labels(self.issues[number], [label])

    def remove_label(self, number: int, label: str) -> None:
        with self.lock:
            issue = self.issues[number]
            kept = [x for x in issue["labels"] if x["name"].lower() != label.lower()]
            if len(kept) != len(issue["labels"]):
                issue["labels"] = kept
                self._touch(issue)

    def comment(self, number: int, body: str, user: str = "octocat") -> dict[str, Any]:
        with self.lock:
            issue = self.issues[number]
            now = _stamp(self._now())
            cid = next(self._ids)
            note = {
                "id": cid,
                "body": body,
                "user": {"login": user},
                "created_at": now,
                "updated_at": now,
                "html_url": f"{issue['html_url']}#issuecomment-{cid}",
                "issue_url": issue["url"],
            }
            self.comments.setdefault(number, []).append(note)
            issue["comments"] += 1
            self._touch(issue)
            return note

    def delete(self, number: int) -> None:
        """Delete an issue: it answers 410 Gone from now on."""
        with self.lock:
            del self.issues[number]
            self.deleted.add(number)

    def transfer(self, number: int, repo: str) -> int:
        """Transfer an issue to `repo`: the old number answers 301; returns the new number."""
        with self.lock:
            issue = self.issues.pop(number)
            new = 1 + max((n for r, n in self.elsewhere if r == repo), default=0)
            api = f"{self.api}/repos/{repo}/issues/{new}"
            issue.update(
                number=new,
                url=api,
                repository_url=f"{self.api}/repos/{repo}",
                comments_url=api + "/comments",
                html_url=f"{self.url}/{repo}/issues/{new}",
            )
            self._touch(issue)
            self.elsewhere[(repo, new)] = issue
            self.comments[-new] = self.comments.pop(number, [])
            self.transferred[number] = (repo, new)
            return new

    def throttle(self, times: int = 1, status: int = 403, retry_after: int | None = 60) -> None:
        """Answer the next `times` requests with a secondary rate limit (403 or 429)."""
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        for _ in range(times):
            self.answer_next(Response(status, {"message": _SECONDARY}, dict(headers)))

    def answer_next(self, response: Response) -> None:
        """Answer the next authorised request with `response`, whatever it asks."""
        with self.lock:
            self._canned.append(response)

    def exhaust(self, reset_in: int = 3600) -> None:
        """Use up the primary limit; it refills `reset_in` seconds from now."""
        with self.lock:
            self.rate_remaining = 0
            self.rate_reset_at = int(time.time()) + reset_in

    # -- inspection --------------------------------------------------------------------------
    def issue(self, number: int) -> dict[str, Any]:
        with self.lock:
            return self.issues[number]

    def ticket_count(self) -> int:
        with self.lock:
            return sum(1 for i in self.issues.values() if "pull_request" not in i)

    @property
    def api(self) -> str:
        """The API base URL a client is configured with."""
        return self.url + self.api_prefix

    # -- the protocol ------------------------------------------------------------------------
    def _handle(self, req: Request) -> Response:
        auth = req.headers.get("authorization", "")
        if auth not in (f"token {self.token}", f"Bearer {self.token}"):
            return self._with_limits(Response(401, {"message": "Bad credentials"}), counted=False)
        if self._canned:
            return self._with_limits(self._canned.pop(0), counted=False)
        if req.path.endswith("/rate_limit"):
            return self._with_limits(self._rate_limit(), counted=False)
        if self.rate_remaining <= 0 and time.time() >= self.rate_reset_at:
            self.rate_remaining, self.rate_reset_at = self.rate_limit, int(time.time()) + 3600
        if self.rate_remaining <= 0:
            return self._with_limits(Response(403, {"message": _PRIMARY}), counted=False)
        if not self._route_repo_ok(req):
            return self._with_limits(Response(404, {"message": "Not Found"}), counted=True)
        resp = super()._handle(req)
        etag = resp.headers.get("ETag") if resp.status == 200 else None
        if etag is not None and req.headers.get("if-none-match") == etag:
            # GitHub: a 304 does not count against the primary rate limit.
            return self._with_limits(Response(304, None, {"ETag": etag}), counted=False)
        return self._with_limits(resp, counted=True)

    def _route_repo_ok(self, req: Request) -> bool:
        parts = req.path.split("/repos/", 1)
        if len(parts) != 2:
            return True
        owner_name = "/".join(parts[1].split("/")[:2])
        return owner_name.lower() == self.repo.lower() or any(
            owner_name.lower() == r.lower() for r, _ in self.elsewhere
        )

    def _moved(self, req: Request) -> Response | None:
        """410 for a deleted issue, 301 for a transferred one (GitHub's answers)."""
        if f"{req.match.get('owner')}/{req.match.get('name')}".lower() != self.repo.lower():
            return None
        number = int(req.match["number"])
        if number in self.deleted:
            return Response(410, {"message": "This issue was deleted"})
        if number in self.transferred:
            repo, new = self.transferred[number]
            rest = req.path.split(f"/issues/{number}", 1)[1]
            where = f"{self.api}/repositories/{zlib.crc32(repo.encode())}/issues/{new}{rest}"
            return Response(
                301, {"message": "Moved Permanently", "url": where}, {"Location": where}
            )
        return None

    def _issue_at(self, req: Request) -> dict[str, Any] | None:
        """The issue a `/repos/{owner}/{name}/issues/{number}` path names, in any repo."""
        repo = f"{req.match['owner']}/{req.match['name']}"
        number = int(req.match["number"])
        if repo.lower() == self.repo.lower():
            return self.issues.get(number)
        return next(
            (
                i
                for (r, n), i in self.elsewhere.items()
                if r.lower() == repo.lower() and n == number
            ),
            None,
        )

    @route("GET", r"(?:/api/v3)?/repositories/(?P<rid>\d+)/issues/(?P<number>\d+)")
    def get_issue_by_repository_id(self, req: Request) -> Response:
        number = int(req.match["number"])
        for (repo, n), issue in self.elsewhere.items():
            if n == number and zlib.crc32(repo.encode()) == int(req.match["rid"]):
                return Response(200, issue)
        return Response(404, {"message": "Not Found"})

    def _with_limits(self, resp: Response, counted: bool) -> Response:
        if counted and self.rate_remaining > 0:
            self.rate_remaining -= 1
        resp.headers.update(
            {
                "x-ratelimit-limit": str(self.rate_limit),
                "x-ratelimit-remaining": str(self.rate_remaining),
                "x-ratelimit-used": str(self.rate_limit - self.rate_remaining),
                "x-ratelimit-reset": str(self.rate_reset_at),
                "x-ratelimit-resource": "core",
                "X-GitHub-Api-Version-Selected": "2022-11-28",
            }
        )
        return resp

    def _rate_limit(self) -> Response:
        core = {
            "limit": self.rate_limit,
            "remaining": self.rate_remaining,
            "used": self.rate_limit - self.rate_remaining,
            "reset": self.rate_reset_at,
        }
        return Response(200, {"resources": {"core": core}, "rate": core})

    @route("GET", _REPO)
    def get_repo(self, req: Request) -> Response:
        owner, name = self.repo.split("/")
        return Response(
            200,
            {
                "id": 1,
                "name": name,
                "full_name": self.repo,
                "owner": {"login": owner},
                "has_issues": True,
                "url": f"{self.api}/repos/{self.repo}",
                "html_url": f"{self.url}/{self.repo}",
            },
        )

    @route("GET", _REPO + r"/issues")
    def list_issues(self, req: Request) -> Response:
        state = req.arg("state", "open")
        sort = req.arg("sort", "created")
        direction = req.arg("direction", "desc")
        if state not in ("open", "closed", "all") or sort not in ("created", "updated", "comments"):
            return Response(422, {"message": "Validation Failed"})
        if direction not in ("asc", "desc"):
            return Response(422, {"message": "Validation Failed"})
        issues = [i for i in self.issues.values() if state in ("all", i["state"])]
        if wanted := [x.strip().lower() for x in (req.arg("labels") or "").split(",") if x]:
            issues = [i for i in issues if set(wanted) <= {x["name"].lower() for x in i["labels"]}]
        if creator := req.arg("creator"):
            issues = [i for i in issues if i["user"]["login"].lower() == creator.lower()]
        if since := req.arg("since"):
            if (cut := _parse_since(since)) is None:
                return Response(422, {"message": "Validation Failed"})
            issues = [i for i in issues if i["updated_at"] >= cut]
        key = {"created": "created_at", "updated": "updated_at", "comments": "comments"}[sort]
        issues.sort(key=lambda i: (i[key], i["number"]), reverse=direction == "desc")
        return self._page(req, issues)

    @route("POST", _REPO + r"/issues")
    def create_issue(self, req: Request) -> Response:
        data = req.json() or {}
        if not isinstance(data.get("title"), str) or not data["title"]:
            return Response(422, {"message": "Validation Failed", "errors": [{"field": "title"}]})
        assignees = list(
            data.get("assignees") or ([data["assignee"]] if data.get("assignee") else [])
        )
        issue = self._new(
            data["title"], data.get("body") or "", data.get("labels") or [], assignees
        )
        return Response(201, issue, {"Location": issue["url"]})

    @route("GET", _REPO + r"/issues/(?P<number>\d+)")
    def get_issue(self, req: Request) -> Response:
        if (moved := self._moved(req)) is not None:
            return moved
        issue = self._issue_at(req)
        if issue is None:
            return Response(404, {"message": "Not Found"})
        return Response(200, issue, {"ETag": self._etag(req, issue)})

    @route("PATCH", _REPO + r"/issues/(?P<number>\d+)")
    def patch_issue(self, req: Request) -> Response:
        if (moved := self._moved(req)) is not None:
            return moved
        issue = self._issue_at(req)
        if issue is None:
            return Response(404, {"message": "Not Found"})
        data = req.json() or {}
        if data.get("state") not in (None, "open", "closed"):
            return Response(422, {"message": "Validation Failed"})
        if data.get("state_reason") not in (
            None,
            "completed",
            "not_planned",
            "duplicate",
            "reopened",
        ):
            return Response(422, {"message": "Validation Failed"})
        self._edit(issue, data)
        return Response(200, issue)

    @route("POST", _REPO + r"/issues/(?P<number>\d+)/labels")
    def add_labels(self, req: Request) -> Response:
        if (moved := self._moved(req)) is not None:
            return moved
        issue = self._issue_at(req)
        if issue is None:
            return Response(404, {"message": "Not Found"})
        data = req.json()
        names = data.get("labels") if isinstance(data, dict) else data
        if not isinstance(names, list) or not names:
            return Response(422, {"message": "Validation Failed"})
        self._add_labels(issue, [str(n) for n in names])
        return Response(200, issue["labels"])

    @route("DELETE", _REPO + r"/issues/(?P<number>\d+)/labels/(?P<label>.+)")
    def delete_label(self, req: Request) -> Response:
        if (moved := self._moved(req)) is not None:
            return moved
        issue = self._issue_at(req)
        if issue is None:
            return Response(404, {"message": "Not Found"})
        name = unquote(req.match["label"]).lower()
        kept = [x for x in issue["labels"] if x["name"].lower() != name]
        if len(kept) == len(issue["labels"]):
            return Response(404, {"message": "Label does not exist"})
        issue["labels"] = kept
        self._touch(issue)
        return Response(200, kept)

    @route("GET", _REPO + r"/issues/(?P<number>\d+)/comments")
    def list_comments(self, req: Request) -> Response:
        if (moved := self._moved(req)) is not None:
            return moved
        issue = self._issue_at(req)
        if issue is None:
            return Response(404, {"message": "Not Found"})
        number = int(req.match["number"])
        notes = self.comments.get(number if issue in self.issues.values() else -number, [])
        if since := req.arg("since"):
            if (cut := _parse_since(since)) is None:
                return Response(422, {"message": "Validation Failed"})
            notes = [c for c in notes if c["updated_at"] >= cut]
        return self._page(req, notes)

    @route("POST", _REPO + r"/issues/(?P<number>\d+)/comments")
    def create_comment(self, req: Request) -> Response:
        if (moved := self._moved(req)) is not None:
            return moved
        number = int(req.match["number"])
        if number not in self.issues:
            return Response(404, {"message": "Not Found"})
        body = (req.json() or {}).get("body")
        if not isinstance(body, str) or not body:
            return Response(422, {"message": "Validation Failed"})
        return Response(201, self.comment(number, body, user="syncd-bot"))

    # -- internals ---------------------------------------------------------------------------
    @staticmethod
    def _now() -> datetime:
        return datetime.now(UTC).replace(microsecond=0)

    def _page(self, req: Request, rows: list[dict[str, Any]]) -> Response:
        try:
            per_page = min(max(int(req.arg("per_page", "30") or 30), 1), 100)
            page = max(int(req.arg("page", "1") or 1), 1)
        except ValueError:
            return Response(422, {"message": "Validation Failed"})
        last = max((len(rows) + per_page - 1) // per_page, 1)
        body = rows[(page - 1) * per_page : page * per_page]
        links = []
        query = {k: v[0] for k, v in req.query.items() if k != "page"}

        def link(p: int, rel: str) -> str:
            return f'<{self.url}{req.path}?{urlencode({**query, "page": p})}>; rel="{rel}"'

        if page > 1:
            links += [link(page - 1, "prev"), link(1, "first")]
        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        headers = {"ETag": self._etag(req, body)}
        if links:
            headers["Link"] = ", ".join(links)
        return Response(200, body, headers)

    @staticmethod
    def _etag(req: Request, body: Any) -> str:
        url = req.path + "?" + urlencode(sorted((k, v[0]) for k, v in req.query.items()))
        digest = hashlib.sha256((url + json.dumps(body, sort_keys=True)).encode()).hexdigest()
        return f'W/"{digest[:32]}"'

    def _label(self, name: str) -> dict[str, Any]:
        return {
            "id": zlib.crc32(name.lower().encode()),
            "name": name,
            "color": "ededed",
            "default": False,
            "description": None,
            "url": f"{self.api}/repos/{self.repo}/labels/{name}",
        }

    def _new(
        self,
        title: str,
        body: str,
        labels: list[str],
        assignees: list[str],
        state: str = "open",
    ) -> dict[str, Any]:
        # GitHub never gives a number twice, also after a delete or a transfer.
        n = max([*self.issues, *self.deleted, *self.transferred], default=0) + 1
        now = _stamp(self._now())
        api = f"{self.api}/repos/{self.repo}/issues/{n}"
        issue: dict[str, Any] = {
            "id": next(self._ids),
            "node_id": f"I_{n}",
            "url": api,
            "repository_url": f"{self.api}/repos/{self.repo}",
            "labels_url": api + "/labels{/name}",
            "comments_url": api + "/comments",
            "html_url": f"{self.url}/{self.repo}/issues/{n}",
            "number": n,
            "state": "open",
            "state_reason": None,
            "title": title,
            "body": body,
            "user": {"login": "syncd-bot"},
            "labels": [],
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "locked": False,
            "comments": 0,
            "created_at": now,
            "updated_at": now,
            "closed_at": None,
            "author_association": "MEMBER",
        }
        self._add_labels(issue, labels, touch=False)
        self._set_assignees(issue, assignees)
        self.issues[n] = issue
        if state == "closed":
            self._edit(issue, {"state": "closed"})
        return issue

    def _set_assignees(self, issue: dict[str, Any], logins: list[str]) -> None:
        issue["assignees"] = [{"login": login} for login in dict.fromkeys(logins)]
        issue["assignee"] = issue["assignees"][0] if issue["assignees"] else None

    def _add_labels(self, issue: dict[str, Any], names: list[str], touch: bool = True) -> None:
        have = {x["name"].lower() for x in issue["labels"]}
        new = [self._label(n) for n in dict.fromkeys(names) if n.lower() not in have]
        if new:
            issue["labels"] = issue["labels"] + new
            if touch:
                self._touch(issue)

    def _edit(self, issue: dict[str, Any], data: dict[str, Any]) -> None:
        before = json.dumps(issue, sort_keys=True)
        for name in ("title", "body"):
            if isinstance(data.get(name), str):
                issue[name] = data[name]
        if "labels" in data and isinstance(data["labels"], list):
            issue["labels"] = []
            self._add_labels(issue, [str(x) for x in data["labels"]], touch=False)
        if "assignees" in data and isinstance(data["assignees"], list):
            self._set_assignees(issue, [str(x) for x in data["assignees"]])
        state = data.get("state")
        # GitHub: `state_reason` is ignored unless `state` changes.
        if state == "closed" and issue["state"] == "open":
            issue.update(
                state="closed",
                state_reason=data.get("state_reason") or "completed",
                closed_at=_stamp(self._now()),
            )
        elif state == "open" and issue["state"] == "closed":
            issue.update(state="open", state_reason="reopened", closed_at=None)
        if json.dumps(issue, sort_keys=True) != before:
            self._touch(issue)

    def _touch(self, issue: dict[str, Any]) -> None:
        issue["updated_at"] = _stamp(self._now())
