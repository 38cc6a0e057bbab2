"""Write-back span edits: syncd changes only what it owns, or refuses (DESIGN §1.1, §4)."""

from __future__ import annotations

from datetime import date

import pytest

from syncd.model import ActionItem, ItemShape, Span, Status, Suffix
from syncd.records.edit import EditProblem, ItemEdit, apply_edits, encode
from syncd.records.parse import suffix as suffixes

LINK = Suffix(ticket_label="acme/ops#12", ticket_url="https://github.com/acme/ops/issues/12")
IN_PROGRESS = Suffix(
    ticket_label="acme/ops#12",
    ticket_url="https://github.com/acme/ops/issues/12",
    status=Status.IN_PROGRESS,
)
DONE = Suffix(
    ticket_label="OPS-481",
    ticket_url="https://acme.atlassian.net/browse/OPS-481",
    status=Status.DONE,
    status_date=date(2026, 6, 1),
)
IN_PROGRESS_TEXT = " · [acme/ops#12](https://github.com/acme/ops/issues/12) in progress"
DONE_TEXT = " · [OPS-481](https://acme.atlassian.net/browse/OPS-481) done 2026-06-01"


def make_item(
    text: str,
    line: int,
    shape: ItemShape = ItemShape.BULLET,
    *,
    last: int | None = None,
    suffix_line: int | None = None,
    checkbox_col: int | None = None,
    cell: int | None = None,
    status_cell: int | None = None,
    ticket_cell: int | None = None,
    key: str | None = None,
) -> ActionItem:
    """An item as the parser would report it; `line` is the 0-based first line."""
    last = line if last is None else last
    span = Span(
        first=line,
        last=last,
        suffix_line=last if suffix_line is None else suffix_line,
        checkbox_col=checkbox_col,
        cell=cell,
        status_cell=status_cell,
        ticket_cell=ticket_cell,
    )
    return ActionItem(
        key=key or f"pir-1#{line:08x}",
        review_id="pir-1",
        description=text,
        text=text,
        line=line + 1,
        span=span,
        shape=shape,
        section="Action Items",
    )


def edit_one(text: str, edit: ItemEdit) -> str:
    new, problems = apply_edits(text, [edit])
    assert problems == ()
    return new


# --- list items and paragraphs ---------------------------------------------------------


def test_bullet_gets_suffix_and_nothing_else_changes() -> None:
    text = "# PIR\n\n## Action Items\n- Alert on 5xx — owner: @priya\n- Other\n"
    item = make_item("Alert on 5xx — owner: @priya", 3)
    new = edit_one(text, ItemEdit(item, IN_PROGRESS))
    assert new == text.replace("@priya\n", "@priya" + IN_PROGRESS_TEXT + "\n")


def test_numbered_item_gets_suffix() -> None:
    text = "1. Add a runbook entry\n2. Second\n"
    new = edit_one(text, ItemEdit(make_item("Add a runbook entry", 0), DONE))
    assert new == "1. Add a runbook entry" + DONE_TEXT + "\n2. Second\n"


def test_checkbox_is_checked_and_suffix_written_on_same_line() -> None:
    text = "- [ ] Pin the base image\n"
    item = make_item("Pin the base image", 0, ItemShape.CHECKBOX, checkbox_col=3)
    new = edit_one(text, ItemEdit(item, DONE, checked=True))
    assert new == "- [x] Pin the base image" + DONE_TEXT + "\n"


def test_checkbox_is_unchecked() -> None:
    text = "* [x] Reopened item\n"
    item = make_item("Reopened item", 0, ItemShape.CHECKBOX, checkbox_col=3)
    assert edit_one(text, ItemEdit(item, None, checked=False)) == "* [ ] Reopened item\n"


def test_capital_x_is_kept_when_already_checked() -> None:
    text = "* [X] Done already\n"
    item = make_item("Done already", 0, ItemShape.CHECKBOX, checkbox_col=3)
    assert edit_one(text, ItemEdit(item, None, checked=True)) == text


