"""The configuration reference and the example file stay in step with the models."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from syncd.config.load import config_schema, load_config, parse_config

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "configuration.md"
EXAMPLE = ROOT / "config.example.yaml"

# How the reference writes the name of an entry in a mapping you fill in yourself.
PLACEHOLDERS = {
    "trackers": "<name>",
    "owners": "<person>",
    "lint.rules": "<code>",
    "digests": "<name>",
}
EXAMPLE_ENV = {
    "GITHUB_TOKEN": "ghp_x",
    "JIRA_API_TOKEN": "atl_x",
    "JIRA_PAT": "pat_x",
    "SMTP_PASSWORD": "pw",
    "SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T0/B0/x",
    "TEAMS_WORKFLOW_URL": "https://prod-01.westeurope.logic.azure.com/workflows/x",
    "DIGEST_HOOK_SECRET": "s",
}


def schema_key_paths() -> set[str]:
    schema = config_schema()
    defs: dict[str, Any] = schema["$defs"]
    paths: set[str] = set()

    def walk(node: dict[str, Any], prefix: str) -> None:
        if "$ref" in node:
            walk(defs[node["$ref"].rsplit("/", 1)[-1]], prefix)
        for alternative in node.get("oneOf", []) + node.get("anyOf", []):
            walk(alternative, prefix)
        for name, sub in node.get("properties", {}).items():
            path = f"{prefix}.{name}" if prefix else name
            paths.add(path)
            walk(sub, path)
        entries = node.get("additionalProperties")
        if isinstance(entries, dict):
            walk(entries, f"{prefix}.{PLACEHOLDERS.get(prefix, '<key>')}")
        items = node.get("items")
        if isinstance(items, dict):
            walk(items, f"{prefix}[]")

    walk(schema, "")
    return paths


def test_schema_walk_finds_nested_and_tracker_keys() -> None:
    paths = schema_key_paths()
    assert {"records.paths", "trackers.<name>.repo", "trackers.<name>.deployment"} <= paths
    assert {"routing.rules[].tracker", "owners.<person>.jira", "lint.rules.<code>.severity"} <= (
        paths
    )


def test_every_config_key_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    documented = set(re.findall(r"`([^`\s]+)`", text))
    missing = sorted(schema_key_paths() - documented)
    assert not missing, f"document these keys in {DOCS.name}: {missing}"


def test_example_config_validates_as_shipped() -> None:
    loaded = load_config(EXAMPLE, {})
    assert loaded.config.trackers == {}  # records-only out of the box
    assert loaded.config.records.paths == ("examples/reviews/**/*.md",)
    assert loaded.store_url() == f"sqlite:///{ROOT}/.syncd/state.db"


def test_example_config_validates_with_every_option_switched_on() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    switched_on = re.sub(r"(?m)^#: ", "", text)
    assert switched_on != text
    config = parse_config(switched_on, name=EXAMPLE.name, env=EXAMPLE_ENV)
    assert set(config.trackers) == {"github", "gitlab", "jira-cloud", "jira-dc"}
    assert {t.kind for t in config.trackers.values()} == {"github", "gitlab", "jira"}
    assert config.routing.default == "github"
    assert config.owner("@priya") is not None
    weekly = config.digests["weekly"]
    assert [c.kind for c in weekly.channels] == [
        "email",
        "slack",
        "teams",
        "webhook",
        "file",
        "tracker_issue",
    ]


def test_example_config_shows_every_top_level_section() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    sections = set(config_schema()["properties"])
    shown = set(re.findall(r"(?m)^(?:#: )?([a-z_]+):", text))
    assert sections <= shown, sorted(sections - shown)


def test_the_generated_config_reference_is_up_to_date() -> None:
    from syncd.config.reference import render

    committed = (ROOT / "docs" / "config-reference.md").read_text(encoding="utf-8")
    assert committed == render(), "regenerate it: make docs"


def test_the_generated_reference_names_every_key() -> None:
    from syncd.config.reference import render

    named = set(re.findall(r"(?m)^\| `([^`]+)` \|", render()))
    assert schema_key_paths() <= named, sorted(schema_key_paths() - named)
