"""Property tests for the write-back guarantees (DESIGN §4): minimal, idempotent, round-trip.

Documents are random Markdown-ish lines (LF/CRLF mixes, unicode, user `·`, trailing
whitespace, blockquotes, tables) with synthetic items whose spans the test builds itself.
"""

from __future__ import annotations

import dataclasses
import re
import string
from dataclasses import dataclass, replace
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syncd.model import ActionItem, ItemShape, Status, Suffix
from syncd.records.edit import ItemEdit, apply_edits
from syncd.records.parse import suffix as suffixes
from tests.unit.test_edit import make_item

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_PIPE = re.compile(r"(?<!\\)\|")
_NO_TICKET = {"", "n/a", "-", "tbd"}

TOKENS = [
    "·",
    " · ",
    " ·",
    "Ünïcödé",
    "日本語",
    "`code`",
    "**bold**",
    "[link](https://x.test/1)",
    "—",
    "owner: @priya",
    "open",
    "done 2026-01-02",
    "⚠",
    "OPS-7",
    "é",
    "  ",
]
FREE = st.characters(
    codec="utf-8",
    categories=["L", "N", "P", "S", "Zs"],
    exclude_characters="|\\\n\r\x85\u2028\u2029",
)
WORD = st.text(string.ascii_letters + "Àéÿ", min_size=1, max_size=8)


def user_text(fragments: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    rest = st.lists(fragments, max_size=5).map("".join)
    return st.tuples(WORD, rest).map(lambda parts: f"{parts[0]} {parts[1]}".rstrip())


ANY_USER = user_text(st.one_of(st.sampled_from(TOKENS), st.text(FREE, min_size=1, max_size=6)))
SAFE_USER = user_text(st.text(" abcXYZ019äöü日本", min_size=1, max_size=8))
DATES = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


def suffix_values(reasons: st.SearchStrategy[str]) -> st.SearchStrategy[Suffix]:
    return st.builds(
        Suffix,
        ticket_label=st.none() | st.sampled_from(["acme/ops#12", "OPS-481", "#7", "ünï-1"]),
        ticket_url=st.none() | st.sampled_from(["https://github.com/a/b/issues/12", "https://x/1"]),
        status=st.none() | st.sampled_from(list(Status)),
        status_date=st.none() | DATES,
        reason=st.none() | reasons,
        overdue_since=st.none() | DATES,
        needs_decision=st.booleans(),
        needs_reason=st.booleans(),
        ticket_deleted=st.booleans(),
    ).map(_as_written)


def _as_written(suffix: Suffix) -> Suffix:
    """A deleted ticket's suffix says so instead of a status (as syncd writes it)."""
    if not suffix.ticket_deleted:
        return suffix
    return dataclasses.replace(suffix, status=None, status_date=None, reason=None)


TRICKY_REASON = st.sampled_from([" (2026-01-02)", " ⚠ needs decision", "·", ")", " · open", "\n"])
ANY_SUFFIX = suffix_values(
    st.lists(TRICKY_REASON | st.text(max_size=6), min_size=1, max_size=4).map("".join)
)
SAFE_SUFFIX = suffix_values(st.text("abc xyz", max_size=12).map(lambda reason: f"r{reason}r"))
TRAIL = st.sampled_from(["", "", " ", "  ", "\t", " \u3000"])
CELL_TEXT = st.lists(st.sampled_from(["|", "\\", " ", "\n", "ü", "·"]) | st.text(max_size=4)).map(
    "".join
)


@dataclass(frozen=True)
class Case:
    text: str
    edits: tuple[ItemEdit, ...]
    items: tuple[int, ...]  # lines holding an item


def _existing(draw: st.DrawFn, suffix_st: st.SearchStrategy[Suffix]) -> str:
    old = draw(st.none() | suffix_st)
    rendered = suffixes.render(old) if old else ""
    return suffixes.SEPARATOR + rendered if rendered else ""


@st.composite
def documents(
    draw: st.DrawFn,
    users: st.SearchStrategy[str] = ANY_USER,
    suffix_st: st.SearchStrategy[Suffix] = ANY_SUFFIX,
) -> Case:
    lines: list[str] = []
    edits: list[ItemEdit] = []
    for index in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["plain", "bullet", "checkbox", "paragraph", "table"]))
        cr = "\r" if draw(st.booleans()) else ""
        if kind == "plain":
            lines.append(draw(st.text(st.characters(exclude_characters="\n"), max_size=30)))
            continue
        user = draw(users)
        wanted = draw(st.none() | suffix_st)
        if kind == "table":
            lines.append(draw(_table_row(user)) + cr)
            cells = len(_PIPE.split(lines[-1].rstrip())) - 2
            status = 1 if cells == 3 else None
            item = make_item(
                user, index, ItemShape.TABLE_ROW, cell=0, status_cell=status, ticket_cell=cells - 1
            )
            status_text = draw(st.none() | CELL_TEXT)
            edits.append(ItemEdit(item, wanted, None, status_text, draw(st.none() | CELL_TEXT)))
            continue
        prefix = draw(st.sampled_from(["- ", "* ", "1. ", "  - ", "> - ", "    10) "]))
        col = None
        if kind == "checkbox":
            prefix += "[" + draw(st.sampled_from(" xX")) + "] "
            col = len(prefix) - 3
        elif kind == "paragraph":
            prefix = draw(st.sampled_from(["", "> ", "**Action item:** "]))
        lines.append(prefix + user + _existing(draw, suffix_st) + draw(TRAIL) + cr)
        shape = {"bullet": ItemShape.BULLET, "checkbox": ItemShape.CHECKBOX}.get(
            kind, ItemShape.PARAGRAPH
        )
        item = make_item(user, index, shape, checkbox_col=col)
        edits.append(ItemEdit(item, wanted, draw(st.none() | st.booleans())))
    if draw(st.booleans()):
        lines.append("")  # the file ends with a newline
    order = draw(st.permutations(edits))
    return Case("\n".join(lines), tuple(order), tuple(e.item.span.first for e in edits))


