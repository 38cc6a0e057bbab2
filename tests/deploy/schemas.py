"""JSON Schemas of the Compose specification and of GitHub workflows, as vendored (offline)
by check-jsonschema, applied with jsonschema: a misspelt or misplaced key fails."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

import jsonschema

_VENDOR = "check_jsonschema.builtin_schemas.vendor"


@cache
def _validator(name: str) -> Any:
    schema = json.loads(files(_VENDOR).joinpath(f"{name}.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def schema_errors(name: str, doc: Any) -> list[str]:
    """`name`: compose-spec or github-workflows. One line per error, with its path."""
    errors = _validator(name).iter_errors(doc)
    return [f"{name}: {'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in errors]
