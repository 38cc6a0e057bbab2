"""A loopback Jira REST v2 fake: the issue subset syncd uses, faithful enough for `jira` 3.10.

Facts followed (tracker-apis.md §3, Jira Cloud platform REST v2/v3 OpenAPI):
- Cloud searches go through `GET|POST /rest/api/2/search/jql`: `nextPageToken` paging, no
  `total`, `isLast`, `maxResults` capped at 100, default fields `id` only, and the JQL must be
  bounded; the old `/rest/api/2/search` answers 410 on Cloud (pycontribs/jira#2367) and keeps
  `startAt`/`total` on Data Center;
- `updated >= <epoch ms>` has minute granularity (the bound is floored to the minute);
- search is eventually consistent: `search_lag` seconds pass before a new issue is searchable;
- `updated` looks like `2026-11-23T10:00:00.000+0000`;
- auth: Basic email:token (Cloud) or Bearer PAT (Data Center), 401 otherwise;
- every response carries X-RateLimit-* headers; throttled requests get 429 + Retry-After;
- workflow To Do (new) → In Progress (indeterminate) → Done (done); the resolution field may be
  left off the transition screen (`resolution_on_screen=False` → 400 when it is sent);
- entity properties: issue properties (set on create with `properties`, read with
  `?properties=KEY` on GET and search, and at `/issue/{id}/properties/{key}`) and comment
  properties (set on create, listed with `expand=properties`, and at
  `/comment/{id}/properties/{key}`); issue links (`POST /issueLink`);
- a moved issue keeps its id and gets a new key; the old key still finds it; a deleted one
  answers 404.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.fakes.base import FakeServer, Request, Response, route

TOKEN = "jira-fake-token"
EMAIL = "bot@example.com"
_API = "/rest/api/2"
_ISSUE = _API + r"/issue/(?P<ref>[^/]+)"

STATUSES: dict[str, dict[str, Any]] = {
    "To Do": {"id": "10000", "name": "To Do", "statusCategory": {"id": 2, "key": "new"}},
    "In Progress": {
        "id": "3",
        "name": "In Progress",
        "statusCategory": {"id": 4, "key": "indeterminate"},
    },
    "Done": {"id": "10001", "name": "Done", "statusCategory": {"id": 3, "key": "done"}},
}
TRANSITIONS = {"11": "To Do", "21": "In Progress", "31": "Done"}
TRANSITION_NAMES = {"11": "Reopen", "21": "Start Progress", "31": "Done"}
RESOLUTIONS = ("Done", "Won't Do", "Duplicate", "Cannot Reproduce")
FIELDS = (
    "summary",
    "description",
    "status",
    "resolution",
    "labels",
    "updated",
    "created",
    "resolutiondate",
    "assignee",
    "duedate",
    "project",
    "issuetype",
)
_CLAUSE = re.compile(
    r'(?P<field>project|labels|updated|id|key)\s*(?P<op>=|>=)\s*"?(?P<value>[^"]*?)"?\s*'
)


def jira_time(dt: datetime) -> str:
    """Jira's timestamp format: `2026-11-23T10:00:00.000+0000`."""
    dt = dt.astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}+0000"


def _parse_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")


def _error(status: int, *messages: str, **errors: str) -> Response:
    return Response(status, {"errorMessages": list(messages), "errors": errors})


