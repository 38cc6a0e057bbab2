"""SYN114 (two items, one ticket) and SYN115 (a date-like text that is not the due date)."""

from __future__ import annotations

import pytest

from syncd.model import Problem, Severity
from syncd.records.lint import LintSettings, lint_review
from syncd.records.parse import ParseOptions, parse_text

HEAD = "---\ndate: 2026-05-01\n---\n# Outage\n\n## Action Items\n\n"


def lint(body: str) -> list[Problem]:
    review = parse_text(HEAD + body + "\n", "r.md", ParseOptions())
    return lint_review(review, LintSettings())


def only(problems: list[Problem], code: str) -> list[Problem]:
    return [p for p in problems if p.code == code]


def test_two_items_pointing_at_one_ticket_is_an_error_naming_both_lines() -> None:
    problems = lint(
        "- Pin the base image — owner: @ana — due: 2026-05-20 — [jira](https://x.atlassian.net/browse/OPS-7)\n"
        "- Rotate the signing key — owner: @bo — due: 2026-05-20 — OPS-7"
    )
    (problem,) = only(problems, "SYN114")
    assert problem.severity is Severity.ERROR
    assert problem.line == 9
    assert "line 8" in problem.message and "OPS-7" in problem.message


def test_a_ticket_in_syncds_suffix_counts_too() -> None:
    url = "https://github.com/acme/ops/issues/12"
    problems = lint(
        f"- [ ] Pin the image — owner: @ana — due: 2026-05-20 · [acme/ops#12]({url}) open\n"
        f"- [ ] Rotate the key — owner: @bo — due: 2026-05-20 · [acme/ops#12]({url}) open"
    )
    assert [p.line for p in only(problems, "SYN114")] == [9]


def test_different_tickets_and_prose_mentions_are_fine() -> None:
    problems = lint(
        "- Pin the image — owner: @ana — due: 2026-05-20 — OPS-7\n"
        "- Rotate the key that OPS-7 leaked — owner: @bo — due: 2026-05-20 — OPS-8"
    )
    assert only(problems, "SYN114") == []


@pytest.mark.parametrize(
    ("line", "said"),
    [
        (
            "- Shard the audit log by tenant by end of sprint 12/3 — owner: @ana",
            "by end of sprint 12/3",
        ),
        ("- Hold a monthly reliability review from Q3 — owner: @ana", "Q3"),
        ("- Ship the lag alert next Friday — owner: @ana", "next Friday"),
        ("- Backfill the events lost since 2026-04-28 — owner: @ana", "2026-04-28"),
        ("- Re-send the samples missing from the 18 June batch — owner: @ana", "18 June"),
    ],
)
def test_date_like_text_that_is_not_the_due_date_is_named(line: str, said: str) -> None:
    problems = lint(line)
    (problem,) = only(problems, "SYN115")
    assert problem.severity is Severity.WARNING
    assert repr(said) in problem.message
    assert only(problems, "SYN103") == []  # SYN115 says more than "no due date"


def test_the_item_exposes_the_unused_date_for_the_engine() -> None:
    review = parse_text(HEAD + "- Shard the log by end of sprint 12/3\n", "r.md", ParseOptions())
    (item,) = review.items
    assert (item.due, item.unused_date) == (None, "by end of sprint 12/3")


def test_a_due_date_and_no_other_date_is_fine() -> None:
    problems = lint("- Shard the log — owner: @ana — due: 2026-05-20")
    assert only(problems, "SYN115") == []
    review = parse_text(HEAD + "- Shard the log — due: 2026-05-20\n", "r.md", ParseOptions())
    assert review.items[0].unused_date is None


def test_a_due_column_or_front_matter_deadline_means_no_unused_date() -> None:
    table = (
        "| Action | Owner | Due |\n|---|---|---|\n"
        "| Review the Q3 capacity plan | kim | 2026-06-01 |\n"
        "| Review the Q4 capacity plan | kim | |\n"
    )
    dated, undated = parse_text(HEAD + table, "r.md", ParseOptions()).items
    assert (dated.unused_date, undated.unused_date) == (None, "Q4")
    front = (
        "---\ndate: 2026-05-01\naction_items:\n"
        "  - description: Review the Q3 capacity plan\n    deadline: 2026-06-01\n"
        "  - description: Review the Q4 capacity plan\n---\n# Outage\n"
    )
    dated, undated = parse_text(front, "r.md", ParseOptions()).items
    assert (dated.unused_date, undated.unused_date) == (None, "Q4")
