"""Review metadata from front matter, the body, and the file name (record-formats.md §5)."""

from __future__ import annotations

from datetime import date

import pytest

from syncd.records.parse import ParseOptions, parse_text
from syncd.records.parse.meta import file_date, normalize_severity


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("SEV1", "SEV-1"),
        ("Sev-1", "SEV-1"),
        ("sev 2", "SEV-2"),
        ("S3", "SEV-3"),
        ("severity::1", "SEV-1"),
        ("SEV-2", "SEV-2"),
        (2, "SEV-2"),
        ("P1", "P1"),
        ("Critical", "Critical"),
        ("", None),
        (None, None),
    ],
)
def test_severity_is_normalized_when_recognisable(raw: object, expected: str | None) -> None:
    assert normalize_severity(raw) == expected


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("2024-03-06-db-outage", date(2024, 3, 6)),
        ("20240306_db-outage", date(2024, 3, 6)),
        ("db-outage_20240306", date(2024, 3, 6)),
        ("2018-03-6-post-mortem-5", date(2018, 3, 6)),
        ("PM2021-005 - Queue stall", None),
        ("0008-slug", None),
        ("2024-13-40-bad", None),
        # issue #12: a date anywhere in the name, compact or day-first
        ("outage-20210305-db", date(2021, 3, 5)),
        ("incident 2021-03-05", date(2021, 3, 5)),
        ("25-11-2023-outage", date(2023, 11, 25)),
        ("outage 15.03.2021", date(2021, 3, 15)),
        ("06-11-2023-outage", None),  # 6 November or June 11: records.date_order decides
    ],
)
def test_file_name_dates(stem: str, expected: date | None) -> None:
    assert file_date(stem) == expected


@pytest.mark.parametrize(
    ("stem", "order", "expected"),
    [
        ("06-11-2023-outage", "dmy", date(2023, 11, 6)),
        ("06-11-2023-outage", "mdy", date(2023, 6, 11)),
        ("05.03.2021", "dmy", date(2021, 3, 5)),
    ],
)
def test_ambiguous_file_name_dates_follow_date_order(stem: str, order: str, expected: date) -> None:
    assert file_date(stem, order) == expected
    review = parse_text(
        "## Action Items\n- Pin the image\n", f"{stem}.md", ParseOptions(date_order=order)
    )  # type: ignore[arg-type]
    assert review.meta.date == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Deployment post mortem on March 5, 2021", date(2021, 3, 5)),
        ("Incident on 2024-02-19 08:05 - queue stall", date(2024, 2, 19)),
        ("Outage 25-11-2023", date(2023, 11, 25)),
        ("Outage of 5 March 2021", date(2021, 3, 5)),
        ("June 2026 outage", None),  # a month is not the review's date
        ("Q3 2026 capacity incident", None),
    ],
)
def test_dates_in_titles(title: str, expected: date | None) -> None:
    assert meta(f"# {title}\n\nText.\n", "slug.md").date == expected


def test_a_review_without_a_date_says_so_once() -> None:
    review = parse_text("# Outage\n\n## Action Items\n- Pin the image\n", "slug.md", ParseOptions())
    assert review.meta.date is None
    (problem,) = [p for p in review.problems if p.code == "SYN012"]
    assert problem.line == 0 and problem.severity.value == "info"
    assert "needs-a-decision check cannot run" in problem.message


def test_a_review_with_a_date_or_without_items_says_nothing() -> None:
    dated = parse_text("## Action Items\n- Pin the image\n", "2026-01-02-x.md", ParseOptions())
    empty = parse_text("# Notes\n\nNo actions.\n", "slug.md", ParseOptions())
    assert "SYN012" not in [p.code for p in dated.problems + empty.problems]


@pytest.mark.parametrize(
    "title",
    [
        "Outage <!-- syncd:item=other#1234abcd -->",
        "Outage <!-- syncd:item=other#1234abcd",
    ],
)
def test_a_title_never_carries_an_html_comment(title: str) -> None:
    front = meta(f"---\ntitle: '{title}'\n---\n# x\n", "2026-01-02-x.md")
    heading = meta(f"# {title}\n\nText.\n", "2026-01-02-x.md")
    assert front.title == heading.title == "Outage"


