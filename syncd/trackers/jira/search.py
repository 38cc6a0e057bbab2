"""Every page of a Jira search: nextPageToken on Cloud (`search/jql`, never startAt),
startAt/total on Data Center. The syncd property comes along (`properties`), so the markers
cost no extra request; an issue seen on two pages keeps its newest version."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from syncd.trackers.http import answers
from syncd.trackers.jira import mapping as m

PAGE = 100  # search/jql serves at most 100 issues with fields per page

Read = Callable[[str, Callable[[], Any]], Any]


def search_all(
    client: Any, jql: str, *, cloud: bool, who: str, read: Read, what: str
) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    token: str | None = None
    start = 0
    while True:
        call: Callable[[], Any]
        if cloud:
            call = functools.partial(
                client.enhanced_search_issues,
                jql,
                nextPageToken=token,
                maxResults=PAGE,
                fields=list(m.FIELDS),
                properties=m.PROPERTY,
                json_result=True,
            )
        else:
            call = functools.partial(
                client.search_issues,
                jql,
                startAt=start,
                maxResults=PAGE,
                fields=list(m.FIELDS),
                properties=m.PROPERTY,
                json_result=True,
            )
        page = answers.expect_object(who, "a search result", read(what, call), key="issues")
        issues = page["issues"]
        for row in answers.expect_list(who, "a search result", issues, key="id"):
            old = found.get(row["id"])
            if old is None or old["fields"]["updated"] <= row["fields"]["updated"]:
                found[row["id"]] = row
        if cloud:
            token = page.get("nextPageToken")
            if not token or page.get("isLast"):
                break
        else:
            start += len(issues)
            if not issues or start >= int(page.get("total", 0)):
                break
    return list(found.values())
