"""A loopback GitLab REST v4 fake: the issues subset syncd uses, faithful enough for python-gitlab.

Facts followed (tracker-apis.md §2, docs.gitlab.com/api/issues, /api/notes, /api/rest):
- the project id is numeric or a URL-encoded path (`grp%2Fsub%2Fproj`);
- `updated_after`/`updated_before` are inclusive; timestamps have millisecond precision and `Z`;
- offset pagination: `per_page` default 20, max 100, headers Link / x-page / x-next-page
  (empty on the last page) / x-prev-page / x-per-page / x-total / x-total-pages;
- `PRIVATE-TOKEN` (or `Authorization: Bearer`) is required, 401 otherwise;
- every response carries RateLimit-* headers; throttled requests get 429, with or without
  Retry-After (GitLab.com sometimes omits it: gitlab-org/gitlab#365728);
- label changes and closing/reopening add system notes; any change bumps `updated_at`;
- a label that does not exist is created on first use (GitLab does this too);
- a deleted issue answers 404; a moved one stays, closed, with `moved_to_id` and the system
  note "moved to group/project#iid", and the project it went to is served too.
"""

from __future__ import annotations

import math
import operator
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import unquote, urlencode

from tests.fakes.base import FakeServer, Request, Response, route

TOKEN = "glpat-fake-token"
_P = r"/api/v4/projects/(?P<pid>[^/]+)"


def iso_ms(dt: datetime) -> str:
    """GitLab's timestamp format: `2026-06-01T12:00:00.123Z`."""
    dt = dt.astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def _parse_time(text: str) -> datetime:
    dt = datetime.fromisoformat(text.strip())
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _names(value: Any) -> list[str]:
    """Labels arrive as a JSON list or a comma-separated string."""
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v).strip() for v in value if str(v).strip()]


