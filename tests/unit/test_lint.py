"""Lint rules: one case each way per rule, suppression, severity overrides, ordering."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pytest
import yaml

from syncd.errors import ConfigError
from syncd.model import (
    ActionItem,
    ItemShape,
    Problem,
    Review,
    ReviewMeta,
    Severity,
    Span,
    Status,
    TicketRef,
)
from syncd.model import Suffix as TrackingSuffix
from syncd.records.keys import item_key
from syncd.records.lint import (
    RULES,
    LintSettings,
    exit_code,
    find_rule,
    lint_review,
    settings_from_config,
)

GOOD = "Alert when checkout 5xx rate stays above 3% for 5 minutes"


def make_item(
    description: str = GOOD,
    line: int = 10,
    *,
    owner: str | None = "@priya",
    owners: tuple[str, ...] = (),
    due: date | None = date(2026, 6, 10),
    due_raw: str | None = None,
    occurrence: int = 1,
    **extra: object,
) -> ActionItem:
    if due is not None and due_raw is None:
        due_raw = due.isoformat()
    return ActionItem(
        key=item_key("r", description, occurrence),
        review_id="r",
        description=description,
        text=description,
        line=line,
        span=Span(line - 1, line - 1, line - 1),
        shape=ItemShape.BULLET,
        section="Action Items",
        owner=owner,
        owners=owners,
        due=due,
        due_raw=due_raw,
        **extra,  # type: ignore[arg-type]
    )


def make_review(
    *items: ActionItem,
    severity: str | None = "SEV-2",
    day: date | None = date(2026, 6, 1),
    **extra: object,
) -> Review:
    meta = ReviewMeta(id="r", date=day, severity=severity)
    return Review(path="reviews/r.md", meta=meta, items=items, **extra)  # type: ignore[arg-type]


def codes(review: Review, settings: LintSettings | None = None) -> list[str]:
    return [p.code for p in lint_review(review, settings or LintSettings())]


def test_rule_catalogue_codes_and_names_are_unique_and_kebab_case() -> None:
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.code.startswith("SYN1") and len(rule.code) == 6
        assert rule.name == rule.name.lower() and " " not in rule.name
    assert find_rule("syn101") == find_rule("missing-owner") == RULES[0]
    assert find_rule("SYN999") is None


def test_well_written_item_has_no_problems() -> None:
    assert lint_review(make_review(make_item()), LintSettings()) == []


# SYN101 missing-owner


def test_item_without_owner_is_flagged() -> None:
    [problem] = lint_review(make_review(make_item(owner=None)), LintSettings())
    assert (problem.code, problem.severity, problem.line) == ("SYN101", Severity.WARNING, 10)
    assert problem.path == "reviews/r.md"
    assert problem.item_key == item_key("r", GOOD)


@pytest.mark.parametrize("owner", ["TBD", "?", "unknown"])
def test_placeholder_owner_counts_as_missing(owner: str) -> None:
    [problem] = lint_review(make_review(make_item(owner=owner)), LintSettings())
    assert problem.code == "SYN101"
    assert "placeholder" in problem.message


# SYN102 several-owners


@pytest.mark.parametrize(
    ("owner", "code"),
    [
        ("Data team", "SYN112"),
        ("Backend dev team", "SYN112"),
        ("(platform, data teams)", "SYN102"),
        ("SRE", "SYN112"),
        ("everyone", "SYN112"),
        ("@acme/sre", "SYN112"),
        ("priya and dana", "SYN102"),
        ("dev?", "SYN113"),
        ("garndt?", "SYN113"),
        ("Payments squad", "SYN112"),
    ],
)
def test_team_role_uncertain_or_several_owners_each_have_their_code(owner: str, code: str) -> None:
    # Issue #12: one code per problem, so the code says what fired (SYN102 said all three).
    assert codes(make_review(make_item(owner=owner))) == [code]


@pytest.mark.parametrize("written", ["SYN102", "several-owners"])
def test_suppressing_the_old_code_still_hides_the_split_rules(written: str) -> None:
    for owner in ("Platform team", "garndt?"):
        item = make_item(owner=owner, suppressed=frozenset({written}))
        assert codes(make_review(item)) == []


def test_the_old_codes_setting_applies_to_the_split_rules_unless_they_have_their_own() -> None:
    off = LintSettings(severities={"SYN102": None})
    assert lint_review(make_review(make_item(owner="Platform team")), off) == []
    own = LintSettings(severities={"SYN102": None, "SYN112": Severity.ERROR})
    (problem,) = lint_review(make_review(make_item(owner="Platform team")), own)
    assert (problem.code, problem.severity) == ("SYN112", Severity.ERROR)


def test_several_owners_listed_separately_are_flagged() -> None:
    [problem] = lint_review(
        make_review(make_item(owner="@priya", owners=("@priya", "@dana"))), LintSettings()
    )
    assert problem.code == "SYN102"
    assert "@priya, @dana" in problem.message


@pytest.mark.parametrize(
    "owner", ["@priya", "Priya Shah", "maria", "priya@example.org", "JKL", "Priya Shah (SRE)"]
)
def test_one_person_is_a_good_owner(owner: str) -> None:
    assert codes(make_review(make_item(owner=owner))) == []


# SYN103 missing-due-date


def test_item_without_due_date_mentions_the_implied_severity_deadline() -> None:
    [problem] = lint_review(make_review(make_item(due=None)), LintSettings())
    assert problem.code == "SYN103"
    assert "SEV-2 default implies 2026-07-01" in problem.message


def test_item_without_due_date_and_without_severity_still_warns() -> None:
    [problem] = lint_review(make_review(make_item(due=None), severity=None), LintSettings())
    assert problem.code == "SYN103"
    assert "implies" not in problem.message


def test_severity_default_without_review_date_names_the_days() -> None:
    [problem] = lint_review(make_review(make_item(due=None), day=None), LintSettings())
    assert "30 days after the review" in problem.message


# SYN104 unparseable-due-date


def test_unreadable_due_date_is_an_error() -> None:
    [problem] = lint_review(
        make_review(make_item(due=None, due_raw="in the near future")), LintSettings()
    )
    assert (problem.code, problem.severity) == ("SYN104", Severity.ERROR)
    assert "'in the near future'" in problem.message


def test_ambiguous_numeric_due_date_explains_date_order() -> None:
    [problem] = lint_review(make_review(make_item(due=None, due_raw="05-12-2022")), LintSettings())
    assert problem.code == "SYN104"
    assert "ambiguous: set records.date_order to dmy or mdy" in problem.message
    assert "2022-12-05 (5 December)" in problem.message
    assert "2022-05-12 (12 May)" in problem.message


def test_template_date_placeholder_is_named_as_such() -> None:
    [problem] = lint_review(make_review(make_item(due=None, due_raw="YYYY-MM-DD")), LintSettings())
    assert problem.code == "SYN104"
    assert "template placeholder" in problem.message


def test_parsed_due_date_is_not_unparseable() -> None:
    item = make_item(due=date(2022, 12, 5), due_raw="05-12-2022")
    assert codes(make_review(item, day=date(2022, 11, 30))) == []


# SYN105 due-past-severity-deadline


def test_due_date_past_severity_deadline_is_flagged() -> None:
    [problem] = lint_review(make_review(make_item(due=date(2026, 7, 2))), LintSettings())
    assert problem.code == "SYN105"
    assert "SEV-2 deadline 2026-07-01" in problem.message


def test_due_date_on_the_severity_deadline_is_fine() -> None:
    assert codes(make_review(make_item(due=date(2026, 7, 1)))) == []


def test_severity_deadline_uses_configured_days_and_tolerant_severity_spelling() -> None:
    settings = LintSettings(due_defaults={"SEV-2": 60})
    assert codes(make_review(make_item(due=date(2026, 7, 2)), severity="sev2"), settings) == []
    assert codes(make_review(make_item(due=date(2026, 8, 1)), severity="Sev 1")) == ["SYN105"]


def test_unknown_severity_has_no_deadline() -> None:
    assert codes(make_review(make_item(due=date(2027, 1, 1)), severity="SEV-5")) == []


# SYN106 vague-action


@pytest.mark.parametrize(
    "description",
    [
        "Improve monitoring",
        "Communicate better",
        "Review all alerting",
        "Look into it",
        "Investigate",
        "Be more careful with deploys",
        "Better testing",
        "We should improve monitoring",
        "Monitoring improvements",
    ],
)
def test_vague_action_is_a_warning(description: str) -> None:
    [problem] = lint_review(make_review(make_item(description)), LintSettings())
    assert (problem.code, problem.severity) == ("SYN106", Severity.WARNING)


@pytest.mark.parametrize(
    "description",
    [
        GOOD,
        "Pin the base image to a digest in the Dockerfile",
        "Improve alerting so that on-call is paged when checkout fails",
        "Improve `deploy.sh` error handling",
        "Reduce p99 checkout latency below 300 ms",
        "Add a backup-age panel to the ops dashboard",
        "Reviewed the alert routing with the payments team",
    ],
)
def test_concrete_action_passes(description: str) -> None:
    assert codes(make_review(make_item(description))) == []


def test_vague_verb_with_a_concrete_object_is_info_only() -> None:
    [problem] = lint_review(
        make_review(make_item("Investigate why the index table was dropped")), LintSettings()
    )
    assert (problem.code, problem.severity) == ("SYN106", Severity.INFO)


def test_vague_verb_with_concrete_object_stays_info_when_rule_raised_to_error() -> None:
    settings = LintSettings(severities={"SYN106": Severity.ERROR})
    review = make_review(make_item("Investigate why the index table was dropped"))
    [problem] = lint_review(review, settings)
    assert problem.severity is Severity.INFO


def test_item_with_ticket_is_not_judged_vague() -> None:
    ref = TicketRef(raw="OPS-12", key="OPS-12")
    review = make_review(make_item("Improve monitoring", ticket=ref, tickets=(ref,)))
    assert codes(review) == []


def test_configured_vague_words_replace_the_built_in_list() -> None:
    settings = LintSettings(vague_words=("tidy up",))
    assert codes(make_review(make_item("Improve monitoring")), settings) == []
    assert codes(make_review(make_item("Tidy up alerting")), settings) == ["SYN106"]


# SYN107 too-many-items


def _many(count: int) -> tuple[ActionItem, ...]:
    return tuple(make_item(f"Rotate the `key-{n}` credential", 10 + n) for n in range(count))


def test_more_than_max_items_is_flagged_once_at_the_first_item() -> None:
    [problem] = lint_review(make_review(*_many(8)), LintSettings())
    assert (problem.code, problem.line, problem.item_key) == ("SYN107", 10, None)
    assert "8 action items (max 7)" in problem.message


def test_max_items_exactly_is_fine_and_configurable() -> None:
    assert codes(make_review(*_many(7))) == []
    assert codes(make_review(*_many(4)), LintSettings(max_items=3)) == ["SYN107"]


# SYN108 duplicate-item


def test_duplicate_item_points_at_the_first_one() -> None:
    first = make_item("Pin the base image", 10)
    second = make_item("pin the **base** image.", 12, occurrence=2)
    [problem] = lint_review(make_review(first, second), LintSettings())
    assert (problem.code, problem.line) == ("SYN108", 12)
    assert "line 10" in problem.message


def test_different_items_are_not_duplicates() -> None:
    review = make_review(make_item("Pin the base image", 10), make_item("Pin the node image", 11))
    assert codes(review) == []


# SYN109 item-outside-section


def test_candidate_lines_are_info() -> None:
    problems = lint_review(make_review(make_item(), candidates=(3, 40)), LintSettings())
    assert [(p.code, p.line, p.severity) for p in problems] == [
        ("SYN109", 3, Severity.INFO),
        ("SYN109", 40, Severity.INFO),
    ]


def test_review_without_candidates_has_no_outside_items() -> None:
    assert "SYN109" not in codes(make_review(make_item()))


# SYN110 deprioritized-without-reason


def test_deprioritized_without_reason_is_flagged() -> None:
    review = make_review(make_item(marker=Status.DEPRIORITIZED))
    assert codes(review) == ["SYN110"]


def test_deprioritized_with_a_reason_is_fine() -> None:
    review = make_review(make_item(marker=Status.DEPRIORITIZED, reason="replaced by managed LB"))
    assert codes(review) == []


def test_deprioritized_reason_in_suffix_counts() -> None:
    suffix = TrackingSuffix(status=Status.DEPRIORITIZED, reason="obsolete")
    assert codes(make_review(make_item(marker=Status.DEPRIORITIZED, suffix=suffix))) == []


# SYN111 placeholder-item


@pytest.mark.parametrize(
    "description", ["Action", "TODO", "TBD", "…", "To do #1 (TODO: Create task)"]
)
def test_placeholder_item_is_info_and_nothing_else(description: str) -> None:
    problems = lint_review(
        make_review(make_item(description, owner=None, due=None)), LintSettings()
    )
    assert [(p.code, p.severity) for p in problems] == [("SYN111", Severity.INFO)]


def test_real_item_mentioning_todo_is_not_a_placeholder() -> None:
    assert codes(make_review(make_item("Add a TODO list check to the `release.sh` script"))) == []


# Closed items and drafts


@pytest.mark.parametrize("closed", [Status.DONE, Status.DEPRIORITIZED])
def test_decided_items_are_not_asked_for_owner_date_or_wording(closed: Status) -> None:
    item = make_item("Improve monitoring", owner=None, due=None, marker=closed, reason="x")
    assert codes(make_review(item)) == []


def test_item_done_in_tracker_suffix_counts_as_decided() -> None:
    item = make_item(owner=None, suffix=TrackingSuffix(status=Status.DONE))
    assert codes(make_review(item)) == []


def test_drafts_are_linted() -> None:
    meta = ReviewMeta(id="r", date=date(2026, 6, 1), severity="SEV-2", status="draft", sync=False)
    review = Review(path="reviews/r.md", meta=meta, items=(make_item(owner=None),))
    assert review.draft
    assert codes(review) == ["SYN101"]


# Suppression


def test_item_suppression_hides_only_that_code_on_that_item() -> None:
    hidden = make_item("Improve monitoring", 10, owner=None, suppressed=frozenset({"SYN106"}))
    other = make_item("Improve alerting", 11)
    assert codes(make_review(hidden, other)) == ["SYN101", "SYN106"]
    assert [p.line for p in lint_review(make_review(hidden, other), LintSettings())] == [10, 11]


def test_file_suppression_hides_the_code_everywhere() -> None:
    review = make_review(*_many(9), suppressed=frozenset({"SYN107"}))
    assert codes(review) == []


def test_item_suppression_on_first_item_hides_too_many_items() -> None:
    items = _many(9)
    first = replace(items[0], suppressed=frozenset({"SYN107"}))
    assert codes(make_review(first, *items[1:])) == []


def test_suppress_all_and_by_rule_name() -> None:
    everything = make_item(
        "Improve monitoring", owner=None, due=None, suppressed=frozenset({"all"})
    )
    by_name = make_item("Improve alerting", 11, suppressed=frozenset({"vague-action"}))
    assert codes(make_review(everything, by_name)) == []


def test_file_suppression_applies_to_parser_problems() -> None:
    parsed = Problem("reviews/r.md", 2, "SYN004", Severity.WARNING, "odd heading")
    review = make_review(make_item(), problems=(parsed,), suppressed=frozenset({"syn004"}))
    assert codes(review) == []


# Severity overrides


def test_severity_override_changes_severity() -> None:
    settings = LintSettings(severities={"SYN101": Severity.ERROR})
    [problem] = lint_review(make_review(make_item(owner=None)), settings)
    assert problem.severity is Severity.ERROR
    assert exit_code([problem]) == 1


def test_rule_turned_off_reports_nothing() -> None:
    settings = LintSettings(severities={"SYN101": None})
    assert codes(make_review(make_item(owner=None)), settings) == []


def test_parser_problem_passes_through_and_can_be_overridden() -> None:
    parsed = Problem("reviews/r.md", 0, "SYN001", Severity.ERROR, "cannot decode", col=1)
    review = make_review(make_item(), problems=(parsed,))
    assert lint_review(review, LintSettings()) == [parsed]
    demoted = lint_review(review, LintSettings(severities={"SYN001": Severity.WARNING}))
    assert [p.severity for p in demoted] == [Severity.WARNING]
    assert lint_review(review, LintSettings(severities={"SYN001": None})) == []


# Ordering and exit code


def test_problems_are_sorted_by_line_col_and_code() -> None:
    parsed = Problem("reviews/r.md", 11, "SYN003", Severity.WARNING, "parser note", col=5)
    review = make_review(
        make_item("Improve monitoring", 11, owner=None),
        make_item(GOOD, 20, due=None),
        problems=(parsed,),
        candidates=(2,),
    )
    positions = [(p.line, p.col, p.code) for p in lint_review(review, LintSettings())]
    assert positions == [
        (2, 1, "SYN109"),
        (11, 1, "SYN101"),
        (11, 1, "SYN106"),
        (11, 5, "SYN003"),
        (20, 1, "SYN103"),
    ]


def test_exit_code_is_one_only_with_errors() -> None:
    warning = Problem("a.md", 1, "SYN101", Severity.WARNING, "w")
    info = Problem("a.md", 1, "SYN109", Severity.INFO, "i")
    error = Problem("a.md", 1, "SYN104", Severity.ERROR, "e")
    assert exit_code([]) == 0
    assert exit_code([warning, info]) == 0
    assert exit_code([warning, error]) == 1


# Settings from config


@dataclass(frozen=True)
class FakeRuleConfig:
    severity: str | None = None


@dataclass(frozen=True)
class FakeLintConfig:
    max_items: int = 7
    vague_words: tuple[str, ...] | None = None
    rules: dict[str, FakeRuleConfig] = field(default_factory=dict)


def test_settings_from_config_maps_codes_names_and_off() -> None:
    config = FakeLintConfig(
        max_items=3,
        vague_words=("tidy up",),
        rules={
            "SYN106": FakeRuleConfig("off"),
            "missing-owner": FakeRuleConfig("error"),
            "SYN107": FakeRuleConfig(None),
            "SYN002": FakeRuleConfig("info"),
        },
    )
    settings = settings_from_config(config, {"SEV-1": 5})
    assert settings.max_items == 3
    assert settings.vague_words == ("tidy up",)
    assert settings.severities == {
        "SYN106": None,
        "SYN101": Severity.ERROR,
        "SYN002": Severity.INFO,
    }
    assert settings.due_defaults == {"SEV-1": 5}


def test_settings_from_config_defaults_to_built_in_vague_words() -> None:
    settings = settings_from_config(FakeLintConfig(), {})
    assert settings.vague_words == LintSettings().vague_words
    assert "improve" in settings.vague_words


def test_settings_from_config_rejects_unknown_rules() -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from_config(FakeLintConfig(rules={"SYN199": FakeRuleConfig("off")}), {})
    assert "lint.rules.SYN199" in caught.value.problems[0]


def test_settings_from_real_config_model() -> None:
    config_module = pytest.importorskip("syncd.config.models")
    lint = config_module.LintConfig(max_items=2, rules={"SYN106": {"severity": "off"}})
    settings = settings_from_config(lint, {"SEV-1": 15})
    assert settings.severities == {"SYN106": None}
    assert codes(make_review(*_many(3)), settings) == ["SYN107"]


# Docs and the pre-commit hook

ROOT = Path(__file__).resolve().parents[2]


def test_every_rule_is_documented_with_code_name_and_default_severity() -> None:
    docs = (ROOT / "docs" / "lint.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"| {rule.code} | `{rule.name}` |" in docs, rule.code
        assert f"### {rule.code} `{rule.name}` ({rule.severity.value}" in docs, rule.code


def test_pre_commit_hook_runs_syncd_lint_on_markdown_files() -> None:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "syncd-lint"
    assert hook["entry"] == "syncd lint"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    assert re.search(hook["files"], "reviews/2026-06-01.md")
    assert not re.search(hook["files"], "reviews/notes.txt")


# End to end: Markdown → parse → lint

REVIEW_MD = """---
title: Checkout outage
date: 2026-06-01
severity: SEV-2
---
# Checkout outage

