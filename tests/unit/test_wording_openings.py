"""SYN106 on the common openings of action items, each with the verdict we want (issue #12).

The vague-wording rule is part-of-speech aware: it says "starts with the vague verb" only when
the vague word opens the item as its verb. `More clarity on AMI configuration` does not start
with a verb; `Review of …` and `Improvements to …` use the vague word as a noun.

Verdicts: "vague" (warning: a vague opener and nothing specific), "verb" (info: a vague verb
with a concrete object), "ok" (not reported). Written for this test; none is copied from a
real review.
"""

from __future__ import annotations

import pytest

from syncd.records.lint import DEFAULT_VAGUE
from syncd.records.lint.wording import Vagueness, judge_wording

VERDICT = {"vague": Vagueness.VAGUE, "verb": Vagueness.VAGUE_VERB, "ok": Vagueness.CONCRETE}

OPENINGS = [
    ("Add alert for replication lag above 30 s", "ok"),
    ("Add an alert for checkout errors", "ok"),
    ("Add more replicas to the read pool", "ok"),
    ("Investigate the root cause", "vague"),
    ("Investigate why the nightly import stopped", "verb"),
    ("Investigation into the cache expiry", "ok"),
    ("Document the failover procedure", "ok"),
    ("Improve monitoring", "vague"),
    ("Improve monitoring of the payments queue", "verb"),
    ("Improvements to alerting", "vague"),
    ("Monitoring improvements", "vague"),
    ("More clarity on AMI configuration", "ok"),
    ("More monitoring", "vague"),
    ("More tests", "vague"),
    ("Better alerting", "vague"),
    ("Better alerting for the checkout service", "ok"),
    ("Review all alerting", "vague"),
    ("Review the on-call rotation for the payments team", "verb"),
    ("Review of alert thresholds", "vague"),
    ("Reviewed the alert thresholds", "ok"),
    ("Communicate better with customers", "vague"),
    ("Be more careful", "vague"),
    ("Ensure backups are tested", "vague"),
    ("Make sure the restore drill runs monthly", "verb"),
    ("Follow up with the vendor", "vague"),
    ("Look into the cache eviction storm", "verb"),
    ("Consider moving the queue to a managed service", "verb"),
    ("Explore options for sharding", "vague"),
    ("Evaluate Kafka as a replacement for the queue", "verb"),
    ("Research faster failover options", "verb"),
    ("Research into faster failover", "ok"),
    ("Monitor disk usage on the build agents", "verb"),
    ("Optimize the slow dashboard query", "verb"),
    ("Strengthen the deploy pipeline", "vague"),
    ("Think about capacity", "vague"),
    ("Discuss the incident with the vendor", "vague"),
    ("Understand why retries amplified the outage", "verb"),
    ("Work on reliability", "vague"),
    ("Enhance the status page with component states", "verb"),
    ("Increase awareness of the rollback procedure", "vague"),
    ("We should improve alerting", "vague"),
    ("Let's review the deploy process", "vague"),
    ("Pin the base image digest", "ok"),
    ("Rotate the webhook signing key", "ok"),
    ("Rate-limit anonymous search requests", "ok"),
    ("Alert when the queue lag exceeds 10 minutes", "ok"),
    ("Page on-call when the synthetic check fails twice", "ok"),
    ("Fix the flaky retry test", "ok"),
    ("Update the runbook", "ok"),
    ("Upgrade Postgres to 16", "ok"),
    ("Migrate the cron jobs to the scheduler", "ok"),
    ("Write a postmortem template", "ok"),
    ("Remove the unused feature flags", "ok"),
    ("Split the `orders` table by tenant", "ok"),
]


def test_the_table_holds_at_least_fifty_openings() -> None:
    assert len(OPENINGS) >= 50
    assert len({text for text, _ in OPENINGS}) == len(OPENINGS)


@pytest.mark.parametrize(("description", "verdict"), OPENINGS)
def test_opening(description: str, verdict: str) -> None:
    assert judge_wording(description, DEFAULT_VAGUE)[0] is VERDICT[verdict]


@pytest.mark.parametrize(
    "description", ["More clarity on AMI configuration", "Review of the paging policy"]
)
def test_a_vague_word_that_is_no_verb_is_never_called_a_verb(description: str) -> None:
    assert judge_wording(description, DEFAULT_VAGUE)[0] is not Vagueness.VAGUE_VERB
