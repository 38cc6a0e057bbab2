"""Value types of the config: durations, severities, rule codes, person names, lists.

Each parser raises ValueError worded for the user; the models wrap them as pydantic types.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

_DURATION = re.compile(r"(?:\d+[smhd])+")
_DURATION_PART = re.compile(r"(\d+)([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_SEVERITY = re.compile(r"SEV(?:ERITY)?[\s_-]*(\d+)", re.IGNORECASE)
_RULE_CODE = re.compile(r"SYN\d{3}")


def parse_duration(text: str) -> int:
    """Seconds in `30s`, `15m`, `1h`, `1h30m` or `7d`; ValueError in plain words otherwise."""
    compact = text.strip()
    if not _DURATION.fullmatch(compact):
        raise ValueError(
            f"`{text}` is not a duration; write a number and a unit, e.g. 30s, 15m, 1h or 1h30m"
        )
    seconds = sum(int(n) * _UNIT_SECONDS[unit] for n, unit in _DURATION_PART.findall(compact))
    if seconds == 0:
        raise ValueError("must be longer than 0s")
    return seconds


def normalize_severity(text: str) -> str:
    """`sev1`, `Sev 1`, `SEV_1`, `severity-1` → `SEV-1`; any other label upper-cased."""
    stripped = text.strip()
    match = _SEVERITY.fullmatch(stripped)
    return f"SEV-{int(match.group(1))}" if match else stripped.upper()


def _bare_number_is_not_a_duration(value: object) -> object:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(f"`{value}` has no unit; write e.g. {value}s, {value}m or {value}h")
    return value


def _valid_duration(value: str) -> str:
    parse_duration(value)
    return value


def one_or_many(value: object) -> object:
    # A lone string is almost always "a list of one" in YAML; pydantic would reject it.
    return (value,) if isinstance(value, str) else value


def _valid_rule_code(code: str) -> str:
    if not _RULE_CODE.fullmatch(code):
        raise ValueError(f"`{code}` is not a rule code (SYN and three digits, e.g. SYN105)")
    return code


def _strip_at(value: str | None) -> str | None:
    return value.lstrip("@") if value is not None else None


Duration = Annotated[
    str,
    BeforeValidator(_bare_number_is_not_a_duration),
    AfterValidator(_valid_duration),
    Field(json_schema_extra={"pattern": r"^(\d+[smhd])+$"}),
]
Strings = Annotated[
    tuple[str, ...], BeforeValidator(one_or_many, json_schema_input_type=str | list[str])
]
SeverityName = Annotated[str, AfterValidator(normalize_severity)]
RuleCode = Annotated[str, AfterValidator(_valid_rule_code)]
Username = Annotated[str | None, AfterValidator(_strip_at)]


def owner_key(person: str) -> str:
    """How owner names are compared: `@Priya` and `priya` are the same person."""
    return person.strip().lstrip("@").casefold()


def rule_shorthand(value: object) -> object:
    # `SYN105: off` reads better than `SYN105: {severity: off}`; accept both.
    return {"severity": value} if isinstance(value, str) else value
