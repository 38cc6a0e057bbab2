"""Send each configured digest that is due, once per period per channel: the one entry point
for `syncd check`, `syncd digest --send` and the service (`syncd run`).

A digest is due from its schedule's latest fire time until `grace` after it. Each channel is
claimed in the store's ledger before it is sent and marked sent after (store/ledger.py), so two
processes, a crash or a cron `syncd check` beside the service never send a period twice; a
failed channel is retried on later passes with backoff while the period is still due, and
one failing channel never stops the others. Nothing here reaches into the engine: the input
is the judged items, as any pass has them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from syncd import log
from syncd.channels.base import ChannelError, ChannelSkipped, Outgoing, channel_id, describe
from syncd.channels.config import ChannelEntry
from syncd.channels.registry import send
from syncd.clock import Clock
from syncd.config.load import LoadedConfig
from syncd.config.values import owner_key
from syncd.digest.build import select
from syncd.digest.config import DigestSpec
from syncd.digest.inputs import as_of, make_digest, specs
from syncd.digest.model import Digest, Selection, TicketLink
from syncd.digest.period import period_at
from syncd.digest.render import Renderer, RenderOptions
from syncd.model import ItemReport, Status
from syncd.store.database import Store
from syncd.store.ledger import ClaimResult

_log = log.get("syncd.digest")

CLAIM_TIMEOUT = timedelta(minutes=15)  # longer than any one send (Slack parts, SMTP timeouts)
_BACKOFF_FIRST = timedelta(minutes=1)
_BACKOFF_MAX = timedelta(hours=1)

Outcome = Literal["sent", "skipped", "failed"]


@dataclass(frozen=True, slots=True)
class ChannelResult:
    digest: str
    period: str  # the period label (2026-W23)
    channel: str  # the channel's ledger id (kind:hash, never a secret)
    description: str  # "email to sre@acme.example", "slack webhook"
    outcome: Outcome
    reason: str  # what the channel said, or why it was skipped

    @property
    def kind(self) -> str:
        return self.channel.split(":", 1)[0]


@dataclass(frozen=True, slots=True)
class DigestRun:
    """What one call did, per digest and channel: for the CLI to print, for metrics."""

    results: tuple[ChannelResult, ...] = ()

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def failed(self) -> bool:
        return any(r.outcome == "failed" for r in self.results)

    def counts(self) -> dict[tuple[str, str, Outcome], int]:
        """(digest, channel kind, outcome) → sends: `syncd_digest_sends_total`'s labels."""
        out: dict[tuple[str, str, Outcome], int] = {}
        for r in self.results:
            key = (r.digest, r.kind, r.outcome)
            out[key] = out.get(key, 0) + 1
        return out


def send_due_digests(
    loaded: LoadedConfig,
    store: Store,
    reports: Sequence[ItemReport],
    clock: Clock,
    *,
    force: bool = False,
    only: str | None = None,
    ignore_grace: bool = False,
    tracker_of: Mapping[str, str] | None = None,
    tickets: Mapping[str, TicketLink] | None = None,
    renderer: Renderer | None = None,
    holder: str | None = None,
    sleep: Callable[[float], None] | None = None,
) -> DigestRun:
    """Send every digest due now (or `only` that one) through each of its channels, once per
    period. `force` sends again what the ledger says was sent; `ignore_grace` sends the
    latest period however late (`syncd digest --send`)."""
    renderer = renderer or Renderer()
    holder = holder or f"syncd pid {os.getpid()}"
    results: list[ChannelResult] = []
    for name, spec in specs(loaded, only).items():
        job = _Job(loaded, store, reports, clock, name, spec, renderer, holder, sleep)
        job.tracker_of, job.tickets = tracker_of, tickets
        results.extend(job.run(force=force, ignore_grace=ignore_grace))
    return DigestRun(tuple(results))


