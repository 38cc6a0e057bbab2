"""What a pass is run with: the config and everything derived from it once, and the clock.

A `PassContext` is built once per loaded config. The cron commands build one per process; the
service builds one at start and again on SIGHUP, and runs thousands of passes with it. It holds
values only, so passes share nothing that grows.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import syncd
from syncd.clock import Clock
from syncd.config.load import LoadedConfig
from syncd.engine.judge import Rules
from syncd.records import codec
from syncd.records.lint import LintSettings, settings_from_config
from syncd.records.reading import ParseOptions


@dataclass(frozen=True, slots=True)
class PassContext:
    loaded: LoadedConfig
    clock: Clock
    root: Path  # where the records.paths globs start
    parse: ParseOptions
    lint: LintSettings
    rules: Rules
    fingerprint: str  # of everything a cached parse depends on

    @classmethod
    def build(cls, loaded: LoadedConfig, clock: Clock | None = None) -> PassContext:
        cfg = loaded.config
        records = cfg.records
        parse = ParseOptions.from_config(records)
        lint = settings_from_config(cfg.lint, cfg.due_defaults)
        rules = Rules(
            follow_up_days=records.follow_up_days,
            due_soon_days=records.due_soon_days,
            due_defaults={k.upper(): v for k, v in cfg.due_defaults.items()},
        )
        return cls(
            loaded=loaded,
            clock=clock or Clock(cfg.zone()),
            root=loaded.records_root(),
            parse=parse,
            lint=lint,
            rules=rules,
            fingerprint=_fingerprint(parse, lint),
        )


def _fingerprint(options: ParseOptions, settings: LintSettings) -> str:
    text = f"{syncd.__version__}|{codec.FORMAT}|{options!r}|{settings!r}|{os.name}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def holder() -> str:
    """Who holds the store's lock, as other processes are told."""
    return f"syncd {syncd.__version__} pid {os.getpid()}"
