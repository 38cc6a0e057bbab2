"""`service:` in syncd.yaml: how `syncd run` serves /healthz and /metrics, and stops."""

from __future__ import annotations

import ipaddress

from pydantic import BaseModel, ConfigDict, Field, field_validator

from syncd.config.values import Duration, parse_duration


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
