"""Reviews for digest tests, parsed and judged by the real code (no hand-built reports)."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from syncd.digest.build import build_digest
from syncd.digest.model import BuildSettings, Digest, LastChange, Period, Selection
from syncd.digest.period import period_at
from syncd.engine.judge import Rules, judge_all
from syncd.model import ItemReport, Review
from syncd.records.parse import parse_text
from syncd.records.reading import ParseOptions

ZONE = ZoneInfo("Europe/Berlin")
HOSTILE = "Rotate <script>alert(1)</script> keys <!here> <!channel> <@U024BE7LH> @channel @everyone"


def review(path: str, text: str) -> Review:
    return parse_text(textwrap.dedent(text).lstrip("\n"), path, ParseOptions())


CHECKOUT = """
    ---
    title: Checkout 5xx
    date: 2026-05-12
    severity: SEV-2
    team: payments
    services: [checkout]
    themes: [deploys]
    ---
    ## Action Items
    - [ ] Alert on checkout 5xx above 3% — owner: @priya — due: 2026-06-04
    - [ ] Canary the gateway config — owner: @marco — due: 2026-06-20
    - [x] Pin the base image — owner: @sam — due: 2026-05-20
    - [ ] Runbook for provider failover — owner: @priya — due: 2026-06-12
    """

SEARCH = """
    ---
    title: Search latency
    date: 2026-05-20
    severity: SEV-3
    team: search
    services: [search, checkout]
    themes: [Deploys, capacity]
    ---
    ## Action Items
    - [ ] Move the rebuild to a replica — due: 2026-06-01
    - [ ] Dashboard panel for rebuild time — owner: @lee
    - ~~Rewrite the indexer~~ won't do: replaced by the managed service — owner: @lee
    """

DRAFT = """
    ---
    title: Draft review
    date: 2026-06-01
    status: draft
    ---
    ## Action Items
    - [ ] Never shown — owner: @priya — due: 2026-06-02
    """


def reports(*texts: tuple[str, str], today: date = date(2026, 6, 10)) -> list[ItemReport]:
    reviews = [review(path, text) for path, text in texts]
    rules = Rules(follow_up_days=30, due_soon_days=7, due_defaults={"SEV-2": 30})
    return judge_all(reviews, today, rules)


def world(today: date = date(2026, 6, 10)) -> list[ItemReport]:
    return reports(
        ("reviews/2026-05-12-checkout.md", CHECKOUT),
        ("reviews/2026-05-20-search.md", SEARCH),
        ("reviews/2026-06-01-draft.md", DRAFT),
        today=today,
    )


def weekly(now: datetime = datetime(2026, 6, 10, 12, 0, tzinfo=ZONE)) -> Period:
    return period_at("0 9 * * MON", ZONE, now)


def digest(
    items: list[ItemReport] | None = None,
    *,
    today: date = date(2026, 6, 10),
    history: Mapping[str, LastChange] | None = None,
    selection: Selection | None = None,
    review_url: str | None = None,
) -> Digest:
    settings = BuildSettings(
        name="weekly",
        title="Open actions: weekly",
        selection=selection or Selection(),
        review_url=review_url,
    )
    return build_digest(
        items if items is not None else world(today), settings, weekly(), today, history or {}
    )


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 6, day, hour, tzinfo=UTC)
