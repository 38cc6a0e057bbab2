"""Write-back: change only the parts of an item's lines that syncd owns (DESIGN §1.1, §4).

syncd owns, per item:
  (a) its tracking suffix at the end of `span.suffix_line` — from the last ` · ` that
      `suffix.split` recognises to the end of the visible line (before trailing whitespace,
      such as a Markdown hard break, and before a CRLF's "\\r");
  (b) the one checkbox character on `span.first`;
  (c) for table rows: the suffix inside the description cell, and the Status and Ticket
      cells when the caller gives their text (`ItemEdit.status_text`, `ticket_text`).
Every other byte of the text is left as it is. An item that cannot be edited safely is
reported as an `EditProblem` and left untouched; the other items are still edited.

Line model shared with parse/reader.py: line i is `text.split("\\n")[i]` of the decoded text (BOM
removed), so a CRLF file keeps its "\\r" at the end of each line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from syncd.errors import EditRefused
from syncd.model import ActionItem, ItemShape, Span, Suffix
from syncd.records.atomic import write_if_unchanged
from syncd.records.cells import CONTAINER, split_cells
from syncd.records.parse import suffix as suffixes

__all__ = ["EditProblem", "ItemEdit", "apply_edits", "encode", "write_if_unchanged"]

_BOM = "\ufeff"
_WORD = re.compile(r"\w+")
# A Ticket cell holding one of these has no ticket reference yet (record-formats.md P10/P11).
_NO_TICKET = frozenset({"", "n/a", "na", "-", "–", "—", "tbd", "tbc", "none", "?"})


@dataclass(frozen=True, slots=True)
class ItemEdit:
    """What syncd wants an item to show. None fields = leave as is.

    `suffix` None or an empty `Suffix()` removes syncd's suffix. `checked` applies to CHECKBOX
    items only. `status_text` / `ticket_text` apply to table rows that have that cell; the
    ticket cell is only written while it holds no ticket reference (empty, n/a, -, TBD).
    A table row given a `status_text` for its Status cell carries its state there, and
    `suffix` is not written into its description cell (a suffix already there is left
    alone); without a `status_text` the suffix goes into the description cell, Status cell
    or not.
    """

    item: ActionItem
    suffix: Suffix | None
    checked: bool | None = None
    status_text: str | None = None
    ticket_text: str | None = None


@dataclass(frozen=True, slots=True)
class EditProblem:
    """An item left untouched because it could not be edited safely."""

    item_key: str
    line: int  # 1-based
    reason: str


def apply_edits(text: str, edits: Sequence[ItemEdit]) -> tuple[str, tuple[EditProblem, ...]]:
    """The text with each edit applied to its owned regions, and the edits refused."""
    lines = text.split("\n")
    problems: list[EditProblem] = []
    claimed: set[int] = set()
    for edit in edits:
        item = edit.item
        try:
            owned = _owned_lines(item, len(lines))
            if owned & claimed:
                raise EditRefused("another item's edit already changes this line")
            changed = _edit_item(lines, edit)
        except EditRefused as refused:
            problems.append(EditProblem(item.key, _problem_line(item, len(lines)), str(refused)))
            continue
        claimed |= owned
        for index, line in changed.items():
            lines[index] = line
    return "\n".join(lines), tuple(problems)


def encode(text: str, had_bom: bool) -> bytes:
    """The file bytes for decoded `text`: UTF-8, with the BOM put back if the file had one."""
    return ((_BOM if had_bom else "") + text).encode("utf-8")


def _owned_lines(item: ActionItem, count: int) -> set[int]:
    span = item.span
    if item.shape is ItemShape.FRONT_MATTER:
        raise EditRefused("items in front matter are read-only")
    if not (0 <= span.first <= span.suffix_line <= span.last < count):
        raise EditRefused(
            f"the item's lines {span.first + 1}-{span.last + 1} are not in the file ({count} lines)"
        )
    return {span.first, span.suffix_line}


def _problem_line(item: ActionItem, count: int) -> int:
    return item.span.suffix_line + 1 if 0 <= item.span.suffix_line < count else item.line


def _edit_item(lines: list[str], edit: ItemEdit) -> dict[int, str]:
    """The item's changed lines by index; raises EditRefused instead of guessing."""
    item, span = edit.item, edit.item.span
    _check_text(item, lines)
    if item.shape is ItemShape.TABLE_ROW:
        row = _edit_row(lines, span, edit)
        return {span.suffix_line: row} if row != lines[span.suffix_line] else {}
    if _looks_like_table_row(lines[span.suffix_line]):
        raise EditRefused("the item's line is a table row but the item was not read as one")
    new: dict[int, str] = {}
    if edit.checked is not None and item.shape is ItemShape.CHECKBOX:
        new[span.first] = _set_checkbox(lines[span.first], span.checkbox_col, edit.checked)
    line = new.get(span.suffix_line, lines[span.suffix_line])
    new[span.suffix_line] = _set_line_suffix(line, edit.suffix)
    return {index: line for index, line in new.items() if line != lines[index]}


