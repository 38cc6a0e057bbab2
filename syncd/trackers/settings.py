"""Settings every tracker shares: secrets, labels, pacing, budgets, and what to do with
deleted and adopted tickets."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from syncd.errors import TrackerError
from syncd.trackers.http.answers import redact_url

if TYPE_CHECKING:
    from syncd.config.routing import OwnerEntry


class TrackerConfigBase(BaseModel):
    """Common tracker options; each adapter's config model extends this with `kind`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str  # each kind narrows it to its Literal: the config discriminator
    url: str  # each kind declares its own, with its default and description

    token: SecretStr | None = Field(
        default=None, description="API token. Prefer `${ENV_VAR}` interpolation."
    )
    token_file: Path | None = Field(
        default=None, description="File holding the token (e.g. a mounted secret)."
    )
    labels: tuple[str, ...] = Field(
        default=("postmortem",), description="Labels put on every ticket syncd creates."
    )
    overdue_label: str = Field(default="overdue", description="Label while an item is overdue.")
    needs_owner_label: str = Field(
        default="needs-owner", description="Label for items that name no owner."
    )
    timeout: float = Field(default=15.0, gt=0, description="Seconds per HTTP request.")
    max_wait: float = Field(
        default=30.0,
        ge=0,
        description=(
            "Longest rate-limit wait syncd blocks for; longer waits defer to the next pass."
        ),
    )
    write_budget: int = Field(
        default=200, ge=0, description="Most tracker writes per pass; the rest resume next pass."
    )
    min_write_interval: float = Field(
        default=0.0, ge=0, description="Seconds between two writes (pacing)."
    )

    on_deleted: Literal["report", "recreate"] = Field(
        default="report",
        description=(
            "A linked ticket that was deleted: `report` it (the item keeps its link and is"
            " listed), or `recreate` a new ticket for the item."
        ),
    )
    adopted_tickets: Literal["mirror_only", "update"] = Field(
        default="mirror_only",
        description=(
            "Tickets syncd did not create (referenced in a review): `mirror_only` reads their"
            " progress and never pushes title, due date or assignee; `update` pushes them too."
        ),
    )

    @model_validator(mode="after")
    def _one_token_source(self) -> TrackerConfigBase:
        if self.token is not None and self.token_file is not None:
            raise ValueError("give `token` or `token_file`, not both")
        return self

    def secret(self) -> str | None:
        """The token from `token` or `token_file` (read at use, never logged)."""
        if self.token is not None:
            return self.token.get_secret_value()
        if self.token_file is not None:
            return self.token_file.read_text(encoding="utf-8").strip()
        return None

    def secret_for(self, who: str) -> str | None:
        """secret(), with an unreadable or multi-line `token_file` as this tracker's error.

        A token with a newline inside used to reach the HTTP library, which refused the
        header, and the pass said "no answer … check url and the network".
        """
        try:
            token = self.secret()
        except OSError as exc:
            raise TrackerError(f"{who}: cannot read `token_file` ({exc}).") from None
        if token is not None and ("\n" in token or "\r" in token):
            source = f"`token_file` {self.token_file}" if self.token_file else "`token`"
            raise TrackerError(
                f"{who}: {source} has more than one line; it must hold the token alone."
            )
        return token

    def user_for(self, entry: OwnerEntry) -> str | None:
        """This tracker's user for one `owners:` entry (user name or account id), if any."""
        raise NotImplementedError

    @property
    def public_url(self) -> str:
        """`url` as it may be printed: never a password in it (`https://user:pw@host`)."""
        return redact_url(self.url)