@dataclass
class _Job:
    loaded: LoadedConfig
    store: Store
    reports: Sequence[ItemReport]
    clock: Clock
    name: str
    spec: DigestSpec
    renderer: Renderer
    holder: str
    sleep: Callable[[float], None] | None
    tracker_of: Mapping[str, str] | None = None
    tickets: Mapping[str, TicketLink] | None = None
    built: dict[str, tuple[Digest, RenderOptions]] = field(default_factory=dict)

    def digest(self, owner: str | None = None) -> tuple[Digest, RenderOptions]:
        key = owner or ""
        if key not in self.built:
            selection = None
            if owner is not None:
                base = self.spec.filter.selection()
                selection = Selection(base.teams, base.services, (owner,), base.trackers)
            self.built[key] = make_digest(
                self.loaded,
                self.store,
                self.reports,
                self.clock,
                self.name,
                self.spec,
                selection=selection,
                tracker_of=self.tracker_of,
                tickets=self.tickets,
            )
        return self.built[key]

    def targets(self) -> list[tuple[ChannelEntry, str, str, str | None, tuple[str, ...] | None]]:
        """(entry, ledger id, description, owner, recipients) for every send this digest makes."""
        out: list[tuple[ChannelEntry, str, str, str | None, tuple[str, ...] | None]] = [
            (entry, channel_id(entry), describe(entry), None, None) for entry in self.spec.channels
        ]
        if self.spec.per_owner:
            email = next(e for e in self.spec.channels if e.email is not None)
            for owner in self._owners():
                entry = self.loaded.config.owner(owner)
                address = entry.email if entry is not None else None
                cid = f"{channel_id(email)}/owner:{owner_key(owner)}"
                out.append((email, cid, f"email to {owner}", owner, (address,) if address else ()))
        return out

    def _owners(self) -> list[str]:
        chosen = select(self.reports, self.spec.filter.selection(), self.tracker_of or {})
        seen: dict[str, str] = {}
        for r in chosen:
            if r.item.owner and r.status in (Status.OPEN, Status.IN_PROGRESS):
                seen.setdefault(owner_key(r.item.owner), r.item.owner)
        return [seen[k] for k in sorted(seen)]

    def run(self, *, force: bool, ignore_grace: bool) -> list[ChannelResult]:
        now = as_of(self.clock)
        period = period_at(self.spec.schedule, self.loaded.config.zone(), now)
        late = now - period.end
        in_grace = late <= timedelta(seconds=self.spec.grace_seconds)
        results = []
        for entry, cid, what, owner, recipients in self.targets():

            def result(outcome: Outcome, reason: str, cid: str = cid, what: str = what) -> None:
                results.append(ChannelResult(self.name, period.label, cid, what, outcome, reason))

            if not (in_grace or ignore_grace or force):
                result("skipped", f"not due: the {period.label} digest's grace ended")
                continue
            if recipients == ():
                result("skipped", f"no email address for {owner} in `owners`")
                continue
            claim = self.store.claim_delivery(
                self.name,
                period.key,
                cid,
                self.clock.now(),
                holder=self.holder,
                stale_after=CLAIM_TIMEOUT,
                force=force,
            )
            if claim.result is not ClaimResult.CLAIMED:
                result("skipped", _why(claim.result, claim.delivery.next_attempt_at))
                continue
            digest, options = self.digest(owner)
            outgoing = Outgoing(
                digest=digest,
                renderer=self.renderer,
                options=options,
                delivery_id=f"{self.name}/{period.key}/{cid}",
                now=self.clock.now(),
                base_dir=self.loaded.base_dir,
                trackers=self.loaded.config.trackers,
                recipients=recipients,
                sleep=self.sleep,
                resume=claim.delivery.detail if claim.delivery.state != "sent" else None,
            )
            try:
                detail = send(entry, outgoing)
            except ChannelSkipped as exc:
                self.store.finish_delivery(claim.delivery, self.clock.now(), detail=str(exc))
                _log.warning("digest_channel_skipped", digest=self.name, channel=cid, why=str(exc))
                result("skipped", str(exc))
                continue
            except ChannelError as exc:
                retry_at = self.clock.now() + _backoff(claim.delivery.attempts, exc)
                self.store.fail_delivery(claim.delivery, str(exc), retry_at, detail=exc.progress)
                _log.warning(
                    "digest_send_failed",
                    digest=self.name,
                    period=period.label,
                    channel=cid,
                    attempt=claim.delivery.attempts,
                    error=str(exc),
                    retry_at=retry_at.isoformat(),
                )
                result(
                    "failed",
                    f"{exc} (attempt {claim.delivery.attempts}; retried from "
                    f"{retry_at.astimezone(self.clock.zone):%Y-%m-%d %H:%M})",
                )
                continue
            if not self.store.finish_delivery(claim.delivery, self.clock.now(), detail=detail):
                _log.warning("digest_claim_taken_over", digest=self.name, channel=cid)
            _log.info("digest_sent", digest=self.name, period=period.label, channel=cid)
            result("sent", detail)
        return results


def _why(result: ClaimResult, retry_at: datetime | None) -> str:
    if result is ClaimResult.SENT:
        return "already sent this period"
    if result is ClaimResult.BUSY:
        return "being sent by another process"
    when = f" from {retry_at.isoformat(timespec='minutes')}" if retry_at else ""
    return f"last attempt failed; retried{when}"


def _backoff(attempts: int, exc: ChannelError) -> timedelta:
    wait: timedelta = min(_BACKOFF_FIRST * (2 ** max(attempts - 1, 0)), _BACKOFF_MAX)
    if exc.permanent:
        wait = _BACKOFF_MAX
    if exc.retry_after is not None:
        wait = max(wait, timedelta(seconds=exc.retry_after))
    return wait