def test_malformed_empty_checkbox_gets_a_mark_when_checked() -> None:
    text = "- [] Rotate the keys\n"
    item = make_item("Rotate the keys", 0, ItemShape.CHECKBOX, checkbox_col=3)
    new = edit_one(text, ItemEdit(item, DONE, checked=True))
    assert new == "- [x] Rotate the keys" + DONE_TEXT + "\n"
    # the re-read item points at the mark now; a second pass changes nothing
    assert edit_one(new, ItemEdit(item, DONE, checked=True)) == new


def test_malformed_empty_checkbox_is_left_alone_when_unchecked() -> None:
    text = "- [] Rotate the keys\n"
    item = make_item("Rotate the keys", 0, ItemShape.CHECKBOX, checkbox_col=3)
    assert edit_one(text, ItemEdit(item, None, checked=False)) == text


def test_checked_is_ignored_for_items_without_checkbox() -> None:
    text = "- Plain bullet\n"
    assert edit_one(text, ItemEdit(make_item("Plain bullet", 0), None, checked=True)) == text


def test_paragraph_item_gets_suffix_on_its_suffix_line() -> None:
    text = "**Action item:** shard the audit log\nowner: @kim due 2026-07-01\n\nAfter\n"
    item = make_item(
        "**Action item:** shard the audit log owner: @kim due 2026-07-01",
        0,
        ItemShape.PARAGRAPH,
        last=1,
    )
    new = edit_one(text, ItemEdit(item, IN_PROGRESS))
    assert new == text.replace("2026-07-01\n", "2026-07-01" + IN_PROGRESS_TEXT + "\n")


def test_multi_line_checkbox_item_edits_first_and_suffix_lines_only() -> None:
    text = "- [ ] Alert when the queue\n  stays empty for a day\n  - Owner: @kim\n"
    item = make_item(
        "Alert when the queue stays empty for a day", 0, ItemShape.CHECKBOX, last=1, checkbox_col=3
    )
    new = edit_one(text, ItemEdit(item, LINK, checked=True))
    lines = new.split("\n")
    assert lines[0] == "- [x] Alert when the queue"
    assert (
        lines[1] == "  stays empty for a day · [acme/ops#12](https://github.com/acme/ops/issues/12)"
    )
    assert lines[2:] == ["  - Owner: @kim", ""]


def test_nested_and_blockquoted_items_keep_their_indentation() -> None:
    text = "- Group\n    - [ ] Nested item\n> - Quoted item\n"
    nested = make_item("Nested item", 1, ItemShape.CHECKBOX, checkbox_col=7)
    quoted = make_item("Quoted item", 2)
    new = edit_one(text, ItemEdit(nested, LINK, checked=True))
    new = edit_one(new, ItemEdit(quoted, DONE))
    link = " · [acme/ops#12](https://github.com/acme/ops/issues/12)"
    assert new == f"- Group\n    - [x] Nested item{link}\n> - Quoted item{DONE_TEXT}\n"


def test_existing_suffix_is_replaced() -> None:
    text = "- Alert on 5xx" + IN_PROGRESS_TEXT + "\n"
    new = edit_one(text, ItemEdit(make_item("Alert on 5xx", 0), DONE))
    assert new == "- Alert on 5xx" + DONE_TEXT + "\n"


def test_same_suffix_written_differently_is_left_byte_identical() -> None:
    # the grammar's spaces are optional; what parses to the wanted suffix is not rewritten
    text = "- Alert on 5xx · [acme/ops#12](https://github.com/acme/ops/issues/12)in progress\n"
    assert edit_one(text, ItemEdit(make_item("Alert on 5xx", 0), IN_PROGRESS)) == text


@pytest.mark.parametrize("removal", [None, Suffix()])
def test_removing_the_suffix_restores_the_text_before_it(removal: Suffix | None) -> None:
    original = "- Alert on 5xx — due 2026-06-04  \r\nnext\r\n"
    item = make_item("Alert on 5xx — due 2026-06-04", 0)
    with_suffix = edit_one(original, ItemEdit(item, IN_PROGRESS))
    assert with_suffix != original
    assert edit_one(with_suffix, ItemEdit(item, removal)) == original


