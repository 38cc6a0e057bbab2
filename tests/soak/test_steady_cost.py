"""A settled pass costs the listing, not a read per linked ticket, also once every ticket is
older than the listing's overlap window (DESIGN §1 principle 5).

Regression: the suffix syncd writes links a Jira item by URL, and the Jira adapter can only
turn a URL into an issue id for issues it saw in this pass; so every pass fetched every
linked issue that had not changed lately (one GET each), and an item reworded after linking
looked orphaned (`on_removed: close` then closed its ticket). The fakes' clocks run two hours
behind while the tickets are filed, so they are "old" for the listing's time window.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.soak.harness import TODAY, Soak, configure
from tests.soak.trackers import DRIVERS
from tests.soak.world import World

PER_TICKET = r"/issues?/(?:[A-Z]+-)?\d+$"  # GitLab .../issues/12, Jira .../issue/10012 or OPS-3


@pytest.mark.parametrize("kind", ["gitlab", "jira"])
def test_settled_pass_reads_no_ticket_one_by_one(kind: str, tmp_path: Path) -> None:
    behind = [timedelta(hours=2)]
    driver = DRIVERS[kind](now=lambda: datetime.now(UTC) - behind[0])
    try:
        rng = random.Random(3)
        world = World(tmp_path, TODAY, rng)
        for _ in range(3):
            world.add_review()
        soak = Soak(driver, world, configure(tmp_path, driver, full_every="24h"), rng)
        soak.settle()
        behind[0] = timedelta(0)  # from now on, changes are stamped as they happen
        world.reword_linked()  # still linked by its suffix: no orphan, nothing to close
        soak.settle()
        driver.fake.reset_log()
        soak.run()
        soak.check("settled pass")
        calls = [(r.method, r.path) for r in driver.fake.requests]
        assert not driver.fake.count(path_regex=PER_TICKET), calls
        assert all(method == "GET" for method, _ in calls), calls
    finally:
        driver.fake.stop()
