"""Render a kustomization the way `kubectl kustomize` does, for the subset the kit uses.

The kit's overlays use only `resources` (files inside the kustomization's directory, or other
kustomization directories) and inline or file JSON 6902 `patches` (add, remove, replace, test)
with a `target` of kind and name. Anything else is an error here, so a kustomization that
grows a feature this renderer does not know fails the tests instead of rendering wrongly;
where kubectl is installed, a test compares both renderings.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

Doc = dict[str, Any]

_KNOWN_FIELDS = {"apiVersion", "kind", "resources", "patches"}


class KustomizeError(Exception):
    """The kustomization cannot be rendered (what kustomize would also refuse, or not know)."""


def render(directory: Path) -> list[Doc]:
    """The resources of the kustomization in `directory`, patched, in declaration order."""
    directory = directory.resolve()
    spec = yaml.safe_load((directory / "kustomization.yaml").read_text(encoding="utf-8"))
    unknown = set(spec) - _KNOWN_FIELDS
    if unknown:
        raise KustomizeError(f"{directory.name}: fields this renderer does not know: {unknown}")
    docs: list[Doc] = []
    for entry in spec.get("resources", []):
        path = (directory / entry).resolve()
        if path.is_dir():
            docs.extend(render(path))
        elif directory not in path.parents:
            # kustomize's load restrictor: a file resource must be inside the kustomization root.
            raise KustomizeError(f"{directory.name}: file {entry} is outside the kustomization")
        else:
            docs.extend(load_documents(path))
    for patch in spec.get("patches", []):
        _apply_patch(directory, docs, patch)
    return docs


def load_documents(path: Path) -> list[Doc]:
    """Every non-empty YAML document in a file."""
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]


def _apply_patch(directory: Path, docs: list[Doc], patch: Doc) -> None:
    if "patch" in patch:
        ops = yaml.safe_load(patch["patch"])
    else:
        ops = yaml.safe_load((directory / patch["path"]).read_text(encoding="utf-8"))
    if not isinstance(ops, list):
        raise KustomizeError(f"{directory.name}: only JSON 6902 patches (a list of operations)")
    target = patch.get("target", {})
    matched = [d for d in docs if all(_field(d, key) == want for key, want in target.items())]
    if not matched:
        raise KustomizeError(f"{directory.name}: patch target {target} matches no resource")
    for doc in matched:
        patched = copy.deepcopy(doc)
        for op in ops:
            _apply_op(patched, op)
        doc.clear()
        doc.update(patched)


def _field(doc: Doc, key: str) -> Any:
    return doc.get("metadata", {}).get(key) if key in ("name", "namespace") else doc.get(key)


def _apply_op(doc: Doc, op: Doc) -> None:
    *parents, last = _pointer(op["path"])
    node: Any = doc
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    kind = op["op"]
    try:
        if kind == "test":
            actual = node[int(last)] if isinstance(node, list) else node[last]
            if actual != op["value"]:
                raise KustomizeError(f"test {op['path']}: {actual!r} is not {op['value']!r}")
        elif kind == "add" and isinstance(node, list):
            node.insert(len(node) if last == "-" else int(last), op["value"])
        elif kind in ("add", "replace"):
            if isinstance(node, list):
                node[int(last)] = op["value"]
            elif kind == "replace" and last not in node:
                raise KustomizeError(f"replace {op['path']}: no such member")
            else:
                node[last] = op["value"]
        elif kind == "remove":
            del node[int(last) if isinstance(node, list) else last]
        else:
            raise KustomizeError(f"operation {kind!r} is not supported here")
    except (KeyError, IndexError, ValueError) as exc:
        raise KustomizeError(f"{kind} {op['path']}: {exc!r}") from None


def _pointer(path: str) -> list[str]:
    if not path.startswith("/"):
        raise KustomizeError(f"{path!r} is not a JSON pointer")
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]