def test_user_middle_dot_is_not_taken_for_the_separator() -> None:
    text = "- Rotate keys · quarterly · all regions\n"
    item = make_item("Rotate keys · quarterly · all regions", 0)
    new = edit_one(text, ItemEdit(item, LINK))
    assert suffixes.split(new.split("\n")[0]) == ("- Rotate keys · quarterly · all regions", LINK)
    assert edit_one(new, ItemEdit(item, None)) == text


def test_hard_break_spaces_stay_at_the_end_of_the_line() -> None:
    text = "- Alert on 5xx  \ncontinued\n"
    new = edit_one(text, ItemEdit(make_item("Alert on 5xx", 0), LINK))
    assert new == "- Alert on 5xx · [acme/ops#12](https://github.com/acme/ops/issues/12)  \n" + (
        "continued\n"
    )


def test_crlf_line_keeps_its_carriage_return() -> None:
    text = "- [ ] One\r\n- [ ] Two\r\n"
    item = make_item("Two", 1, ItemShape.CHECKBOX, checkbox_col=3)
    new = edit_one(text, ItemEdit(item, DONE, checked=True))
    assert new == "- [ ] One\r\n- [x] Two" + DONE_TEXT + "\r\n"


def test_last_line_without_newline() -> None:
    text = "## Action Items\n- Last item"
    new = edit_one(text, ItemEdit(make_item("Last item", 1), DONE))
    assert new == "## Action Items\n- Last item" + DONE_TEXT


def test_encode_puts_the_bom_back() -> None:
    assert encode("- x\r\n", had_bom=True) == b"\xef\xbb\xbf- x\r\n"
    assert encode("- ü", had_bom=False) == "- ü".encode()


def test_no_op_edit_is_byte_identical() -> None:
    text = "- [x] Pin the image" + DONE_TEXT + "   \r\n"
    item = make_item("Pin the image", 0, ItemShape.CHECKBOX, checkbox_col=3)
    assert apply_edits(text, [ItemEdit(item, DONE, checked=True)]) == (text, ())


# --- tables ----------------------------------------------------------------------------

SRE = (
    "| Action Item | Type | Owner | Bug |\n"
    "| ----------- | ---- | ----- | --- |\n"
    "| Write a playbook entry | mitigate | kim | n/a **DONE** |\n"
)


def test_table_without_status_cell_gets_suffix_in_description_cell() -> None:
    item = make_item("Write a playbook entry", 2, ItemShape.TABLE_ROW, cell=0, ticket_cell=3)
    new = edit_one(SRE, ItemEdit(item, DONE, ticket_text="[OPS-481](https://x/OPS-481)"))
    row = new.split("\n")[2]
    # the Bug cell holds the team's status word, not a placeholder: not overwritten
    assert row == "| Write a playbook entry" + DONE_TEXT + " | mitigate | kim | n/a **DONE** |"
    assert new.split("\n")[:2] == SRE.split("\n")[:2]
    assert edit_one(new, ItemEdit(item, DONE)) == new
    assert edit_one(new, ItemEdit(item, None)) == SRE


def test_table_description_cell_with_existing_suffix_is_updated() -> None:
    text = "| Item | Owner |\n|---|---|\n| Shard the log" + IN_PROGRESS_TEXT + " | kim |\n"
    item = make_item("Shard the log", 2, ItemShape.TABLE_ROW, cell=0)
    new = edit_one(text, ItemEdit(item, DONE))
    assert new.split("\n")[2] == "| Shard the log" + DONE_TEXT + " | kim |"


def test_table_with_a_status_cell_but_no_status_text_gets_the_suffix_in_its_description() -> None:
    # Issue #12: a table with a Status column (and no Ticket column) got no write-back at
    # all: the engine passes only the suffix, and the suffix was never written.
    text = "| Action | Owner | Status |\n|---|---|---|\n| Shard the log | kim | open |\n"
    item = make_item("Shard the log", 2, ItemShape.TABLE_ROW, cell=0, status_cell=2)
    overdue = Suffix(
        ticket_label="OPS-9", ticket_url="https://x/OPS-9", overdue_since=date(2026, 6, 5)
    )
    new = edit_one(text, ItemEdit(item, overdue))
    assert new.split("\n")[2] == (
        "| Shard the log · [OPS-9](https://x/OPS-9) ⚠ overdue since 2026-06-05 | kim | open |"
    )
    assert edit_one(new, ItemEdit(item, overdue)) == new  # idempotent
    assert edit_one(new, ItemEdit(item, None)) == text  # and removable


