from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from pydantic import ValidationError

from syncd.config.load import config_schema, load_config, parse_config
from syncd.config.models import Config
from syncd.config.values import normalize_severity, parse_duration
from syncd.errors import ConfigError

GITHUB = """
trackers:
  gh:
    kind: github
    repo: acme/ops
"""


def parse(text: str, env: dict[str, str] | None = None) -> Config:
    return parse_config(textwrap.dedent(text), name="syncd.yaml", env=env or {})


def problems(text: str, env: dict[str, str] | None = None) -> tuple[str, ...]:
    with pytest.raises(ConfigError) as caught:
        parse(text, env)
    assert caught.value.exit_code == 2
    return caught.value.problems


# --- valid files and defaults ---------------------------------------------------------------


def test_minimal_config_is_valid() -> None:
    config = parse("version: 1\n")
    assert config.version == 1
    assert config.trackers == {}


def test_every_default() -> None:
    config = parse("")
    assert config.timezone == "UTC"
    assert config.records.root == Path(".")
    assert config.records.paths == ("reviews/**/*.md",)
    assert config.records.exclude == ("**/*template*", "**/README.md", "**/index.md")
    assert config.records.sections is None
    assert config.records.date_order is None
    assert config.records.max_file_bytes == 5_000_000
    assert config.records.write_back is True
    assert config.records.follow_up_days == 30
    assert config.records.due_soon_days == 7
    assert config.due_defaults == {"SEV-1": 15, "SEV-2": 30, "SEV-3": 60}
    assert config.lint.max_items == 7
    assert config.lint.vague_words is None
    assert config.lint.rules == {}
    assert config.health.fail_on == ("overdue", "needs_decision", "lint_errors")
    assert config.store.url == "sqlite:///.syncd/state.db"
    assert config.routing.default is None
    assert config.routing.rules == ()
    assert config.sync.interval_seconds == 15 * 60
    assert config.sync.full_every_seconds == 24 * 3600
    assert config.sync.on_removed == "report"
    assert config.sync.review_url is None
    assert config.sync.delivery == "working_tree"
    assert config.owners == {}
    assert config.digests == {}
    assert config.log.level is None  # info for the service, warning for a command
    assert config.log.format == "auto"


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n"])
def test_empty_file_means_records_only_defaults(text: str) -> None:
    assert parse(text) == Config()


def test_section_left_empty_after_commenting_out_its_entries_is_unset() -> None:
    config = parse("trackers:\n#  gh:\n#    kind: github\nrouting:\n")
    assert config.trackers == {}


def test_config_is_frozen() -> None:
    config = parse("")
    with pytest.raises(ValidationError):
        config.timezone = "Europe/Berlin"  # type: ignore[misc]


def test_tracker_config_from_the_registry() -> None:
    config = parse(GITHUB)
    tracker = config.trackers["gh"]
    assert tracker.kind == "github"


# --- YAML-level problems ----------------------------------------------------------------------


def test_non_mapping_top_level_is_a_clear_problem() -> None:
    assert problems("- records\n- trackers\n") == (
        "syncd.yaml:1 the file must be a mapping of settings (`key: value` lines)",
    )


def test_yaml_syntax_error_has_line_and_column() -> None:
    found = problems(
        """\
        owners:
          @priya:
            github: priya
        """
    )
    assert len(found) == 1
    assert found[0].startswith("syncd.yaml:2:3 YAML syntax error: found character '@'")
    assert 'quote keys and values that start with @, e.g. "@priya"' in found[0]


def test_duplicate_key_is_reported_with_both_lines() -> None:
    assert problems("timezone: UTC\nversion: 1\ntimezone: Europe/Berlin\n") == (
        "syncd.yaml:3 duplicate key `timezone` (first at line 1)",
    )


def test_duplicate_key_does_not_hide_other_problems() -> None:
    assert problems("log: {level: loud}\ntimezone: UTC\ntimezone: UTC\n") == (
        "syncd.yaml:1 log.level: must be one of `debug`, `info`, `warning`, `error` (got `loud`)",
        "syncd.yaml:3 duplicate key `timezone` (first at line 2)",
    )


