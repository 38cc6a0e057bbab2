"""The parse cache keeps every parsed value: a review read back from the cache equals the
review parsed from the file (a field the codec forgets would silently vanish on warm passes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from syncd.model import Problem, Severity
from syncd.records import codec
from syncd.records.parse import ParseOptions, parse_text

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("name", sorted(p.stem for p in GOLDEN.glob("*.md")))
def test_every_golden_review_survives_the_cache(name: str) -> None:
    text = (GOLDEN / f"{name}.md").read_text(encoding="utf-8")
    review = parse_text(text, f"{name}.md", ParseOptions(), sha256="ab" * 32)
    lint = (Problem(review.path, 3, "SYN101", Severity.WARNING, "m", 1, "k#1"),)
    assert codec.loads(codec.dumps(review, lint)) == (review, lint)


def test_new_item_fields_survive_the_cache() -> None:
    text = "# x\n\n## Action Items\n\n- Shard the log by end of sprint 12/3 · done 2026-06-01\n"
    review = parse_text(text, "2026-05-01-r.md", ParseOptions())
    (item,) = codec.loads(codec.dumps(review))[0].items
    assert item.unused_date == "by end of sprint 12/3"
    assert item.suffix is not None and item.suffix.status_date is not None
