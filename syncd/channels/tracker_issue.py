"""One issue per digest in a configured GitHub or GitLab tracker, rewritten in place each
period (Renovate's dependency dashboard; reference §6). The tracker code lives with its
adapter (syncd/trackers/<kind>/dashboard.py): only tracker modules import client libraries."""

from __future__ import annotations

from dataclasses import replace

from syncd.channels.base import ChannelError, Outgoing
from syncd.channels.config import TrackerIssueChannel

MARKER = "<!-- syncd:digest:{name} v1 -->"
GITHUB_MAX_BODY = 60_000


def body(out: Outgoing) -> str:
    """The issue body: a hidden marker line, then the digest as issue-safe Markdown."""
    options = replace(out.options, issue=True)
    text = out.renderer.render(out.digest, "markdown", options)
    while len(text) > GITHUB_MAX_BODY and options.max_items > 1:
        options = replace(options, max_items=max(1, options.max_items // 2))
        text = out.renderer.render(out.digest, "markdown", options)
    return MARKER.format(name=out.digest.name) + "\n" + text


def send_tracker_issue(cfg: TrackerIssueChannel, out: Outgoing) -> str:
    tracker = out.trackers.get(cfg.tracker)
    if tracker is None:
        raise ChannelError(f"tracker `{cfg.tracker}` is not configured", permanent=True)
    title = cfg.title.format(digest=out.digest.name, period=out.digest.period.label)
    marker = MARKER.format(name=out.digest.name)
    if tracker.kind == "github":
        from syncd.trackers.github.dashboard import ensure_dashboard

        return ensure_dashboard(tracker, marker, title, body(out), cfg.labels, reopen=cfg.reopen)
    if tracker.kind == "gitlab":
        from syncd.trackers.gitlab.dashboard import ensure_dashboard as ensure_gitlab

        return ensure_gitlab(tracker, marker, title, body(out), cfg.labels, reopen=cfg.reopen)
    raise ChannelError(
        f"tracker `{cfg.tracker}` is {tracker.kind}: a digest issue needs GitHub or GitLab "
        "(Jira notifies every watcher on each edit)",
        permanent=True,
    )
