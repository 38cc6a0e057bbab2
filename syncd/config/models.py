"""Typed configuration: one frozen pydantic model per section of syncd.yaml (DESIGN §8).

The models check everything that can be checked without the file system: shapes, ranges,
durations, time zones, templates and cross-references. Paths stay as written; `config_load`
resolves them against the config file's directory.
"""

from __future__ import annotations

import difflib
import zoneinfo
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from syncd.config.routing import OwnerEntry, RoutingConfig, SyncConfig, reference_problems
from syncd.config.values import (
    RuleCode,
    SeverityName,
    Strings,
    normalize_severity,
    one_or_many,
    owner_key,
    rule_shorthand,
)
from syncd.config.vocabulary import VocabularyConfig
from syncd.digest.config import DigestSpec
from syncd.records.globs import glob_problem
from syncd.repo.config import RepoConfig, records_problems, tracker_problems
from syncd.service.config import ServiceConfig
from syncd.trackers.registry import TrackerConfig

DEFER_REFERENCES = "syncd_defer_references"
"""Validation-context key: the loader checks cross-references itself, with line numbers."""

Loc = tuple[str | int, ...]

_FROZEN = ConfigDict(extra="forbid", frozen=True)


class RecordsConfig(BaseModel):
    """Where the reviews are and how they are read."""

    model_config = _FROZEN

    root: Path = Field(
        default=Path("."),
        description="Directory the globs start from, relative to the config file.",
    )
    # Before `paths`: the glob check reads it (pydantic validates fields in this order).
    allow_outside_root: bool = Field(
        default=False,
        description="Let `paths` globs leave `root` (`../other/*.md`); off: such a glob is an "
        "error, so syncd never reads or edits files outside `root` by accident.",
    )
    paths: Strings = Field(
        default=("reviews/**/*.md",), description="Globs of review files, relative to `root`."
    )

    @field_validator("paths")
    @classmethod
    def _globs_stay_inside_root(
        cls, value: tuple[str, ...], info: ValidationInfo
    ) -> tuple[str, ...]:
        allow = bool(info.data.get("allow_outside_root", False))
        found = [why for glob in value if (why := glob_problem(glob, allow_outside=allow))]
        if found:
            raise ValueError("; ".join(found))
        return value

    exclude: Strings = Field(
        default=("**/*template*", "**/README.md", "**/index.md"),
        description="Globs of files that are never reviews (templates, indexes).",
    )
    sections: Annotated[tuple[str, ...] | None, BeforeValidator(one_or_many)] = Field(
        default=None,
        description="Headings that hold action items; unset = the built-in list (DESIGN §3).",
    )
    date_order: Literal["dmy", "mdy"] | None = Field(
        default=None,
        description="How to read ambiguous numeric dates like 04/05/2026; unset = leave unparsed.",
    )
    vocabulary: VocabularyConfig = Field(
        default_factory=VocabularyConfig,
        description="Words added to the built-in ones: section names, field keys, status words.",
    )
    max_file_bytes: int = Field(
        default=5_000_000, ge=1, description="Larger files are reported and skipped."
    )
    write_back: bool = Field(
        default=True,
        description="Records-only mode: write overdue / needs-decision markers into the items.",
    )
    follow_up_days: int = Field(
        default=30,
        ge=1,
        description="Days after the review date when an item neither done nor deprioritized "
        "needs a decision.",
    )
    due_soon_days: int = Field(
        default=7, ge=0, description="An open item due within this many days is `due soon`."
    )
    repo: RepoConfig | None = Field(
        default=None,
        description="Read the reviews from a remote git repository and deliver edits as "
        "commits, pushes or a pull request (docs/git.md); unset = the local working tree.",
    )

    @model_validator(mode="after")
    def _paths_inside_repo(self, info: ValidationInfo) -> RecordsConfig:
        if self.repo is None or (info.context and info.context.get(DEFER_REFERENCES)):
            return self
        found = records_problems(self.root, self.paths)
        if found:
            raise ValueError("; ".join(f"{_dotted(loc)}: {message}" for loc, message in found))
        return self


RuleSeverity = Literal["error", "warning", "info", "off"]


class RuleConfig(BaseModel):
    """Per-rule lint settings."""

    model_config = _FROZEN

    severity: RuleSeverity | None = Field(
        default=None, description="Override the rule's severity; `off` disables it."
    )


class LintConfig(BaseModel):
    """The review-quality rules of `syncd lint`."""

    model_config = _FROZEN

    fail_on: Literal["error", "warning"] = Field(
        default="error",
        description="`syncd lint` exits 1 when a problem of this severity or a worse one is "
        "found; `warning` makes warnings fail too (info never does).",
    )
    max_items: int = Field(default=7, ge=1, description="More action items than this is a smell.")
    vague_words: tuple[str, ...] | None = Field(
        default=None, description="Vague verbs/phrases to flag; unset = the built-in list."
    )
    rules: dict[
        RuleCode,
        Annotated[
            RuleConfig,
            BeforeValidator(rule_shorthand, json_schema_input_type=RuleSeverity | RuleConfig),
        ],
    ] = Field(
        default_factory=dict,
        json_schema_extra={"propertyNames": {"pattern": r"^SYN\d{3}$"}},
        description="Per-rule settings keyed by code, e.g. `SYN105: {severity: off}` or "
        "`SYN105: off`.",
    )


