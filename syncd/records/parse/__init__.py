"""Reading reviews: Markdown text → `Review` values (metadata, items with source spans).

`reader` is the entry point; the other modules are its parts: `sections` and `blocks` find
the structure, `items` turns blocks into item drafts, `fields` / `work` take one item's text
apart with `tickets`, `owners`, `dates`, `markers` and `separators`, `tables` reads action
tables, `meta` the review's metadata, `suffix` syncd's own tracking suffix.

The names below are loaded on first use (PEP 562): `syncd.records.edit` needs only `suffix`,
and a pass served from the parse cache must not pay for importing the parser (~30 ms).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from syncd.records.parse.reader import parse_text, read_review
    from syncd.records.reading import DEFAULT_SECTIONS, ParseOptions, decode

__all__ = ["DEFAULT_SECTIONS", "ParseOptions", "decode", "parse_text", "read_review"]

_HOMES = {
    "parse_text": "syncd.records.parse.reader",
    "read_review": "syncd.records.parse.reader",
    "DEFAULT_SECTIONS": "syncd.records.reading",
    "ParseOptions": "syncd.records.reading",
    "decode": "syncd.records.reading",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
