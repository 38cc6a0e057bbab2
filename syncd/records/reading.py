"""What reading a review needs before any parsing: the options, the default action-item
section headings, and how a file's bytes become text. PURE.

Kept apart from the parse package so that a pass served entirely from the parse cache (the warm
`syncd check`) can fingerprint its options without importing the parser (~30 ms of start-up).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["BOM", "DEFAULT_SECTIONS", "ParseOptions", "decode"]

DEFAULT_SECTIONS: tuple[str, ...] = (
    "Action Items",
    "Action items",
    "Action Item",
    "Follow-ups",
    "Follow-up actions",
    "Follow-up tasks",
    "Corrective actions",
    "Corrective and Preventative Measures",
    "Remediation",
    "Next steps",
    "Review actions",
    "Actions following review",
    "Follow-up improvements",
    "Actionables",
    "Preventive actions",
    "Prevent recurrence",
)

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class ParseOptions:
    sections: tuple[str, ...] = DEFAULT_SECTIONS
    date_order: Literal["dmy", "mdy"] | None = None
    max_bytes: int = 5_000_000


def decode(data: bytes) -> tuple[str, bool]:
    """(text without BOM, had_bom); raises UnicodeDecodeError for invalid UTF-8."""
    if data.startswith(BOM):
        return data[len(BOM) :].decode("utf-8"), True
    return data.decode("utf-8"), False
