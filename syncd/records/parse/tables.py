"""Action-item tables: cells as GFM counts them, and columns found by header synonyms.

Templates name the same column many ways (record-formats.md P10, P11): `Action Item`, `Item`,
`対応`, `Ação`; `Owner`, `Who`, `DRI`, `担当`; `Bug #`, `Work Item`, `Trello Card`; … so columns
are mapped by name, never by position. Cell indexes are the ones edit.py uses: the segments
between unescaped pipes, leading and trailing pipes optional.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from syncd.records.cells import split_cells
from syncd.records.parse.words import BUILT_IN, Words

_PAREN = re.compile(r"\([^)]*\)")
_NOISE = re.compile(r"[*_`#:.]+")

_SYNONYMS: dict[str, frozenset[str]] = {
    "description": frozenset(
        {
            "action",
            "action item",
            "action items",
            "actions",
            "item",
            "items",
            "task",
            "tasks",
            "description",
            "corrective action",
            "follow up",
            "follow-up",
            "todo",
            "what",
            "action / item",
            "action/item",
            "対応",
            "対応内容",
            "対策",
            "対策内容",
            "アクション",
            "ação",
            "acao",
            "ações",
            "acoes",
            "tarefa",
        }
    ),
    "owner": frozenset(
        {
            "owner",
            "owners",
            "who",
            "assignee",
            "assignees",
            "assigned to",
            "dri",
            "responsible",
            "オーナー",
            "担当",
            "担当者",
            "responsável",
            "responsavel",
            "dono",
        }
    ),
    "due": frozenset(
        {
            "due",
            "due date",
            "deadline",
            "target",
            "target date",
            "eta",
            "when",
            "by",
            "期限",
            "prazo",
            "data limite",
        }
    ),
    "type": frozenset({"type", "kind", "action type", "種別", "tipo"}),
    "ticket": frozenset(
        {
            "bug",
            "bugs",
            "ticket",
            "tickets",
            "issue",
            "issues",
            "work item",
            "tracking",
            "tracker",
            "trello card",
            "trello",
            "link",
            "links",
            "jira",
            "pr",
            "issue / pr",
            "課題",
            "チケット",
        }
    ),
    "status": frozenset({"status", "state", "progress", "状態", "状況", "ステータス"}),
}
_LOOKUP = {name: column for column, names in _SYNONYMS.items() for name in names}


@dataclass(frozen=True, slots=True)
class Columns:
    """Index of each known column in a table's header (None when the table lacks it)."""

    count: int
    description: int | None = None
    owner: int | None = None
    due: int | None = None
    type: int | None = None
    ticket: int | None = None
    status: int | None = None


def cells_of(line: str) -> list[str]:
    return [line[a:b].strip() for a, b in split_cells(line)]


def _column_name(cell: str, words: Words) -> str | None:
    text = unicodedata.normalize("NFKC", cell)
    text = _PAREN.sub(" ", text)  # `Type (Mitigate/Prevent/Process/Other)`
    text = " ".join(_NOISE.sub(" ", text.casefold()).split())
    return _LOOKUP.get(text) or words.columns.get(text)


def columns(header: str, words: Words = BUILT_IN) -> Columns:
    """The known columns of a header row; `words.columns` adds a team's own header names."""
    found: dict[str, int] = {}
    cells = cells_of(header)
    for index, cell in enumerate(cells):
        name = _column_name(cell, words)
        if name is not None and name not in found:
            found[name] = index
    return Columns(count=len(cells), **found)


def is_action_header(header: str, *, require_owner: bool, words: Words = BUILT_IN) -> bool:
    """An action table: a description column, and (outside a section) an owner column."""
    cols = columns(header, words)
    return cols.description is not None and (cols.owner is not None or not require_owner)