class FakeJira(FakeServer):
    """One Jira site with one project (`key`): issues, comments, labels, a 3-status workflow."""

    poll_interval = 0.02  # a fresh fake per test: keep stop() quick

    def __init__(
        self,
        cloud: bool = True,
        key: str = "OPS",
        token: str = TOKEN,
        email: str = EMAIL,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.cloud = cloud
        self.key = key
        self.token = token
        self.email = email
        self.now = now or (lambda: datetime.now(UTC))
        self.issues: dict[str, dict[str, Any]] = {}  # by id
        self.properties: dict[str, dict[str, Any]] = {}  # issue id → key → value
        self.comment_properties: dict[str, dict[str, Any]] = {}  # comment id → key → value
        self.old_keys: dict[str, str] = {}  # key before a move → issue id
        self.links: list[dict[str, Any]] = []
        self.comments: dict[str, list[dict[str, Any]]] = {}
        self.visible_at: dict[str, float] = {}  # id → monotonic time it becomes searchable
        self.search_lag = 0.0
        self.resolution_on_screen = True
        self._next_id = 10000
        self._next_num = 0
        self._next_comment = 20000
        self._last_stamp = datetime.min.replace(tzinfo=UTC)
        self.rate_limit = 1000
        self.remaining = self.rate_limit
        self.throttled = 0  # the next N requests are answered 429
        self.retry_after = 60

    # -- levers a test uses to act as a person in the UI -------------------------------------
    def throttle(self, count: int = 1, retry_after: int = 60) -> None:
        with self.lock:
            self.throttled, self.retry_after = count, retry_after

    def catch_up_index(self) -> None:
        """The search index catches up: every issue created so far becomes searchable now."""
        with self.lock:
            now = time.monotonic()
            for issue_id, at in self.visible_at.items():
                self.visible_at[issue_id] = min(at, now)

    def seed_issues(self, count: int, **fields: Any) -> list[str]:
        """Create `count` issues as a person would; returns their ids."""
        with self.lock:
            return [
                self._create({"summary": f"Seeded issue {n}", **fields})["id"] for n in range(count)
            ]

    def transition(self, issue_id: str, status: str, resolution: str | None = None) -> None:
        with self.lock:
            self._move(self.issues[issue_id], status, resolution)

    def add_label(self, issue_id: str, label: str) -> None:
        with self.lock:
            issue = self.issues[issue_id]
            if label not in issue["fields"]["labels"]:
                issue["fields"]["labels"].append(label)
                self._touch(issue)

    def comment(self, issue_id: str, body: str) -> dict[str, Any]:
        with self.lock:
            return self._comment(self.issues[issue_id], body, "Person")

    def delete(self, issue_id: str) -> None:
        with self.lock:
            del self.issues[issue_id]

    def move(self, issue_id: str, project: str) -> str:
        """Move an issue to another project: same id, a new key; returns the key."""
        with self.lock:
            issue = self.issues[issue_id]
            self.old_keys[issue["key"]] = issue_id
            self._next_num += 1
            issue["key"] = f"{project}-{self._next_num}"
            issue["fields"]["project"] = {"key": project, "id": "10001", "name": project}
            self._touch(issue)
            return str(issue["key"])

    def issue(self, issue_id: str) -> dict[str, Any]:
        with self.lock:
            return json.loads(json.dumps(self.issues[issue_id]))  # type: ignore[no-any-return]

    def ticket_count(self) -> int:
        with self.lock:
            return len(self.issues)

    # -- plumbing ------------------------------------------------------------------------------
    def _stamp(self) -> str:
        # Strictly increasing, so every change is a new (id, updated) pair.
        now = self.now().astimezone(UTC).replace(microsecond=self.now().microsecond // 1000 * 1000)
        if now <= self._last_stamp:
            now = self._last_stamp + timedelta(milliseconds=1)
        self._last_stamp = now
        return jira_time(now)

    def _touch(self, issue: dict[str, Any]) -> None:
        issue["fields"]["updated"] = self._stamp()

    def _rate_headers(self) -> dict[str, str]:
        reset = (self.now() + timedelta(seconds=self.retry_after)).strftime("%Y-%m-%dT%H:%MZ")
        return {
            "X-RateLimit-Limit": str(self.rate_limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-NearLimit": str(self.remaining < self.rate_limit // 5).lower(),
            "X-RateLimit-Reset": reset,
        }

    def _authorized(self, req: Request) -> bool:
        auth = req.headers.get("authorization", "")
        if self.cloud:
            basic = base64.b64encode(f"{self.email}:{self.token}".encode()).decode()
            return auth == f"Basic {basic}"
        return auth == f"Bearer {self.token}"

    def _handle(self, req: Request) -> Response:
        with self.lock:
            if not self._authorized(req):
                return _error(401, "You are not authenticated. Authentication required.")
            if self.throttled > 0 or self.remaining <= 0:
                self.throttled = max(0, self.throttled - 1)
                headers = {
                    **self._rate_headers(),
                    "Retry-After": str(self.retry_after),
                    "RateLimit-Reason": "jira-burst-based",
                }
                return Response(429, {"errorMessages": ["Rate limit exceeded."]}, headers)
            self.remaining -= 1
            resp = super()._handle(req)
            resp.headers = {**self._rate_headers(), **resp.headers}
            return resp

    def _json(
        self, issue: dict[str, Any], fields: list[str] | None, properties: list[str] | None = None
    ) -> dict[str, Any]:
        wanted = FIELDS if fields is None or "*all" in fields or "*navigable" in fields else fields
        picked = {k: v for k, v in issue["fields"].items() if k in wanted}
        own = self.properties.get(issue["id"], {})
        props = {
            k: v for k, v in own.items() if properties and (k in properties or "*all" in properties)
        }
        return {
            "id": issue["id"],
            "key": issue["key"],
            "self": f"{self.url}{_API}/issue/{issue['id']}",
            **({"fields": json.loads(json.dumps(picked))} if picked else {}),
            **({"properties": json.loads(json.dumps(props))} if props else {}),
        }

    def _find(self, ref: str) -> dict[str, Any] | None:
        if ref in self.issues:
            return self.issues[ref]
        if ref in self.old_keys:
            return self.issues.get(self.old_keys[ref])
        return next((i for i in self.issues.values() if i["key"] == ref), None)

    def _create(self, fields: dict[str, Any]) -> dict[str, Any]:
        self._next_id += 1
        self._next_num += 1
        stamp = self._stamp()
        issue = {
            "id": str(self._next_id),
            "key": f"{self.key}-{self._next_num}",
            "fields": {
                "summary": fields["summary"],
                "description": fields.get("description"),
                "status": dict(STATUSES["To Do"]),
                "resolution": None,
                "labels": list(dict.fromkeys(fields.get("labels") or ())),
                "created": stamp,
                "updated": stamp,
                "resolutiondate": None,
                "assignee": self._user(fields.get("assignee")),
                "duedate": fields.get("duedate"),
                "project": {"key": self.key, "id": "10000", "name": self.key},
                "issuetype": {"name": (fields.get("issuetype") or {}).get("name", "Task")},
            },
        }
        self.issues[issue["id"]] = issue
        self.comments[issue["id"]] = []
        self.visible_at[issue["id"]] = time.monotonic() + self.search_lag
        return issue

    def _user(self, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if not value:
            return None
        if self.cloud:
            return {"accountId": value.get("accountId"), "displayName": value.get("accountId")}
        return {"name": value.get("name"), "displayName": value.get("name")}

    def _move(self, issue: dict[str, Any], status: str, resolution: str | None) -> None:
        fields = issue["fields"]
        fields["status"] = dict(STATUSES[status])
        if status == "Done":
            fields["resolution"] = {"name": resolution or "Done", "id": "1"}
            fields["resolutiondate"] = self._stamp()
        else:
            fields["resolution"] = None
            fields["resolutiondate"] = None
        self._touch(issue)

    def _comment(self, issue: dict[str, Any], body: str, who: str) -> dict[str, Any]:
        self._next_comment += 1
        stamp = self._stamp()
        row = {
            "id": str(self._next_comment),
            "body": body,
            "author": {"displayName": who},
            "created": stamp,
            "updated": stamp,
        }
        self.comments[issue["id"]].append(row)
        self._touch(issue)
        return row

    # -- JQL subset --------------------------------------------------------------------------
    def _search(self, jql: str) -> list[dict[str, Any]] | Response:
        m = re.fullmatch(
            r"(?P<where>.*?)\s*(?:ORDER BY\s+(?P<order>.*))?", jql.strip(), re.I | re.S
        )
        where, order = (m["where"], m["order"] or "") if m else (jql, "")
        tests: list[Callable[[dict[str, Any]], bool]] = []
        for clause in filter(None, re.split(r"\s+AND\s+", where.strip(), flags=re.I)):
            m = _CLAUSE.fullmatch(clause.strip() + " ")
            if m is None:
                return _error(400, f"Error in the JQL Query: cannot parse {clause!r}.")
            tests.append(self._clause(m["field"], m["op"], m["value"]))
        if not tests and self.cloud:
            return _error(400, "Unbounded JQL queries are not allowed here.")
        now = time.monotonic()
        rows = [
            i
            for i in self.issues.values()
            if self.visible_at.get(i["id"], 0) <= now and all(t(i) for t in tests)
        ]
        if "updated" in order.lower():
            rows.sort(key=lambda i: (i["fields"]["updated"], int(i["id"])))
        else:
            rows.sort(key=lambda i: int(i["id"]), reverse=True)
        if order.lower().strip().endswith("desc"):
            rows.reverse()
        return rows

    def _clause(self, field: str, op: str, value: str) -> Callable[[dict[str, Any]], bool]:
        if field == "project":
            return lambda i: value.casefold() == self.key.casefold()
        if field == "labels":
            return lambda i: value in i["fields"]["labels"]
        if field == "id":
            return lambda i: i["id"] == value
        if field == "key":
            return lambda i: i["key"] == value
        # Epoch ms; JQL date comparisons have minute granularity.
        bound = datetime.fromtimestamp(int(value) / 1000, UTC).replace(second=0, microsecond=0)
        return lambda i: _parse_time(i["fields"]["updated"]) >= bound

    @staticmethod
    def _fields_arg(values: list[str] | None) -> list[str] | None:
        if not values:
            return None
        return [f.strip() for v in values for f in v.split(",") if f.strip()]

    # -- routes ------------------------------------------------------------------------------
    @route("GET", _API + "/serverInfo")
    def _server_info(self, req: Request) -> Response:
        return Response(
            200,
            {
                "baseUrl": self.url,
                "version": "1001.0.0" if self.cloud else "9.12.0",
                "versionNumbers": [1001, 0, 0] if self.cloud else [9, 12, 0],
                "deploymentType": "Cloud" if self.cloud else "Server",
                "serverTitle": "Jira",
            },
        )

    @route("GET", _API + "/field")
    def _fields(self, req: Request) -> Response:
        return Response(
            200,
            [{"id": f, "name": f.title(), "clauseNames": [f], "navigable": True} for f in FIELDS],
        )

    @route("GET", _API + "/resolution")
    def _resolutions(self, req: Request) -> Response:
        return Response(200, [{"id": str(n), "name": r} for n, r in enumerate(RESOLUTIONS, 1)])

    @route("GET", _API + "/search/jql")
    def _search_jql_get(self, req: Request) -> Response:
        return self._search_jql(
            req.arg("jql", ""),
            req.arg("nextPageToken"),
            req.arg("maxResults", "50"),
            self._fields_arg(req.query.get("fields")),
            self._fields_arg(req.query.get("properties")),
        )

    @route("POST", _API + "/search/jql")
    def _search_jql_post(self, req: Request) -> Response:
        body = req.json() or {}
        fields = body.get("fields")
        props = body.get("properties")
        return self._search_jql(
            body.get("jql", ""),
            body.get("nextPageToken"),
            str(body.get("maxResults", 50)),
            self._fields_arg(fields if isinstance(fields, list) else None),
            self._fields_arg(props if isinstance(props, list) else None),
        )

    def _search_jql(
        self,
        jql: str,
        token: str | None,
        max_results: str | None,
        fields: list[str] | None,
        properties: list[str] | None = None,
    ) -> Response:
        if not self.cloud:
            return _error(404, "Not found")
        rows = self._search(jql)
        if isinstance(rows, Response):
            return rows
        start = 0
        if token:
            try:
                start = int(base64.urlsafe_b64decode(token.encode()).decode())
            except ValueError:
                return _error(400, "Invalid nextPageToken.")
        size = max(1, min(int(max_results or 50), 100))
        page = rows[start : start + size]
        body: dict[str, Any] = {
            "issues": [self._json(i, fields or ["id"], properties) for i in page],
            "isLast": start + size >= len(rows),
        }
        if start + size < len(rows):
            body["nextPageToken"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
        return Response(200, body)

    @route("GET", _API + "/search")
    def _search_dc(self, req: Request) -> Response:
        if self.cloud:
            return _error(
                410,
                "The requested API has been removed. Please migrate to the /rest/api/3/search/jql"
                " API. A full migration guideline is available at"
                " https://developer.atlassian.com/changelog/#CHANGE-2046",
            )
        rows = self._search(req.arg("jql", "") or "")
        if isinstance(rows, Response):
            return rows
        start = int(req.arg("startAt", "0") or 0)
        size = max(0, min(int(req.arg("maxResults", "50") or 50), 100))
        fields = self._fields_arg(req.query.get("fields"))
        props = self._fields_arg(req.query.get("properties"))
        return Response(
            200,
            {
                "startAt": start,
                "maxResults": size,
                "total": len(rows),
                "issues": [self._json(i, fields, props) for i in rows[start : start + size]],
            },
        )

    @route("POST", _API + "/issue")
    def _create_issue(self, req: Request) -> Response:
        body = req.json() or {}
        fields = body.get("fields") or {}
        if (fields.get("project") or {}).get("key", "").upper() != self.key:
            return _error(400, project="valid project is required")
        if not fields.get("summary"):
            return _error(400, summary="You must specify a summary of the issue.")
        if any(" " in label for label in fields.get("labels") or ()):
            return _error(400, labels="The label can't contain spaces.")
        issue = self._create(fields)
        for prop in body.get("properties") or ():
            self.properties.setdefault(issue["id"], {})[prop["key"]] = prop["value"]
        return Response(
            201,
            {
                "id": issue["id"],
                "key": issue["key"],
                "self": f"{self.url}{_API}/issue/{issue['id']}",
            },
        )

    @route("GET", _ISSUE)
    def _get_issue(self, req: Request) -> Response:
        issue = self._find(req.match["ref"])
        if issue is None:
            return _error(404, "Issue does not exist or you do not have permission to see it.")
        fields = self._fields_arg(req.query.get("fields"))
        return Response(
            200, self._json(issue, fields, self._fields_arg(req.query.get("properties")))
        )

    @route("PUT", _ISSUE)
    def _edit_issue(self, req: Request) -> Response:
        issue = self._find(req.match["ref"])
        if issue is None:
            return _error(404, "Issue does not exist or you do not have permission to see it.")
        body = req.json() or {}
        fields = issue["fields"]
        for name, value in (body.get("fields") or {}).items():
            if name == "assignee":
                fields[name] = self._user(value)
            elif name in ("summary", "description", "duedate", "labels"):
                fields[name] = value
            else:
                return _error(400, **{name: f"Field '{name}' cannot be set."})
        for op in (body.get("update") or {}).get("labels") or ():
            if "add" in op and op["add"] not in fields["labels"]:
                if " " in op["add"]:
                    return _error(400, labels="The label can't contain spaces.")
                fields["labels"].append(op["add"])
            if "remove" in op and op["remove"] in fields["labels"]:
                fields["labels"].remove(op["remove"])
        self._touch(issue)
        return Response(204)

    @route("GET", _ISSUE + "/transitions")
    def _transitions(self, req: Request) -> Response:
        issue = self._find(req.match["ref"])
        if issue is None:
            return _error(404, "Issue does not exist or you do not have permission to see it.")
        current = issue["fields"]["status"]["name"]
        rows = [
            {"id": tid, "name": TRANSITION_NAMES[tid], "to": dict(STATUSES[status])}
            for tid, status in TRANSITIONS.items()
            if status != current
        ]
        return Response(200, {"expand": "transitions", "transitions": rows})

    @route("POST", _ISSUE + "/transitions")
    def _do_transition(self, req: Request) -> Response:
        issue = self._find(req.match["ref"])
        if issue is None:
            return _error(404, "Issue does not exist or you do not have permission to see it.")
        body = req.json() or {}
        tid = str((body.get("transition") or {}).get("id"))
        status = TRANSITIONS.get(tid)
        if status is None or status == issue["fields"]["status"]["name"]:
            return _error(400, f"Transition id '{tid}' is not valid for this issue.")
        resolution = ((body.get("fields") or {}).get("resolution") or {}).get("name")
        if resolution is not None:
            if not self.resolution_on_screen or status != "Done":
                return _error(
                    400,
                    resolution="Field 'resolution' cannot be set. It is not on the appropriate"
                    " screen, or unknown.",
                )
            if resolution not in RESOLUTIONS:
                return _error(400, resolution=f"Resolution '{resolution}' does not exist.")
        self._move(issue, status, resolution)
        return Response(204)

    @route("GET", _ISSUE + "/comment")
    def _list_comments(self, req: Request) -> Response:
        issue = self._find(req.match["ref"])
        if issue is None:
            return _error(404, "Issue does not exist or you do not have permission to see it.")
        rows = [self._comment_json(c, req.arg("expand") or "") for c in self.comments[issue["id"]]]
        if (req.arg("orderBy") or "").startswith("-"):
            rows.reverse()
        start = int(req.arg("startAt", "0") or 0)
        size = min(int(req.arg("maxResults", "50") or 50), 100)
        page = rows[start : start + size]
        return Response(
            200, {"startAt": start, "maxResults": size, "total": len(rows), "comments": page}
        )

    @route("POST", _ISSUE + "/comment")
    def _add_comment(self, req: Request) -> Response:
        issue = self._find(req.match["ref"])
        if issue is None:
            return _error(404, "Issue does not exist or you do not have permission to see it.")
        data = req.json() or {}
        row = self._comment(issue, data.get("body") or "", "syncd")
        for prop in data.get("properties") or ():
            self.comment_properties.setdefault(row["id"], {})[prop["key"]] = prop["value"]
        return Response(201, row)

    def _comment_json(self, row: dict[str, Any], expand: str) -> dict[str, Any]:
        if "properties" not in expand.split(","):
            return row
        props = self.comment_properties.get(row["id"], {})
        return {**row, "properties": [{"key": k, "value": v} for k, v in props.items()]}

    @route("GET", _ISSUE + r"/properties/(?P<key>[^/]+)")
    def _get_issue_property(self, req: Request) -> Response:
        issue = self._find(req.match["ref"])
        value = self.properties.get(issue["id"], {}).get(req.match["key"]) if issue else None
        if value is None:
            return _error(404, "The property was not found.")
        return Response(200, {"key": req.match["key"], "value": value})

    @route("PUT", _ISSUE + r"/properties/(?P<key>[^/]+)")
    def _put_issue_property(self, req: Request) -> Response:
        issue = self._find(req.match["ref"])
        if issue is None:
            return _error(404, "Issue does not exist or you do not have permission to see it.")
        self.properties.setdefault(issue["id"], {})[req.match["key"]] = req.json()
        return Response(200 if req.match["key"] in self.properties[issue["id"]] else 201)

    @route("GET", _API + r"/comment/(?P<cid>\d+)/properties/(?P<key>[^/]+)")
    def _get_comment_property(self, req: Request) -> Response:
        value = self.comment_properties.get(req.match["cid"], {}).get(req.match["key"])
        if value is None:
            return _error(404, "The property was not found.")
        return Response(200, {"key": req.match["key"], "value": value})

    @route("PUT", _API + r"/comment/(?P<cid>\d+)/properties/(?P<key>[^/]+)")
    def _put_comment_property(self, req: Request) -> Response:
        self.comment_properties.setdefault(req.match["cid"], {})[req.match["key"]] = req.json()
        return Response(200)

    @route("POST", _API + "/issueLink")
    def _link_issues(self, req: Request) -> Response:
        data = req.json() or {}
        inward = self._find(str((data.get("inwardIssue") or {}).get("id")))
        outward = self._find(str((data.get("outwardIssue") or {}).get("id")))
        if inward is None or outward is None:
            return _error(404, "Issue does not exist or you do not have permission to see it.")
        name = (data.get("type") or {}).get("name")
        if name not in ("Duplicate", "Blocks", "Relates", "Cloners"):
            return _error(404, f"No issue link type with name '{name}' found.")
        self.links.append({"type": name, "inward": inward["id"], "outward": outward["id"]})
        self._touch(inward)
        return Response(201)