def test_table_status_and_ticket_cells_are_written() -> None:
    text = (
        "| Action | Owner | Status | Ticket |\n"
        "|--------|-------|--------|--------|\n"
        "| Shard  | kim   | TODO   | TBD    |\n"
    )
    item = make_item("Shard", 2, ItemShape.TABLE_ROW, cell=0, status_cell=2, ticket_cell=3)
    edit = ItemEdit(item, DONE, status_text="done", ticket_text="OPS-481")
    new = edit_one(text, edit)
    # aligned table: cells keep their width while the text fits
    assert new.split("\n")[2] == "| Shard  | kim   | done   | OPS-481 |"
    assert edit_one(new, edit) == new


def test_table_ticket_cell_with_a_reference_is_kept() -> None:
    text = "| Action | Status | Ticket |\n|---|---|---|\n| Shard | open | OPS-9 |\n"
    item = make_item("Shard", 2, ItemShape.TABLE_ROW, cell=0, status_cell=1, ticket_cell=2)
    new = edit_one(text, ItemEdit(item, DONE, status_text="in progress", ticket_text="OPS-481"))
    assert new.split("\n")[2] == "| Shard | in progress | OPS-9 |"


def test_table_empty_ticket_cell_is_filled() -> None:
    text = "| Action | Status | Ticket |\n|---|---|---|\n| Shard | open ||\n"
    item = make_item("Shard", 2, ItemShape.TABLE_ROW, cell=0, status_cell=1, ticket_cell=2)
    new = edit_one(text, ItemEdit(item, None, ticket_text="OPS-481"))
    assert new.split("\n")[2] == "| Shard | open | OPS-481 |"


def test_table_cell_text_escapes_pipes() -> None:
    text = "| Action | Status |\n|---|---|\n| Shard | open |\n"
    item = make_item("Shard", 2, ItemShape.TABLE_ROW, cell=0, status_cell=1)
    new = edit_one(text, ItemEdit(item, None, status_text="won't do: a | b"))
    assert new.split("\n")[2] == "| Shard | won't do: a \\| b |"


def test_table_row_without_outer_pipes_in_blockquote_with_crlf() -> None:
    text = "> Action | Status\r\n> --- | ---\r\n> Shard the log | open\r\n"
    item = make_item("Shard the log", 2, ItemShape.TABLE_ROW, cell=0, status_cell=1)
    new = edit_one(text, ItemEdit(item, None, status_text="in progress"))
    assert new == "> Action | Status\r\n> --- | ---\r\n> Shard the log | in progress\r\n"


def test_table_escaped_pipe_in_user_cell_does_not_shift_cells() -> None:
    text = "| Action | Status |\n|---|---|\n| Split a \\| b | open |   \n"
    item = make_item("Split a | b", 2, ItemShape.TABLE_ROW, cell=0, status_cell=1)
    new = edit_one(text, ItemEdit(item, None, status_text="done"))
    assert new.split("\n")[2] == "| Split a \\| b | done |   "


def test_aligned_table_cell_widens_only_itself_when_text_is_longer() -> None:
    text = "| Action | Status |\n|--------|--------|\n| Shard  | open   |\n"
    item = make_item("Shard", 2, ItemShape.TABLE_ROW, cell=0, status_cell=1)
    new = edit_one(text, ItemEdit(item, None, status_text="won't do: replaced"))
    assert new.split("\n")[1:] == [
        "|--------|--------|",
        "| Shard  | won't do: replaced |",
        "",
    ]


# --- refusals --------------------------------------------------------------------------


