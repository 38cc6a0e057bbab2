"""The example reviews parse cleanly: items found, no warnings or errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from syncd.model import Severity
from syncd.records.discover import discover
from syncd.records.parse import ParseOptions, read_review

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "reviews").glob("*.md"))


def test_there_are_at_least_ten_examples() -> None:
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_parses_cleanly(path: Path) -> None:
    review, _ = read_review(path, ROOT, ParseOptions())
    assert review.readable
    assert review.items
    assert [p for p in review.problems if p.severity is not Severity.INFO] == []
    assert review.meta.date is not None


def test_readme_is_excluded_by_default_globs() -> None:
    found, _ = discover(
        ROOT,
        ["examples/reviews/**/*.md", "examples/*.md"],
        ["**/*template*", "**/README.md", "**/index.md"],
    )
    assert all(p.name != "README.md" for p in found)
    assert len(found) == len(EXAMPLES)
