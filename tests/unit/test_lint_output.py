"""Lint output formats: text, JSON and GitHub workflow commands (golden strings)."""

from __future__ import annotations

import json

from syncd.model import Problem, Severity
from syncd.records.lint.output import exit_code, format_github, format_json, format_text

PROBLEMS = [
    Problem("reviews/a.md", 0, "SYN001", Severity.ERROR, "cannot decode as UTF-8"),
    Problem("reviews/a.md", 12, "SYN101", Severity.WARNING, "item names no owner", 1, "a#1234abcd"),
    Problem("reviews/b.md", 7, "SYN109", Severity.INFO, "looks like an item", 3),
    Problem("reviews/b.md", 9, "SYN104", Severity.ERROR, "due date 'soon' is not a date"),
]


def test_text_golden() -> None:
    assert format_text(PROBLEMS) == (
        "reviews/a.md: error SYN001 cannot decode as UTF-8\n"
        "reviews/a.md:12:1: warning SYN101 item names no owner\n"
        "reviews/b.md:7:3: info SYN109 looks like an item\n"
        "reviews/b.md:9:1: error SYN104 due date 'soon' is not a date\n"
        "2 errors, 1 warning, 1 info in 2 files"
    )


def test_text_summary_without_problems_or_info() -> None:
    assert format_text([]) == "0 errors, 0 warnings in 0 files"
    assert format_text(PROBLEMS[1:2]).splitlines()[-1] == "0 errors, 1 warning in 1 file"


def test_json_golden() -> None:
    expected = """[
  {
    "path": "reviews/a.md",
    "line": 12,
    "col": 1,
    "code": "SYN101",
    "rule": "missing-owner",
    "severity": "warning",
    "message": "item names no owner",
    "item_key": "a#1234abcd"
  },
  {
    "path": "reviews/a.md",
    "line": 0,
    "col": 1,
    "code": "SYN001",
    "rule": null,
    "severity": "error",
    "message": "cannot decode as UTF-8",
    "item_key": null
  }
]"""
    assert format_json([PROBLEMS[1], PROBLEMS[0]]) == expected


def test_json_round_trips_every_field_and_keeps_unicode() -> None:
    problem = Problem("reviews/ü.md", 3, "SYN106", Severity.WARNING, "vague — “improve”")
    [row] = json.loads(format_json([problem]))
    assert row == {
        "path": "reviews/ü.md",
        "line": 3,
        "col": 1,
        "code": "SYN106",
        "rule": "vague-action",
        "severity": "warning",
        "message": "vague — “improve”",
        "item_key": None,
    }
    assert "ü" in format_json([problem])
    assert format_json([]) == "[]"


def test_github_golden() -> None:
    assert format_github(PROBLEMS) == (
        "::error file=reviews/a.md,title=SYN001::cannot decode as UTF-8\n"
        "::warning file=reviews/a.md,line=12,col=1,title=SYN101 missing-owner::"
        "item names no owner\n"
        "::notice file=reviews/b.md,line=7,col=3,title=SYN109 item-outside-section::"
        "looks like an item\n"
        "::error file=reviews/b.md,line=9,col=1,title=SYN104 unparseable-due-date::"
        "due date 'soon' is not a date"
    )


def test_github_escapes_data_and_properties() -> None:
    problem = Problem("odd,dir/a:b%.md", 4, "SYN101", Severity.WARNING, "50% done\r\nnext: a,b")
    assert format_github([problem]) == (
        "::warning file=odd%2Cdir/a%3Ab%25.md,line=4,col=1,title=SYN101 missing-owner::"
        "50%25 done%0D%0Anext: a,b"
    )


def test_github_output_is_empty_without_problems() -> None:
    assert format_github([]) == ""


def test_exit_code_reexported_for_the_cli() -> None:
    assert exit_code(PROBLEMS) == 1
    assert exit_code(PROBLEMS[1:3]) == 0
