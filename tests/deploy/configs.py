"""Check a syncd.yaml shipped with the kit against syncd's own config models: every key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from syncd.config.load import config_schema, parse_config
from syncd.config.models import Config

PENDING: tuple[str, ...] = ()  # key paths the models may not know yet: none now


def known_to_models(dotted: str) -> bool:
    """Whether the config models have the key path `a.b.c`."""
    schema = config_schema()
    defs: dict[str, Any] = schema.get("$defs", {})
    node: dict[str, Any] = schema
    for name in dotted.split("."):
        node = _resolve(node, defs)
        properties = node.get("properties", {})
        if name not in properties:
            return False
        node = properties[name]
    return True


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        return _resolve(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
    for alternative in node.get("anyOf", []):  # `X | None`
        if "$ref" in alternative or "properties" in alternative:
            return _resolve(alternative, defs)
    return node


def validate_kit_config(
    text: str, *, name: str, env: Mapping[str, str]
) -> tuple[Config, list[str]]:
    """Validate; returns the config and the pending paths left out because the models lack them."""
    data = yaml.safe_load(text)
    left_out = []
    for dotted in PENDING:
        *parents, last = dotted.split(".")
        node = data
        for part in parents:
            node = node.get(part, {}) if isinstance(node, dict) else {}
        if isinstance(node, dict) and last in node and not known_to_models(dotted):
            del node[last]
            left_out.append(dotted)
    return parse_config(yaml.safe_dump(data, sort_keys=False), name=name, env=env), left_out