def test_merge_keys_from_an_anchor_may_be_overridden() -> None:
    config = parse(
        """\
        trackers:
          base: &common
            kind: github
            repo: acme/ops
            timeout: 5
          second:
            <<: *common
            repo: acme/other
        """
    )
    second = config.trackers["second"]
    assert second.timeout == 5
    assert second.kind == "github"
    assert second.repo == "acme/other"


def test_yaml_1_1_words_are_not_booleans() -> None:
    config = parse(
        """\
        records:
          write_back: off
        lint:
          rules:
            SYN105: off
        trackers:
          norway:
            kind: jira
            deployment: datacenter
            url: https://jira.example
            project: "NO"
          plain:
            kind: jira
            deployment: datacenter
            url: https://jira.example
            project: NO
        """
    )
    assert config.records.write_back is False
    assert config.lint.rules["SYN105"].severity == "off"
    assert config.trackers["plain"].project == "NO"  # type: ignore[union-attr]


def test_unknown_yaml_tag_is_a_problem_with_its_line() -> None:
    assert problems("version: 1\ntimezone: !env TZ\n") == (
        "syncd.yaml:2 timezone: cannot read this value: could not determine a constructor "
        "for the tag '!env'",
    )


# --- unknown keys -----------------------------------------------------------------------------


def test_unknown_keys_at_several_depths_with_their_lines() -> None:
    found = problems(
        """\
        trakers: {}
        records:
          pahts: ["x/*.md"]
        trackers:
          gh:
            kind: github
            repo: acme/ops
            lables: [a]
        routing:
          default: gh
          rules:
            - tracker: gh
              teams: payments
        owners:
          "@priya":
            emial: p@example.com
        """
    )
    assert found == (
        "syncd.yaml:1 unknown key `trakers` (did you mean `trackers`?)",
        "syncd.yaml:3 records: unknown key `pahts` (did you mean `paths`?)",
        "syncd.yaml:8 trackers.gh (github): unknown key `lables` (did you mean `labels`?)",
        "syncd.yaml:13 routing.rules[0]: unknown key `teams` (did you mean `team`?)",
        "syncd.yaml:16 owners.@priya: unknown key `emial` (did you mean `email`?)",
    )


def test_unknown_key_without_a_close_match_lists_the_allowed_keys() -> None:
    assert problems("log:\n  colour: true\n") == (
        "syncd.yaml:2 log: unknown key `colour` (allowed: level, format)",
    )


# --- every problem at once --------------------------------------------------------------------


def test_several_problems_are_reported_at_once_in_line_order() -> None:
    found = problems(
        """\
        timezone: Europe/Berln
        trackers:
          gh:
            kind: github
            token: ${GITHUB_TOKEN}
          jc:
            kind: jira
            url: https://acme.atlassian.net
            project: OPS
          x:
            kind: githb
          y:
            repo: acme/ops
        routing:
          default: gh2
        sync:
          interval: 15 minutes
          on_removed: delete
        records:
          max_file_bytes: 0
          write_back: maybe
        """
    )
    assert found == (
        "syncd.yaml:1 timezone: unknown time zone `Europe/Berln` (did you mean `Europe/Berlin`?)",
        "syncd.yaml:3 trackers.gh (github) → repo: required key is missing",
        "syncd.yaml:5 trackers.gh (github) → token: environment variable GITHUB_TOKEN is not set",
        "syncd.yaml:6 trackers.jc (jira): Jira Cloud needs `email` (with an API token in `token`)",
        "syncd.yaml:11 trackers.x.kind: unknown tracker kind `githb` (did you mean `github`?)",
        "syncd.yaml:12 trackers.y: needs `kind:` (github, gitlab, jira)",
        "syncd.yaml:15 routing.default: names tracker `gh2`, which is not configured "
        "(did you mean `gh`?)",
        "syncd.yaml:17 sync.interval: `15 minutes` is not a duration; write a number and a "
        "unit, e.g. 30s, 15m, 1h or 1h30m",
        "syncd.yaml:18 sync.on_removed: must be one of `report`, `close` (got `delete`)",
        "syncd.yaml:20 records.max_file_bytes: must be at least 1 (got `0`)",
        "syncd.yaml:21 records.write_back: must be true or false (got `maybe`)",
    )


