"""The records package keeps its import promises (DESIGN §10 layout)."""

from __future__ import annotations

import subprocess
import sys


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return {name for name in out.split() if name.startswith("syncd.records")}


def test_a_cached_pass_does_not_import_the_parser() -> None:
    # What a pass served from the parse cache imports: cache codec, discovery, lint, options,
    # and the editor (write-back). None of it may pull in the parser (~30 ms of start-up).
    loaded = _loaded_after(
        "import syncd.records.codec, syncd.records.discover, syncd.records.lint, "
        "syncd.records.reading, syncd.records.edit"
    )
    for parser_module in ("reader", "items", "sections", "work", "fields", "words"):
        assert f"syncd.records.parse.{parser_module}" not in loaded
    assert "syncd.records.parse.suffix" in loaded  # the editor needs the suffix grammar only


def test_the_engine_imports_keep_working() -> None:
    from syncd.records.lint import LintSettings, lint_review, settings_from_config
    from syncd.records.parse import ParseOptions, decode, parse_text, read_review

    assert callable(read_review) and callable(parse_text) and callable(decode)
    assert callable(lint_review) and callable(settings_from_config)
    assert ParseOptions().max_bytes > 0 and LintSettings().max_items > 0
