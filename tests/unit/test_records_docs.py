"""The docs list what the parser reads: the default section names, the file problem codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from syncd.records.reading import DEFAULT_SECTIONS

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
RECORD_FORMAT = ROOT / "docs" / "record-format.md"


def _flat(path: Path) -> str:
    return " ".join(path.read_text(encoding="utf-8").split())


@pytest.mark.parametrize("doc", [README, RECORD_FORMAT], ids=["README", "record-format"])
def test_the_docs_list_every_default_section_name(doc: Path) -> None:
    text = _flat(doc)
    missing = [name for name in DEFAULT_SECTIONS if name not in text]
    assert not missing, f"{doc.name} does not list {missing}"


def test_readme_and_record_format_list_the_same_default_headings() -> None:
    def listed(doc: Path) -> list[str]:
        text = _flat(doc)
        return sorted(name for name in DEFAULT_SECTIONS if re.search(re.escape(name), text))

    assert listed(README) == listed(RECORD_FORMAT) == sorted(DEFAULT_SECTIONS)


def test_every_file_problem_code_the_parser_reports_is_documented() -> None:
    sources = "\n".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "syncd" / "records").rglob("*.py")
    )
    codes = sorted(set(re.findall(r'"(SYN0\d\d)"', sources)))
    table = RECORD_FORMAT.read_text(encoding="utf-8")
    assert codes and all(f"| {code} |" in table for code in codes), codes
