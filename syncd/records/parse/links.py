"""Link reference definitions (`[#1234]: https://…` at the end of a review, record-formats.md
§7.12): a shortcut `[#1234]` or a full `[text][#1234]` link in an item points where its
definition says, so its ticket (or that it is no ticket, `[PM2020-004]: ./PM2020-004.md`) is
known. Labels match as CommonMark matches them: case-insensitively, spaces collapsed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from syncd.records.parse.sections import TEXT
from syncd.records.parse.tickets import NO_LINKS, label_key

__all__ = ["NO_LINKS", "definitions", "label_key"]

_DEFINITION = re.compile(r"^ {0,3}\[([^\[\]\n]{1,200})\]:[ \t]*<?([^\s<>]+)>?")


def definitions(lines: Sequence[str], kinds: bytearray) -> Mapping[str, str]:
    """Label (as `label_key` folds it) → destination, first definition winning."""
    found: dict[str, str] = {}
    for i, line in enumerate(lines):
        if kinds[i] != TEXT or "]:" not in line:
            continue
        m = _DEFINITION.match(line)
        if m is not None:
            found.setdefault(label_key(m[1]), m[2])
    return found or NO_LINKS
