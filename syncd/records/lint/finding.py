"""One lint finding before its severity and suppressions are applied (checks.lint_review)."""

from __future__ import annotations

from typing import NamedTuple

from syncd.model import ActionItem

__all__ = ["Finding"]


class Finding(NamedTuple):  # not a dataclass: one per problem, and they are many
    code: str
    line: int
    message: str
    item: ActionItem | None = None  # whose inline suppressions apply
    keyed: bool = True  # report the item's key (False for review-level findings)
    soft: bool = False  # a weaker form of the rule: reported as info at most