def test_error_message_counts_the_problems() -> None:
    with pytest.raises(ConfigError, match=r"invalid configuration in syncd\.yaml \(2 problems\)"):
        parse("timezone: Nowhere/Land\nlog: {level: loud}\n")


def test_list_item_problem_points_at_the_item_line() -> None:
    assert problems("records:\n  paths:\n    - a/*.md\n    - [b]\n") == (
        "syncd.yaml:4 records.paths[1]: must be text (got a list)",
    )


def test_section_of_the_wrong_shape() -> None:
    assert problems("records: [a, b]\nowners: nobody\n") == (
        "syncd.yaml:1 records: must be a mapping of settings (`key: value` lines) (got a list)",
        "syncd.yaml:2 owners: must be a mapping (`key: value` lines) (got `nobody`)",
    )


def test_pattern_mismatch_names_the_value() -> None:
    assert problems("trackers:\n  gh:\n    kind: github\n    repo: acme\n") == (
        "syncd.yaml:4 trackers.gh (github) → repo: `acme` does not have the expected form "
        "(pattern ^[\\w.-]+/[\\w.-]+$)",
    )


# --- interpolation ----------------------------------------------------------------------------


def test_interpolation_of_a_set_variable() -> None:
    config = parse(GITHUB + "    token: ${GITHUB_TOKEN}\n", {"GITHUB_TOKEN": "ghp_secret"})
    assert config.trackers["gh"].secret() == "ghp_secret"


def test_interpolation_default_used_when_unset_or_empty() -> None:
    text = "timezone: ${TZ_NAME:-Europe/Berlin}\n"
    assert parse(text).timezone == "Europe/Berlin"
    assert parse(text, {"TZ_NAME": ""}).timezone == "Europe/Berlin"
    assert parse(text, {"TZ_NAME": "Asia/Tokyo"}).timezone == "Asia/Tokyo"


def test_interpolation_inside_a_longer_string() -> None:
    config = parse(
        "store:\n  url: postgresql+psycopg://syncd:${PGPASS}@db/${DB:-syncd}\n", {"PGPASS": "pw"}
    )
    assert config.store.url == "postgresql+psycopg://syncd:pw@db/syncd"


def test_unset_variable_is_an_error_with_its_line() -> None:
    assert problems(GITHUB + "    token: ${GITHUB_TOKEN}\n") == (
        "syncd.yaml:6 trackers.gh (github) → token: environment variable GITHUB_TOKEN is not set",
    )


def test_double_dollar_is_a_literal_dollar() -> None:
    config = parse('sync:\n  review_url: "https://x.example/$${path}?a=$$HOME&b=$5"\n')
    assert config.sync.review_url == "https://x.example/${path}?a=$HOME&b=$5"


def test_malformed_reference_is_an_error() -> None:
    assert problems("timezone: ${1TZ}\n") == (
        "syncd.yaml:1 timezone: `${1TZ}` is not a variable reference; write ${NAME} or "
        "${NAME:-default}",
    )
    assert problems("timezone: ab${TZ\n") == (
        "syncd.yaml:1 timezone: `${` is not closed; write `$${` for a literal `${`",
    )


def test_interpolated_value_cannot_change_the_structure() -> None:
    config = parse("sync:\n  review_url: ${URL}\n", {"URL": "https://x/{path}\non_removed: close"})
    assert config.sync.review_url == "https://x/{path}\non_removed: close"
    assert config.sync.on_removed == "report"


def test_interpolated_number_is_converted_by_its_field() -> None:
    config = parse(GITHUB + "    timeout: ${TIMEOUT:-2.5}\n")
    assert config.trackers["gh"].timeout == 2.5


