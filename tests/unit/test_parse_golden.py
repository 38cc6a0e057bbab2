"""Golden files: one Markdown review per record-formats.md pattern (P1–P16) and §7 edge case.

Each `golden/<name>.md` is parsed and compared with the checked-in `golden/<name>.json`.
The expected files are never rewritten by the tests; after an intended change, regenerate
them explicitly with `python -m tests.unit.test_parse_golden` and review the diff.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from syncd.model import Review
from syncd.records.parse import ParseOptions, parse_text

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.stem for p in GOLDEN.glob("*.md"))


def summarize(review: Review) -> dict[str, Any]:
    meta = review.meta
    return {
        "meta": {
            "id": meta.id,
            "title": meta.title,
            "date": meta.date.isoformat() if meta.date else None,
            "severity": meta.severity,
            "status": meta.status,
            "services": list(meta.services),
            "team": meta.team,
            "themes": list(meta.themes),
            "sync": meta.sync,
        },
        "items": [
            {
                "line": item.line,
                "key": item.key,
                "description": item.description,
                "owner": item.owner,
                "due": item.due.isoformat() if item.due else None,
                "type": item.type,
                "tickets": [ref.raw for ref in item.tickets],
                "marker": item.marker.value if item.marker else None,
                "reason": item.reason,
                "shape": item.shape.value,
                "section": item.section,
                "span": [
                    item.span.first,
                    item.span.last,
                    item.span.suffix_line,
                    item.span.checkbox_col,
                    item.span.cell,
                ],
                "suppressed": sorted(item.suppressed),
                **({"unused_date": item.unused_date} if item.unused_date else {}),
            }
            for item in review.items
        ],
        "problems": [[p.line, p.code] for p in review.problems],
        "candidates": list(review.candidates),
        "suppressed": sorted(review.suppressed),
    }


def parse_case(name: str) -> Review:
    text = (GOLDEN / f"{name}.md").read_text(encoding="utf-8")
    return parse_text(text, f"{name}.md", ParseOptions())


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str) -> None:
    expected_path = GOLDEN / f"{name}.json"
    assert expected_path.exists(), f"{expected_path.name} is missing; regenerate explicitly"
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert summarize(parse_case(name)) == expected


def test_every_pattern_and_edge_case_has_a_golden_file() -> None:
    patterns = {f"p{n:02d}" for n in range(1, 17)} | {f"e{n:02d}" for n in range(1, 18)}
    assert patterns <= {name[:3] for name in CASES}


def regenerate() -> None:
    for name in CASES:
        data = json.dumps(summarize(parse_case(name)), ensure_ascii=False, indent=1)
        (GOLDEN / f"{name}.json").write_text(data + "\n", encoding="utf-8")
        print(f"wrote golden/{name}.json")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m tests.unit.test_parse_golden --write  (then review the diff)")
    regenerate()
