"""The due-date rules: one realistic due date per item (DESIGN §3 "Lint"). PURE.

SYN103 no due date; SYN104 a due date syncd cannot read; SYN105 later than the severity's
deadline; SYN115 date-like text on the item's line that is not its due date (`by end of sprint
12/3`, `Q3`, `next Friday`): syncd never writes a mark from such a guess (issue #12).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from syncd.model import ActionItem, Review
from syncd.records.lint.finding import Finding

__all__ = ["DuePolicy"]

_NOT_SEVERITY = re.compile(r"[^0-9A-Z]")


def _severity_days(review: Review, due_defaults: Mapping[str, int]) -> tuple[str, int] | None:
    severity = review.meta.severity
    if not severity:
        return None
    wanted = _NOT_SEVERITY.sub("", severity.upper())
    for key, days in due_defaults.items():
        if _NOT_SEVERITY.sub("", key.upper()) == wanted:
            return key, days
    return None


@dataclass(frozen=True, slots=True)
class DuePolicy:
    """The due-date checks of one review: its severity deadline, worked out once."""

    no_date: str  # the SYN103 message, with the implied date when there is one
    deadline: date | None  # review date + the severity's days (SYN105)
    late: str  # the end of the SYN105 message

    @classmethod
    def of(cls, review: Review, due_defaults: Mapping[str, int]) -> DuePolicy:
        policy = _severity_days(review, due_defaults)
        no_date = "item has no due date; add `due: YYYY-MM-DD`"
        reviewed = review.meta.date
        if policy and reviewed:
            implied = reviewed + timedelta(days=policy[1])
            no_date += f" (the {policy[0]} default implies {implied.isoformat()})"
            late = (
                f" is later than the {policy[0]} deadline {implied.isoformat()} (review date "
                f"{reviewed.isoformat()} + {policy[1]} days); bring it forward or split the item"
            )
            return cls(no_date, implied, late)
        if policy:
            no_date += f" (the {policy[0]} default is {policy[1]} days after the review)"
        return cls(no_date, None, "")

    def finding(self, item: ActionItem) -> Finding | None:
        if item.due is None and not (item.due_raw and item.due_raw.strip()):
            if item.unused_date:
                message = (
                    f"date-like text {item.unused_date!r} not used as the due date; "
                    "write the due date as `due: YYYY-MM-DD`"
                )
                return Finding("SYN115", item.line, message, item)
            return Finding("SYN103", item.line, self.no_date, item)
        if item.due is None and item.due_raw:
            return Finding("SYN104", item.line, _unparsed_message(item.due_raw.strip()), item)
        if item.due is not None and self.deadline is not None and item.due > self.deadline:
            return Finding("SYN105", item.line, f"due {item.due.isoformat()}{self.late}", item)
        return None


_NUMERIC_DATE = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4}|\d{2})$")
_DATE_PLACEHOLDER = re.compile(r"^(?:y{2,4}|m{1,2}|d{1,2}|[-./ ])+$", re.IGNORECASE)


def _unparsed_message(raw: str) -> str:
    match = _NUMERIC_DATE.match(raw)
    if match:
        first, second, year_text = int(match[1]), int(match[2]), int(match[3])
        year = year_text + 2000 if len(match[3]) == 2 else year_text
        try:
            dmy, mdy = date(year, second, first), date(year, first, second)
        except ValueError:
            pass
        else:
            if dmy != mdy:
                return (
                    f"due date {raw!r} is ambiguous: set records.date_order to dmy or mdy, "
                    f"or write {dmy.isoformat()} ({_spoken(dmy)}) "
                    f"or {mdy.isoformat()} ({_spoken(mdy)})"
                )
    if _DATE_PLACEHOLDER.match(raw):
        return f"due date {raw!r} is a template placeholder; write the date as YYYY-MM-DD"
    return f"due date {raw!r} is not a date syncd can read; write it as YYYY-MM-DD"


def _spoken(day: date) -> str:
    return f"{day.day} {day:%B}"