# --- field rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"), [("30s", 30), ("15m", 900), ("1h", 3600), ("1h30m", 5400), ("2d", 172800)]
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds
    assert parse(f"sync:\n  interval: {text}\n").sync.interval_seconds == seconds


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "15 minutes",
            "`15 minutes` is not a duration; write a number and a unit, e.g. 30s, 15m, 1h or 1h30m",
        ),
        ("900", "`900` has no unit; write e.g. 900s, 900m or 900h"),
        ("0m", "must be longer than 0s"),
    ],
)
def test_bad_duration(value: str, message: str) -> None:
    assert problems(f"sync:\n  full_every: {value}\n") == (
        f"syncd.yaml:2 sync.full_every: {message}",
    )


def test_bad_timezone() -> None:
    assert problems("timezone: Mars/Olympus\n") == (
        "syncd.yaml:1 timezone: unknown time zone `Mars/Olympus` (use an IANA name like "
        "Europe/Berlin)",
    )


def test_routing_to_an_unknown_tracker() -> None:
    found = problems(
        GITHUB
        + """\
routing:
  rules:
    - tracker: gh
      team: payments
    - tracker: jira
      severity: SEV-1
"""
    )
    assert found == (
        "syncd.yaml:10 routing.rules[1].tracker: names tracker `jira`, which is not configured "
        "(configured: gh)",
    )


def test_routing_without_any_tracker() -> None:
    assert problems("routing:\n  default: gh\n") == (
        "syncd.yaml:2 routing.default: names tracker `gh`, but no trackers are configured",
    )


def test_model_validate_also_checks_routing() -> None:
    with pytest.raises(ValidationError, match=r"routing\.default names tracker `gh`"):
        Config.model_validate({"routing": {"default": "gh"}})


def test_severities_are_normalized() -> None:
    config = parse(
        GITHUB + "due_defaults: {sev1: 10, 'Sev 2': 20, P1: 5}\n"
        "routing:\n  rules:\n    - tracker: gh\n      severity: sev_3\n"
    )
    assert config.due_defaults == {"SEV-1": 10, "SEV-2": 20, "P1": 5}
    assert config.routing.rules[0].severity == ("SEV-3",)
    assert normalize_severity(" severity-2 ") == "SEV-2"


def test_same_severity_twice_is_an_error() -> None:
    assert problems("due_defaults:\n  SEV-1: 10\n  sev1: 12\n") == (
        "syncd.yaml:1 due_defaults: `SEV-1` and `sev1` are the same severity",
    )


def test_lint_rule_codes() -> None:
    config = parse("lint:\n  rules:\n    SYN105: {severity: warning}\n    SYN201: off\n")
    assert config.lint.rules["SYN105"].severity == "warning"
    assert config.lint.rules["SYN201"].severity == "off"
    assert problems("lint:\n  rules:\n    SYN1: off\n    syn105: error\n") == (
        "syncd.yaml:3 lint.rules.SYN1: `SYN1` is not a rule code (SYN and three digits, "
        "e.g. SYN105)",
        "syncd.yaml:4 lint.rules.syn105: `syn105` is not a rule code (SYN and three digits, "
        "e.g. SYN105)",
    )


def test_review_url_fields() -> None:
    url = "https://github.com/acme/pm/blob/main/{path}#L{line}"
    assert parse(f"sync:\n  review_url: '{url}'\n").sync.review_url == url
    assert problems("sync:\n  review_url: 'https://x/{file}'\n") == (
        "syncd.yaml:2 sync.review_url: unknown field `{file}`; allowed: {path}, {line}, "
        "{review_id}, {title}",
    )


def test_health_fail_on_choices() -> None:
    assert problems("health:\n  fail_on: [overdue, late]\n") == (
        "syncd.yaml:2 health.fail_on[1]: must be one of `overdue`, `needs_decision`, "
        "`lint_errors`, `deprioritized_without_reason`, `unowned`, `undated` (got `late`)",
    )


