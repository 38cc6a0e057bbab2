"""The configuration reference, generated from the config models (docs/config-reference.md).

Every key, its type, default and description come from the pydantic models' JSON Schema, so
the reference cannot drift from what `syncd config validate` accepts; a test regenerates it
and compares (`make docs` rewrites it). docs/configuration.md is the guide around it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from syncd.config.load import config_schema

# How the reference names an entry of a mapping you fill in yourself.
PLACEHOLDERS = {
    "trackers": "<name>",
    "owners": "<person>",
    "lint.rules": "<code>",
    "digests": "<name>",
}

HEADER = """\
# Configuration reference

Generated from syncd's config models by `make docs` (`python -m syncd.config.reference`);
a test fails when it is out of date. Every key of `syncd.yaml`, with its type, default and
meaning. How to read the file, interpolation, secrets and examples: docs/configuration.md.

"""


def render() -> str:
    schema = config_schema()
    defs: dict[str, Any] = schema["$defs"]
    sections: dict[str, dict[str, list[str]]] = {}
    for path, node, required in _walk(schema, defs, ""):
        top = path.split(".", 1)[0].split("[", 1)[0]
        cells = [_type(node, defs), _default(node, required), _text(node, defs)]
        rows = sections.setdefault(top, {})
        if path in rows:  # one key in several tracker kinds: one row, the values joined
            rows[path] = [_join(a, b) for a, b in zip(rows[path], cells, strict=True)]
        else:
            rows[path] = cells
    out = [HEADER]
    for top, rows in sections.items():
        out.append(f"## `{top}`\n\n| key | type | default | meaning |\n|---|---|---|---|\n")
        out.append("\n".join(f"| `{p}` | {' | '.join(c)} |" for p, c in rows.items()) + "\n\n")
    return "".join(out).rstrip("\n") + "\n"


def _walk(
    node: dict[str, Any], defs: dict[str, Any], prefix: str
) -> Iterator[tuple[str, dict[str, Any], bool]]:
    node = _deref(node, defs)
    required = set(node.get("required", ()))
    for name, sub in node.get("properties", {}).items():
        path = f"{prefix}.{name}" if prefix else name
        yield path, sub, name in required
        yield from _children(sub, defs, path)


def _children(
    node: dict[str, Any], defs: dict[str, Any], path: str
) -> Iterator[tuple[str, dict[str, Any], bool]]:
    node = _deref(node, defs)
    for alternative in node.get("oneOf", []) + node.get("anyOf", []):
        yield from _children(alternative, defs, path)
    if "properties" in node:
        yield from _walk(node, defs, path)
    entries = node.get("additionalProperties")
    if isinstance(entries, dict):
        yield from _children(entries, defs, f"{path}.{PLACEHOLDERS.get(path, '<key>')}")
    items = node.get("items")
    if isinstance(items, dict):
        yield from _children(items, defs, f"{path}[]")


def _join(a: str, b: str) -> str:
    if not a or a == b:
        return b
    return a if not b else f"{a}; {b}" if ";" in a or "." in a else f"{a} \\| {b}"


def _deref(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    return node


def _type(node: dict[str, Any], defs: dict[str, Any]) -> str:
    node = _deref(node, defs)
    if "enum" in node:
        return " \\| ".join(f"`{v}`" for v in node["enum"])
    if "const" in node:
        return f"`{node['const']}`"
    alternatives = node.get("anyOf") or node.get("oneOf")
    if alternatives:
        names = dict.fromkeys(_type(a, defs) for a in alternatives)
        return " or ".join(n for n in names if n != "null") or "null"
    kind = node.get("type")
    if kind == "array":
        return "list"
    if kind == "object":
        return "section" if "properties" in node else "map"
    if node.get("pattern") and kind == "string":
        return "duration" if "smhd" in node["pattern"] else "string"
    plain = ("string", "integer", "number", "boolean", "null")
    return str(kind) if kind in plain else "value"


def _default(node: dict[str, Any], required: bool) -> str:
    if required:
        return "required"
    if "default" not in node:
        return ""
    value = node["default"]
    if value is None:
        return "unset"
    if value in ({}, []):
        return "empty"
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def _text(node: dict[str, Any], defs: dict[str, Any]) -> str:
    text = node.get("description") or _deref(node, defs).get("description", "")
    return " ".join(str(text).split()).replace("|", "\\|")


if __name__ == "__main__":
    print(render(), end="")
