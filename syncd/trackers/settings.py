"""Settings every tracker shares: secrets, labels, pacing and budgets."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from syncd.errors import TrackerError


class TrackerConfigBase(BaseModel):
    """Common tracker options; each adapter's config model extends this with `kind`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

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
        """secret(), with an unreadable `token_file` as this tracker's error, not a crash."""
        try:
            return self.secret()
        except OSError as exc:
            raise TrackerError(f"{who}: cannot read `token_file` ({exc}).") from None
