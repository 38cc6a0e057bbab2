"""Generate a corpus of reviews in mixed real-world shapes (for the benchmarks).

python bench/gen_reviews.py OUT_DIR [--reviews 1000] [--items 10]
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import date, timedelta
from pathlib import Path

VERBS = [
    "Alert when",
    "Add a runbook entry for",
    "Pin",
    "Shard",
    "Cap",
    "Rotate",
    "Page on",
    "Backfill",
    "Document",
    "Split",
    "Rate-limit",
    "Move",
]
THINGS = [
    "the checkout 5xx rate above 3% for 5 minutes",
    "the payments base image digest",
    "the audit log by tenant",
    "resolver cache TTL at 300 s",
    "the webhook certificate",
    "ingest queue lag over 10 minutes",
    "the export client retries",
    "the cron jobs",
]
OWNERS = ["@priya", "@sam", "@lee", "@dana", "@kim", "@raj", "Data team", None]
TIMELINE = "\n".join(f"- 10:{m:02d} something was observed on host-{m}" for m in range(30))


def _due(rng: random.Random, review_date: date) -> date | None:
    return None if rng.random() < 0.2 else review_date + timedelta(days=rng.randint(5, 120))


def _line(rng: random.Random, n: int, review_date: date, shape: int) -> str:
    desc = f"{rng.choice(VERBS)} {rng.choice(THINGS)} (step {n})"
    owner = rng.choice(OWNERS)
    due = _due(rng, review_date)
    box = "[x]" if rng.random() < 0.3 else "[ ]"
    if shape == 0:  # the recommended format
        fields = (f" — owner: {owner}" if owner else "") + (f" — due: {due}" if due else "")
        return f"- {box} {desc}{fields} — type: prevent"
    if shape == 1:  # plain bullets with a trailing link
        return f"- {desc} - [jira](https://acme.atlassian.net/browse/OPS-{n + 100})"
    if shape == 2:  # ticket-first
        return f"- [OPS-{n + 400}](https://acme.atlassian.net/browse/OPS-{n + 400}) - {desc}"
    # nested owner/due sub-bullets
    sub = f"\n  - Owner: {owner}" if owner else ""
    sub += f"\n  - Due: {due}" if due else ""
    return f"- {box} {desc}{sub}"


def _table(rng: random.Random, items: int, review_date: date) -> str:
    rows = ["| Action Item | Type | Owner | Bug |", "| --- | --- | --- | --- |"]
    for n in range(items):
        status = rng.choice(["**DONE**", "**TODO**", "TODO"])
        rows.append(
            f"| {rng.choice(VERBS)} {rng.choice(THINGS)} (row {n}) | prevent | "
            f"{rng.choice(['kim', 'raj', 'lee'])} | Bug {7000 + n} {status} |"
        )
    return "\n".join(rows)


def review(rng: random.Random, index: int, items: int) -> tuple[str, str]:
    review_date = date(2026, 1, 1) + timedelta(days=rng.randint(0, 320))
    sev = rng.choice(["SEV-1", "SEV-2", "SEV-3"])
    shape = index % 5
    if shape == 4:
        body = _table(rng, items, review_date)
    else:
        body = "\n".join(_line(rng, n, review_date, shape) for n in range(items))
    text = (
        f"---\ntitle: Incident {index}\ndate: {review_date}\nseverity: {sev}\n---\n"
        f"# Incident {index}\n\n## Summary\n\nA service degraded for a while.\n\n"
        f"## Timeline\n\n{TIMELINE}\n\n## Action Items\n\n{body}\n\n## Lessons learned\n\n"
        "- Things went well and less well.\n"
    )
    return f"{review_date}-incident-{index}.md", text


def generate(out: Path, reviews: int, items: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    folder = out / "reviews"
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(reviews):
        name, text = review(rng, index, items)
        (folder / name).write_text(text, encoding="utf-8")
    past = time.time() - 120  # look older than the parse cache's 2-second racy window
    for path in folder.iterdir():
        os.utime(path, (past, past))
    (out / "syncd.yaml").write_text(
        'timezone: UTC\nrecords:\n  paths: ["reviews/**/*.md"]\n', encoding="utf-8"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--reviews", type=int, default=1000)
    parser.add_argument("--items", type=int, default=10)
    args = parser.parse_args()
    generate(args.out, args.reviews, args.items)
