"""The config as the planner needs it: per-tracker policies, owner identities, the link back
to the review. Values only, built once per pass from the config and the tracker objects."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from syncd.config.models import Config
from syncd.config.values import owner_key
from syncd.engine.context import PassContext
from syncd.engine.plan.pass_plan import Settings
from syncd.engine.plan.tickets import TrackerPolicy
from syncd.model import Review
from syncd.trackers.protocol import Tracker, Traits
from syncd.trackers.settings import TrackerConfigBase


def plan_settings(
    ctx: PassContext,
    reviews: Sequence[Review],
    trackers: Mapping[str, Tracker],
    *,
    write_back: bool,
) -> Settings:
    cfg = ctx.loaded.config
    return Settings(
        write_back=cfg.records.write_back and write_back,
        policies={
            n: _policy(c, trackers[n].traits) for n, c in cfg.trackers.items() if n in trackers
        },
        search_lag={n: t.traits.search_lag for n, t in trackers.items()},
        assignees=_assignees(ctx, reviews),
        review_url=cfg.sync.review_url or _repo_review_url(cfg),
        close_orphans=cfg.sync.on_removed == "close",
        deliver=cfg.records.repo is not None,
        root=ctx.root,
    )


def _repo_review_url(cfg: Config) -> str | None:
    """With records.repo and no sync.review_url: the review's blob URL on the repo's host."""
    if cfg.records.repo is None:
        return None
    from syncd.repo.config import review_url_template

    return review_url_template(cfg.records.repo)


def _policy(cfg: TrackerConfigBase, traits: Traits) -> TrackerPolicy:
    return TrackerPolicy(
        labels=cfg.labels,
        overdue_label=cfg.overdue_label,
        needs_owner_label=cfg.needs_owner_label,
        supports_due=traits.supports_due_date,
        recreate_deleted=cfg.on_deleted == "recreate",
        update_adopted=cfg.adopted_tickets == "update",
    )


def _assignees(
    ctx: PassContext, reviews: Sequence[Review]
) -> dict[tuple[str, str], tuple[str, ...]]:
    """(tracker, owner as written) → user names / account ids, from the owners directory.

    Keyed by each owner as a review spells it: `@priya`, `priya` and `Priya` are one person
    (docs/configuration.md `owners`), so the lookup goes through owner_key."""
    cfg = ctx.loaded.config
    directory = {owner_key(person): entry for person, entry in cfg.owners.items()}
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for owner in {i.owner for r in reviews for i in r.items if i.owner}:
        entry = directory.get(owner_key(owner))
        if entry is None:
            continue
        for name, tracker in cfg.trackers.items():
            user = tracker.user_for(entry)
            if user:
                out[(name, owner)] = (str(user),)
    return out
