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


# --- 3. Plural and qualified forms of the section names; a hint for unlisted headings


@pytest.mark.parametrize(
    "heading",
    [
        "## Remediations",
        "## Root Cause Remediation(s)",
        "## Root Cause Remediations",
        "## Incident Action Items",
        "## Postmortem Follow-ups",
        "## Follow-up",
        "## Corrective Action",
        "### 2. Next Step",
    ],
)
def test_plural_and_qualified_section_names(heading: str) -> None:
    review = parse(f"{heading}\n\n- Pin the base image digest")
    assert [i.description for i in review.items] == ["Pin the base image digest"]


@pytest.mark.parametrize(
    "heading", ["## Follow-up timeline", "## Incident timeline", "## Remediation timeline"]
)
def test_a_longer_phrase_that_starts_alike_is_no_section(heading: str) -> None:
    assert parse(f"{heading}\n\n- 10:05 paged the on-call").items == ()


def test_an_unlisted_heading_over_action_items_gets_a_hint() -> None:
    review = parse("## Improvements\n\n- Add retries to the export client\n- Pin the image")
    assert review.items == ()
    (hint,) = [p for p in review.problems if p.code == "SYN011"]
    assert hint.line == 3
    assert "'Improvements'" in hint.message and "records.sections" in hint.message


@pytest.mark.parametrize(
    "body",
    [
        "## Timeline\n\n- Add was run at 10:05",  # no action word in the heading
        "## Improvements\n\nThe cache got faster.",  # no list
        "## Improvements\n\n- 10:05 cache hit rate up",  # not an action
        "## Action Items\n\n- Pin the image\n\n### Improvements\n\n- Add retries",  # inside
    ],
)
def test_no_hint_without_an_unlisted_heading_over_actions(body: str) -> None:
    assert "SYN011" not in [p.code for p in parse(body).problems]


# --- 4. A nested sub-bullet under an item is a note of its parent


def test_a_note_under_an_item_with_a_ticket_is_no_item() -> None:
    (item,) = items_of(
        "* [[Proposal](https://github.com/o/r/issues/87)] set up monitoring of volume usage\n"
        "  * note that limits are not API-accessible"
    )
    assert item.description == "set up monitoring of volume usage"
    assert item.ticket is not None and item.ticket.number == 87
    assert item.section == "Action Items"


def test_a_note_under_an_action_is_no_item() -> None:
    (item,) = items_of(
        "- Rotate the webhook signing key\n  - the old key stays valid for a day, see the runbook"
    )
    assert item.description == "Rotate the webhook signing key"


def test_sub_tasks_under_an_umbrella_stay_items() -> None:
    ask, add = items_of(
        "- Improve backup coverage\n"
        "    - Ask each team which databases lack backups\n"
        "    - Add a backup-age panel to the ops dashboard"
    )
    assert ask.section == add.section == "Action Items / Improve backup coverage"


# --- 5. Status from the section heading


@pytest.mark.parametrize(
    "heading", ["### Immediate Actions (Completed)", "### Done", "### Completed actions"]
)
def test_items_under_a_done_heading_are_done(heading: str) -> None:
    (item,) = items_of(f"{heading}\n\n- Rolled back the pool-limit change")
    assert item.marker is Status.DONE


def test_an_items_own_marker_beats_its_heading() -> None:
    (item,) = items_of("### Completed\n\n- [ ] Unticked, so still open")
    assert item.marker is Status.OPEN


def test_a_done_group_label_marks_its_children() -> None:
    done, planned = items_of("- Done\n  - Rolled back the change\n- Planned\n  - Pin the image")
    assert (done.marker, planned.marker) == (Status.DONE, Status.OPEN)


@pytest.mark.parametrize(
    "heading", ["### Closed-loop monitoring", "### Planned actions (planned or in-progress)"]
)
def test_other_headings_say_no_status(heading: str) -> None:
    (item,) = items_of(f"{heading}\n\n- Add a lag alert")
    assert item.marker is None


# --- issue #9: a value syncd shows never carries an HTML comment


@pytest.mark.parametrize(
    "line",
    [
        "- Pin the image <!-- syncd:item=other#1234abcd -->",
        "- Pin the image <!-- syncd:item=other#1234abcd",
        "- [ ] Pin <!-- a --> the image <!-- syncd:item=other#1234abcd -->",
    ],
)
def test_a_description_never_carries_an_html_comment(line: str) -> None:
    item = one(line)
    assert "<!--" not in item.description and "syncd:" not in item.description
    assert item.description in ("Pin the image", "Pin the image")


# --- 11. syncd's own suffix read back as a status in records-only mode


@pytest.mark.parametrize(
    ("line", "status", "reason"),
    [
        (
            "- Rewrite the deployer · won't do: replaced by the managed service (2026-06-10)",
            Status.DEPRIORITIZED,
            "replaced by the managed service",
        ),
        (
            "- [ ] Pin the image · [OPS-1](https://x.atlassian.net/browse/OPS-1) done 2026-06-01",
            Status.DONE,
            None,
        ),
        ("- Shard the audit log · in progress", Status.IN_PROGRESS, None),
        ("- [x] Pin the image · open", Status.DONE, None),  # the team's own tick wins
        ("- TODO Pin the image · done", Status.DONE, None),
    ],
)
def test_the_suffix_status_is_the_written_status(
    line: str, status: Status, reason: str | None
) -> None:
    item = one(line)
    assert item.suffix is not None
    assert item.written_status is status
    assert item.written_reason == reason


def test_the_suffix_in_a_table_cell_is_read_back() -> None:
    item = one(
        "| Action | Owner | Status |\n|---|---|---|\n"
        "| Shard the log · won't do: replaced | kim | open |"
    )
    assert (item.marker, item.written_status) == (Status.OPEN, Status.DEPRIORITIZED)
    assert item.written_reason == "replaced"
