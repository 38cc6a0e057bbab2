"""Linting reviews (`syncd lint`): the rule catalogue (`rules`), the checks (`checks`), the
wording heuristics (`wording`) and the report formats (`output`)."""

from __future__ import annotations

from syncd.records.lint.checks import (
    DEFAULT_DUE_DEFAULTS,
    LintSettings,
    exit_code,
    lint_review,
    settings_from_config,
)
from syncd.records.lint.rules import RULES, Rule, find_rule
from syncd.records.lint.wording import DEFAULT_VAGUE

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