@st.composite
def _table_row(draw: st.DrawFn, user: str) -> str:
    escaped_pipe = " \\| or" if draw(st.booleans()) else ""
    desc = user + escaped_pipe + _existing(draw, SAFE_SUFFIX)  # a `|` in it would add a cell
    others = st.sampled_from(["", "open", "n/a", "TBD", "-", "OPS-9", "kim", "TODO  "])
    cells = [desc, *draw(st.lists(others, min_size=1, max_size=2))]
    pad = draw(st.sampled_from(["", " ", "  "]))
    row = "|" + "|".join(f"{pad}{cell}{pad}" for cell in cells) + "|"
    return draw(st.sampled_from(["", "> ", "  "])) + row + draw(TRAIL)


def _split_cr(line: str) -> tuple[str, str]:
    return (line[:-1], "\r") if line.endswith("\r") else (line, "")


def _expected_suffix(wanted: Suffix | None) -> Suffix | None:
    rendered = suffixes.render(wanted) if wanted else ""
    return suffixes.parse(rendered) if rendered else None


def _user_part(visible: str) -> str:
    """The user's text; blanks before syncd's suffix go with the suffix."""
    user, current = suffixes.split(visible)
    return (user if current is not None else visible).rstrip()


def _mask(line: str, col: int | None) -> str:
    return line if col is None else line[:col] + "?" + line[col + 1 :]


def _check_line(old: str, new: str, edit: ItemEdit) -> None:
    """Only the checkbox mark and the suffix region changed; the suffix reads back."""
    (old_body, old_cr), (new_body, new_cr) = _split_cr(old), _split_cr(new)
    assert new_cr == old_cr
    old_visible, new_visible = old_body.rstrip(), new_body.rstrip()
    assert new_body[len(new_visible) :] == old_body[len(old_visible) :]  # trailing whitespace
    col = edit.item.span.checkbox_col
    assert _mask(_user_part(new_visible), col) == _mask(_user_part(old_visible), col)
    assert suffixes.split(new_visible)[1] == _expected_suffix(edit.suffix)
    if col is not None and edit.checked is None:
        assert new_body[col] == old_body[col]
    elif col is not None:
        assert (new_body[col] in "xX") == edit.checked


def _check_row(old: str, new: str, edit: ItemEdit) -> None:
    """Only the owned cells changed; written cells hold what was asked for."""
    (old_body, old_cr), (new_body, new_cr) = _split_cr(old), _split_cr(new)
    assert new_cr == old_cr
    old_cells, new_cells = _PIPE.split(old_body), _PIPE.split(new_body)
    assert len(new_cells) == len(old_cells)
    assert (new_cells[0], new_cells[-1]) == (old_cells[0], old_cells[-1])
    span = edit.item.span
    owned: dict[int, str | None] = {}
    if span.status_cell is None or edit.status_text is None:
        # the suffix lives in the description cell unless a Status cell gets a status text
        desc_old, desc_new = old_cells[1].strip(), new_cells[1].strip()
        assert _user_part(desc_new) == _user_part(desc_old)
        assert suffixes.split(desc_new)[1] == _expected_suffix(edit.suffix)
        owned[0] = None
    else:
        owned[span.status_cell] = edit.status_text
    assert span.ticket_cell is not None
    ticket_old = old_cells[1 + span.ticket_cell].strip()
    if edit.ticket_text is not None and ticket_old.casefold() in _NO_TICKET:
        owned[span.ticket_cell] = edit.ticket_text
    for cell, (old_raw, new_raw) in enumerate(zip(old_cells[1:-1], new_cells[1:-1], strict=True)):
        if cell not in owned:
            assert new_raw == old_raw
        elif (written := owned[cell]) is not None:
            assert new_raw.strip() == " ".join(written.split()).replace("|", "\\|")


