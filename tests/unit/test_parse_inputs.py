"""Bad input never raises: each file problem is a SYN0xx naming the line; CRLF/BOM parse alike."""

from __future__ import annotations

import hashlib
import os
from datetime import date
from pathlib import Path

import pytest

from syncd.model import ItemShape, Severity
from syncd.records.parse import ParseOptions, decode, parse_text, read_review

GOLDEN = Path(__file__).parent / "golden"
OPTIONS = ParseOptions()


def codes(review) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    return [(p.line, p.code) for p in review.problems]


def test_unreadable_file_is_syn001(tmp_path: Path) -> None:
    path = tmp_path / "locked.md"
    path.write_text("## Action Items\n- a\n")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: permissions do not stop reading")
        review, data = read_review(path, tmp_path, OPTIONS)
    finally:
        path.chmod(0o644)
    assert data is None
    assert not review.readable
    assert codes(review) == [(0, "SYN001")]


def test_missing_file_is_syn001(tmp_path: Path) -> None:
    review, data = read_review(tmp_path / "gone.md", tmp_path, OPTIONS)
    assert (review.readable, data, codes(review)) == (False, None, [(0, "SYN001")])


def test_invalid_utf8_names_the_line_of_the_first_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.md"
    path.write_bytes("# T\n\n## Action Items\n- Caf\u00e9 menu\n".encode("latin-1"))
    review, data = read_review(path, tmp_path, OPTIONS)
    assert not review.readable
    assert data == path.read_bytes()
    assert codes(review) == [(4, "SYN002")]


def test_binary_file_is_syn003(tmp_path: Path) -> None:
    path = tmp_path / "image.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR")
    review, _ = read_review(path, tmp_path, OPTIONS)
    assert not review.readable
    assert [c for _, c in codes(review)] == ["SYN003"]


def test_too_large_file_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.md"
    path.write_text("## Action Items\n" + "- item\n" * 100)
    review, data = read_review(path, tmp_path, ParseOptions(max_bytes=200))
    assert (review.readable, data, codes(review)) == (False, None, [(0, "SYN004")])


def test_malformed_front_matter_names_its_line_and_body_is_still_parsed(tmp_path: Path) -> None:
    text = "---\ntitle: ok\ndate: [unclosed\nteam: x\n---\n## Action Items\n- Pin the image\n"
    review = parse_text(text, "2026-01-02-r.md", OPTIONS)
    assert [c for _, c in codes(review)] == ["SYN005"]
    assert 3 <= review.problems[0].line <= 5
    assert [i.description for i in review.items] == ["Pin the image"]


def test_non_mapping_front_matter_is_syn005() -> None:
    review = parse_text(
        "---\n- a\n- b\n---\n## Action Items\n- x y z\n", "2026-01-02-r.md", OPTIONS
    )
    assert codes(review) == [(1, "SYN005")]
    assert len(review.items) == 1


def test_empty_file_is_info_syn007(tmp_path: Path) -> None:
    path = tmp_path / "2026-01-02-empty.md"
    path.write_bytes(b"")
    review, data = read_review(path, tmp_path, OPTIONS)
    assert data == b""
    assert review.readable
    assert codes(review) == [(0, "SYN007")]
    assert review.problems[0].severity is Severity.INFO
    assert str(review.meta.date) == "2026-01-02"


def test_empty_section_is_info_syn008() -> None:
    review = parse_text("# T\n\n## Action Items\n\n## Timeline\n- 10:00 x\n", "r.md", OPTIONS)
    assert codes(review) == [(3, "SYN008")]


def test_ragged_table_row_is_warning_syn009() -> None:
    text = "## Action Items\n| Action | Owner |\n|---|---|\n| Pin the image |\n"
    review = parse_text(text, "2026-01-02-r.md", OPTIONS)
    assert codes(review) == [(4, "SYN009")]
    assert review.problems[0].severity is Severity.WARNING
    assert review.items[0].description == "Pin the image"


def test_read_review_returns_bytes_sha_and_relative_posix_path(tmp_path: Path) -> None:
    (tmp_path / "reviews").mkdir()
    path = tmp_path / "reviews" / "a.md"
    path.write_bytes(b"## Action Items\n- Pin the image\n")
    review, data = read_review(path, tmp_path, OPTIONS)
    assert data == path.read_bytes()
    assert review.path == "reviews/a.md"
    assert review.sha256 == hashlib.sha256(data).hexdigest()


def test_decode_strips_bom_and_reports_it() -> None:
    assert decode(b"\xef\xbb\xbfabc") == ("abc", True)
    assert decode(b"abc") == ("abc", False)
    with pytest.raises(UnicodeDecodeError):
        decode(b"\xff")


