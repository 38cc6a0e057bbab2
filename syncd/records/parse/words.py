"""The words the parser knows, per role: field keys, status words, table headers. PURE.

syncd reads the table headers of Japanese and Portuguese templates (対応, オーナー, 期限, Ação,
Prazo; record-formats.md §3 P9/P11, §2.1), so it reads the words that go with them too: keys
(`担当:`, `responsável:`, `prazo:`, `状態:`), status words (完了 done, 対応中 in progress,
未着手 open; concluído, em andamento, pendente) and section names (`reading.DEFAULT_SECTIONS`).
A team adds its own through `records.vocabulary` (`reading.Vocabulary`); `words_for` compiles
the built-in words plus those once per vocabulary.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from syncd.model import Status
from syncd.records.reading import Vocabulary

__all__ = ["BUILT_IN", "Words", "fold_word", "words_for"]

# Word lists as text, one role per entry: `|` separates phrases.
_KEYS: dict[str, str] = {
    "owner": "owner|owners|assignee|assignees|dri|responsável|responsavel|responsáveis"
    "|responsaveis|dono|担当|担当者|オーナー",
    "due": "due|deadline|eta|prazo|frist|期限|期日|納期",
    "status": "status|state|progress|状態|状況|ステータス|進捗|situação|situacao|estado",
    "ticket": "ticket|tickets|issue|issues|tracking|jira|pr|prs|link|links|チケット|課題",
    "type": "type",
    "reason": "reason",
}
# Two-word keys, read as (first word, second word).
_PAIRS = {"due": "due date|target date|data limite", "owner": "assigned to"}
_STATUSES: dict[Status, str] = {
    Status.DONE: "done|completed|complete|fixed|resolved|closed"
    "|完了|済|済み|対応済|対応済み|解決済み|完了済み"
    "|concluído|concluido|concluída|concluida|feito|feita|finalizado|finalizada|resolvido"
    "|resolvida|fechado",
    Status.OPEN: "todo|to do|open|not started|pending|planned"
    "|未着手|未対応|未完了|予定"
    "|pendente|aberto|aberta|a fazer|não iniciado|nao iniciado|planejado",
    Status.IN_PROGRESS: "in progress|wip|ongoing|started|doing"
    "|対応中|進行中|着手中|作業中|実施中"
    "|em andamento|em progresso|fazendo|iniciado",
    Status.DEPRIORITIZED: "won't do|wont do|won't fix|wontfix|not doing|dropped|deprioritized"
    "|cancelled|canceled|declined|中止|見送り|対応しない"
    "|cancelado|cancelada|descartado|descartada|não será feito",
}
# Table headers (tables.py) named by the same keys: `| 対応 | オーナー | 期限 | 状態 |`.
_COLUMN_OF_KEY = {"owner": "owner", "due": "due", "status": "status"}


@dataclass(frozen=True, slots=True, eq=False)  # compared (and cached) by identity
class Words:
    keys: Mapping[str, str]  # folded key word → field kind (owner, due, status, ticket, …)
    pairs: Mapping[tuple[str, str], str]  # two-word keys (`due date`, `data limite`)
    statuses: Mapping[str, Status]  # folded status phrase → status
    paren_status: re.Pattern[str]  # `(Done)`, `（完了）`, `(issue created)` (group `none`)
    bracket_status: re.Pattern[str]  # `[done]`, `[対応中]` leading an item
    columns: Mapping[str, str]  # extra table header → column (owner, due, status)


def fold_word(word: str) -> str:
    """How keys and status words are compared: case-folded, `-` as a space, spaces collapsed."""
    return " ".join(word.casefold().replace("-", " ").split())


@functools.lru_cache(maxsize=8)  # one per configured vocabulary; values are immutable
def words_for(vocabulary: Vocabulary) -> Words:
    keys = {fold_word(w): kind for kind, words in _KEYS.items() for w in words.split("|")}
    pairs = {_pair(w): kind for kind, words in _PAIRS.items() for w in words.split("|")}
    columns: dict[str, str] = {}
    for kind, words in (
        ("owner", vocabulary.owner_keys),
        ("due", vocabulary.due_keys),
        ("status", vocabulary.status_keys),
    ):
        for word in words:
            folded = fold_word(word)
            if len(folded.split()) == 2:
                pairs[_pair(folded)] = kind
            elif folded:
                keys[folded] = kind
            columns[folded] = _COLUMN_OF_KEY[kind]
    statuses = {
        fold_word(w): status for status, words in _STATUSES.items() for w in words.split("|")
    }
    for status, words in (
        (Status.DONE, vocabulary.done),
        (Status.IN_PROGRESS, vocabulary.in_progress),
        (Status.OPEN, vocabulary.open),
    ):
        statuses.update((fold_word(w), status) for w in words if w.strip())
    return Words(
        keys=keys,
        pairs=pairs,
        statuses=statuses,
        paren_status=_paren_pattern(statuses),
        bracket_status=_bracket_pattern(statuses),
        columns=columns,
    )


def _pair(words: str) -> tuple[str, str]:
    first, second = fold_word(words).split()
    return first, second


def _alternation(phrases: Iterable[str]) -> str:
    # Longest first, so `in progress` wins over `in`; spaces match `-` and runs of blanks.
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"[\s-]+") for p in ordered)


def _paren_pattern(statuses: Mapping[str, Status]) -> re.Pattern[str]:
    words = [w for w, s in statuses.items() if s is not Status.DEPRIORITIZED]
    return re.compile(
        rf"[(（]\s*(?P<w>(?i:{_alternation(words)}|(?P<none>issue created|ticket created)))"
        r"\s*[)）]"
    )


def _bracket_pattern(statuses: Mapping[str, Status]) -> re.Pattern[str]:
    words = [w for w, s in statuses.items() if s is not Status.DEPRIORITIZED]
    return re.compile(rf"[\[【]\s*(?P<w>(?i:{_alternation(words)}))\s*[\]】](?![(\[])\s*")


BUILT_IN = words_for(Vocabulary())
