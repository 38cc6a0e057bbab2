"""The lint rule catalogue, and how a suppression comment names its rules. PURE.

Every rule has a stable code and a kebab-case name (docs/lint.md); codes never change
meaning and a retired rule keeps its code reserved. The parser reads suppression comments
(`<!-- syncd: ignore SYN105 vague-action -->`) with `suppression_codes`, lint applies them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from syncd.model import Severity

__all__ = ["FAMILY", "RULES", "Rule", "find_rule", "suppression_codes"]


@dataclass(frozen=True, slots=True)
class Rule:
    """One lint rule: a stable code, a kebab-case name, its default severity, one line."""

    code: str
    name: str
    severity: Severity
    summary: str


RULES: tuple[Rule, ...] = (
    Rule("SYN101", "missing-owner", Severity.WARNING, "The item names no owner."),
    Rule("SYN102", "several-owners", Severity.WARNING, "The item names several owners."),
    Rule("SYN103", "missing-due-date", Severity.WARNING, "The item has no due date."),
    Rule(
        "SYN104",
        "unparseable-due-date",
        Severity.ERROR,
        "The item's due date is not a date syncd can read (or is ambiguous).",
    ),
    Rule(
        "SYN105",
        "due-past-severity-deadline",
        Severity.WARNING,
        "The due date is later than the review date plus the severity's deadline.",
    ),
    Rule(
        "SYN106",
        "vague-action",
        Severity.WARNING,
        "The item opens with a vague verb and names no concrete object or threshold.",
    ),
    Rule("SYN107", "too-many-items", Severity.WARNING, "The review has more than max_items items."),
    Rule("SYN108", "duplicate-item", Severity.WARNING, "The item repeats an earlier item."),
    Rule(
        "SYN109",
        "item-outside-section",
        Severity.INFO,
        "A line outside any action-item section looks like an action item.",
    ),
    Rule(
        "SYN110",
        "deprioritized-without-reason",
        Severity.WARNING,
        "The item is marked won't-do / deprioritized without a reason.",
    ),
    Rule("SYN111", "placeholder-item", Severity.INFO, "The item is a template placeholder."),
    Rule(
        "SYN112",
        "team-as-owner",
        Severity.WARNING,
        "The item's owner is a team, a role or a team handle, not one person.",
    ),
    Rule("SYN113", "uncertain-owner", Severity.WARNING, "The item's owner is uncertain (`dev?`)."),
    Rule(
        "SYN114",
        "duplicate-ticket",
        Severity.ERROR,
        "Two items of the review point at the same ticket.",
    ),
    Rule(
        "SYN115",
        "unused-date",
        Severity.WARNING,
        "Date-like text on the item's line is not its due date (`Q3`, `by end of sprint 12/3`).",
    ),
)

# Rules split out of an older one: a suppression or a setting of the old code covers them too.
FAMILY = {"SYN112": "SYN102", "SYN113": "SYN102"}

_BY_CODE = {rule.code: rule for rule in RULES}
_BY_NAME = {rule.name: rule for rule in RULES}
_CODE = re.compile(r"[A-Z]{3}\d{3}")
_TOKEN_EDGE = "()[]{}.,;:"


def find_rule(code_or_name: str) -> Rule | None:
    """The rule with this code (`SYN101`, any case) or name (`missing-owner`)."""
    return _BY_CODE.get(code_or_name.strip().upper()) or _BY_NAME.get(code_or_name.strip().lower())


def suppression_codes(words: str) -> frozenset[str]:
    """What a suppression comment's words name: codes (`SYN105`, any case, parser codes too)
    and rule names (`vague-action`) as codes, or `all`; a comment naming nothing means `all`.

    `all` counts only as the first word, so a note after the codes (`SYN106 - it's all
    fine`) cannot widen the suppression; other words are the note and are ignored.
    """
    tokens = [t.strip(_TOKEN_EDGE) for t in words.replace(",", " ").split()]
    tokens = [t for t in tokens if t]
    if not tokens:
        return frozenset({"all"})
    found = {"all"} if tokens[0].lower() == "all" else set()
    for token in tokens:
        code = token.upper()
        if _CODE.fullmatch(code):
            found.add(code)
        elif (rule := _BY_NAME.get(token.lower())) is not None:
            found.add(rule.code)
    return frozenset(found)