def test_a_single_glob_is_a_list_of_one() -> None:
    assert parse("records:\n  paths: docs/pm/*.md\n").records.paths == ("docs/pm/*.md",)


def test_owner_lookup_ignores_at_and_case() -> None:
    config = parse('owners:\n  "@priya": {github: "@priya-k", email: p@example.com}\n')
    entry = config.owner("Priya")
    assert entry is not None
    assert entry.github == "priya-k"
    assert config.owner("@sam") is None


def test_same_owner_twice_is_an_error() -> None:
    assert problems('owners:\n  "@priya": {}\n  priya: {}\n') == (
        "syncd.yaml:1 owners: `@priya` and `priya` are the same person",
    )


def test_store_url_must_be_sqlite_or_postgresql() -> None:
    assert problems("store:\n  url: mysql://db/syncd\n") == (
        "syncd.yaml:2 store.url: unsupported database `mysql`; use sqlite or postgresql",
    )


def test_digest_schedule_needs_five_fields() -> None:
    assert problems("digests:\n  weekly:\n    schedule: weekly\n") == (
        "syncd.yaml:3 digests.weekly.schedule: `weekly` is not a cron schedule; give five "
        "fields: minute hour day month weekday, e.g. `0 9 * * MON`",
    )


# --- loading from disk ------------------------------------------------------------------------


def test_relative_sqlite_path_resolves_against_the_config_dir(tmp_path: Path) -> None:
    conf = tmp_path / "etc" / "syncd.yaml"
    conf.parent.mkdir()
    conf.write_text("store:\n  url: sqlite:///state/syncd.db\n")
    loaded = load_config(conf, {})
    assert loaded.path == conf
    assert loaded.base_dir == conf.parent
    assert loaded.store_url() == f"sqlite:///{tmp_path}/etc/state/syncd.db"
    assert not (conf.parent / "state").exists()  # the store creates it, not the loader


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////var/lib/syncd/state.db",
        "sqlite://",
        "sqlite:///:memory:",
        "postgresql+psycopg://syncd:pw@db/syncd",
    ],
)
def test_other_store_urls_are_kept(tmp_path: Path, url: str) -> None:
    conf = tmp_path / "syncd.yaml"
    conf.write_text(f"store:\n  url: '{url}'\n")
    assert load_config(conf, {}).store_url() == url


def test_records_root_is_relative_to_the_config_dir(tmp_path: Path) -> None:
    conf = tmp_path / "syncd.yaml"
    conf.write_text("records:\n  root: ../postmortems\n")
    assert load_config(conf, {}).records_root() == tmp_path / "../postmortems"


def test_default_path_is_syncd_yaml_in_the_working_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "syncd.yaml").write_text("timezone: Asia/Tokyo\n")
    loaded = load_config(None, {})
    assert loaded.config.timezone == "Asia/Tokyo"
    assert loaded.path == tmp_path / "syncd.yaml"


def test_syncd_config_env_is_used_when_no_path_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "syncd.yaml").write_text("timezone: Asia/Tokyo\n")
    (tmp_path / "other.yaml").write_text("timezone: Europe/Paris\n")
    (tmp_path / "explicit.yaml").write_text("timezone: America/Chicago\n")
    env = {"SYNCD_CONFIG": "other.yaml"}
    assert load_config(None, env).config.timezone == "Europe/Paris"
    assert load_config(Path("explicit.yaml"), env).config.timezone == "America/Chicago"


def test_missing_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as caught:
        load_config(None, {})
    assert str(caught.value) == (
        "no config file at syncd.yaml; pass --config, set SYNCD_CONFIG, "
        "or copy config.example.yaml to syncd.yaml"
    )
    assert caught.value.exit_code == 2


def test_problems_name_the_file_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "prod.yaml").write_text("version: 2\n")
    with pytest.raises(ConfigError) as caught:
        load_config(Path("conf/prod.yaml"), {})
    assert caught.value.problems == (
        "conf/prod.yaml:1 version: this syncd reads config version 1, not `2`",
    )


