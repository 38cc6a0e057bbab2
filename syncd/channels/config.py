"""Config models of the digest channels, each written as a one-key mapping: `- email: {…}`.

`ChannelEntry` has one optional field per kind and accepts exactly one of them, so the
config machinery reports `digests.weekly.channels[1].email.port: …` and suggests `email` for
`emial` like any other key (STYLE 8). Secrets (`password`, webhook URLs) are `SecretStr`:
their values never show in a repr, a log line or a validation message.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from syncd.config.values import Strings

_FROZEN = ConfigDict(extra="forbid", frozen=True)
_TEAMS_RETIRED = ("webhook.office.com", "outlook.office.com")
_TEAMS_WORKFLOWS = ("logic.azure.com", "api.powerplatform.com")


def is_loopback(host: str | None) -> bool:
    """True for localhost and loopback addresses (tests, a local relay)."""
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _web_url(value: str, what: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(f"{what} must be an https:// URL")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ValueError(f"{what} must use https:// (plain http only to a loopback address)")
    return value


class EmailChannel(BaseModel):
    """Send the digest by SMTP: a text part and an HTML part."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    to: Strings = Field(min_length=1, description="Recipient addresses.")
    sender: str = Field(alias="from", description="Sender address (`From:`).")
    host: str = Field(description="SMTP server host name.")
    port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="SMTP port; default 587, 465 (tls) or 25 (none).",
    )
    security: Literal["starttls", "tls", "none"] = Field(
        default="starttls",
        description="starttls (port 587), tls (implicit TLS, port 465) or none; the server's "
        "certificate is always verified.",
    )
    username: str | None = Field(default=None, description="SMTP user name, if it needs login.")
    password: SecretStr | None = Field(default=None, description="SMTP password; `${ENV_VAR}`.")
    password_file: Path | None = Field(
        default=None, description="File holding the SMTP password, relative to the config file."
    )
    ca_file: Path | None = Field(
        default=None, description="Extra CA certificates (PEM) to trust for the SMTP server."
    )
    timeout: float = Field(default=30, gt=0, description="Seconds per SMTP operation.")
    subject: str = Field(
        default="{title} — {period}",
        description="Subject template; fields {title} {digest} {period} {open} {overdue}.",
    )

    @model_validator(mode="after")
    def _credentials_make_sense(self) -> EmailChannel:
        if self.password is not None and self.password_file is not None:
            raise ValueError("give `password` or `password_file`, not both")
        secret = self.password is not None or self.password_file is not None
        if secret and not self.username:
            raise ValueError("a password needs `username`")
        if self.username and self.security == "none" and not is_loopback(self.host):
            raise ValueError(
                "`security: none` would send the password in clear text; use starttls or tls"
            )
        return self

    @property
    def port_or_default(self) -> int:
        return self.port or {"starttls": 587, "tls": 465, "none": 25}[self.security]


class SlackChannel(BaseModel):
    """Post to a Slack incoming webhook (Block Kit)."""

    model_config = _FROZEN

    webhook_url: SecretStr = Field(description="Incoming webhook URL; `${SLACK_WEBHOOK_URL}`.")

    @field_validator("webhook_url")
    @classmethod
    def _https(cls, value: SecretStr) -> SecretStr:
        _web_url(value.get_secret_value(), "the webhook URL")
        return value


class TeamsChannel(BaseModel):
    """Post an Adaptive Card to a Microsoft Teams Workflows webhook."""

    model_config = _FROZEN

    webhook_url: SecretStr = Field(
        description="Workflows URL (trigger: When a Teams webhook request is received)."
    )

    @field_validator("webhook_url")
    @classmethod
    def _workflows_only(cls, value: SecretStr) -> SecretStr:
        url = _web_url(value.get_secret_value(), "the webhook URL")
        host = urlsplit(url).hostname or ""
        if host.endswith(_TEAMS_RETIRED):
            raise ValueError(
                "Office 365 connector webhooks are retired; create a Teams Workflow with the "
                "trigger 'When a Teams webhook request is received' and use its URL"
            )
        if not host.endswith(_TEAMS_WORKFLOWS) and not is_loopback(host):
            raise ValueError(
                "must be a Teams Workflows URL (…logic.azure.com or …api.powerplatform.com)"
            )
        return value


class WebhookChannel(BaseModel):
    """POST the JSON digest to any URL (Standard Webhooks headers)."""

    model_config = _FROZEN

    url: SecretStr = Field(description="Where to POST the JSON digest.")
    secret: SecretStr | None = Field(
        default=None, description="Signs each request (HMAC-SHA256, `webhook-signature`)."
    )
    timeout: float = Field(default=15, gt=0, description="Seconds per request.")

    @field_validator("url")
    @classmethod
    def _https(cls, value: SecretStr) -> SecretStr:
        _web_url(value.get_secret_value(), "the URL")
        return value


class FileChannel(BaseModel):
    """Write a rendering to a file, atomically."""

    model_config = _FROZEN

    path: str = Field(
        description="File to write, relative to the config file; fields {date} {digest} {period}."
    )
    format: Literal["text", "markdown", "html", "json"] = Field(
        default="markdown", description="Rendering written."
    )

    @field_validator("path")
    @classmethod
    def _known_fields(cls, value: str) -> str:
        try:
            value.format(date="d", digest="n", period="p")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(
                f"unknown field {exc} in the path; fields: {{date}} {{digest}} {{period}}"
            ) from None
        return value


class TrackerIssueChannel(BaseModel):
    """One issue in a configured tracker, rewritten in place every period."""

    model_config = _FROZEN

    tracker: str = Field(description="Name of a configured GitHub or GitLab tracker.")
    title: str = Field(default="Open actions digest: {digest}", description="Issue title.")
    labels: Strings = Field(
        default=("syncd-digest",), description="Labels on the issue (the first finds it again)."
    )
    reopen: bool = Field(
        default=False, description="Reopen the issue if a person closed it (default: leave it)."
    )


ChannelKind = Literal["email", "slack", "teams", "webhook", "file", "tracker_issue"]
Channel = (
    EmailChannel | SlackChannel | TeamsChannel | WebhookChannel | FileChannel | TrackerIssueChannel
)


class ChannelEntry(BaseModel):
    """One channel, written as a mapping with exactly one key: its kind."""

    model_config = _FROZEN

    email: EmailChannel | None = Field(default=None, description="Email via SMTP.")
    slack: SlackChannel | None = Field(default=None, description="Slack incoming webhook.")
    teams: TeamsChannel | None = Field(default=None, description="Teams Workflows webhook.")
    webhook: WebhookChannel | None = Field(default=None, description="Generic JSON webhook.")
    file: FileChannel | None = Field(default=None, description="A file.")
    tracker_issue: TrackerIssueChannel | None = Field(
        default=None, description="One tracker issue rewritten in place."
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> ChannelEntry:
        given = [name for name in type(self).model_fields if getattr(self, name) is not None]
        if len(given) != 1:
            kinds = ", ".join(type(self).model_fields)
            if not given:
                raise ValueError(f"name the channel's kind as its one key ({kinds})")
            raise ValueError(
                f"one kind per list entry, got {' and '.join(given)}; write each as its own "
                "`- kind: {…}` entry"
            )
        return self

    @property
    def kind(self) -> ChannelKind:
        for name in type(self).model_fields:
            if getattr(self, name) is not None:
                return name  # type: ignore[return-value]
        raise AssertionError("validated to have one kind")

    @property
    def settings(self) -> Channel:
        value = getattr(self, self.kind)
        assert value is not None
        return value  # type: ignore[no-any-return]
