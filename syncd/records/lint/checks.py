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
from typing import Protocol

from syncd.errors import ConfigError
from syncd.model import ActionItem, Problem, Review, Severity, Status, TicketRef
from syncd.records.keys import normalize
from syncd.records.lint.due import DuePolicy
from syncd.records.lint.finding import Finding
from syncd.records.lint.owners import owner_finding
from syncd.records.lint.rules import FAMILY, RULES, find_rule
from syncd.records.lint.wording import DEFAULT_VAGUE, Vagueness, is_placeholder, judge_wording
from syncd.records.parse.tickets import identity, ref_from_url

__all__ = [
    "DEFAULT_DUE_DEFAULTS",
    "LintSettings",
    "exit_code",
    "lint_review",
    "settings_from_config",
]


_BY_CODE = {rule.code: rule for rule in RULES}
# Parser problems (SYN0xx) are configurable too (their table: docs/record-format.md).
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


def _resolve(review: Review, finding: Finding, settings: LintSettings) -> Problem | None:
    if _suppressed(review, finding.item, finding.code):
        return None
    code = finding.code
    default = _BY_CODE[code].severity
    severity = settings.severities.get(
        code, settings.severities.get(FAMILY.get(code, code), default)
    )
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
    names = {code}
    if code in FAMILY:  # written before the split: `ignore SYN102` still covers SYN112/113
        names.add(FAMILY[code])
    rules = [rule for name in names if (rule := _BY_CODE.get(name)) is not None]
    for written in codes:
        token = written.strip()
        if token.lower() == "all" or token.upper() in names:
            return True
        if any(token.lower() == rule.name for rule in rules):
            return True
    return False


_CLOSED = (Status.DONE, Status.DEPRIORITIZED)


def _findings(review: Review, settings: LintSettings) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    ticketed: dict[str, int] = {}  # ticket identity → line of the first item naming it
    due_policy = DuePolicy.of(review, settings.due_defaults) if review.items else None
    for item in review.items:
        words = normalize(item.description)
        placeholder = is_placeholder(item.description, words)
        if placeholder:
            yield Finding("SYN111", item.line, _placeholder_message(item), item)
        closed = item.marker in _CLOSED or (
            item.suffix is not None and item.suffix.status in _CLOSED
        )
        # A decided item (done or dropped) needs no owner, date or sharper wording any more.
        # Each check finds at most one problem.
        if not placeholder and not closed:
            if found := owner_finding(item):
                yield found
            if due_policy is not None and (found := due_policy.finding(item)):
                yield found
            if found := _wording_finding(item, settings):
                yield found
        if item.marker is Status.DEPRIORITIZED and not _reason(item):
            message = "item is marked won't do without a reason; add `won't do: <why>`"
            yield Finding("SYN110", item.line, message, item)
        if words and not placeholder:
            if words in seen:
                message = f"item repeats the item on line {seen[words]}; merge or reword them"
                yield Finding("SYN108", item.line, message, item)
            else:
                seen[words] = item.line
        for ref in _ticket_refs(item):
            name = identity(ref)
            if name in ticketed and ticketed[name] != item.line:
                message = (
                    f"item points at the same ticket {ref.raw!r} as the item on line "
                    f"{ticketed[name]}; give each item its own ticket, or merge the items"
                )
                yield Finding("SYN114", item.line, message, item)
                break
            ticketed.setdefault(name, item.line)
    if len(review.items) > settings.max_items:
        first = review.items[0]
        message = (
            f"review has {len(review.items)} action items (max {settings.max_items}); "
            "keep the few that matter and move the rest to the backlog"
        )
        yield Finding("SYN107", first.line, message, first, keyed=False)
    for line in review.candidates:
        message = (
            "line looks like an action item but is outside any action-item section; "
            "move it under an `## Action Items` heading or it will not be tracked"
        )
        yield Finding("SYN109", line, message)


def _ticket_refs(item: ActionItem) -> tuple[TicketRef, ...]:
    """The item's tickets and the one in syncd's suffix (the ticket syncd linked it to)."""
    url = item.suffix.ticket_url if item.suffix is not None else None
    if not url:
        return item.tickets
    return (*item.tickets, ref_from_url(url))


def _reason(item: ActionItem) -> str | None:
    reason = item.reason or (item.suffix.reason if item.suffix is not None else None)
    return reason.strip() if reason and reason.strip() else None


def _placeholder_message(item: ActionItem) -> str:
    shown = item.description.strip() or item.text.strip()
    return f"template placeholder {shown!r} left in the review; write the action or delete it"


def _wording_finding(item: ActionItem, settings: LintSettings) -> Finding | None:
    if item.tickets or item.ticket is not None:
        # A linked ticket is where the detail lives; the line is only its title.
        return None
    verdict, phrase = judge_wording(item.description, settings.vague_words)
    if verdict is Vagueness.VAGUE:
        message = (
            f"vague action ({phrase!r} with no concrete object or threshold); "
            "say what will be true when it is done, e.g. a threshold, a named artifact or a ticket"
        )
        return Finding("SYN106", item.line, message, item)
    if verdict is Vagueness.VAGUE_VERB:
        message = (
            f"action starts with the vague verb {phrase!r}; "
            "say which outcome closes it (a decision, a fix, a threshold)"
        )
        return Finding("SYN106", item.line, message, item, soft=True)
    return None
