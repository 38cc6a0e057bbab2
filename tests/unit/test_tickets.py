"""Which reference is an item's ticket (issues #9, #12): only a ticket, only in a ticket position.

A review's text is data: a ticket named in a sentence must never make syncd push to it, and a
link to a repository or a document is not a ticket however it is labelled.
"""

from __future__ import annotations

import pytest

from syncd.model import ActionItem, TicketRef
from syncd.records.keys import item_key
from syncd.records.parse import ParseOptions, parse_text

JIRA = "https://x.atlassian.net/browse/SAAS-312"
REPO = "https://github.com/percona/percona-server-mongodb-operator"
ISSUE = "https://github.com/o/r/issues/12829"


def items_of(body: str, path: str = "2026-05-01-r.md") -> tuple[ActionItem, ...]:
    review = parse_text(f"# Outage\n\n## Action Items\n\n{body}\n", path, ParseOptions())
    return review.items


def one(body: str) -> ActionItem:
    (item,) = items_of(body)
    return item


def test_the_ticket_is_the_link_that_is_a_ticket_not_the_first_link() -> None:
    item = one(f"- Investigate the [Percona Operator]({REPO}) for backups - [jira]({JIRA})")
    assert item.ticket == TicketRef(JIRA, url=JIRA, key="SAAS-312")
    assert item.tickets == (item.ticket,)
    assert item.description == "Investigate the Percona Operator for backups"


@pytest.mark.parametrize(
    ("line", "raw"),
    [
        (f"- Alert on snapshot failures - [jira]({JIRA})", JIRA),
        (f"- Write the access runbook <{ISSUE}>", ISSUE),
        ("- Give batch jobs their own node pool (#2131)", "#2131"),
        ("- Rotate the signing key — OPS-77", "OPS-77"),
        (f"- [[Proposal]({ISSUE})] set up monitoring of volume usage", ISSUE),
    ],
)
def test_ticket_raw_is_the_reference_not_markdown(line: str, raw: str) -> None:
    ticket = one(line).ticket
    assert ticket is not None
    assert ticket.raw == raw


@pytest.mark.parametrize(
    "line",
    [
        "- [ ] Revert the change that #2 introduced in the loader",
        "- Fix the flaky import mentioned in OPS-1 before the freeze",
        f"- Read the [operator docs]({REPO})",
        "- Pin the image (https://git.example.org/acme/ingest/commit/4f2a9c1)",
        f"- Compare the [old issue]({ISSUE}) with this one",
    ],
)
def test_a_reference_outside_a_ticket_position_or_not_a_ticket_is_no_ticket(line: str) -> None:
    item = one(line)
    assert item.ticket is None
    assert item.tickets == ()


def test_prose_references_stay_in_the_description() -> None:
    assert one("- [ ] Revert the change that #2 introduced").description == (
        "Revert the change that #2 introduced"
    )
    assert one("- Fix the import mentioned in OPS-1 soon").description == (
        "Fix the import mentioned in OPS-1 soon"
    )


@pytest.mark.parametrize(
    ("line", "ticket"),
    [
        ("- Fix the loader — ticket: OPS-12 — owner: @ana", "OPS-12"),
        (f"- Created a [ticket]({ISSUE}) to move the cron jobs", ISSUE),
        (
            "- [OPS-481](https://tracker.example.org/c/x1) Rotate the key",
            "https://tracker.example.org/c/x1",
        ),
        (
            "- Move the cron jobs [card](https://trello.com/c/AbC123/12-cron)",
            "https://trello.com/c/AbC123/12-cron",
        ),
        ("- Follow [the disk runbook](https://docs.example.org/disk)", None),
        (
            "- Move cron - [trello card](https://trello.com/c/AbC123/12-cron)",
            "https://trello.com/c/AbC123/12-cron",
        ),
        (
            "- Ship [the lag alert](https://linear.app/acme/issue/ENG-42/fix)",
            "https://linear.app/acme/issue/ENG-42/fix",
        ),
        (
            "- Fix it - [ENG-42](https://linear.app/acme/issue/ENG-42/fix)",
            "https://linear.app/acme/issue/ENG-42/fix",
        ),
    ],
)
def test_ticket_positions(line: str, ticket: str | None) -> None:
    found = one(line).ticket
    assert (found.raw if found else None) == ticket


@pytest.mark.parametrize(
    ("line", "description"),
    [
        (
            f"- Alert when the pager is silent, paged ([#12829]({ISSUE}))",
            "Alert when the pager is silent, paged",
        ),
        ("- Fix the flaky loader: [#11134]", "Fix the flaky loader"),
        ("- Document the restore drill - jira link", "Document the restore drill"),
        ("- Document the restore drill (ticket link)", "Document the restore drill"),
    ],
)
def test_link_leftovers_leave_the_description(line: str, description: str) -> None:
    assert one(line).description == description


def test_reference_definitions_decide_what_a_shortcut_link_points_to() -> None:
    body = (
        "- Shard the audit log [#1234]\n"
        "- Compare with the earlier incident [PM2020-004]\n\n"
        "[#1234]: https://git.example.org/acme/app/issues/1234\n"
        "[PM2020-004]: ./PM2020-004.md\n"
    )
    shard, compare = items_of(body)
    assert shard.ticket is not None and shard.ticket.number == 1234
    assert shard.ticket.url == "https://git.example.org/acme/app/issues/1234"
    assert compare.ticket is None  # a link to another review is not a ticket


def test_table_ticket_column_is_a_ticket_position() -> None:
    body = (
        "| Action | Owner | Ticket |\n|---|---|---|\n"
        "| Fix the loader seen in OPS-1 | kim | [PLAT-9](https://x.atlassian.net/browse/PLAT-9) |"
    )
    item = one(body)
    assert [t.key for t in item.tickets] == ["PLAT-9"]


def test_an_item_without_description_keeps_its_key() -> None:
    # The key of a bare reference comes from how the reference is written, as before `raw`
    # became the URL: a linked item must keep its key (DESIGN §2).
    item = one("- [OPS-483](https://tracker.example.org/c/x3)")
    assert item.key == item_key("2026-05-01-r", "[OPS-483](https://tracker.example.org/c/x3)")
    assert item.ticket is not None and item.ticket.key == "OPS-483"