def test_non_utf8_file_is_a_config_error(tmp_path: Path) -> None:
    conf = tmp_path / "syncd.yaml"
    conf.write_bytes(b"timezone: \xff\n")
    with pytest.raises(ConfigError, match="is not UTF-8 text"):
        load_config(conf, {})


# --- schema -----------------------------------------------------------------------------------


def test_schema_is_json_and_names_every_tracker_kind() -> None:
    schema = json.loads(json.dumps(config_schema()))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "syncd configuration"
    assert schema["additionalProperties"] is False
    tracker = schema["properties"]["trackers"]["additionalProperties"]
    assert set(tracker["discriminator"]["mapping"]) == {"github", "gitlab", "jira"}


def test_relative_token_file_is_read_next_to_the_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "gh.token").write_text("ghp_from_file\n")
    (tmp_path / "conf" / "syncd.yaml").write_text(GITHUB + "    token_file: gh.token\n")
    monkeypatch.chdir(tmp_path)
    loaded = load_config(Path("conf/syncd.yaml"), {})
    assert loaded.config.trackers["gh"].secret() == "ghp_from_file"


def test_secret_values_are_not_echoed() -> None:
    found = problems(GITHUB + "    token: 12345678\n")
    assert found == ("syncd.yaml:6 trackers.gh (github) → token: must be text",)


def test_password_in_a_tracker_url_is_not_echoed() -> None:
    text = """
    trackers:
      j:
        kind: jira
        url: ftp://bob:hunter2@jira.example
        project: OPS
        email: bot@example.com
    """
    [found] = problems(text)
    assert "hunter2" not in found and "bob" not in found
    assert "jira.example" in found


def test_recursive_alias_is_a_problem_not_a_hang() -> None:
    assert problems("records:\n  paths: &p [*p]\n") == (
        "syncd.yaml:2 records.paths[0]: an alias refers to itself",
    )


def test_service_election_defaults_and_bounds() -> None:
    service = parse("").service
    assert (service.leader, service.leader_retry_seconds, service.lease_seconds) == ("auto", 5, 10)
    assert problems("service:\n  lease: 30s\n  leader: maybe\n") == (
        "syncd.yaml:2 service.lease: must be between 2s and 20s: the leader must stop before "
        "PostgreSQL frees its lock, 25 s or more after it went silent",
        "syncd.yaml:3 service.leader: must be one of `auto`, `off` (got `maybe`)",
    )
    assert (
        parse("service: {lease: 20s, leader: off, leader_retry: 1s}\n").service.lease_seconds == 20
    )


# --- records.paths stay inside records.root (issue #9)


def test_a_glob_leaving_the_records_root_is_a_problem_naming_line_and_key() -> None:
    text = 'records:\n  root: reviews\n  paths:\n    - "**/*.md"\n    - "../../x/*.md"\n'
    (problem,) = problems(text)
    assert problem.startswith("syncd.yaml:3 records.paths: glob `../../x/*.md` leaves records.root")
    assert "records.allow_outside_root" in problem


@pytest.mark.parametrize("glob", ["/etc/*.md", "/srv/reviews/**/*.md"])
def test_an_absolute_glob_is_a_problem_even_when_outside_is_allowed(glob: str) -> None:
    text = f"records:\n  allow_outside_root: true\n  paths: ['{glob}']\n"
    (problem,) = problems(text)
    assert "absolute glob" in problem and "records.paths" in problem


def test_allow_outside_root_lets_a_glob_leave_the_root() -> None:
    config = parse_config(
        "records:\n  allow_outside_root: true\n  paths: ['../shared/*.md']\n",
        name="syncd.yaml",
        env={},
    )
    assert config.records.paths == ("../shared/*.md",)


@pytest.mark.parametrize("glob", ["reviews/../other/*.md", "./reviews/**/*.md", "a/b/../../c.md"])
def test_a_glob_that_climbs_back_inside_is_fine(glob: str) -> None:
    config = parse_config(f"records:\n  paths: ['{glob}']\n", name="syncd.yaml", env={})
    assert config.records.paths == (glob,)
