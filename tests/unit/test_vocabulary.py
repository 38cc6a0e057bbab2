"""Reviews not in English (issue #12): the words that go with the headers syncd reads.

syncd maps Japanese and Portuguese table headers (対応, オーナー, 期限, Ação, Prazo); it must read
their status words, section names and field keys too, and a team can add its own
(`records.vocabulary`).
"""

from __future__ import annotations

from datetime import date

import pytest

from syncd.config.load import parse_config
from syncd.model import ActionItem, Status
from syncd.records.parse import ParseOptions, parse_text
from syncd.records.reading import Vocabulary

JA_TABLE = (
    "## 再発防止\n\n"
    "| 対応 | オーナー | 期限 | 状態 |\n| --- | --- | --- | --- |\n"
    "| 監視アラートを追加する | 佐藤 | 2026-05-31 | {status} |\n"
)


def items_of(text: str, options: ParseOptions | None = None) -> tuple[ActionItem, ...]:
    return parse_text(text, "2026-04-02-r.md", options or ParseOptions()).items


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("完了", Status.DONE),
        ("対応済み", Status.DONE),
        ("未着手", Status.OPEN),
        ("対応中", Status.IN_PROGRESS),
        ("中止", Status.DEPRIORITIZED),
    ],
)
def test_japanese_status_words_in_a_status_column(word: str, status: Status) -> None:
    (item,) = items_of(JA_TABLE.format(status=word))
    assert item.marker is status
    assert (item.owner, item.due) == ("佐藤", date(2026, 5, 31))


@pytest.mark.parametrize(
    ("line", "status"),
    [
        ("- 監視アラートを追加する（完了）", Status.DONE),
        ("- [対応中] 監視アラートを追加する", Status.IN_PROGRESS),
        ("- 監視アラートを追加する — 状態: 未着手", Status.OPEN),
        ("- Adicionar alerta de fila (Concluído)", Status.DONE),
        ("- Adicionar alerta de fila — situação: em andamento", Status.IN_PROGRESS),
        ("- Add a queue alert — status: done", Status.DONE),
    ],
)
def test_status_words_and_keys_in_an_item(line: str, status: Status) -> None:
    (item,) = items_of(f"## Action Items\n\n{line}\n")
    assert item.marker is status
    assert "状態" not in item.description and ":" not in item.description


def test_status_key_with_other_words_stays_text() -> None:
    (item,) = items_of("## Action Items\n\n- Add a queue alert — status: see the dashboard\n")
    assert item.marker is None


@pytest.mark.parametrize(
    "heading", ["## Ações", "## Ações corretivas", "## Acoes corretivas e preventivas", "## 対策"]
)
def test_portuguese_and_japanese_section_names(heading: str) -> None:
    text = f"{heading}\n\n- Adicionar alerta de fila — responsável: @ana — prazo: 2026-05-20\n"
    (item,) = items_of(text)
    assert (item.description, item.owner, item.due) == (
        "Adicionar alerta de fila",
        "@ana",
        date(2026, 5, 20),
    )


NORWEGIAN = Vocabulary(
    sections=("Tiltak",),
    owner_keys=("ansvarlig",),
    due_keys=("tidsfrist",),
    status_keys=("tilstand",),
    done=("ferdig",),
    in_progress=("pågår",),
    open=("ikke startet",),
)


def test_a_teams_own_words_are_read() -> None:
    text = (
        "## Tiltak\n\n"
        "- Legg til varsel — ansvarlig: @kari — tidsfrist: 2026-05-20 — tilstand: pågår\n"
        "- Oppdater runbook (ferdig)\n"
        "- [ikke startet] Flytt jobben\n"
    )
    assert items_of(text) == ()  # not a built-in section name
    first, second, third = items_of(text, ParseOptions(vocabulary=NORWEGIAN))
    assert (first.description, first.owner, first.due) == (
        "Legg til varsel",
        "@kari",
        date(2026, 5, 20),
    )
    assert (first.marker, second.marker, third.marker) == (
        Status.IN_PROGRESS,
        Status.DONE,
        Status.OPEN,
    )


def test_a_teams_own_words_name_table_columns() -> None:
    text = (
        "## Tiltak\n\n| Tiltak | Ansvarlig | Tidsfrist | Tilstand |\n|---|---|---|---|\n"
        "| Legg til varsel | kari | 2026-05-20 | ferdig |\n"
    )
    (item,) = items_of(text, ParseOptions(vocabulary=NORWEGIAN))
    assert (item.owner, item.due, item.marker) == ("kari", date(2026, 5, 20), Status.DONE)


def test_the_vocabulary_is_part_of_the_parse_cache_fingerprint() -> None:
    # The engine fingerprints the cache with repr(ParseOptions): other words, other entries.
    assert repr(ParseOptions()) != repr(ParseOptions(vocabulary=Vocabulary(done=("ferdig",))))


def test_options_from_the_records_config() -> None:
    config = parse_config(
        "records:\n  vocabulary:\n    done: ferdig\n    owner_keys: [ansvarlig]\n"
        "  date_order: dmy\n",
        name="syncd.yaml",
        env={},
    )
    options = ParseOptions.from_config(config.records)
    assert options.vocabulary == Vocabulary(done=("ferdig",), owner_keys=("ansvarlig",))
    assert options.date_order == "dmy"
    assert "Action Items" in options.sections
