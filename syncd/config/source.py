"""Read syncd.yaml into plain data, remembering where every key and list item was written.

Safe YAML only, with YAML 1.2 booleans: PyYAML's 1.1 resolver turns `off`, `no` and `on`
into booleans (the "Norway problem": a Jira project key `NO` would become False), so only
true/false are booleans here. `${VAR}` / `${VAR:-default}` are expanded in string values
after parsing, so a secret can never change the document's structure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from syncd.config.models import Loc

_STR_TAG = "tag:yaml.org,2002:str"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_MAX_NODES = 100_000  # aliases can expand a small file exponentially ("billion laughs")

_REFERENCE = re.compile(r"\$\$|\$\{(?P<body>[^}]*)\}|\$\{")
_BODY = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>.*))?", re.DOTALL)

_HINTS = {
    "found character '@' that cannot start any token": (
        'quote keys and values that start with @, e.g. "@priya"'
    ),
    "found character '\\t' that cannot start any token": "indent with spaces, not tabs",
}


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """A problem found while reading, before validation."""

    line: int  # 1-based
    loc: Loc
    message: str
    column: int | None = None  # 1-based, for syntax errors


@dataclass(frozen=True, slots=True)
class Source:
    """The parsed document, the line of every key path, and what went wrong reading it."""

    data: object
    lines: Mapping[Loc, int]
    problems: tuple[ConfigProblem, ...]
    unreadable: frozenset[Loc] = frozenset()  # values already reported; not to be judged again


def interpolate(text: str, env: Mapping[str, str]) -> tuple[str, tuple[str, ...]]:
    """Expand `${VAR}`, `${VAR:-default}` and `$$` in text; returns (value, problems)."""
    problems: list[str] = []

    def expand(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        body = match.group("body")
        if body is None:
            problems.append("`${` is not closed; write `$${` for a literal `${`")
            return match.group(0)
        parts = _BODY.fullmatch(body)
        if parts is None:
            problems.append(
                f"`${{{body}}}` is not a variable reference; write ${{NAME}} or ${{NAME:-default}}"
            )
            return match.group(0)
        value = env.get(parts.group("name"))
        default = parts.group("default")
        if default is not None and not value:  # `:-` as in the shell: unset or empty
            return default
        if value is None:
            problems.append(f"environment variable {parts.group('name')} is not set")
            return match.group(0)
        return value

    return _REFERENCE.sub(expand, text), tuple(problems)


def read_source(text: str, env: Mapping[str, str]) -> Source:
    """Parse YAML text; an empty document is `{}`. Never raises for bad input."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        return Source({}, {}, (_syntax_problem(exc),))
    except yaml.YAMLError as exc:
        return Source({}, {}, (ConfigProblem(1, (), f"could not read YAML: {exc}"),))
    if root is None:
        return Source({}, {}, ())
    walker = _Walker(env)
    data = walker.build(root, ())
    return Source(data, walker.lines, tuple(walker.problems), frozenset(walker.unreadable))


def _syntax_problem(exc: yaml.MarkedYAMLError) -> ConfigProblem:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    hint = _HINTS.get(problem)
    message = f"YAML syntax error: {problem}" + (f" ({hint})" if hint else "")
    if mark is None:
        return ConfigProblem(1, (), message)
    return ConfigProblem(mark.line + 1, (), message, column=mark.column + 1)


class _Walker:
    """Builds plain Python values from a composed node tree, recording lines."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.constructor = _Loader("")
        self.lines: dict[Loc, int] = {}
        self.problems: list[ConfigProblem] = []
        self.unreadable: set[Loc] = set()
        self.merged: dict[int, int] = {}  # id(mapping node) → how many leading pairs were merged
        self.active: set[int] = set()
        self.count = 0

    def problem(self, node: Node, loc: Loc, message: str) -> None:
        self.problems.append(ConfigProblem(node.start_mark.line + 1, loc, message))

    def bad_value(self, node: Node, loc: Loc, message: str) -> None:
        self.problem(node, loc, message)
        self.unreadable.add(loc)

    def build(self, node: Node, loc: Loc) -> object:
        self.count += 1
        if self.count > _MAX_NODES:
            if self.count == _MAX_NODES + 1:
                self.bad_value(node, loc, "document too large (are aliases expanding?)")
            return None
        if id(node) in self.active:
            self.bad_value(node, loc, "an alias refers to itself")
            return None
        self.active.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self.mapping(node, loc)
            if isinstance(node, SequenceNode):
                return self.sequence(node, loc)
            return self.scalar(node, loc)
        finally:
            self.active.discard(id(node))

    def mapping(self, node: MappingNode, loc: Loc) -> dict[str, object]:
        if id(node) not in self.merged:
            before = len(node.value)
            try:
                self.constructor.flatten_mapping(node)  # resolves `<<: *anchor` merge keys
            except yaml.MarkedYAMLError as exc:
                self.problem(node, loc, f"bad merge key: {exc.problem}")
            self.merged[id(node)] = max(0, len(node.value) - before)
        merged = self.merged[id(node)]
        out: dict[str, object] = {}
        own_lines: dict[str, int] = {}
        for index, (key_node, value_node) in enumerate(node.value):
            if not isinstance(key_node, ScalarNode):
                self.problem(key_node, loc, "a key must be a plain name, not a list or mapping")
                continue
            key = key_node.value  # the text as written: `1:` and `true:` stay names
            line = key_node.start_mark.line + 1
            if index >= merged:  # keys merged in from an anchor may be overridden silently
                if key in own_lines:
                    self.problem(
                        key_node, loc, f"duplicate key `{key}` (first at line {own_lines[key]})"
                    )
                own_lines[key] = line
            self.lines[(*loc, key)] = line
            out[key] = self.build(value_node, (*loc, key))
        return out

    def sequence(self, node: SequenceNode, loc: Loc) -> list[object]:
        items: list[object] = []
        for index, item in enumerate(node.value):
            self.lines[(*loc, index)] = item.start_mark.line + 1
            items.append(self.build(item, (*loc, index)))
        return items

    def scalar(self, node: Node, loc: Loc) -> object:
        if node.tag == _STR_TAG and isinstance(node.value, str):
            value, problems = interpolate(node.value, self.env)
            for message in problems:
                self.bad_value(node, loc, message)
            return value
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            reason = getattr(exc, "problem", None) or str(exc)
            self.bad_value(node, loc, f"cannot read this value: {reason}")
            return None
