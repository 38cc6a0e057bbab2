"""Shapes of issue #12: templates and habits real reviews use that syncd misread.

Every example is invented; each copies the shape quoted in the issue.
"""

from __future__ import annotations

from datetime import date

import pytest

from syncd.model import ActionItem, Review, Status
from syncd.records.lint import LintSettings, lint_review
from syncd.records.parse import ParseOptions, parse_text


def parse(body: str, path: str = "2026-05-01-r.md", options: ParseOptions | None = None) -> Review:
    return parse_text(f"# Outage\n\n{body}\n", path, options or ParseOptions())


def items_of(body: str) -> tuple[ActionItem, ...]:
    return parse(f"## Action Items\n\n{body}").items


def one(body: str) -> ActionItem:
    (item,) = items_of(body)
    return item


def codes(review: Review, line: int | None = None) -> list[str]:
    found = lint_review(review, LintSettings())
    return [p.code for p in found if line is None or p.line == line]


# --- 1. The lightweight template `- [Owner] [Due date] [Specific fix]`


@pytest.mark.parametrize(
    ("line", "owner", "due", "description"),
    [
        (
            "- [Priya] [2026-05-28] Add a replication lag alert above 30 s",
            "Priya",
            date(2026, 5, 28),
            "Add a replication lag alert above 30 s",
        ),
        ("- [Sam] [Sep 16] Rotate the webhook certificate", "Sam", date(2026, 9, 16), None),
        ("- [2026-06-02] [Kim] Pin the base image", "Kim", date(2026, 6, 2), "Pin the base image"),
        ("- [Lee] [28 May 2026] [Pin the base image]", "Lee", date(2026, 5, 28), None),
    ],
)
def test_leading_bracket_with_a_date_is_the_due_date(
    line: str, owner: str, due: date, description: str | None
) -> None:
    item = one(line)
    assert item.owner == owner
    assert item.due == due
    assert "[" not in item.description
    if description is not None:
        assert item.description == description


def test_vague_wording_sees_the_text_after_the_brackets() -> None:
    review = parse("## Action Items\n\n- [Priya] [2026-05-28] Improve monitoring")
    assert "SYN106" in codes(review, 5)
    review = parse("## Action Items\n\n- [Priya] [2026-05-28] Add a lag alert above 30 s")
    assert codes(review, 5) == []


# --- 2. A leading `@handle` on a checkbox or bullet


def test_a_leading_handle_is_the_owner() -> None:
    item = one("- [ ] @jorge add a nightly restore test of the ledger backup")
    assert item.owners == ("@jorge",)
    assert item.description == "add a nightly restore test of the ledger backup"


@pytest.mark.parametrize(
    "line",
    [
        "- [ ] @sam @jorge move runners to the new pool",
        "- @sam, @jorge: move runners to the new pool",
        "- @sam and @jorge move runners to the new pool",
    ],
)
def test_several_leading_handles_are_several_owners(line: str) -> None:
    item = one(line)
    assert item.owners == ("@sam", "@jorge")
    assert item.description == "move runners to the new pool"
    review = parse(f"## Action Items\n\n{line}")
    assert "SYN102" in codes(review, 5)
    assert "SYN101" not in codes(review, 5)


def test_a_handle_alone_is_the_description() -> None:
    assert one("- @jorge").owners == ()


def test_a_done_box_with_a_leading_handle_stays_done() -> None:
    item = one("- [x] @ana pin the base image digest")
    assert (item.owner, item.marker) == ("@ana", Status.DONE)