def one_problem(text: str, edit: ItemEdit) -> EditProblem:
    new, problems = apply_edits(text, [edit])
    assert new == text
    assert len(problems) == 1
    assert problems[0].item_key == edit.item.key
    return problems[0]


def test_refuses_when_the_line_no_longer_holds_the_item() -> None:
    problem = one_problem("- Something else\n", ItemEdit(make_item("Alert on 5xx", 0), LINK))
    assert problem.line == 1
    assert "no longer matches" in problem.reason


def test_refuses_span_out_of_range() -> None:
    problem = one_problem("- One\n", ItemEdit(make_item("One", 5), LINK))
    assert "not in the file" in problem.reason
    assert problem.line == 6


def test_refuses_front_matter_items() -> None:
    text = "---\naction_items:\n  - Rotate keys\n---\n"
    problem = one_problem(text, ItemEdit(make_item("Rotate keys", 2, ItemShape.FRONT_MATTER), LINK))
    assert "front matter" in problem.reason


def test_refuses_table_cell_that_is_not_there() -> None:
    text = "| Action | Owner |\n|---|---|\n| Shard | kim |\n"
    item = make_item("Shard", 2, ItemShape.TABLE_ROW, cell=0, status_cell=4)
    problem = one_problem(text, ItemEdit(item, None, status_text="done"))
    assert "no cell 5" in problem.reason


def test_refuses_table_row_without_known_description_cell() -> None:
    text = "| Action | Owner |\n|---|---|\n| Shard | kim |\n"
    item = make_item("Shard", 2, ItemShape.TABLE_ROW)
    assert "description cell" in one_problem(text, ItemEdit(item, LINK)).reason


def test_refuses_suffix_with_a_pipe_inside_a_table() -> None:
    text = "| Action | Owner |\n|---|---|\n| Shard | kim |\n"
    item = make_item("Shard", 2, ItemShape.TABLE_ROW, cell=0)
    piped = Suffix(ticket_label="a|b", ticket_url="https://x/1")
    assert "break the table" in one_problem(text, ItemEdit(item, piped)).reason


def test_refuses_a_table_row_read_as_a_list_item() -> None:
    text = "| Shard | kim |\n"
    assert "table row" in one_problem(text, ItemEdit(make_item("Shard", 0), LINK)).reason


def test_refuses_to_write_after_a_backslash_line_break() -> None:
    text = "- Alert on 5xx\\\n  continued\n"
    problem = one_problem(text, ItemEdit(make_item("Alert on 5xx", 0), LINK))
    assert "backslash" in problem.reason


def test_refuses_checkbox_that_moved() -> None:
    text = "- [ ] Pin the image\n"
    item = make_item("Pin the image", 0, ItemShape.CHECKBOX, checkbox_col=8)
    assert "checkbox" in one_problem(text, ItemEdit(item, None, checked=True)).reason


def test_refuses_a_suffix_that_would_not_read_back() -> None:
    text = "- Pin the image\n"
    odd = Suffix(ticket_label="a · b", ticket_url="https://x/1")
    assert "read back" in one_problem(text, ItemEdit(make_item("Pin the image", 0), odd)).reason


def test_refuses_removal_that_would_expose_a_suffix_like_text() -> None:
    text = "- Pin the image · open · done\n"
    item = make_item("Pin the image · open", 0)
    assert "reads as one" in one_problem(text, ItemEdit(item, None)).reason


def test_two_edits_on_one_line_second_is_refused() -> None:
    text = "- Pin the image\n"
    first = ItemEdit(make_item("Pin the image", 0, key="pir-1#a"), LINK)
    second = ItemEdit(make_item("Pin the image", 0, key="pir-1#b"), DONE)
    new, problems = apply_edits(text, [first, second])
    assert new == "- Pin the image · [acme/ops#12](https://github.com/acme/ops/issues/12)\n"
    assert [p.item_key for p in problems] == ["pir-1#b"]


