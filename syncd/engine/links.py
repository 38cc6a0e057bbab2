"""Which tracker gets a review's items, and which ticket an item is linked to. PURE.

Routing (DESIGN §5): front matter `tracker:`, then the first matching rule, then the default
(or the only tracker). Links: the review's own reference wins (syncd's suffix, then the
user's ticket reference), then the store, then a ticket carrying the item's marker.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from syncd.config.models import Config
from syncd.model import ActionItem, Review, TicketRef
from syncd.store.schema import Link
from syncd.trackers.protocol import TicketState, Tracker

Linked = tuple[str, str]  # (tracker name, ticket id)


def route(review: Review, config: Config) -> str | None:
    """Which tracker gets this review's items: front matter, then rules, then the default."""
    trackers = config.trackers
    if review.meta.tracker:
        return review.meta.tracker if review.meta.tracker in trackers else None
    for rule in config.routing.rules:
        if rule.team and (review.meta.team or "").casefold() != rule.team.casefold():
            continue
        if rule.services and not {s.casefold() for s in rule.services} & {
            s.casefold() for s in review.meta.services
        }:
            continue
        if rule.severity and (review.meta.severity or "").upper() not in {
            s.upper() for s in rule.severity
        }:
            continue
        return rule.tracker
    if config.routing.default:
        return config.routing.default
    return next(iter(trackers)) if len(trackers) == 1 else None


def resolve_links(
    items: Sequence[ActionItem],
    routes: Mapping[str, str],
    trackers: Mapping[str, Tracker],
    states: Mapping[str, Mapping[str, TicketState]],
    stored: Mapping[str, Link],
) -> dict[str, Linked]:
    """Item key → (tracker, ticket id) for every item that is linked."""
    by_marker = {
        state.marker: (name, state.id)
        for name, known in states.items()
        for state in known.values()
        if state.marker
    }
    # The suffix syncd wrote carries the ticket's URL: a known ticket needs no parse_ref,
    # which for Jira only knows the ids of issues seen this pass (else `key:OPS-12`, a fetch).
    by_url = {
        state.url: (name, state.id) for name, known in states.items() for state in known.values()
    }
    links: dict[str, Linked] = {}
    for item in items:
        key = item.key
        refs: list[TicketRef] = []
        if item.suffix and item.suffix.ticket_url:
            refs.append(TicketRef(raw=item.suffix.ticket_url, url=item.suffix.ticket_url))
        refs.extend(item.tickets)
        found = _match_refs(refs, routes.get(key), trackers, by_url)
        if found is None and key in stored:
            found = (stored[key].tracker, stored[key].ticket_id)
        if found is None and key in by_marker:
            found = by_marker[key]
        if found is not None:
            links[key] = found
    return links


def _match_refs(
    refs: Sequence[TicketRef],
    home: str | None,
    trackers: Mapping[str, Tracker],
    by_url: Mapping[str, Linked],
) -> Linked | None:
    for ref in refs:
        if ref.url is not None and ref.url in by_url:
            return by_url[ref.url]
        bare = ref.url is None and ref.key is None and ref.repo is None
        candidates = [home] if bare else [home, *trackers]
        for name in candidates:
            if name is None or name not in trackers:
                continue
            ticket_id = trackers[name].parse_ref(ref)
            if ticket_id is not None:
                return name, ticket_id
    return None
