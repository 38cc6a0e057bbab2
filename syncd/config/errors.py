"""Turn pydantic's validation errors into problems in the user's words, at the right line.

Output form, used for every problem: `<file>:<line> <key.path>: <message>`, with the tracker
kind after a tracker's name: `syncd.yaml:14 trackers.gh (github) → repo: required key is
missing`. Model: bugwarrior `bugwarrior/config/validation.py`.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from syncd.config.models import Config, Loc
from syncd.config.source import ConfigProblem
from syncd.trackers.http.answers import redact_url

_SECRET_KEY = re.compile(r"token|password|secret|webhook_url", re.IGNORECASE)
_PLAIN_KEY = re.compile(r"[\w@+-]+")

_TYPE_WORDS = {
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "tuple_type": "must be a list",
    "list_type": "must be a list",
    "dict_type": "must be a mapping (`key: value` lines)",
    "model_type": "must be a mapping of settings (`key: value` lines)",
    "model_attributes_type": "must be a mapping of settings (`key: value` lines)",
}
_BOUND_WORDS = {
    "greater_than_equal": ("ge", "must be at least {}"),
    "greater_than": ("gt", "must be more than {}"),
    "less_than_equal": ("le", "must be at most {}"),
    "less_than": ("lt", "must be less than {}"),
}


def problems_from(
    exc: ValidationError, data: object, lines: Mapping[Loc, int]
) -> list[ConfigProblem]:
    """One problem per pydantic error, with a plain message and the line of the nearest key."""
    found = []
    for error in exc.errors(include_url=False):
        loc, message = _describe(error)
        if error["type"] == "extra_forbidden":  # reported on the parent, at the key's own line
            found.append(ConfigProblem(line_of(_clean_loc(error["loc"])[0], lines), loc, message))
        else:
            found.append(ConfigProblem(line_of(loc, lines), loc, message))
    return found


def line_of(loc: Loc, lines: Mapping[Loc, int]) -> int:
    """Line of the key at loc, or of its nearest written parent (a missing key has no line)."""
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return 1


def render(name: str, problem: ConfigProblem, data: object) -> str:
    """`syncd.yaml:14 trackers.gh (github) → repo: message`."""
    where = f"{name}:{problem.line}" + (f":{problem.column}" if problem.column else "")
    path = key_path(problem.loc, data)
    return f"{where} {path}: {problem.message}" if path else f"{where} {problem.message}"


def key_path(loc: Loc, data: object) -> str:
    """Dotted key path; a tracker entry's path shows its kind: `trackers.gh (github) → repo`."""
    text = _dotted(loc[:2])
    if len(loc) >= 2 and loc[0] == "trackers":
        kind = _dig(data, (*loc[:2], "kind"))
        if kind in _TRACKER_KINDS:
            text += f" ({kind})"
            if len(loc) > 2:
                return f"{text} → {_dotted(loc[2:])}"
    return _dotted(loc) if len(loc) > 2 else text


def _dotted(loc: Loc) -> str:
    parts = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            key = part if _PLAIN_KEY.fullmatch(part) else f'"{part}"'
            parts.append(f".{key}")
    return "".join(parts).lstrip(".")


def _dig(data: object, loc: Loc) -> object:
    for part in loc:
        if isinstance(data, dict) and part in data:
            data = data[part]
        else:
            return None
    return data


def _describe(error: ErrorDetails) -> tuple[Loc, str]:
    """(key path as written, message) for one pydantic error."""
    loc, parent = _clean_loc(error["loc"])
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    raw = error.get("input")
    if isinstance(raw, str) and "://" in raw and "@" in raw:
        raw = redact_url(raw)  # a password in a URL is a secret too
    shown = "" if loc and _SECRET_KEY.search(str(loc[-1])) else _show(raw)
    got = f" (got {shown})" if shown else ""
    if kind == "missing":
        return loc, "required key is missing"
    if kind == "extra_forbidden":
        return loc[:-1], _unknown_key(str(loc[-1]), _field_names(parent))
    if kind in ("value_error", "assertion_error"):
        return loc, str(ctx.get("error", error["msg"]))
    if kind == "literal_error" and loc == ("version",):
        return loc, f"this syncd reads config version 1, not {shown or 'this'}"
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", ""))) or [
            str(ctx.get("expected"))
        ]
        return loc, "must be one of " + ", ".join(f"`{a}`" for a in allowed) + got
    if kind == "union_tag_invalid":
        tags = re.findall(r"'([^']*)'", str(ctx.get("expected_tags", "")))
        tag = str(ctx.get("tag"))
        close = difflib.get_close_matches(tag, tags, n=1)
        hint = f"did you mean `{close[0]}`?" if close else "kinds: " + ", ".join(tags)
        return (*loc, "kind"), f"unknown tracker kind `{tag}` ({hint})"
    if kind == "union_tag_not_found":
        return loc, "needs `kind:` (" + ", ".join(_union_tags(parent)) + ")"
    if kind == "string_pattern_mismatch":
        return loc, f"{shown or 'this value'} does not have the expected form " + (
            f"(pattern {ctx.get('pattern')})"
        )
    if kind in _TYPE_WORDS:
        return loc, _TYPE_WORDS[kind] + got
    if kind in _BOUND_WORDS:
        key, words = _BOUND_WORDS[kind]
        return loc, words.format(ctx.get(key)) + got
    return loc, str(error["msg"])


def _show(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    text = str(value)
    return f"`{text if len(text) <= 60 else text[:57] + '...'}`"


def _unknown_key(key: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        return f"unknown key `{key}` (did you mean `{close[0]}`?)"
    if allowed:
        return f"unknown key `{key}` (allowed: {', '.join(allowed)})"
    return f"unknown key `{key}`"


def _clean_loc(raw: tuple[int | str, ...]) -> tuple[Loc, object]:
    """Drop pydantic's `[key]` markers and discriminator tags; also return the type at loc[:-1]."""
    tp: object = Config
    parent: object = Config
    clean: list[str | int] = []
    for part in raw:
        if part == "[key]":
            continue
        tp = _unwrap(tp)
        members = _members_by_kind(tp)
        if members and isinstance(part, str) and part in members:
            # Pydantic puts the discriminator's value into the loc of a tagged union member.
            tp = members[part]
            continue
        parent = tp
        clean.append(part)
        tp = _child(tp, part)
    return tuple(clean), _unwrap(parent)


def _unwrap(tp: object) -> object:
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _members_by_kind(tp: object) -> dict[str, type[BaseModel]]:
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return {}
    members = {}
    for arg in typing.get_args(tp):
        if isinstance(arg, type) and issubclass(arg, BaseModel) and "kind" in arg.model_fields:
            members[str(arg.model_fields["kind"].default)] = arg
    return members


def _union_tags(tp: object) -> list[str]:
    return sorted(_members_by_kind(_unwrap(_child(tp, "")))) or ["see the docs"]


def _child(tp: object, part: str | int) -> object:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        field = tp.model_fields.get(str(part))
        return field.annotation if field is not None else None
    origin = typing.get_origin(tp)
    if origin is dict:
        return typing.get_args(tp)[1]
    if origin is tuple:
        return typing.get_args(tp)[0]
    return None


def _field_names(tp: object) -> list[str]:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    return []


_TRACKER_KINDS = frozenset(_members_by_kind(_unwrap(_child(_child(Config, "trackers"), ""))))