def _check(case: Case, new: str, refused: set[str]) -> None:
    old_lines, new_lines = case.text.split("\n"), new.split("\n")
    assert len(new_lines) == len(old_lines)
    for index, (old, line) in enumerate(zip(old_lines, new_lines, strict=True)):
        if index not in case.items:
            assert line == old
    for edit in case.edits:
        index = edit.item.span.suffix_line
        if edit.item.key in refused:
            assert new_lines[index] == old_lines[index]
        elif edit.item.shape is ItemShape.TABLE_ROW:
            _check_row(old_lines[index], new_lines[index], edit)
        else:
            _check_line(old_lines[index], new_lines[index], edit)


@SETTINGS
@given(documents())
def test_edits_touch_only_owned_regions_read_back_and_are_idempotent(case: Case) -> None:
    new, problems = apply_edits(case.text, case.edits)
    _check(case, new, {p.item_key for p in problems})
    assert apply_edits(new, case.edits)[0] == new


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(SAFE_USER, SAFE_SUFFIX))
def test_plain_items_are_never_refused(case: Case) -> None:
    new, problems = apply_edits(case.text, case.edits)
    assert problems == ()
    _check(case, new, set())


# --- round trip through the parser (parse → edit → parse) -------------------------------

VOCAB = ["alert", "rotate", "shard", "pin", "queue", "image", "disk", "cache", "replica"]
VOCAB += ["runbook", "quota", "index", "ünïcode", "日本語", "deploy", "log", "Région"]
DESCRIPTION = st.lists(st.sampled_from(VOCAB), min_size=2, max_size=6, unique=True).map(
    lambda words: " ".join(words[:-1]) + (" · " if len(words) > 3 else " ") + words[-1]
)


@st.composite
def reviews(draw: st.DrawFn) -> tuple[str, int]:
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    lines = ["# Outage on 2026-05-20", "", "## Action Items"]
    rows: list[str] = []
    for _ in range(draw(st.integers(1, 6))):
        text = draw(DESCRIPTION)
        if draw(st.booleans()):
            text += " — owner: @" + draw(st.sampled_from(["priya", "kim", "lee"]))
        if draw(st.booleans()):
            text += f" — due: {draw(DATES)}"
        if draw(st.booleans()):
            rows.append(text)
            continue
        marker = draw(st.sampled_from(["- ", "* ", "1. ", "- [ ] ", "- [x] ", "* [X] ", "- [] "]))
        lines.append(
            marker + text + _existing(draw, SAFE_SUFFIX) + draw(st.sampled_from(["", "  "]))
        )
    count = len(lines) - 3 + len(rows)
    if rows:
        lines += ["", "| Action | Owner | Status | Ticket |", "|---|---|---|---|"]
        lines += [f"| {row} | kim | TODO | TBD |" for row in rows]
    return newline.join(lines) + newline, count


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reviews(), st.data())
def test_parse_edit_parse_keeps_every_item(review: tuple[str, int], data: st.DataObject) -> None:
    from syncd.records.parse import ParseOptions, parse_text

    text, count = review
    before = parse_text(text, "reviews/2026-05-20-outage.md", ParseOptions())
    assert len(before.items) == count
    edits = [
        ItemEdit(
            item,
            data.draw(st.none() | SAFE_SUFFIX),
            data.draw(st.none() | st.booleans()),
            data.draw(st.sampled_from(["done", "in progress", "won't do: a | b"])),
            "OPS-1",
        )
        for item in before.items
    ]
    new, problems = apply_edits(text, edits)
    assert problems == ()
    after = parse_text(new, "reviews/2026-05-20-outage.md", ParseOptions())

    def fields(item: ActionItem) -> tuple[object, ...]:
        return (item.key, item.description, item.owner, item.due, item.shape, item.span)

    assert [fields(i) for i in after.items] == [fields(i) for i in before.items]
    for edit, item in zip(edits, after.items, strict=True):
        if item.shape is not ItemShape.TABLE_ROW:
            assert item.suffix == _expected_suffix(edit.suffix)
        if item.shape is ItemShape.CHECKBOX and edit.checked is not None:
            assert (item.marker is Status.DONE) == edit.checked
    assert (
        apply_edits(new, [replace(e, item=i) for e, i in zip(edits, after.items, strict=True)])[0]
        == new
    )
