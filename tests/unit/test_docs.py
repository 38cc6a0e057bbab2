"""The configuration reference and the example file stay in step with the models."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

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


# A switched-off setting: `#: ` anywhere in the indentation. Deleting those three characters
# (and nothing else) switches it on, as the file's header tells a person to do.
MARKER = re.compile(r"^(?P<indent> *)#: ")


def switch_on(line: str) -> str:
    return MARKER.sub(r"\g<indent>", line)


def marker_runs(lines: list[str]) -> list[range]:
    """Each run of consecutive switched-off lines: what a person switches on together."""
    runs: list[range] = []
    start = None
    for n, line in enumerate([*lines, ""]):
        if MARKER.match(line) and start is None:
            start = n
        elif not MARKER.match(line) and start is not None:
            runs.append(range(start, n))
            start = None
    return runs


def test_example_config_markers_are_written_one_way() -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    odd = [
        f"{EXAMPLE.name}:{n}: {line!r}"
        for n, line in enumerate(lines, 1)
        if line.lstrip().startswith("#:") and not MARKER.match(line)
    ]
    assert not odd, f"write every switch-on marker as `#: ` (hash, colon, one space): {odd}"
    # Inside a run, the marker stays in one column: the column of the section it belongs to.
    for run in marker_runs(lines):
        columns = {lines[n].index("#: ") for n in run}
        assert len(columns) == 1, [lines[n] for n in run]


def test_example_config_each_switched_off_block_switches_on_alone() -> None:
    """A person switches on one block at a time: each must still be valid YAML where it is
    (indented under its section, not beside it)."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    runs = marker_runs(lines)
    assert len(runs) > 15
    for run in runs:
        edited = [switch_on(line) if n in run else line for n, line in enumerate(lines)]
        try:
            data = yaml.safe_load("\n".join(edited))
        except yaml.YAMLError as exc:
            raise AssertionError(f"switching on lines {run.start + 1}-{run.stop}: {exc}") from None
        key = switch_on(lines[run.start]).split(":")[0]
        section = next(
            (lines[n] for n in range(run.start - 1, -1, -1) if re.match(r"^[a-z_]+:", lines[n])),
            None,
        )
        where = data if not key.startswith(" ") or section is None else data[section[:-1]]
        assert key.strip() in where, f"line {run.start + 1}: `{key.strip()}` did not land"


def test_example_config_validates_with_every_option_switched_on() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    switched_on = "\n".join(switch_on(line) for line in text.splitlines())
    assert switched_on != text
    config = parse_config(switched_on, name=EXAMPLE.name, env=EXAMPLE_ENV)
    records = config.records
    assert records.date_order == "dmy"  # nested keys are switched on and validated too
    assert records.sections == ("Action Items", "Follow-ups", "Corrective actions")
    assert records.repo is not None and records.repo.delivery == "push"
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