## Timeline
- [ ] page the DBA — owner: @kim

## Action Items
- [ ] Alert when checkout 5xx rate stays above 3% for 5 minutes — owner: @priya — due: 2026-06-04
- [ ] Improve monitoring — owner: Data team
<!-- syncd: ignore SYN105 -->
- [ ] Shard the audit log table — owner: @li — due: 2026-09-01
- [ ] Pin the base image to a digest — owner: @maria — due: 05-12-2026
- [ ] Improve alerting — owner: @dana — due: 2026-06-20 <!-- syncd: ignore all -->
- ~~Rewrite the deployer~~ won't do
"""


def test_parsed_markdown_is_linted_end_to_end() -> None:
    parse = pytest.importorskip("syncd.records.parse")
    review = parse.parse_text(REVIEW_MD, "r.md", parse.ParseOptions())
    found = [(p.line, p.code, p.severity) for p in lint_review(review, LintSettings())]
    assert found == [
        (9, "SYN109", Severity.INFO),
        (13, "SYN103", Severity.WARNING),
        (13, "SYN106", Severity.WARNING),
        (13, "SYN112", Severity.WARNING),
        (16, "SYN104", Severity.ERROR),
        (18, "SYN110", Severity.WARNING),
    ]


def test_file_level_suppression_from_markdown() -> None:
    parse = pytest.importorskip("syncd.records.parse")
    text = REVIEW_MD + "\n<!-- syncd: ignore-file SYN102 SYN106 -->\n"
    review = parse.parse_text(text, "r.md", parse.ParseOptions())
    assert [p.code for p in lint_review(review, LintSettings()) if p.line == 13] == ["SYN103"]


def test_date_order_setting_resolves_the_ambiguous_due_date() -> None:
    parse = pytest.importorskip("syncd.records.parse")
    review = parse.parse_text(REVIEW_MD, "r.md", parse.ParseOptions(date_order="dmy"))
    assert "SYN104" not in [p.code for p in lint_review(review, LintSettings())]


# Suppression comments in Markdown: codes, rule names, `all` (docs/lint.md "Suppressing a rule")

SUPPRESS_MD = """---
date: 2026-06-01
severity: SEV-2
---
## Action Items
{comment}
- [ ] Improve monitoring — owner: Data team
- [ ] Improve alerting — owner: Ops team
"""


def _lint_md(text: str) -> list[tuple[int, str]]:
    from syncd.records.parse import ParseOptions, parse_text

    review = parse_text(text, "r.md", ParseOptions())
    return [(p.line, p.code) for p in lint_review(review, LintSettings())]


# Unsuppressed, each item gets SYN112 (team owner), SYN103 (no date), SYN106 (vague).
_BOTH = [
    (7, "SYN103"),
    (7, "SYN106"),
    (7, "SYN112"),
    (8, "SYN103"),
    (8, "SYN106"),
    (8, "SYN112"),
]


def test_markdown_without_suppression_reports_both_items() -> None:
    assert _lint_md(SUPPRESS_MD.format(comment="")) == _BOTH


@pytest.mark.parametrize(
    "comment",
    [
        "<!-- syncd: ignore all -->",
        "<!-- syncd: ignore ALL -->",
        "<!-- syncd: ignore all (the vendor owns this review) -->",
        "<!-- syncd: ignore -->",
    ],
)
def test_ignore_all_on_the_line_before_an_item_hides_only_that_item(comment: str) -> None:
    assert _lint_md(SUPPRESS_MD.format(comment=comment)) == _BOTH[3:]


@pytest.mark.parametrize(
    "comment",
    [
        "<!-- syncd: ignore vague-action -->",
        "<!-- syncd: ignore Vague-Action -->",
        "<!-- syncd: ignore SYN106 -->",
        "<!-- syncd: ignore syn106 -->",
    ],
)
def test_ignore_by_rule_name_or_code_on_the_line_before_an_item(comment: str) -> None:
    assert _lint_md(SUPPRESS_MD.format(comment=comment)) == [
        (7, "SYN103"),
        (7, "SYN112"),
        *_BOTH[3:],
    ]


def test_ignore_names_and_codes_mixed_with_commas() -> None:
    comment = "<!-- syncd: ignore several-owners, SYN103,vague-action -->"
    assert _lint_md(SUPPRESS_MD.format(comment=comment)) == _BOTH[3:]


@pytest.mark.parametrize(
    "comment",
    [
        "<!-- syncd: ignore-file several-owners missing-due-date -->",
        "<!-- syncd: ignore-file SYN102, missing-due-date -->",
    ],
)
def test_ignore_file_by_rule_name_hides_the_rule_everywhere(comment: str) -> None:
    text = SUPPRESS_MD.format(comment="") + "\n" + comment + "\n"
    assert _lint_md(text) == [(7, "SYN106"), (8, "SYN106")]


def test_ignore_file_all_hides_every_problem_of_the_file() -> None:
    text = SUPPRESS_MD.format(comment="") + "\n<!-- syncd: ignore-file all -->\n"
    assert _lint_md(text) == []


def test_ignore_by_rule_name_at_the_end_of_the_item_line() -> None:
    text = SUPPRESS_MD.format(comment="").replace(
        "Ops team", "Ops team <!-- syncd: ignore several-owners -->"
    )
    assert _lint_md(text) == [*_BOTH[:3], (8, "SYN103"), (8, "SYN106")]  # SYN112 hidden


def test_a_note_after_the_codes_does_not_widen_the_suppression() -> None:
    comment = "<!-- syncd: ignore vague-action - the team says it is all fine -->"
    assert _lint_md(SUPPRESS_MD.format(comment=comment))[:2] == [(7, "SYN103"), (7, "SYN112")]


def test_an_unknown_rule_name_suppresses_nothing() -> None:
    comment = "<!-- syncd: ignore vague-actions -->"
    assert _lint_md(SUPPRESS_MD.format(comment=comment)) == _BOTH


def test_suppression_in_a_code_block_only_shows_the_syntax() -> None:
    comment = "```\n<!-- syncd: ignore-file all -->\n```"
    text = SUPPRESS_MD.format(comment="") + "\n" + comment + "\n"
    assert _lint_md(text) == _BOTH


def test_suppression_codes_reads_codes_names_and_all() -> None:
    from syncd.records.lint.rules import suppression_codes

    assert suppression_codes("SYN105 vague-action") == {"SYN105", "SYN106"}
    assert suppression_codes("(syn004), Missing-Owner;") == {"SYN004", "SYN101"}
    assert suppression_codes("") == {"all"}
    assert suppression_codes("all - reason") == {"all"}
    assert suppression_codes("SYN106 it's all fine") == {"SYN106"}
    assert suppression_codes("because the vendor is late") == frozenset()
    assert all(suppression_codes(rule.name) == {rule.code} for rule in RULES)
