"""deploy/github-actions/syncd.yml: least privilege, actions pinned to commits, tokens only
where syncd runs, one pass at a time, state carried between runs."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from tests.deploy.conftest import DEPLOY
from tests.deploy.schemas import schema_errors

WORKFLOW = DEPLOY / "github-actions" / "syncd.yml"
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
WRITABLE = {"contents", "issues", "pull-requests"}
PINNED_INSTALL = re.compile(r"syncd(\[[\w,]+\])?(==\d[\w.]*| @ \S+@[0-9a-f]{40})")


def workflow() -> dict[str, Any]:
    doc = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    if True in doc:  # YAML 1.1 (PyYAML) reads the key `on` as the boolean True
        doc["on"] = doc.pop(True)
    return dict(doc)


def triggers(doc: dict[str, Any]) -> dict[str, Any]:
    return doc.get("on") or {}


def steps_running(job: dict[str, Any], command: str) -> list[dict[str, Any]]:
    return [s for s in job.get("steps", []) if command in s.get("run", "")]


def _expand(command: str, env: dict[str, Any]) -> str:
    return re.sub(r"\$\{?(\w+)\}?", lambda m: str(env.get(m[1], m[0])), command)


def workflow_problems(doc: dict[str, Any], text: str) -> list[str]:
    problems = schema_errors("github-workflows", doc)
    on = triggers(doc)
    crons = [entry["cron"] for entry in on.get("schedule", [])]
    if not crons or any(len(c.split()) != 5 or c.split()[0] in ("0", "*") for c in crons):
        problems.append("schedule: five-field cron at an odd minute (not 0, not every minute)")
    if "workflow_dispatch" not in on:
        problems.append("workflow_dispatch: a way to run a pass by hand")
    if not any("reviews/" in p for p in (on.get("pull_request") or {}).get("paths", [])):
        problems.append("pull_request: limited to paths touching reviews")
    if doc.get("permissions") not in ({}, {"contents": "read"}):
        problems.append("permissions: none (or read) at the top; jobs ask for more")
    if any("secrets." in str(v) for v in (doc.get("env") or {}).values()):
        problems.append("env: a secret in the workflow-wide environment")
    jobs: dict[str, Any] = doc.get("jobs", {})
    for name, job in jobs.items():
        permissions = job.get("permissions")
        if not isinstance(permissions, dict):
            problems.append(f"{name}: explicit permissions")
            permissions = {}
        writes = {k for k, v in permissions.items() if v == "write"}
        if writes - WRITABLE:
            problems.append(f"{name}: writes {sorted(writes - WRITABLE)}")
        for step in job.get("steps", []):
            uses = step.get("uses")
            if uses and not SHA_PIN.match(uses):
                problems.append(f"{name}: {uses} is not pinned to a commit")
            checkout = uses and uses.startswith("actions/checkout@")
            if checkout and step.get("with", {}).get("persist-credentials") is not False:
                problems.append(f"{name}: checkout must not persist credentials")
            secrets_in_run = "secrets." in step.get("run", "")
            secrets_in_with = "secrets." in str(step.get("with", ""))
            if secrets_in_run or secrets_in_with:
                problems.append(f"{name}: secrets only through the env of syncd's step")
            if "secrets." in str(step.get("env", "")) and "syncd " not in step.get("run", ""):
                problems.append(f"{name}: a secret given to a step that does not run syncd")
            if "pip install" in step.get("run", "") and not PINNED_INSTALL.search(
                _expand(step["run"], {**(doc.get("env") or {}), **(job.get("env") or {})})
            ):
                problems.append(f"{name}: syncd installed unpinned")
    lint = [j for j in jobs.values() if steps_running(j, "syncd lint")]
    if not lint or any(
        {k for k, v in (j.get("permissions") or {}).items() if v == "write"} for j in lint
    ):
        problems.append("lint: a read-only job runs `syncd lint`")
    check = [j for j in jobs.values() if steps_running(j, "syncd check")]
    if len(check) != 1:
        return [*problems, "check: exactly one job runs `syncd check`"]
    (job,) = check
    if (job.get("permissions") or {}).get("contents") != "write":
        problems.append("check: contents: write to deliver the marks")
    concurrency = job.get("concurrency") or doc.get("concurrency") or {}
    if not concurrency.get("group") or concurrency.get("cancel-in-progress") is not False:
        problems.append("check: a concurrency group that never cancels a running pass")
    caches = [s for s in job["steps"] if s.get("uses", "").startswith("actions/cache@")]
    if not any(".syncd/" in s.get("with", {}).get("path", "") for s in caches):
        problems.append("check: the store (.syncd/) carried between runs by actions/cache")
    if "delivery: push" not in text and "delivery: pull_request" not in text:
        problems.append("a comment must say which delivery the workflow uses")
    return problems


def test_workflow_is_least_privilege_pinned_and_stateful() -> None:
    assert workflow_problems(workflow(), WORKFLOW.read_text(encoding="utf-8")) == []


def _job(name: str, path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        node = doc["jobs"][name]
        *parents, last = path.split(".")
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[int(last) if isinstance(node, list) else last] = value

    return mutate


def _top(key: Any, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        doc[key] = value

    return mutate


BROKEN = {
    "tag pin": (_job("check", "steps.0.uses", "actions/checkout@v4"), "not pinned"),
    "write-all": (_top("permissions", "write-all"), "permissions: none"),
    "admin job": (_job("check", "permissions", {"administration": "write"}), "writes"),
    "cancel": (_job("check", "concurrency.cancel-in-progress", True), "never cancels"),
    "persisted token": (_job("lint", "steps.0.with", {}), "persist credentials"),
    "global secret": (_top("env", {"GITHUB_TOKEN": "${{ secrets.GITHUB_TOKEN }}"}), "env:"),
    "no cache": (_job("check", "steps.3", {"run": "true"}), "actions/cache"),
    "top of hour": (_top("on", {"schedule": [{"cron": "0 * * * *"}]}), "odd minute"),
    "misspelt key": (_job("check", "timeout-minute", 30), "timeout-minute"),
    "unpinned install": (_top("env", {"SYNCD_REQUIREMENT": "syncd"}), "unpinned"),
    "lint writes": (_job("lint", "permissions", {"contents": "write"}), "read-only job"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_checks_fail_on_a_broken_copy(case: str) -> None:
    mutate, expected = BROKEN[case]
    doc = copy.deepcopy(workflow())
    mutate(doc)
    problems = workflow_problems(doc, WORKFLOW.read_text(encoding="utf-8"))
    assert any(expected in p for p in problems), problems