@pytest.mark.parametrize(
    "name", ["p03_checkboxes", "p10_sre_table", "p15_groups", "e03_lazy_continuation"]
)
def test_crlf_and_bom_give_identical_items(name: str) -> None:
    data = (GOLDEN / f"{name}.md").read_bytes()
    plain = parse_text(decode(data)[0], "r.md", OPTIONS)
    crlf_bytes = b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")
    text, had_bom = decode(crlf_bytes)
    assert had_bom
    crlf = parse_text(text, "r.md", OPTIONS)
    assert crlf.items == plain.items
    assert crlf.meta == plain.meta


def test_line_model_ignores_unicode_line_separators() -> None:
    text = "# T\x0c\u2028\n## Action Items\n- Pin the image\u2028 now\n- Rotate keys\n"
    review = parse_text(text, "r.md", OPTIONS)
    assert [i.span.first for i in review.items] == [2, 3]
    assert text.split("\n")[review.items[1].span.first].startswith("- Rotate")


def test_spans_point_at_own_lines_and_checkbox_column() -> None:
    text = (
        "## Action Items\n"
        "  - [ ] Alert when the queue stalls for 5 minutes — owner: @kim\n"
        "    on the ingest cluster\n"
        "    - Due: 2026-06-01\n"
        "- [] Schedule the review\n"
    )
    first, second = parse_text(text, "r.md", OPTIONS).items
    assert (first.span.first, first.span.last, first.span.suffix_line) == (1, 2, 2)
    assert first.span.checkbox_col == 5 and text.split("\n")[1][5] == " "
    assert str(first.due) == "2026-06-01"
    assert second.shape is ItemShape.CHECKBOX
    assert second.span.checkbox_col == 3 and text.split("\n")[4][3] == "]"


def test_syncd_suffix_is_split_off_before_fields_and_key() -> None:
    plain = parse_text("## Action Items\n- [ ] Pin the image\n", "r.md", OPTIONS).items[0]
    linked = parse_text(
        "## Action Items\n- [ ] Pin the image · [acme/ops#3](https://github.com/acme/ops/issues/3)"
        " in progress\n",
        "r.md",
        OPTIONS,
    ).items[0]
    assert linked.key == plain.key
    assert linked.text == "Pin the image"
    assert linked.suffix is not None and linked.suffix.ticket_label == "acme/ops#3"


def test_identical_descriptions_get_numbered_keys() -> None:
    text = "## Action Items\n- Rotate keys\n- rotate  keys.\n"
    first, second = parse_text(text, "r.md", OPTIONS).items
    assert second.key == first.key + "-2"


def test_candidates_outside_sections_are_reported() -> None:
    text = (
        "# T\n\n## Timeline\n- [ ] stray checkbox\n- owner: @kim fix it\n- 10:00 start\n\n"
        "## Action Items\n- [ ] real\n"
    )
    review = parse_text(text, "r.md", OPTIONS)
    assert review.candidates == (4, 5)
    assert [i.line for i in review.items] == [9]


def test_draft_and_syncd_false_are_not_synced() -> None:
    draft = parse_text("---\nstatus: Draft\n---\n# T\n", "r.md", OPTIONS)
    off = parse_text("---\nsyncd: false\n---\n# T\n", "r.md", OPTIONS)
    on = parse_text("---\nstatus: final\n---\n# T\n", "r.md", OPTIONS)
    assert (draft.draft, off.draft, on.draft) == (True, True, False)


def test_custom_section_names() -> None:
    text = "## Tiltak\n- Legg til varsel for køen\n"
    assert parse_text(text, "r.md", OPTIONS).items == ()
    custom = ParseOptions(sections=("Tiltak",))
    assert len(parse_text(text, "r.md", custom).items) == 1


def test_a_month_written_with_a_long_s_is_read_not_a_crash() -> None:
    # The date pattern ignores case, which folds `ſ` (U+017F) to s; the month lookup did not.
    text = "---\ndate: 2026-06-01\n---\n## Action Items\n- [ ] Rotate the key — due: ſep 5\n"
    (item,) = parse_text(text, "r.md", OPTIONS).items
    assert (item.description, item.due) == ("Rotate the key", date(2026, 9, 5))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_file_larger_than_its_stat_size_is_read_to_the_end_or_the_limit() -> None:
    # /proc files stat as 0 bytes but have content: the read must not stop at the stat size.
    path = Path("/proc/self/status")
    review, data = read_review(path, path.parent, OPTIONS)
    assert review.readable and data is not None and data.startswith(b"Name:")
    assert len(data) > 100
    small, none = read_review(path, path.parent, ParseOptions(max_bytes=50))
    assert (small.readable, none, codes(small)) == (False, None, [(0, "SYN004")])
