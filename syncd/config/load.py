"""Find, read and validate syncd.yaml; report every problem at once (DESIGN §8).

`syncd config validate` calls `load_config`; `syncd config schema` prints `config_schema()`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.engine import make_url

from syncd.config.errors import line_of, problems_from, render
from syncd.config.models import DEFER_REFERENCES, Config
from syncd.config.routing import reference_problems
from syncd.config.source import ConfigProblem, read_source
from syncd.digest.config import digest_reference_problems
from syncd.errors import ConfigError
from syncd.repo.config import records_problems, tracker_problems

CONFIG_ENV = "SYNCD_CONFIG"
DEFAULT_CONFIG = Path("syncd.yaml")
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


@dataclass(frozen=True)
class LoadedConfig:
    """A validated config and where it came from; relative paths resolve against `base_dir`."""

    config: Config
    path: Path  # absolute
    base_dir: Path  # the config file's directory

    def records_root(self) -> Path:
        """The directory the `records.paths` globs start from."""
        return self.base_dir / self.config.records.root.expanduser()

    def store_url(self) -> str:
        """The store URL with a relative SQLite path made absolute (the store creates the dir)."""
        url = make_url(self.config.store.url)
        database = url.database
        if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
            return self.config.store.url
        if database.startswith("file:"):  # SQLite URI filenames; left to the user
            return self.config.store.url
        absolute = self.base_dir / Path(database).expanduser()
        return url.set(database=str(absolute)).render_as_string(hide_password=False)


def resolve_config_path(path: Path | None, env: Mapping[str, str]) -> Path:
    """`--config`, else `$SYNCD_CONFIG`, else `./syncd.yaml` (as given, not made absolute)."""
    if path is not None:
        return path
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV])
    return DEFAULT_CONFIG


def load_config(path: Path | None, env: Mapping[str, str]) -> LoadedConfig:
    """Read and validate the config file; ConfigError lists every problem with its line."""
    given = resolve_config_path(path, env)
    try:
        text = given.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"no config file at {given}; pass --config, set {CONFIG_ENV}, "
            "or copy config.example.yaml to syncd.yaml"
        ) from None
    except IsADirectoryError:
        raise ConfigError(f"{given} is a directory, not a config file") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{given} is not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise ConfigError(f"cannot read {given}: {exc.strerror}") from None
    config = parse_config(text, name=str(given), env=env)
    absolute = Path(os.path.abspath(given))
    return LoadedConfig(
        config=_anchor_token_files(config, absolute.parent), path=absolute, base_dir=absolute.parent
    )


def parse_config(text: str, *, name: str, env: Mapping[str, str]) -> Config:
    """Validate config text; `name` is how problems name the file (`syncd.yaml:14 …`)."""
    source = read_source(text, env)
    problems = list(source.problems)
    data = {} if source.data is None else source.data  # `---` alone is an empty document
    config = None
    if not isinstance(data, dict):
        problems.append(
            ConfigProblem(1, (), "the file must be a mapping of settings (`key: value` lines)")
        )
    else:
        # `trackers:` with every entry commented out parses as null: treat as "not set".
        data = {key: value for key, value in data.items() if value is not None}
        problems.extend(_reference_problems(data, source.lines))
        try:
            config = Config.model_validate(data, context={DEFER_REFERENCES: True})
        except ValidationError as exc:
            # A value already reported (e.g. an unset variable) is not judged a second time.
            problems.extend(
                p
                for p in problems_from(exc, data, source.lines)
                if not any(p.loc[: len(loc)] == loc for loc in source.unreadable)
            )
    if problems or config is None:
        problems.sort(key=lambda p: (p.line, p.column or 0))
        rendered = tuple(render(name, p, data) for p in problems)
        count = f"{len(rendered)} problem" + ("s" if len(rendered) != 1 else "")
        raise ConfigError(f"invalid configuration in {name} ({count})", rendered)
    return config


def config_schema() -> dict[str, Any]:
    """JSON Schema of the config, for editors (yaml-language-server) and `syncd config schema`."""
    schema = Config.model_json_schema(mode="validation")
    return {"$schema": SCHEMA_DIALECT, **schema, "title": "syncd configuration"}


def _anchor_token_files(config: Config, base_dir: Path) -> Config:
    # Relative paths in the file mean "next to the file", whatever the working directory.
    trackers = {
        name: tracker.model_copy(update={"token_file": base_dir / tracker.token_file.expanduser()})
        if tracker.token_file is not None and not tracker.token_file.expanduser().is_absolute()
        else tracker
        for name, tracker in config.trackers.items()
    }
    update: dict[str, object] = {"trackers": trackers}
    if config.records.repo is not None:
        repo = config.records.repo.anchored(base_dir)
        update["records"] = config.records.model_copy(update={"repo": repo})
    return config.model_copy(update=update)


def _reference_problems(
    data: Mapping[str, object], lines: Mapping[Any, int]
) -> list[ConfigProblem]:
    # Checked on the raw data so they show up together with every other problem.
    trackers = data.get("trackers")
    routing = data.get("routing")
    routing = routing if isinstance(routing, dict) else {}
    rules = routing.get("rules")
    found = reference_problems(
        trackers if isinstance(trackers, dict) else {},
        routing.get("default"),
        [r.get("tracker") if isinstance(r, dict) else None for r in rules]
        if isinstance(rules, list)
        else [],
    )
    records = data.get("records")
    if isinstance(records, dict) and isinstance(records.get("repo"), dict):
        found += tuple(
            tracker_problems(records["repo"], trackers if isinstance(trackers, dict) else {})
        )
        found += tuple(_repo_path_problems(records))
    found += tuple(digest_reference_problems(data, trackers if isinstance(trackers, dict) else {}))
    return [ConfigProblem(line_of(loc, lines), loc, message) for loc, message in found]


def _repo_path_problems(records: Mapping[str, object]) -> list[tuple[Any, str]]:
    root = records.get("root", ".")
    paths = records.get("paths", ())
    paths = [paths] if isinstance(paths, str) else paths
    if not isinstance(root, str) or not isinstance(paths, list):
        return []  # a wrong type is reported by validation
    return records_problems(Path(root), [p for p in paths if isinstance(p, str)])
