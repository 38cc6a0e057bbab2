"""Action-item lint (`syncd lint`): the rule catalogue and the checks. PURE.

The seeds' standard for an action item — one owner, one realistic due date, one specific
measurable outcome, few items per review (DESIGN §3 "Lint", prior-art.md §3 item 4) — as rules
with stable codes. Codes never change meaning; a retired rule keeps its code reserved.
docs/lint.md documents every rule; tests/unit/test_lint.py holds one case each way.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple, Protocol

from syncd.errors import ConfigError
from syncd.model import ActionItem, Problem, Review, Severity, Status
from syncd.records.keys import normalize
from syncd.records.lint.rules import RULES, Rule, find_rule
from syncd.records.lint.wording import DEFAULT_VAGUE, Vagueness, is_placeholder, judge_wording

__all__ = [
    "DEFAULT_DUE_DEFAULTS",
    "DEFAULT_VAGUE",
    "RULES",
    "LintSettings",
    "Rule",
    "exit_code",
    "find_rule",
    "lint_review",
    "settings_from_config",
]


_BY_CODE = {rule.code: rule for rule in RULES}
# Parser problems (SYN0xx) are configurable too, though their catalogue lives in parse/reader.py.
_PARSER_CODE = re.compile(r"^SYN0\d\d$")

DEFAULT_DUE_DEFAULTS: Mapping[str, int] = {"SEV-1": 15, "SEV-2": 30, "SEV-3": 60}


@dataclass(frozen=True)
class LintSettings:
    """What lint needs from the config; `severities[code] = None` turns a rule off."""

    max_items: int = 7
    vague_words: tuple[str, ...] = DEFAULT_VAGUE
    severities: Mapping[str, Severity | None] = field(default_factory=dict)
    due_defaults: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_DUE_DEFAULTS))


class _RuleConfig(Protocol):
    @property
    def severity(self) -> str | None: ...


class _LintConfig(Protocol):
    """The shape of `syncd.config.models.LintConfig`, duck-typed: config and lint import neither."""

    @property
    def max_items(self) -> int: ...
    @property
    def vague_words(self) -> tuple[str, ...] | None: ...
    @property
    def rules(self) -> Mapping[str, _RuleConfig]: ...


def settings_from_config(lint: _LintConfig, due_defaults: Mapping[str, int]) -> LintSettings:
    """Settings from the `lint:` config section; rule keys may be codes or names."""
    severities: dict[str, Severity | None] = {}
    unknown: list[str] = []
    for key, rule_config in lint.rules.items():
        rule = find_rule(key)
        code = rule.code if rule else key.strip().upper()
        if rule is None and not _PARSER_CODE.match(code):
            unknown.append(f"lint.rules.{key}: unknown rule (known: {', '.join(_BY_CODE)})")
            continue
        if rule_config.severity is not None:
            level = rule_config.severity
            severities[code] = None if level == "off" else Severity(level)
    if unknown:
        raise ConfigError("unknown lint rule in the config", tuple(unknown))
    vague = DEFAULT_VAGUE if lint.vague_words is None else tuple(lint.vague_words)
    return LintSettings(lint.max_items, vague, severities, dict(due_defaults))


def exit_code(problems: Sequence[Problem]) -> int:
    """1 if any problem is an error, else 0 (DESIGN §7)."""
    return 1 if any(p.severity is Severity.ERROR for p in problems) else 0


class _Finding(NamedTuple):  # not a dataclass: one per problem, and they are many
    code: str
    line: int
    message: str
    item: ActionItem | None = None  # whose inline suppressions apply
    keyed: bool = True  # report the item's key (False for review-level findings)
    soft: bool = False  # a weaker form of the rule: reported as info at most


def lint_review(review: Review, settings: LintSettings) -> list[Problem]:
    """Every lint problem of one review, plus its parse problems, sorted by position.

    Drafts are linted too (DESIGN §3: linted, never synced).
    """
    resolved = (_resolve(review, f, settings) for f in _findings(review, settings))
    problems = [p for p in resolved if p is not None]
    by_key = {item.key: item for item in review.items}
    for parsed in review.problems:
        item = by_key.get(parsed.item_key) if parsed.item_key else None
        if _suppressed(review, item, parsed.code):
            continue
        level = settings.severities.get(parsed.code, parsed.severity)
        if level is not None:
            problems.append(dataclasses.replace(parsed, severity=level))
    return sorted(problems, key=lambda p: (p.path, p.line, p.col, p.code))


def _resolve(review: Review, finding: _Finding, settings: LintSettings) -> Problem | None:
    if _suppressed(review, finding.item, finding.code):
        return None
    severity = settings.severities.get(finding.code, _BY_CODE[finding.code].severity)
    if severity is None:
        return None
    if finding.soft:
        severity = Severity.INFO
    key = finding.item.key if finding.item is not None and finding.keyed else None
    return Problem(review.path, finding.line, finding.code, severity, finding.message, 1, key)


def _suppressed(review: Review, item: ActionItem | None, code: str) -> bool:
    if not review.suppressed and (item is None or not item.suppressed):
        return False  # the common case: nothing is suppressed
    codes = review.suppressed | (item.suppressed if item is not None else frozenset())
    rule = _BY_CODE.get(code)
    for written in codes:
        token = written.strip()
        if token.lower() == "all" or token.upper() == code:
            return True
        if rule is not None and token.lower() == rule.name:
            return True
    return False


_CLOSED = (Status.DONE, Status.DEPRIORITIZED)


def _findings(review: Review, settings: LintSettings) -> Iterator[_Finding]:
    seen: dict[str, int] = {}
    due_policy = _DuePolicy.of(review, settings.due_defaults) if review.items else None
    for item in review.items:
        words = normalize(item.description)
        placeholder = is_placeholder(item.description, words)
        if placeholder:
            yield _Finding("SYN111", item.line, _placeholder_message(item), item)
        closed = item.marker in _CLOSED or (
            item.suffix is not None and item.suffix.status in _CLOSED
        )
        # A decided item (done or dropped) needs no owner, date or sharper wording any more.
        # Each check finds at most one problem.
        if not placeholder and not closed:
            if found := _owner_finding(item):
                yield found
            if due_policy is not None and (found := due_policy.finding(item)):
                yield found
            if found := _wording_finding(item, settings):
                yield found
        if item.marker is Status.DEPRIORITIZED and not _reason(item):
            message = "item is marked won't do without a reason; add `won't do: <why>`"
            yield _Finding("SYN110", item.line, message, item)
        if words and not placeholder:
            if words in seen:
                message = f"item repeats the item on line {seen[words]}; merge or reword them"
                yield _Finding("SYN108", item.line, message, item)
            else:
                seen[words] = item.line
    if len(review.items) > settings.max_items:
        first = review.items[0]
        message = (
            f"review has {len(review.items)} action items (max {settings.max_items}); "
            "keep the few that matter and move the rest to the backlog"
        )
        yield _Finding("SYN107", first.line, message, first, keyed=False)
    for line in review.candidates:
        message = (
            "line looks like an action item but is outside any action-item section; "
            "move it under an `## Action Items` heading or it will not be tracked"
        )
        yield _Finding("SYN109", line, message)


def _reason(item: ActionItem) -> str | None:
    reason = item.reason or (item.suffix.reason if item.suffix is not None else None)
    return reason.strip() if reason and reason.strip() else None


def _placeholder_message(item: ActionItem) -> str:
    shown = item.description.strip() or item.text.strip()
    return f"template placeholder {shown!r} left in the review; write the action or delete it"


_NO_OWNER = frozenset(
    {"", "?", "-", "tbd", "tba", "tbc", "unknown", "none", "n/a", "na", "nobody", "unassigned"}
    | {"owner", "@owner", "name", "xxx"}
)
_TEAM_WORDS = frozenset(
    """team teams squad squads group groups org orgs organisation organization everyone anyone
    all guild tribe department dept crew staff folks people committee sre sres ops devops
    oncall lead leads engineers developers devs dev eng engineering management""".split()  # noqa: SIM905
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TEAM_HANDLE = re.compile(r"^@[\w.-]+/[\w.-]+$")  # GitHub `@org/team`
_SEVERAL = re.compile(r"[,;&+/]|\band\b|\bor\b", re.IGNORECASE)
_NOTE = re.compile(r"\([^)]*\)")
_OWNER_WORD = re.compile(r"[a-z0-9]+")
_NOT_SEVERITY = re.compile(r"[^0-9A-Z]")


def _owner_finding(item: ActionItem) -> _Finding | None:
    owners = [o for o in item.owners if o.strip()] or ([item.owner] if item.owner else [])
    if not owners or (len(owners) == 1 and owners[0].strip().lower() in _NO_OWNER):
        shown = f" (owner {owners[0].strip()!r} is a placeholder)" if owners else ""
        message = f"item names no owner{shown}; add `owner: @handle` naming one person"
        return _Finding("SYN101", item.line, message, item)
    if len(owners) > 1:
        named = ", ".join(owners)
        message = f"item names {len(owners)} owners ({named}); pick the one person who drives it"
        return _Finding("SYN102", item.line, message, item)
    owner = owners[0].strip()
    why = _owner_doubt(owner)
    if why:
        message = f"owner {owner!r} {why}; name the one person who drives it"
        return _Finding("SYN102", item.line, message, item)
    return None


def _owner_doubt(owner: str) -> str | None:
    if _TEAM_HANDLE.match(owner):
        return "is a team handle"
    person = _EMAIL.sub(" ", owner)
    # "Priya Shah (SRE)" is a person with a role note; "(platform, data teams)" is all note.
    outside = _NOTE.sub(" ", person).strip()
    person = outside or person
    if _SEVERAL.search(person.strip(" ()[]")):
        return "names several people or teams"
    if "?" in person:
        return "is uncertain"
    words = _OWNER_WORD.findall(person.lower().replace("on-call", "oncall"))
    if any(word in _TEAM_WORDS for word in words):
        return "is a team or role, not a person"
    return None


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
class _DuePolicy:
    """The due-date checks of one review: its severity deadline, worked out once."""

    no_date: str  # the SYN103 message, with the implied date when there is one
    deadline: date | None  # review date + the severity's days (SYN105)
    late: str  # the end of the SYN105 message

    @classmethod
    def of(cls, review: Review, due_defaults: Mapping[str, int]) -> _DuePolicy:
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

    def finding(self, item: ActionItem) -> _Finding | None:
        if item.due is None and not (item.due_raw and item.due_raw.strip()):
            return _Finding("SYN103", item.line, self.no_date, item)
        if item.due is None and item.due_raw:
            return _Finding("SYN104", item.line, _unparsed_message(item.due_raw.strip()), item)
        if item.due is not None and self.deadline is not None and item.due > self.deadline:
            return _Finding("SYN105", item.line, f"due {item.due.isoformat()}{self.late}", item)
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


def _wording_finding(item: ActionItem, settings: LintSettings) -> _Finding | None:
    if item.tickets or item.ticket is not None:
        # A linked ticket is where the detail lives; the line is only its title.
        return None
    verdict, phrase = judge_wording(item.description, settings.vague_words)
    if verdict is Vagueness.VAGUE:
        message = (
            f"vague action ({phrase!r} with no concrete object or threshold); "
            "say what will be true when it is done, e.g. a threshold, a named artifact or a ticket"
        )
        return _Finding("SYN106", item.line, message, item)
    if verdict is Vagueness.VAGUE_VERB:
        message = (
            f"action starts with the vague verb {phrase!r}; "
            "say which outcome closes it (a decision, a fix, a threshold)"
        )
        return _Finding("SYN106", item.line, message, item, soft=True)
    return None