def meta(text: str, path: str = "2026-01-05-x.md"):  # type: ignore[no-untyped-def]
    return parse_text(text, path, ParseOptions()).meta


def test_front_matter_wins_and_maps_every_key() -> None:
    m = meta(
        "---\ntitle: DB outage\nid: INC-7\ndate: 2026-02-03\nseverity: sev1\nstatus: final\n"
        "services: [db, api]\nteam: storage\ntags: [disk]\ntracker: jira-ops\n---\n"
        "# Other title\n**Severity:** SEV-3\n"
    )
    assert (m.id, m.title, m.date, m.severity, m.status) == (
        "INC-7",
        "DB outage",
        date(2026, 2, 3),
        "SEV-1",
        "final",
    )
    assert (m.services, m.team, m.themes, m.tracker, m.sync) == (
        ("db", "api"),
        "storage",
        ("disk",),
        "jira-ops",
        True,
    )


def test_body_bold_keys_and_first_h1() -> None:
    m = meta("# Queue stall\n\n**Date:** 2026-04-02  \n**Severity**: Sev-2\n")
    assert (m.title, m.date, m.severity, m.id) == (
        "Queue stall",
        date(2026, 4, 2),
        "SEV-2",
        "2026-01-05-x",
    )


def test_body_stats_bullets_and_metadata_table() -> None:
    m = meta(
        "# T\n\n| | |\n|---|---|\n| **Systems** | `svc-a`, `svc-b` |\n| **Team** | AB CD |\n\n"
        "## Stats\n\n- Category: Kubernetes\n- Severity: S2\n"
    )
    assert (m.services, m.team, m.themes, m.severity) == (
        ("svc-a", "svc-b"),
        "AB CD",
        ("Kubernetes",),
        "SEV-2",
    )


def test_heading_per_field_and_file_name_fallback() -> None:
    assert meta("# T\n\n## Date\n\n2015-10-21\n\n## Severity\n\n**Critical** - bad\n").date == date(
        2015, 10, 21
    )
    assert meta("# T\n\n## Severity\n\n**Critical** - bad\n").severity == "Critical"
    assert meta("# T\n").date == date(2026, 1, 5)


def test_fields_inside_action_sections_are_not_review_metadata() -> None:
    m = meta("# T\n\n## Action Items\n- Fix it\n  - Status: done\n")
    assert m.status is None


def test_an_impossible_front_matter_date_is_a_file_problem_not_a_crash() -> None:
    text = "---\ntitle: Outage\ndate: 2026-13-45\n---\n## Action Items\n- [ ] Pin the image\n"
    review = parse_text(text, "2026-06-01-outage.md", ParseOptions())
    assert [(p.line, p.code) for p in review.problems] == [(3, "SYN005")]
    assert "month must be in 1..12" in review.problems[0].message
    assert review.meta.date == date(2026, 6, 1)  # the file name, as for any unreadable front matter
    assert [item.description for item in review.items] == ["Pin the image"]


def test_an_impossible_date_inside_a_front_matter_list_names_its_line() -> None:
    text = "---\ntitle: 'Outage'\ndates:\n  - 2026-06-01\n  - 2026-02-30\n---\n"
    review = parse_text(text, "r.md", ParseOptions())
    assert [(p.line, p.code) for p in review.problems] == [(5, "SYN005")]


@pytest.mark.parametrize(
    "front",
    [
        "title: Checkout outage\ndate: 2026-06-01\nseverity: SEV-2\nservices: checkout, api",
        "on: yes\nid: 017\nratio: 1.5\ncount: 1_000\nempty:\nNull: null",
        "title: 'Quoted: value'\ndate: 2026-06-01 # a comment\ntags: [a, b]",
        "title: x\n\ndate: 2026-6-1\nteam:   platform   ",
    ],
)
def test_front_matter_reads_as_yaml_safe_load_does(front: str) -> None:
    import yaml

    from syncd.records.parse.meta import read_front_matter

    lines = ["---", *front.split("\n"), "---", "# Body"]
    assert dict(read_front_matter(lines).data) == yaml.safe_load(front)