def _check_text(item: ActionItem, lines: list[str]) -> None:
    """Refuse when the span no longer holds the item's words (the file moved under us)."""
    span_text = "\n".join(lines[item.span.first : item.span.last + 1])
    words = _WORD.findall(item.text)
    if words:
        found = f" {' '.join(words)} " in f" {' '.join(_WORD.findall(span_text))} "
    else:
        found = item.text.strip() in span_text
    if not found:
        raise EditRefused("the line no longer matches the item's text")


def _looks_like_table_row(line: str) -> bool:
    body = _split_cr(line)[0]
    return body[_content_start(body) :].startswith("|")


def _content_start(body: str) -> int:
    """Column after indentation and blockquote markers (the pattern always matches)."""
    match = CONTAINER.match(body)
    return match.end() if match else 0


def _split_cr(line: str) -> tuple[str, str]:
    return (line[:-1], "\r") if line.endswith("\r") else (line, "")


def _set_checkbox(line: str, col: int | None, checked: bool) -> str:
    if col is None or not 0 < col < len(line) or line[col - 1] != "[":
        raise EditRefused("the item's checkbox is not where it was read")
    mark = line[col]
    if mark == "]":  # malformed `[]`: unchecked; checking it writes the missing mark
        return line[:col] + "x" + line[col:] if checked else line
    if mark not in " xX" or line[col + 1 : col + 2] != "]":
        raise EditRefused("the item's checkbox is not where it was read")
    if (mark != " ") == checked:
        return line  # keep `[X]` as the team wrote it
    return line[:col] + ("x" if checked else " ") + line[col + 1 :]


def _set_line_suffix(line: str, wanted: Suffix | None) -> str:
    body, cr = _split_cr(line)
    visible = body.rstrip()
    new_visible = _with_suffix(visible, wanted)
    if visible.endswith("\\") and new_visible.startswith(visible) and new_visible != visible:
        # A trailing backslash is a CommonMark hard line break (spec §6.7); text after it
        # would turn it into a literal backslash.
        raise EditRefused("the line ends with a backslash line break")
    return new_visible + body[len(visible) :] + cr


def _normalized(wanted: Suffix | None) -> tuple[str, Suffix] | None:
    """The rendered suffix and what it reads back as; None when there is nothing to show."""
    if wanted is None:
        return None
    rendered = suffixes.render(wanted)
    if not rendered:
        return None
    if "\n" in rendered or "\r" in rendered:
        raise EditRefused("syncd's suffix would span several lines")
    parsed = suffixes.parse(rendered)
    if parsed is None:
        raise EditRefused(f"syncd's suffix would not read back: {rendered!r}")
    return rendered, parsed


def _with_suffix(visible: str, wanted: Suffix | None) -> str:
    """`visible` (no trailing whitespace) ending in the wanted suffix, or in none."""
    user, current = suffixes.split(visible)
    if current is None:
        user = visible
    target = _normalized(wanted)
    if current == (target[1] if target else None):
        return visible  # already says it: byte-identical, even if written differently
    # Blanks between the user's text and the suffix go with it (no trailing blank is left).
    result = user.rstrip() if target is None else user + suffixes.SEPARATOR + target[0]
    read_user, read_suffix = suffixes.split(result)
    if target is None and read_suffix is not None:
        raise EditRefused("removing syncd's suffix would leave text that reads as one")
    if target is not None and (read_suffix != target[1] or read_user != user):
        raise EditRefused("syncd's suffix would not read back from this line")
    return result