class FakeGitLab(FakeServer):
    """One GitLab instance with one project (`path`), its issues, notes, labels and users."""

    poll_interval = 0.02  # a fresh fake per test: keep stop() quick

    def __init__(
        self,
        path: str = "grp/sub/proj",
        project_id: int = 42,
        token: str = TOKEN,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.path = path
        self.project_id = project_id
        self.token = token
        self.now = now or (lambda: datetime.now(UTC))
        self.issues: dict[int, dict[str, Any]] = {}
        self.notes: dict[int, list[dict[str, Any]]] = {}
        self.elsewhere: dict[tuple[str, int], dict[str, Any]] = {}  # moved-to issues
        self.labels: set[str] = set()
        self.users: dict[str, dict[str, Any]] = {}
        self._next_id = 1000
        self._next_note_id = 5000
        # Rate limit: a window of `rate_limit` requests; when `remaining` hits 0, 429 until reset.
        self.rate_limit = 2000
        self.remaining = self.rate_limit
        self.reset_at = math.ceil(time.time()) + 60
        self.throttled = 0  # the next N requests are answered 429
        self.retry_after: int | None = 60  # for `throttled`; None: no rate-limit headers at all
        self.on_request: Callable[[Request], None] | None = None  # act mid-listing, as a person
        self.bot = self.add_user("syncd-bot", 1)
        self.person = self.add_user("person", 2)

    # -- levers a test uses to act as a person in the UI -------------------------------------
    def add_user(self, username: str, user_id: int | None = None) -> dict[str, Any]:
        with self.lock:
            uid = user_id or 100 + len(self.users)
            user = {
                "id": uid,
                "username": username,
                "name": username.title(),
                "state": "active",
                "avatar_url": None,
                "web_url": f"{self.base}/{username}",
            }
            self.users[username] = user
            return user

    def throttle(self, count: int = 1, retry_after: int | None = 60) -> None:
        """Answer the next `count` requests with 429; `retry_after=None` sends no headers."""
        with self.lock:
            self.throttled = count
            self.retry_after = retry_after

    def seed_issues(self, count: int, **fields: Any) -> list[int]:
        """Create `count` issues as a person would; returns their iids."""
        return [
            self._create({"title": f"Seeded issue {n}", **fields}, self.person)["iid"]
            for n in range(count)
        ]

    def close(self, iid: int, wont_do_label: str | None = None, note: str | None = None) -> None:
        with self.lock:
            if note is not None:
                self.add_note(iid, note)
            data: dict[str, Any] = {"state_event": "close"}
            if wont_do_label:
                data["add_labels"] = wont_do_label
            self._edit(iid, data, self.person)

    def reopen(self, iid: int) -> None:
        with self.lock:
            self._edit(iid, {"state_event": "reopen"}, self.person)

    def add_label(self, iid: int, label: str) -> None:
        with self.lock:
            self._edit(iid, {"add_labels": label}, self.person)

    def remove_label(self, iid: int, label: str) -> None:
        with self.lock:
            self._edit(iid, {"remove_labels": label}, self.person)

    def edit(self, iid: int, **fields: Any) -> None:
        with self.lock:
            self._edit(iid, fields, self.person)

    def add_note(self, iid: int, body: str, system: bool = False) -> dict[str, Any]:
        with self.lock:
            return self._note(iid, body, self.person, system=system)

    def delete(self, iid: int) -> None:
        """Delete an issue (an administrator's act): it answers 404 from now on."""
        with self.lock:
            del self.issues[iid]
            del self.notes[iid]

    def move(self, iid: int, path: str) -> int:
        """Move an issue to project `path`, as GitLab does: a copy there, the original closed
        with `moved_to_id` and a system note. Returns the new iid."""
        with self.lock:
            old = self.issues[iid]
            self._next_id += 1
            new_iid = 1 + max((n for p, n in self.elsewhere if p == path), default=0)
            stamp = self._stamp()
            copy = {
                **old,
                "id": self._next_id,
                "iid": new_iid,
                "project_id": self.project_id + 1,
                "web_url": f"{self.base}/{path}/-/issues/{new_iid}",
                "updated_at": stamp,
                "moved_to_id": None,
            }
            self.elsewhere[(path, new_iid)] = copy
            self._edit(iid, {"state_event": "close"}, self.person)
            old["moved_to_id"] = copy["id"]
            self._note(iid, f"moved to {path}#{new_iid}", self.person, system=True)
            return new_iid

    def issue(self, iid: int) -> dict[str, Any]:
        with self.lock:
            return dict(self.issues[iid])

    def issue_count(self) -> int:
        with self.lock:
            return len(self.issues)

    # -- plumbing ------------------------------------------------------------------------------
    @property
    def base(self) -> str:
        return self.url if self._httpd is not None else "http://gitlab.invalid"

    def _stamp(self) -> str:
        return iso_ms(self.now())

    def _ratelimit_headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.rate_limit),
            "RateLimit-Observed": str(self.rate_limit - self.remaining),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_at),
            "RateLimit-ResetTime": datetime.fromtimestamp(self.reset_at, UTC).strftime(
                "%a, %d %b %Y %H:%M:%S GMT"
            ),
        }

    def _handle(self, req: Request) -> Response:
        with self.lock:
            if self.token not in (
                req.headers.get("private-token"),
                req.headers.get("authorization", "").removeprefix("Bearer "),
            ):
                return Response(401, {"message": "401 Unauthorized"})
            if time.time() >= self.reset_at:
                self.remaining, self.reset_at = self.rate_limit, math.ceil(time.time()) + 60
            if self.throttled > 0:
                self.throttled -= 1
                if self.retry_after is None:  # the bare 429 of gitlab-org/gitlab#365728
                    return Response(429, {"message": "Retry later"})
                headers = {**self._ratelimit_headers(), "Retry-After": str(self.retry_after)}
                return Response(429, {"message": "Retry later"}, headers)
            if self.remaining <= 0:
                wait = max(1, self.reset_at - math.floor(time.time()))
                headers = {**self._ratelimit_headers(), "Retry-After": str(wait)}
                return Response(429, {"message": "Retry later"}, headers)
            self.remaining -= 1
            if self.on_request is not None:
                self.on_request(req)
            resp = super()._handle(req)
            resp.headers = {**self._ratelimit_headers(), **resp.headers}
            return resp

    def _project_ok(self, req: Request) -> bool:
        pid = unquote(req.match["pid"])
        return pid == str(self.project_id) or pid.casefold() == self.path.casefold()

    def _web_url(self, iid: int) -> str:
        return f"{self.base}/{self.path}/-/issues/{iid}"

    def _create(self, data: dict[str, Any], author: dict[str, Any]) -> dict[str, Any]:
        self._next_id += 1
        iid = max(self.issues, default=0) + 1
        stamp = self._stamp()
        labels = sorted(dict.fromkeys(_names(data.get("labels"))))
        self.labels.update(labels)
        issue = {
            "id": self._next_id,
            "iid": iid,
            "project_id": self.project_id,
            "title": data["title"],
            "description": data.get("description"),
            "state": "opened",
            "created_at": stamp,
            "updated_at": stamp,
            "closed_at": None,
            "closed_by": None,
            "labels": labels,
            "milestone": None,
            "assignees": self._assignees(data),
            "author": author,
            "type": "ISSUE",
            "issue_type": "issue",
            "user_notes_count": 0,
            "due_date": data.get("due_date") or None,
            "confidential": bool(data.get("confidential", False)),
            "web_url": self._web_url(iid),
            "references": {
                "short": f"#{iid}",
                "relative": f"#{iid}",
                "full": f"{self.path}#{iid}",
            },
            "moved_to_id": None,
        }
        issue["assignee"] = issue["assignees"][0] if issue["assignees"] else None
        self.issues[iid] = issue
        self.notes[iid] = []
        return issue

    def _assignees(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        ids = data.get("assignee_ids")
        if ids is None and data.get("assignee_id") is not None:
            ids = [data["assignee_id"]]
        by_id = {u["id"]: u for u in self.users.values()}
        return [by_id[int(i)] for i in ids or () if int(i) in by_id]

    def _edit(self, iid: int, data: dict[str, Any], who: dict[str, Any]) -> dict[str, Any]:
        issue = self.issues[iid]
        before = dict(issue)
        system: list[str] = []
        for name in ("title", "description"):
            if name in data:
                issue[name] = data[name]
        if "due_date" in data:
            issue["due_date"] = data["due_date"] or None
        if "assignee_ids" in data or "assignee_id" in data:
            issue["assignees"] = self._assignees(data)
            issue["assignee"] = issue["assignees"][0] if issue["assignees"] else None
        labels = list(issue["labels"])
        if "labels" in data:
            labels = _names(data["labels"])
        labels += [n for n in _names(data.get("add_labels")) if n not in labels]
        removed = set(_names(data.get("remove_labels")))
        labels = sorted(dict.fromkeys(n for n in labels if n not in removed))
        added_now = [n for n in labels if n not in issue["labels"]]
        removed_now = [n for n in issue["labels"] if n not in labels]
        self.labels.update(added_now)
        issue["labels"] = labels
        if added_now:
            system.append("added " + " ".join(f"~{n}" for n in added_now) + " label")
        if removed_now:
            system.append("removed " + " ".join(f"~{n}" for n in removed_now) + " label")
        event = data.get("state_event")
        if event == "close" and issue["state"] == "opened":
            issue.update(state="closed", closed_at=self._stamp(), closed_by=who)
            system.append("closed")
        elif event == "reopen" and issue["state"] == "closed":
            issue.update(state="opened", closed_at=None, closed_by=None)
            system.append("reopened")
        if issue != before:
            issue["updated_at"] = self._stamp()
        for body in system:
            self._note(iid, body, who, system=True)
        return issue

    def _note(
        self, iid: int, body: str, author: dict[str, Any], system: bool = False
    ) -> dict[str, Any]:
        self._next_note_id += 1
        stamp = self._stamp()
        note = {
            "id": self._next_note_id,
            "type": None,
            "body": body,
            "author": author,
            "created_at": stamp,
            "updated_at": stamp,
            "system": system,
            "noteable_id": self.issues[iid]["id"],
            "noteable_type": "Issue",
            "noteable_iid": iid,
            "project_id": self.project_id,
            "resolvable": False,
            "confidential": False,
            "internal": False,
        }
        self.notes[iid].append(note)
        issue = self.issues[iid]
        if not system:
            issue["user_notes_count"] += 1
        issue["updated_at"] = stamp  # a note touches its issue (Note#touch_noteable)
        return note

    def _page(self, req: Request, rows: list[dict[str, Any]]) -> Response:
        try:
            page = max(1, int(req.arg("page") or 1))
            per_page = int(req.arg("per_page") or 20)
        except ValueError:
            return Response(400, {"error": "page is invalid"})
        per_page = 20 if per_page < 1 else min(per_page, 100)
        total = len(rows)
        pages = max(1, math.ceil(total / per_page))
        chunk = rows[(page - 1) * per_page : page * per_page]

        def link(n: int) -> str:
            query = {k: v for k, v in req.query.items() if k not in ("page", "per_page")}
            pairs = [(k, v) for k, vs in query.items() for v in vs]
            pairs += [("page", str(n)), ("per_page", str(per_page))]
            return f"{self.url}{req.path}?{urlencode(pairs)}"

        links = []
        if page > 1:
            links.append(f'<{link(page - 1)}>; rel="prev"')
        if page < pages:
            links.append(f'<{link(page + 1)}>; rel="next"')
        links += [f'<{link(1)}>; rel="first"', f'<{link(pages)}>; rel="last"']
        headers = {
            "Link": ", ".join(links),
            "x-page": str(page),
            "x-next-page": str(page + 1) if page < pages else "",
            "x-prev-page": str(page - 1) if page > 1 else "",
            "x-per-page": str(per_page),
            "x-total": str(total),
            "x-total-pages": str(pages),
        }
        return Response(200, chunk, headers)

    # -- routes --------------------------------------------------------------------------------
    @route("GET", _P)
    def get_project(self, req: Request) -> Response:
        if not self._project_ok(req):
            return Response(404, {"message": "404 Project Not Found"})
        return Response(
            200,
            {
                "id": self.project_id,
                "path": self.path.rsplit("/", 1)[-1],
                "path_with_namespace": self.path,
                "web_url": f"{self.base}/{self.path}",
                "issues_enabled": True,
            },
        )

    @route("GET", _P + r"/issues")
    def list_issues(self, req: Request) -> Response:
        if not self._project_ok(req):
            return Response(404, {"message": "404 Project Not Found"})
        rows = list(self.issues.values())
        state = req.arg("state", "all")
        if state in ("opened", "closed"):
            rows = [r for r in rows if r["state"] == state]
        wanted = _names(req.arg("labels"))
        if wanted == ["None"]:
            rows = [r for r in rows if not r["labels"]]
        elif wanted == ["Any"]:
            rows = [r for r in rows if r["labels"]]
        elif wanted:
            rows = [r for r in rows if all(w in r["labels"] for w in wanted)]
        iids = {int(v) for v in req.query.get("iids[]", []) if v.isdigit()}
        if iids:
            rows = [r for r in rows if r["iid"] in iids]
        for name, keep in (
            ("updated_after", operator.ge),
            ("updated_before", operator.le),
            ("created_after", operator.ge),
            ("created_before", operator.le),
        ):
            raw = req.arg(name)
            if raw:
                try:
                    limit = _parse_time(raw)
                except ValueError:
                    return Response(400, {"error": f"{name} is invalid"})
                field = name.split("_")[0] + "_at"
                rows = [r for r in rows if keep(_parse_time(r[field]), limit)]
        order = req.arg("order_by", "created_at")
        if order not in ("created_at", "updated_at"):
            return Response(400, {"error": "order_by does not have a valid value"})
        rows.sort(key=lambda r: (_parse_time(r[order]), r["id"]), reverse=req.arg("sort") != "asc")
        return self._page(req, rows)

    @route("POST", _P + r"/issues")
    def create_issue(self, req: Request) -> Response:
        if not self._project_ok(req):
            return Response(404, {"message": "404 Project Not Found"})
        data = req.json() or {}
        if not str(data.get("title") or "").strip():
            return Response(400, {"error": "title is missing"})
        if data.get("due_date"):
            try:
                date.fromisoformat(data["due_date"])
            except ValueError:
                return Response(400, {"error": "due_date is invalid"})
        return Response(201, self._create(data, self.bot))

    @route("GET", _P + r"/issues/(?P<iid>\d+)")
    def get_issue(self, req: Request) -> Response:
        iid = int(req.match["iid"])
        moved = self.elsewhere.get((unquote(req.match["pid"]), iid))
        if moved is not None:
            return Response(200, moved)
        if not self._project_ok(req) or iid not in self.issues:
            return Response(404, {"message": "404 Not found"})
        return Response(200, self.issues[iid])

    @route("PUT", _P + r"/issues/(?P<iid>\d+)")
    def update_issue(self, req: Request) -> Response:
        iid = int(req.match["iid"])
        if not self._project_ok(req) or iid not in self.issues:
            return Response(404, {"message": "404 Not found"})
        data = req.json() or {}
        if data.get("state_event") not in (None, "close", "reopen"):
            return Response(400, {"error": "state_event does not have a valid value"})
        return Response(200, self._edit(iid, data, self.bot))

    @route("GET", _P + r"/issues/(?P<iid>\d+)/notes")
    def list_notes(self, req: Request) -> Response:
        iid = int(req.match["iid"])
        if (unquote(req.match["pid"]), iid) in self.elsewhere:
            return self._page(req, [])
        if not self._project_ok(req) or iid not in self.issues:
            return Response(404, {"message": "404 Not found"})
        order = req.arg("order_by", "created_at")
        if order not in ("created_at", "updated_at"):
            return Response(400, {"error": "order_by does not have a valid value"})
        rows = sorted(
            self.notes[iid],
            key=lambda n: (n[order], n["id"]),
            reverse=req.arg("sort", "desc") != "asc",
        )
        return self._page(req, rows)

    @route("POST", _P + r"/issues/(?P<iid>\d+)/notes")
    def create_note(self, req: Request) -> Response:
        iid = int(req.match["iid"])
        if not self._project_ok(req) or iid not in self.issues:
            return Response(404, {"message": "404 Not found"})
        body = (req.json() or {}).get("body")
        if not body:
            return Response(400, {"error": "body is missing"})
        return Response(201, self._note(iid, body, self.bot))

    @route("GET", r"/api/v4/users")
    def list_users(self, req: Request) -> Response:
        name = req.arg("username")
        rows = list(self.users.values())
        if name is not None:
            rows = [u for u in rows if u["username"].casefold() == name.casefold()]
        return self._page(req, rows)
