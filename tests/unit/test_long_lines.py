"""Parsing and linting are linear in the length of a line (issue #9).

One long token on an item line — a pasted URL, a base64 blob — made a pass quadratic: 10k
characters took 1 s, 160k took 87 s. The fix is structural (patterns that start only where a
token starts, loops with a bound, no rescans); these tests build 100,000-character lines out of
short repeated units that stress each shape the parser reads. Linear work takes a few
hundredths of a second per line; a quadratic step would take minutes, so the generous bound
below cannot be met by luck on a slow machine.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syncd.records.lint import LintSettings, lint_review
from syncd.records.parse import ParseOptions, parse_text

LENGTH = 100_000
BOUND_SECONDS = 5.0

# Units that reach the parser's loops and patterns: references, keys, markers, fields, dates,
# brackets, emphasis, comments, separators, owners.
UNITS = [
    "a", "A", "1", "-", "#", ":", "/", ".", "_", "@", "*", "[", "]", "(", ")", "<", ">",
    "`", " ", "~", "|", "—", "·", ",", ";", "\t",
    "QUJD", "aGVsbG8=", "https://x.org/", "a#1", "#1, ", "A-1", "Q1-", "OPS-1 ", "a/", "a/b#",
    "DONE ", "TODO ", "(Done) ", "**a ", "__a ", "~~a", "[a](b) ", "[a] ", "[x] ", "[#1]",
    "(a) ", "( )", "()", "owner: ", "due: ", "a:", "`a:", "Owner: @a — ", "— due: 2026-06-01 ",
    "by May 1 ", "mon", "end of ", "Q3 ", "12/3 ", "2026-01-01 ", "next week ", "@a ", "@a/b ",
    "team ", "won't do: a ", "<!-- ", "-->", "&", " and ", " - ", "a, ", "✅", "完了", "ação ",
    '"', "'", "“", "\\", "!", "=", "%", "{", "}", "$", "a.b", "e.g. ", "![a](b)", "<br>",
    "Bug 1234 ", "T1 ", "[[a](b)]", "[a][b]", "http", "://", "~~", "(issue created)", "v1.2.3 ",
]  # fmt: skip
SHAPES = [
    "- Fix the thing {t}",
    "- {t} fix it",
    "- [ ] Fix {t} — owner: @a",
    "- Fix {t} now — owner: @a — due: 2026-06-01",
    "- Fix it — owner: {t} — due: 2026-06-01",
    "{t}",
    "| Action | Owner |\n|---|---|\n| Fix {t} | {t} |",
    "- Fix {t}\n  - Owner: {t}",
    "- Group\n  - {t}",
]


def run(text: str) -> float:
    started = time.perf_counter()
    review = parse_text(text, "2026-05-01-r.md", ParseOptions())
    lint_review(review, LintSettings())
    return time.perf_counter() - started


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    unit=st.one_of(st.sampled_from(UNITS), st.text(min_size=1, max_size=6)),
    shape=st.sampled_from(SHAPES),
    heading=st.booleans(),
)
def test_a_100k_character_line_is_read_in_linear_time(unit: str, shape: str, heading: bool) -> None:
    token = (unit * (LENGTH // len(unit) + 1))[:LENGTH].replace("\n", " ").replace("\r", " ")
    body = shape.format(t=token)
    title = f"# {token}\n\n" if heading else "# Outage\n\n"
    assert run(f"{title}## Action Items\n\n{body}\n") < BOUND_SECONDS


# Long blank runs between words, where patterns with `\s*` / `\s+` around separators used to
# rescan the run from each of its characters (`{s}` is the run).
BLANK_SHAPES = [
    "# T{s}x\n\n## Action Items\n\n- Fix it\n",
    "# T\n\n## Action{s}Items\n\n- Fix it\n",
    "# T\n\n## Action Items\n\n- Fix it{s}x () — owner: @a{s}y — due: 2026-06-01{s}z\n",
    "# T\n\n## Action Items\n\n- Fix{s}it — owner: @a{s}and{s}@b\n",
    "# T\n\n## Action Items\n\n- Fix it — reason: a{s}b — due: x{s}y\n",
    "# T\n\n## Action Items\n\n- Fix it (Done{s})\n- [a{s}b] Fix it won't do:{s}x\n",
    "# T\n\n## Action Items\n\n| Action | Owner |\n|---|---|\n| Fix{s}it | kim{s}and{s}raj |\n",
    "# T\n\n## Action Items\n\n- Fix it by{s}May 28{s}#12{s}OPS-1{s}\n- Next{s}week{s}Q3\n",
    "# T\n\n## Action Items\n\n- Fix it — [jira]({s}https://x/browse/A-1)\n",
    "---\ntitle: a{s}b\n---\n# T\n\nDate:{s}2026-01-01\n\n## Improvements\n\n- Add{s}x\n",
]


@pytest.mark.parametrize("blank", [" ", "\t", " \t"])
@pytest.mark.parametrize("shape", BLANK_SHAPES)
def test_long_blank_runs_are_read_in_linear_time(shape: str, blank: str) -> None:
    run_of_blanks = (blank * LENGTH)[:LENGTH]
    assert run(shape.format(s=run_of_blanks)) < BOUND_SECONDS


def test_every_unit_and_shape_once() -> None:
    # The property test samples; this walks the whole grid at a tenth of the length, where a
    # quadratic step still costs a second or more and linear work milliseconds.
    slow = []
    for unit in UNITS:
        token = (unit * (10_000 // len(unit) + 1))[:10_000]
        for shape in SHAPES:
            text = f"# {token}\n\n## Action Items\n\n{shape.format(t=token)}\n"
            if (seconds := run(text)) > 0.5:
                slow.append((unit, shape, round(seconds, 2)))
    assert slow == []


LINK_TEXT = st.text(alphabet="[]()!ab ", max_size=40)


@settings(max_examples=2000, deadline=None)
@given(LINK_TEXT)
def test_linear_link_stripping_is_the_regex_it_replaces(text: str) -> None:
    # Item keys hash the normalized description: the linear version must keep every key.
    import re

    from syncd.records.keys import strip_links

    assert strip_links(text) == re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="()ab \t", max_size=30))
def test_the_trailing_parenthetical_is_the_pattern_it_replaces(text: str) -> None:
    import re

    from syncd.records.parse.headings import trailing_paren

    old = re.match(r"^(.*?)[ \t]*\(([^()]*(?:\([^()]*\)[^()]*)*)\)[ \t]*$", text)
    assert trailing_paren(text) == ((old[1], old[2]) if old else None)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="* a\n", max_size=30))
def test_linear_unbold_is_the_pattern_it_replaces(text: str) -> None:
    import re

    from syncd.records.parse.separators import unbold

    assert unbold(text) == re.sub(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", r"\1", text)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=" \t#ab", max_size=14))
def test_the_atx_heading_reader_is_the_pattern_it_replaces(line: str) -> None:
    import re

    from syncd.records.parse.sections import atx_heading

    old = re.match(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$", line)
    assert atx_heading(line) == ((len(old[1]), old[2] or "") if old else None)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=" \t(),;a", max_size=20))
def test_linear_empty_paren_removal_is_the_pattern_it_replaces(text: str) -> None:
    import re

    from syncd.records.parse.separators import drop_empty_parens

    assert drop_empty_parens(text) == re.sub(r"\s*\(\s*[,;]?\s*\)", "", text)