def test_a_refused_item_does_not_stop_the_others() -> None:
    text = "- Stale\n- Fresh\n"
    edits = [ItemEdit(make_item("Gone", 0), LINK), ItemEdit(make_item("Fresh", 1), DONE)]
    new, problems = apply_edits(text, edits)
    assert new == "- Stale\n- Fresh" + DONE_TEXT + "\n"
    assert [(p.item_key, p.line) for p in problems] == [(edits[0].item.key, 1)]


# --- round trip through the parser -----------------------------------------------------

REVIEW = """\ufeff---
title: Checkout outage
date: 2026-05-20
---
# Checkout outage

## Action Items
- [ ] Alert when checkout 5xx rate stays above 3% for 5 minutes — owner: @priya — due: 2026-06-04
- [] Rotate the keys — owner: @kim · [acme/ops#12](https://github.com/acme/ops/issues/12) open
* Pin the base image · weekly{HARD_BREAK}
  - Owner: @lee
  - Due: 2026-06-10
1. Write a playbook entry — owner: raj — due: 2026-07-01

| Action Item | Type | Owner | Bug |
| ----------- | ---- | ----- | --- |
| Write a playbook entry for disk-full | mitigate | kim | n/a **DONE** |
| Rate-limit anonymous \\| search | prevent | raj | n/a |

| Action | Owner | Status | Ticket |
|--------|-------|--------|--------|
| Shard the audit log | kim | TODO | TBD |
""".replace("{HARD_BREAK}", "  ")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_parse_edit_parse_keeps_items_and_reads_suffixes_back(newline: str) -> None:
    from syncd.records.parse import ParseOptions, parse_text

    text = REVIEW.removeprefix("\ufeff").replace("\n", newline)
    before = parse_text(text, "reviews/2026-05-20-checkout.md", ParseOptions())
    assert len(before.items) == 7
    edits = [
        ItemEdit(
            item,
            Suffix(f"acme/ops#{n}", f"https://github.com/acme/ops/issues/{n}", Status.DONE),
            checked=True,
            status_text="done",
            ticket_text=f"acme/ops#{n}",
        )
        for n, item in enumerate(before.items, start=1)
    ]
    new, problems = apply_edits(text, edits)
    assert problems == ()
    after = parse_text(new, "reviews/2026-05-20-checkout.md", ParseOptions())

    def fields(item: ActionItem) -> tuple[object, ...]:
        return (item.key, item.description, item.owner, item.due, item.span.first)

    assert [fields(i) for i in after.items] == [fields(i) for i in before.items]
    for edit, item in zip(edits, after.items, strict=True):
        if item.span.status_cell is None:
            assert item.suffix == edit.suffix
    assert [i.marker for i in after.items[:2]] == [Status.DONE, Status.DONE]
    again = [
        ItemEdit(i, e.suffix, True, "done", "x") for i, e in zip(after.items, edits, strict=True)
    ]
    assert apply_edits(new, again)[0] == new
    assert new.count(newline) == text.count(newline)
    shard = new.split(newline)[21]
    assert shard == "| Shard the audit log | kim | done | acme/ops#7 |"


def test_refuses_a_description_cell_that_is_also_the_status_cell() -> None:
    text = "| Action | Status |\n|---|---|\n| Shard | open |\n"
    item = make_item("Shard", 2, ItemShape.TABLE_ROW, cell=0, status_cell=0)
    assert "also its status" in one_problem(text, ItemEdit(item, None, status_text="done")).reason


def test_bom_crlf_file_round_trips_through_decode_edit_encode() -> None:
    from syncd.records.parse import decode

    data = b"\xef\xbb\xbf## Action Items\r\n- [ ] Pin the image\r\n- Other"
    text, had_bom = decode(data)
    item = make_item("Pin the image", 1, ItemShape.CHECKBOX, checkbox_col=3)
    unchanged, _ = apply_edits(text, [ItemEdit(item, None, checked=False)])
    assert encode(unchanged, had_bom) == data
    new, _ = apply_edits(text, [ItemEdit(item, DONE, checked=True)])
    assert encode(new, had_bom) == (
        b"\xef\xbb\xbf## Action Items\r\n- [x] Pin the image" + DONE_TEXT.encode() + b"\r\n- Other"
    )