def _edit_row(lines: list[str], span: Span, edit: ItemEdit) -> str:
    index = span.suffix_line
    body, cr = _split_cr(lines[index])
    neighbours = [_split_cr(lines[i])[0] for i in (index - 1, index + 1) if 0 <= i < len(lines)]
    aligned = _is_aligned(body, neighbours)
    if span.cell is None:
        raise EditRefused("the table row's description cell is not known")
    if span.cell in (span.status_cell, span.ticket_cell):
        raise EditRefused("the table row's description cell is also its status or ticket cell")
    if span.status_cell is None or edit.status_text is None:
        # Without a status text for the Status cell, the suffix in the description cell is
        # the only place the state and the marks can show (a row with a Status cell but no
        # status text got no write-back at all before issue #12).
        body = _edit_cell(body, span.cell, aligned, lambda old: _cell_suffix(old, edit.suffix))
    else:
        status = _cell_text(edit.status_text)
        body = _edit_cell(body, span.status_cell, aligned, lambda _old: status)
    if span.ticket_cell is not None and edit.ticket_text is not None:
        ticket = _cell_text(edit.ticket_text)
        body = _edit_cell(body, span.ticket_cell, aligned, lambda old: _ticket(old, ticket))
    return body + cr


def _edit_cell(body: str, cell: int, aligned: bool, change: Callable[[str], str]) -> str:
    cells = _find_cells(body)
    if cells is None:
        raise EditRefused("the item's line is not a table row")
    if not 0 <= cell < len(cells):
        raise EditRefused(f"the table row has no cell {cell + 1} ({len(cells)} cells)")
    start, end = cells[cell]
    return _replace_cell(body, start, end, change(body[start:end].strip()), aligned)


def _cell_suffix(content: str, wanted: Suffix | None) -> str:
    target = _normalized(wanted)
    if target is not None and "|" in target[0]:
        raise EditRefused("syncd's suffix contains a '|' that would break the table")
    return _with_suffix(content, wanted)


def _ticket(content: str, ticket: str) -> str:
    placeholder = content.strip("*_` ").casefold()
    return ticket if placeholder in _NO_TICKET else content


def _cell_text(text: str) -> str:
    """One line of cell text; `|` escaped as GFM requires inside a table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def _pipes(body: str) -> list[int]:
    # markdown-it's escapedSplit: a pipe right after a backslash belongs to the cell.
    return [i for i, ch in enumerate(body) if ch == "|" and (i == 0 or body[i - 1] != "\\")]


def _find_cells(body: str) -> list[tuple[int, int]] | None:
    """(start, end) of each cell of a table row (line without "\\r"); None if not a row.
    Counted exactly as the parser counts them (`records.cells`)."""
    return split_cells(body) or None


def _is_aligned(body: str, neighbours: Sequence[str]) -> bool:
    """True when a neighbouring row has its pipes in the same columns (a padded table)."""
    pipes = _pipes(body.rstrip())
    return len(pipes) >= 2 and any(_pipes(other.rstrip()) == pipes for other in neighbours)


def _replace_cell(body: str, start: int, end: int, new: str, aligned: bool) -> str:
    """Replace the trimmed content of body[start:end], keeping the cell's padding style.

    In an aligned table the cell keeps its width while the new text fits and grows only as
    much as needed otherwise; the rest of the table is never realigned.
    """
    raw = body[start:end]
    content = raw.strip()
    if content == new:
        return body
    if content:
        lead = raw[: len(raw) - len(raw.lstrip())]
        trail = raw[len(lead) + len(content) :]
    elif raw:
        lead, trail = raw[:1], raw[1:]
    else:
        lead, trail = " ", " "
    if aligned:
        trail = " " * max(len(raw) - len(lead) - len(new), 1 if trail else 0)
    if new.endswith("\\") and not trail:
        trail = " "  # `\|` would escape the closing pipe
    return body[:start] + lead + new + trail + body[end:]
