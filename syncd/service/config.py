"""`service:` in syncd.yaml: how `syncd run` serves /healthz and /metrics, elects a leader
among replicas, and stops."""

from __future__ import annotations

import ipaddress
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from syncd.config.values import Duration, parse_duration
from syncd.store.keepalive import SERVER_DETECTION_SECONDS

# The lease must end before PostgreSQL frees a silent leader's lock (store/keepalive.py), with
# room for the write under way; and be long enough for a check every lease/5 on a slow network.
_LEASE_MIN, _LEASE_MAX = 2, SERVER_DETECTION_SECONDS - 5


class ServiceConfig(BaseModel):
    """The long-running service (`syncd run`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    listen: str | None = Field(
        default=None,
        description="host:port for /healthz and /metrics (e.g. 127.0.0.1:9464); off when unset. "
        "Use 0.0.0.0 only inside a container or behind a firewall.",
    )
    shutdown_grace: Duration = Field(
        default="8s",
        description="On SIGTERM, how long the write under way may take before syncd exits anyway.",
    )
    lock_wait: Duration = Field(
        default="2s",
        description="While another pass holds the store's lock (a cron `syncd check`), retry "
        "this often.",
    )

    leader: Literal["auto", "off"] = Field(
        default="auto",
        description="auto: with a PostgreSQL store, replicas elect one leader that runs the "
        "passes and sends the digests while the others stand by; with SQLite the one process "
        "always leads. off: no election, every replica runs passes (the store's per-pass lock "
        "still keeps them one at a time).",
    )
    leader_retry: Duration = Field(
        default="5s",
        description="How often a standby tries to become the leader (with up to 10% jitter).",
    )
    lease: Duration = Field(
        default="10s",
        description="The leader checks its lock connection every lease/5 and before each pass, "
        "and stops writing once its last successful check is older than this. Between 2s and "
        "20s: shorter than the ~25 s PostgreSQL takes to free a silent leader's lock.",
    )

    @field_validator("lease")
    @classmethod
    def _lease_below_detection(cls, value: str) -> str:
        seconds = parse_duration(value)
        if not _LEASE_MIN <= seconds <= _LEASE_MAX:
            raise ValueError(
                f"must be between {_LEASE_MIN}s and {_LEASE_MAX}s: the leader must stop before "
                f"PostgreSQL frees its lock, {SERVER_DETECTION_SECONDS} s or more after it went "
                "silent"
            )
        return value

    @field_validator("listen")
    @classmethod
    def _host_port(cls, value: str | None) -> str | None:
        if value is None:
            return None
        host, sep, port = value.rpartition(":")
        if not sep or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError("write it as host:port, e.g. 127.0.0.1:9464")
        host = host.strip("[]")
        if host and host != "localhost":
            try:
                ipaddress.ip_address(host)
            except ValueError:
                raise ValueError(f"{host!r} is not an IP address or localhost") from None
        return value

    def address(self) -> tuple[str, int] | None:
        """(host, port) to bind, or None when off."""
        if self.listen is None:
            return None
        host, _, port = self.listen.rpartition(":")
        return host.strip("[]") or "127.0.0.1", int(port)

    @property
    def shutdown_grace_seconds(self) -> int:
        return parse_duration(self.shutdown_grace)

    @property
    def lock_wait_seconds(self) -> int:
        return parse_duration(self.lock_wait)

    @property
    def leader_retry_seconds(self) -> int:
        return parse_duration(self.leader_retry)

    @property
    def lease_seconds(self) -> int:
        return parse_duration(self.lease)
