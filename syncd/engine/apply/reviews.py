"""Write one review: the only code that edits review files (STYLE 2, 10).

It guards before writing: the file must still hold exactly the bytes the plan was made from
(drift-safe). Otherwise the review is read again and re-planned through the same pure planner
(`plan_reviews`), up to a few times; a concurrent edit is never overwritten. Items the editor
refuses are reported, the rest of the file is still written. Dry runs produce diffs instead.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from syncd import log
from syncd.engine.gather.reviews import read
from syncd.engine.judge import Progress, Rules, judge_all
from syncd.engine.plan.reviews import ReviewInputs, linked_marks, plan_reviews
from syncd.engine.plan.steps import EditReview, SetMarks
from syncd.errors import FileChanged
from syncd.records.edit import ItemEdit, apply_edits, encode, write_if_unchanged
from syncd.records.reading import ParseOptions, decode
from syncd.trackers.protocol import TicketState

_log = log.get("syncd.engine.apply")

MAX_REPLANS = 3


@dataclass
class ReviewsWritten:
    """What the review steps did; the report and the exit code are built from it."""

    written: list[str] = field(default_factory=list)  # review paths rewritten
    refused: list[tuple[str, int, str]] = field(default_factory=list)  # (path, line, reason)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    diffs: list[str] = field(default_factory=list)  # dry run only
    marks: list[tuple[str, ItemEdit]] = field(default_factory=list)  # (path, edit) written


@dataclass(frozen=True, slots=True)
class Replanner:
    """Everything a re-plan of one review needs: read it again, judge it, plan it."""

    root: Path
    parse: ParseOptions
    rules: Rules
    today: date
    inputs: ReviewInputs

    def replan(self, path: str, created: Mapping[str, TicketState]) -> EditReview | None:
        review = read(self.root / path, self.root, self.parse)
        linked = {**self.inputs.linked, **created}
        progress = {k: Progress(s.status, s.reason, s.url) for k, s in linked.items()}
        reports = judge_all([review], self.today, self.rules, progress)
        inputs = replace(self.inputs, linked=linked, creating=self.inputs.creating - created.keys())
        fresh = plan_reviews(reports, inputs)
        return fresh[0] if fresh else None


def write_review(
    step: EditReview,
    replanner: Replanner,
    created: Mapping[str, TicketState],
    dry_run: bool,
    result: ReviewsWritten,
) -> None:
    """Write one review's marks; `created` are the tickets this pass created, by item key."""
    path = replanner.root / step.review.path
    current: EditReview | None = step
    for _attempt in range(MAX_REPLANS + 1):
        if current is None:
            return  # after re-reading, nothing is left to change
        try:
            _write(current, path, created, dry_run, result)
            return
        except FileChanged:
            _log.info("review_changed_while_planning", review=step.review.path)
            current = replanner.replan(step.review.path, created)
        except OSError as exc:
            result.skipped.append((step.review.path, f"cannot write: {exc.strerror or exc}"))
            _log.warning("review_not_written", review=step.review.path, error=str(exc))
            return
    result.skipped.append((step.review.path, "kept changing while syncd tried to write it"))


def _edit(mark: SetMarks, created: Mapping[str, TicketState]) -> ItemEdit:
    """The edit for one mark; an item whose ticket was created this pass gets its link."""
    state = created.get(mark.item.key) if mark.created is not None else None
    if mark.created is not None and state is not None:
        suffix, checked = linked_marks(mark.created, state)
        return ItemEdit(item=mark.item, suffix=suffix, checked=checked)
    return ItemEdit(item=mark.item, suffix=mark.suffix, checked=mark.checked)


def _write(
    step: EditReview,
    path: Path,
    created: Mapping[str, TicketState],
    dry_run: bool,
    result: ReviewsWritten,
) -> None:
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != step.review.sha256:
        raise FileChanged(step.review.path)
    text, had_bom = decode(data)
    edits = [_edit(m, created) for m in step.marks]
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
        result.marks.extend((step.review.path, e) for e in edits)
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
