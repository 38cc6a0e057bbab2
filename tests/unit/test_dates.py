"""Due-date text → dates: every shape record-formats.md §4.2 lists, and its traps."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from syncd.records.parse.dates import match_date, parse_date, parse_due

REVIEW = date(2026, 5, 20)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-06-04", date(2026, 6, 4)),
        ("2019-4-7", date(2019, 4, 7)),  # unpadded
        ("2023-05-02 09:41", date(2023, 5, 2)),
        ("2024/05/31", date(2024, 5, 31)),
        ("2024年5月31日", date(2024, 5, 31)),
        ("28 May 2026", date(2026, 5, 28)),
        ("May 28, 2026", date(2026, 5, 28)),
        ("May 28 2026", date(2026, 5, 28)),
        ("2nd October, 2021", date(2021, 10, 2)),
        ("Monday 14th March 2022", date(2022, 3, 14)),
        ("Apr 9, 2024, 16:30 UTC", date(2024, 4, 9)),
        ("Aug 02, 2022, 07:15 (UTC)", date(2022, 8, 2)),
        ("Sept 3, 2025", date(2025, 9, 3)),
        ("13/02/24", date(2024, 2, 13)),  # unambiguous: 13 cannot be a month
        ("17-09-2024", date(2024, 9, 17)),
        ("05-05-2022", date(2022, 5, 5)),  # both readings agree
        ("Q3 2026", date(2026, 9, 30)),
        ("Q1 2024", date(2024, 3, 31)),
        ("2026 Q4", date(2026, 12, 31)),
        ("H1 2026", date(2026, 6, 30)),
        ("H2 2026", date(2026, 12, 31)),
        ("end of June 2026", date(2026, 6, 30)),
        ("June 2026", date(2026, 6, 30)),
        ("February 2028", date(2028, 2, 29)),
        ("Q4 2025 - Q1 2026", date(2026, 3, 31)),  # a range is due at its end
        ("May 3-5, 2024", date(2024, 5, 5)),
        ("by 2026-06-04", date(2026, 6, 4)),
    ],
)
def test_parse_date_reads_written_shapes(text: str, expected: date) -> None:
    assert parse_date(text, REVIEW, None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("May 28", date(2026, 5, 28)),
        ("14. May", date(2026, 5, 14)),
        ("Sep 3, 9:12 PM", date(2026, 9, 3)),
        ("2-9th Jan", date(2027, 1, 9)),
        ("Mar 25", date(2026, 3, 25)),  # within 60 days before the review: same year
        ("Mar 15", date(2027, 3, 15)),  # earlier than that: next year
    ],
)
def test_yearless_date_takes_year_from_review_date(text: str, expected: date) -> None:
    assert parse_date(text, REVIEW, None) == expected


def test_yearless_date_without_review_date_stays_unparsed() -> None:
    assert parse_date("May 28", None, None) is None


def test_year_inference_skips_a_missing_leap_day() -> None:
    assert parse_date("Feb 29", date(2027, 1, 10), None) == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("05-12-2022", "dmy", date(2022, 12, 5)),
        ("05-12-2022", "mdy", date(2022, 5, 12)),
        ("05-12-2022", None, None),
        ("11.06.2023", "dmy", date(2023, 6, 11)),
        ("11.06.2023", None, None),
        ("06/11/23", "mdy", date(2023, 6, 11)),
        ("13/02/24", "mdy", date(2024, 2, 13)),  # unambiguous whatever the order
    ],
)
def test_ambiguous_numeric_dates_follow_date_order(
    text: str, order: str | None, expected: date | None
) -> None:
    assert parse_date(text, REVIEW, order) == expected


@pytest.mark.parametrize(
    "text",
    ["YYYY-MM-DD", "8888-08-08", "31/31/31", "2026-13-01", "2026-02-30", "Q5 2026", "H3 2026"],
)
def test_placeholders_and_impossible_dates_are_not_dates(text: str) -> None:
    assert parse_date(text, REVIEW, "dmy") is None


@pytest.mark.parametrize(
    "text", ["next 2 weeks", "in June", "long term", "in the near future", "Q3", "soon", ""]
)
def test_timeframes_without_a_date_are_not_dates(text: str) -> None:
    assert parse_date(text, REVIEW, "dmy") is None


def test_month_name_must_be_a_whole_word() -> None:
    assert parse_date("10 marbles", REVIEW, None) is None


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-06-04", (date(2026, 6, 4), "2026-06-04")),
        ("**2026-06-04**", (date(2026, 6, 4), "2026-06-04")),
        ("~2026-06-04 (soft)", (date(2026, 6, 4), "2026-06-04 (soft)")),
        ("May 28", (date(2026, 5, 28), "May 28")),
        ("Target: Q4 2025 - Q1 2026", (date(2026, 3, 31), "Target: Q4 2025 - Q1 2026")),
        ("next 2 weeks", (None, "next 2 weeks")),
        ("Long term", (None, "Long term")),
        ("YYYY-MM-DD", (None, "YYYY-MM-DD")),
        ("05-12-2022", (None, "05-12-2022")),
        ("TBD", (None, "TBD")),
        ("", (None, None)),
        ("  ", (None, None)),
        ("n/a", (None, None)),
        ("-", (None, None)),
    ],
)
def test_parse_due_keeps_the_text_as_written(
    cell: str, expected: tuple[date | None, str | None]
) -> None:
    assert parse_due(cell, REVIEW, None) == expected


def test_match_date_reports_end_and_whether_a_year_was_written() -> None:
    text = "due May 28, 2026 — owner: @x"
    assert match_date(text, 4, None, None) == (16, date(2026, 5, 28), True)
    assert match_date("May 28 — x", 0, REVIEW, None) == (6, date(2026, 5, 28), False)
    assert match_date("to the freeze", 0, REVIEW, None) is None


def test_match_date_keeps_the_shape_of_an_ambiguous_date() -> None:
    assert match_date("05-12-2022 and more", 0, REVIEW, None) == (10, None, True)


@given(st.text(max_size=60))
def test_parse_date_and_parse_due_never_raise(text: str) -> None:
    parse_date(text, REVIEW, "dmy")
    parse_date(text, None, None)
    value, raw = parse_due(text, REVIEW, "mdy")
    assert value is None or raw is not None
