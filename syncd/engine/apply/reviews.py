"""The only module that writes to the world (STYLE 2): review files, here.

It guards before writing: the file must still hold exactly the bytes the plan was made from
(drift-safe); otherwise the caller's `replan` re-reads, re-parses and re-plans that one review,
up to a few times, and never overwrites a concurrent edit. Items the editor refuses are
reported, the rest of the file is still written. Dry runs produce unified diffs instead.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from syncd import log
from syncd.engine.plan.reviews import EditReview
from syncd.errors import FileChanged
from syncd.records.edit import ItemEdit, apply_edits, encode, write_if_unchanged
from syncd.records.reading import decode

_log = log.get("syncd.engine.apply.reviews")

MAX_REPLANS = 3


@dataclass
class ApplyResult:
    """What a run of steps did; the report and the exit code are built from it."""

    written: list[str] = field(default_factory=list)  # review paths rewritten
    refused: list[tuple[str, int, str]] = field(default_factory=list)  # (path, line, reason)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    diffs: list[str] = field(default_factory=list)  # dry run only


Replan = Callable[[str], EditReview | None]


def apply_edit_steps(
    steps: tuple[EditReview, ...],
    base: Path,
    replan: Replan,
    *,
    dry_run: bool = False,
) -> ApplyResult:
    result = ApplyResult()
    for step in steps:
        _apply_one(step, base, replan, dry_run, result)
    return result


def _apply_one(
    step: EditReview, base: Path, replan: Replan, dry_run: bool, result: ApplyResult
) -> None:
    path = base / step.review.path
    current: EditReview | None = step
    for _attempt in range(MAX_REPLANS + 1):
        if current is None:
            return  # after re-reading, nothing is left to change
        try:
            _write(current, path, dry_run, result)
            return
        except FileChanged:
            _log.info("review_changed_while_planning", review=step.review.path)
            current = replan(step.review.path)
        except OSError as exc:
            result.skipped.append((step.review.path, f"cannot write: {exc.strerror or exc}"))
            _log.warning("review_not_written", review=step.review.path, error=str(exc))
            return
    result.skipped.append((step.review.path, "kept changing while syncd tried to write it"))


def _write(step: EditReview, path: Path, dry_run: bool, result: ApplyResult) -> None:
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != step.review.sha256:
        raise FileChanged(step.review.path)
    text, had_bom = decode(data)
    edits = [ItemEdit(item=m.item, suffix=m.suffix, checked=m.checked) for m in step.marks]
    new_text, problems = apply_edits(text, edits)
    for problem in problems:
        result.refused.append((step.review.path, problem.line, problem.reason))
    new = encode(new_text, had_bom)
    if new == data:
        return
    if dry_run:
        result.diffs.append(_diff(step.review.path, text, new_text))
        return
    if write_if_unchanged(path, data, new):
        result.written.append(step.review.path)
        _log.info("review_written", review=step.review.path, items=len(step.marks))


def _diff(path: str, old: str, new: str) -> str:
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
    )
