"""The review side of the soak: a folder of reviews that a person keeps editing, and a model
of what that person wrote, so a lost or clobbered edit shows up as a difference.

A person owns every byte of a review except syncd's tracking suffix (from ` · ` on) and the
checkbox of a linked item (DESIGN §4). `user_view` drops exactly those; after every pass the
user view of each file must equal the model. Edits go through the current file (suffixes
kept, as an editor would), so they race with syncd the way real edits do.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

SEPARATOR = " · "
OWNERS = ("@priya", "@sam", None)
THINGS = (
    "queue lag above {n} minutes",
    "5xx rate above {n} percent for 5 minutes",
    "certificate expiry within {n} days",
    "replica lag above {n} seconds",
)
_ITEM = re.compile(r"^- \[[ xX]\] Soak action \d+")
_DUE = re.compile(r"due: (\d{4}-\d{2}-\d{2})")
_OWNER = re.compile(r" — owner: @\w+")
_BOX = re.compile(r"^- \[[xX]\] ")


def user_view(text: str) -> list[str]:
    """The review as its author owns it: syncd's suffix and checkbox state removed."""
    # The soak's own text never contains the separator, so everything after it is syncd's.
    return [_BOX.sub("- [ ] ", line.partition(SEPARATOR)[0]) for line in text.split("\n")]


@dataclass
class World:
    base: Path  # the config directory; reviews live in base/reviews
    today: date
    rng: random.Random
    model: dict[str, list[str]] = field(default_factory=dict)  # path → user view
    items: int = 0
    edits: int = 0

    # -- the person's actions --------------------------------------------------------------
    def add_review(self, items: int = 3) -> str:
        number = len(self.model) + 1
        opened = self.today - timedelta(days=self.rng.randint(5, 90))
        path = f"reviews/{opened}-soak-{number}.md"
        lines = [
            "---",
            f"title: Soak incident {number}",
            f"date: {opened}",
            "severity: SEV-2",
            "---",
            f"# Soak incident {number}",
            "",
            "## Summary",
            "",
            "A dependency degraded and requests queued up.",
            "",
            "## Action Items",
            *(self._item_line() for _ in range(items)),
            "",
            "## Lessons learned",
            "",
            "- Alerts fired late.",
            "",
        ]
        self._save(path, "\n".join(lines))
        return path

    def add_item(self) -> str:
        path = self.rng.choice(sorted(self.model))
        lines = self._read(path)
        last = max(i for i, line in enumerate(lines) if _ITEM.match(line))
        lines.insert(last + 1, self._item_line())
        self._save(path, "\n".join(lines))
        return f"add item to {path}"

    def edit_due(self) -> str:
        path, index, lines = self._pick_item()
        head, cut, tail = _split(lines[index])
        new = f"due: {self._due()}"
        head = _DUE.sub(new, head) if _DUE.search(head) else f"{head} — {new}"
        lines[index] = head + cut + tail
        self._save(path, "\n".join(lines))
        return f"edit due date in {path}:{index + 1}"

    def edit_owner(self) -> str:
        path, index, lines = self._pick_item()
        head, cut, tail = _split(lines[index])
        head = _OWNER.sub("", head)
        owner = self.rng.choice(OWNERS)
        if owner:
            head = head.replace(" — type:", f" — owner: {owner} — type:", 1)
        lines[index] = head + cut + tail
        self._save(path, "\n".join(lines))
        return f"edit owner in {path}:{index + 1}"

    def reword_linked(self) -> str:
        """Reword a linked item: the ticket reference in the review stays its identity."""
        linked = [
            (path, i)
            for path in sorted(self.model)
            for i, line in enumerate(self._read(path))
            if _ITEM.match(line) and SEPARATOR + "[" in line
        ]
        if not linked:
            return "no linked item to reword"
        path, index = self.rng.choice(linked)
        lines = self._read(path)
        head, cut, tail = _split(lines[index])
        lines[index] = head.replace(": ", ": reworded, ", 1) + cut + tail
        self._save(path, "\n".join(lines))
        return f"reword {path}:{index + 1}"

    def edit_prose(self) -> str:
        path = self.rng.choice(sorted(self.model))
        lines = self._read(path)
        index = lines.index("## Summary") + 2
        lines[index] += f" Edit {self.edits + 1}."
        self._save(path, "\n".join(lines))
        return f"edit summary of {path}"

    def any_review_edit(self) -> str:
        """One edit a person might save while a pass is running."""
        return self.rng.choice([self.add_item, self.edit_due, self.edit_owner, self.edit_prose])()

    # -- checks ------------------------------------------------------------------------------
    def lost_edits(self) -> list[str]:
        """Files whose author-owned text differs from what the author wrote."""
        lost = []
        for path, expected in sorted(self.model.items()):
            now = user_view(self._read_text(path))
            if now != expected:
                diff = [
                    f"  line {i + 1}: wrote {a!r}, file has {b!r}"
                    for i, (a, b) in enumerate(zip(expected, now, strict=False))
                    if a != b
                ]
                lost.append(f"{path}: {len(expected)} → {len(now)} lines\n" + "\n".join(diff))
        return lost

    # -- internals ---------------------------------------------------------------------------
    def _item_line(self) -> str:
        self.items += 1
        thing = self.rng.choice(THINGS).format(n=self.items)
        owner = self.rng.choice(OWNERS)
        due = self._due() if self.rng.random() < 0.85 else None
        line = f"- [ ] Soak action {self.items}: alert on {thing}"
        line += f" — owner: {owner}" if owner else ""
        line += f" — due: {due}" if due else ""
        return line + " — type: prevent"

    def _due(self) -> date:
        return self.today + timedelta(days=self.rng.randint(-20, 40))  # some overdue

    def _pick_item(self) -> tuple[str, int, list[str]]:
        path = self.rng.choice(sorted(self.model))
        lines = self._read(path)
        index = self.rng.choice([i for i, line in enumerate(lines) if _ITEM.match(line)])
        return path, index, lines

    def _read_text(self, path: str) -> str:
        return (self.base / path).read_text(encoding="utf-8")

    def _read(self, path: str) -> list[str]:
        return self._read_text(path).split("\n")

    def _save(self, path: str, text: str) -> None:
        target = self.base / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        self.model[path] = user_view(text)
        self.edits += 1


def _split(line: str) -> tuple[str, str, str]:
    """(the author's part, separator, syncd's suffix) of an item line."""
    head, cut, tail = line.partition(SEPARATOR)
    return head, cut, tail