HealthProblem = Literal[
    "overdue",
    "needs_decision",
    "lint_errors",
    "deprioritized_without_reason",
    "unowned",
    "undated",
]


class HealthConfig(BaseModel):
    """What makes `syncd check` exit 1."""

    model_config = _FROZEN

    fail_on: tuple[HealthProblem, ...] = Field(
        default=("overdue", "needs_decision", "lint_errors"),
        description="Problems that make `syncd check` exit with code 1.",
    )


class StoreConfig(BaseModel):
    """The state store (DESIGN §9)."""

    model_config = _FROZEN

    url: str = Field(
        default="sqlite:///.syncd/state.db",
        description="SQLAlchemy URL; a relative SQLite path is relative to the config file; "
        "postgresql+psycopg://… for several replicas.",
    )

    @field_validator("url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(
                f"`{value}` is not a database URL; e.g. sqlite:///.syncd/state.db "
                "or postgresql+psycopg://user:pass@host/db"
            ) from None
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise ValueError(
                f"unsupported database `{url.get_backend_name()}`; use sqlite or postgresql"
            )
        return value


class LogConfig(BaseModel):
    """Logging (structlog)."""

    model_config = _FROZEN

    level: Literal["debug", "info", "warning", "error"] | None = Field(
        default=None,
        description="Least severe level written; unset = `info` for the service (`syncd run`), "
        "`warning` for the other commands (their output is their report).",
    )
    format: Literal["auto", "console", "json"] = Field(
        default="auto", description="auto = console on a terminal, JSON otherwise."
    )


class Config(BaseModel):
    """The whole of syncd.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="syncd configuration")

    version: Literal[1] = Field(default=1, description="Config format version.")
    timezone: str = Field(
        default="UTC", description="IANA time zone used to judge dates and schedules."
    )
    records: RecordsConfig = Field(default_factory=RecordsConfig, description="Reviews.")
    due_defaults: dict[SeverityName, Annotated[int, Field(ge=1)]] = Field(
        default_factory=lambda: {"SEV-1": 15, "SEV-2": 30, "SEV-3": 60},
        description="Severity → days after the review date; the implied due date of undated items.",
    )
    lint: LintConfig = Field(default_factory=LintConfig, description="Lint rules.")
    health: HealthConfig = Field(default_factory=HealthConfig, description="Exit-code policy.")
    store: StoreConfig = Field(default_factory=StoreConfig, description="State store.")
    trackers: dict[str, TrackerConfig] = Field(
        default_factory=dict,
        description="Tracker name → settings, discriminated by `kind`; empty = records-only mode.",
    )
    routing: RoutingConfig = Field(default_factory=RoutingConfig, description="Routing.")
    sync: SyncConfig = Field(default_factory=SyncConfig, description="Sync schedule and policy.")
    owners: dict[str, OwnerEntry] = Field(
        default_factory=dict,
        description="Person as written in reviews (`@priya` or `priya`) → identities.",
    )
    digests: dict[str, DigestSpec] = Field(
        default_factory=dict,
        description="Digest name → schedule, filter and channels; none = `syncd digest` renders "
        "a default digest of everything and sends nothing.",
    )
    log: LogConfig = Field(default_factory=LogConfig, description="Logging.")
    service: ServiceConfig = Field(
        default_factory=ServiceConfig, description="The long-running service (`syncd run`)."
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            close = difflib.get_close_matches(value, zoneinfo.available_timezones(), n=1)
            hint = f"did you mean `{close[0]}`?" if close else "use an IANA name like Europe/Berlin"
            raise ValueError(f"unknown time zone `{value}` ({hint})") from None
        return value

    @field_validator("due_defaults", mode="before")
    @classmethod
    def _distinct_severities(cls, value: object) -> object:
        if isinstance(value, dict):
            seen: dict[str, str] = {}
            for key in value:
                if isinstance(key, str):
                    norm = normalize_severity(key)
                    if norm in seen:
                        raise ValueError(f"`{seen[norm]}` and `{key}` are the same severity")
                    seen[norm] = key
        return value

    @field_validator("owners")
    @classmethod
    def _distinct_owners(cls, value: dict[str, OwnerEntry]) -> dict[str, OwnerEntry]:
        seen: dict[str, str] = {}
        for key in value:
            if owner_key(key) in seen:
                raise ValueError(f"`{seen[owner_key(key)]}` and `{key}` are the same person")
            seen[owner_key(key)] = key
        return value

    @model_validator(mode="after")
    def _routes_name_trackers(self, info: ValidationInfo) -> Config:
        if info.context and info.context.get(DEFER_REFERENCES):
            return self
        found = reference_problems(
            self.trackers, self.routing.default, (r.tracker for r in self.routing.rules)
        ) + tuple(tracker_problems(self.records.repo, self.trackers))
        if found:
            raise ValueError("; ".join(f"{_dotted(loc)} {message}" for loc, message in found))
        return self

    def zone(self) -> zoneinfo.ZoneInfo:
        """The configured time zone."""
        return zoneinfo.ZoneInfo(self.timezone)

    def owner(self, person: str) -> OwnerEntry | None:
        """The owners entry for a person as written in a review (`@priya`, `Priya`), if any."""
        wanted = owner_key(person)
        return next((e for k, e in self.owners.items() if owner_key(k) == wanted), None)


def _dotted(loc: Loc) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
