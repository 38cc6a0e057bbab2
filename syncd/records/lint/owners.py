"""The owner rules: one person drives each item (DESIGN §3 "Lint"). PURE.

SYN101 no owner; SYN102 several owners; SYN112 a team or role as the owner; SYN113 an
uncertain owner (`garndt?`). SYN112 and SYN113 were part of SYN102 until issue #12 split them
so the code says what fired; `checks` lets a suppression or setting of SYN102 cover them.
"""

from __future__ import annotations

import re

from syncd.model import ActionItem
from syncd.records.lint.finding import Finding

__all__ = ["owner_finding"]

_NO_OWNER = frozenset(
    {"", "?", "-", "tbd", "tba", "tbc", "unknown", "none", "n/a", "na", "nobody", "unassigned"}
    | {"owner", "@owner", "name", "xxx"}
)
_TEAM_WORDS = frozenset(
    """team teams squad squads group groups org orgs organisation organization everyone anyone
    all guild tribe department dept crew staff folks people committee sre sres ops devops
    oncall lead leads engineers developers devs dev eng engineering management""".split()  # noqa: SIM905
)
# Anchored at the start of a run (lookbehind): linear on an owner cell of any length.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TEAM_HANDLE = re.compile(r"^@[\w.-]+/[\w.-]+$")  # GitHub `@org/team`
_SEVERAL = re.compile(r"[,;&+/]|\band\b|\bor\b", re.IGNORECASE)
_NOTE = re.compile(r"\([^()]*\)")
_OWNER_WORD = re.compile(r"[a-z0-9]+")


def owner_finding(item: ActionItem) -> Finding | None:
    owners = [o for o in item.owners if o.strip()] or ([item.owner] if item.owner else [])
    if not owners or (len(owners) == 1 and owners[0].strip().lower() in _NO_OWNER):
        shown = f" (owner {owners[0].strip()!r} is a placeholder)" if owners else ""
        message = f"item names no owner{shown}; add `owner: @handle` naming one person"
        return Finding("SYN101", item.line, message, item)
    if len(owners) > 1:
        named = ", ".join(owners)
        message = f"item names {len(owners)} owners ({named}); pick the one person who drives it"
        return Finding("SYN102", item.line, message, item)
    owner = owners[0].strip()
    doubt = _owner_doubt(owner)
    if doubt is None:
        return None
    code, why = doubt
    return Finding(
        code, item.line, f"owner {owner!r} {why}; name the one person who drives it", item
    )


def _owner_doubt(owner: str) -> tuple[str, str] | None:
    if _TEAM_HANDLE.match(owner):
        return "SYN112", "is a team handle"
    person = _EMAIL.sub(" ", owner)
    # "Priya Shah (SRE)" is a person with a role note; "(platform, data teams)" is all note.
    outside = _NOTE.sub(" ", person).strip()
    person = outside or person
    if _SEVERAL.search(person.strip(" ()[]")):
        return "SYN102", "names several people or teams"
    if "?" in person:
        return "SYN113", "is uncertain"
    words = _OWNER_WORD.findall(person.lower().replace("on-call", "oncall"))
    if any(word in _TEAM_WORDS for word in words):
        return "SYN112", "is a team or role, not a person"
    return None
