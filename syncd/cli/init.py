"""`syncd init`: a starter syncd.yaml for the reviews in the current folder.

It looks for review-like Markdown (a heading such as "Action Items" or "Follow-ups", in the
folders teams use: postmortems/, docs/postmortems/, reviews/, incidents/, …), sets
`records.paths` to globs that match them, never overwrites a file, and keeps syncd's state
out of git (`.syncd/` in .gitignore)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import zoneinfo
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import click

from syncd.cli.context import EXIT_OK, Ctx
from syncd.cli.report import plural
from syncd.errors import UsageError

# Folder names that hold reviews; a review below one is grouped under the outermost of them.
_REVIEW_FOLDERS = frozenset(
    {
        "postmortems",
        "post-mortems",
        "postmortem",
        "reviews",
        "incidents",
        "incident-reviews",
        "pirs",
        "retros",
        "retrospectives",
    }
)
_SKIP = frozenset({"node_modules", "vendor", "venv", "site-packages", "__pycache__"})
_MAX_DEPTH = 6
_HEAD_BYTES = 65536
_TEMPLATE = re.compile(r"template|readme|index", re.IGNORECASE)
_LOCALTIME = Path("/etc/localtime")


@click.command()
@click.pass_obj
def init(obj: Ctx) -> int:
    """Write a starter syncd.yaml for the reviews in this folder (never overwrites one).

    Finds review-like Markdown files (an "Action Items"-style heading) and sets records.paths
    to globs that match them, in records-only mode; adds .syncd/ (syncd's state) to
    .gitignore. Then: `syncd config validate`, `syncd lint`, `syncd check`.
    """
    target = obj.config_path or Path("syncd.yaml")
    if target.exists():
        raise UsageError(
            f"{target} already exists; syncd init never overwrites a config. Check it with "
            f"`syncd config validate`, or move it away to start again"
        )
    base = target.absolute().parent
    found = find_reviews(base)
    globs = [f"{folder}/**/*.md" if folder != "." else "*.md" for folder, _ in found.most_common()]
    zone = local_zone(os.environ)
    config = starter_config(globs or ["reviews/**/*.md"], zone or "UTC", found_zone=bool(zone))
    target.write_text(config, encoding="utf-8")
    ignored = ignore_state(base / ".gitignore")
    total = sum(found.values())
    if found:
        where = ", ".join(f"{folder}/ ({n})" for folder, n in found.most_common())
        files = plural(total, "review-like file")
        click.echo(f"Wrote {target}: records.paths finds {files} in {where}.")
    else:
        click.echo(
            f"Wrote {target}, but found no review-like Markdown file (one with an 'Action "
            "Items' heading) here; add reviews under reviews/, or edit records.paths."
        )
    click.echo(ignored)
    click.echo(
        "Next: syncd config validate; syncd lint; syncd check --no-write (records-only mode; "
        "trackers: docs/trackers/)."
    )
    return EXIT_OK


def find_reviews(base: Path) -> Counter[str]:
    """Review-like files by the folder that holds them (relative to `base`)."""
    from syncd.records.reading import DEFAULT_SECTIONS

    names = "|".join(re.escape(s) for s in DEFAULT_SECTIONS)
    heading = re.compile(
        rf"^(?:#{{1,6}}\s*|\*\*)\s*(?:{names})\b|^(?:{names})\s*:?\s*\n[=-]{{3,}}",
        re.IGNORECASE | re.MULTILINE,
    )
    found: Counter[str] = Counter()
    for path in _markdown_files(base):
        rel = path.relative_to(base)
        if _TEMPLATE.search(rel.name):
            continue
        try:
            with path.open("rb") as f:
                head = f.read(_HEAD_BYTES).decode("utf-8", errors="replace")
        except OSError:
            continue
        if heading.search(head):
            found[_group(rel)] += 1
    return found


def _markdown_files(base: Path) -> list[Path]:
    out: list[Path] = []
    stack = [(base, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") or entry.name in _SKIP:
                continue
            if entry.is_dir(follow_symlinks=False) and depth < _MAX_DEPTH:
                stack.append((Path(entry.path), depth + 1))
            elif entry.is_file(follow_symlinks=False) and entry.name.lower().endswith(".md"):
                out.append(Path(entry.path))
    return out


def _group(rel: Path) -> str:
    """`docs/postmortems/2026/a.md` → `docs/postmortems`; else the file's own folder."""
    parts = rel.parts[:-1]
    for i, part in enumerate(parts):
        if part.lower() in _REVIEW_FOLDERS:
            return "/".join(parts[: i + 1])
    return "/".join(parts) or "."


def local_zone(environ: Mapping[str, str], localtime: Path = _LOCALTIME) -> str | None:
    """This machine's time zone as an IANA name (`Europe/Oslo`), if it can be told: `TZ`,
    then /etc/timezone, then the zone /etc/localtime links to. None when none names one."""
    names = [environ.get("TZ", "").removeprefix(":")]
    with contextlib.suppress(OSError):
        names.append(localtime.with_name("timezone").read_text(encoding="utf-8").strip())
    with contextlib.suppress(OSError):
        target = os.readlink(localtime)
        names.append(target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else "")
    for name in names:
        if _is_zone(name):
            return "UTC" if name in ("Etc/UTC", "Etc/Universal", "UTC", "Zulu") else name
    return None


def _is_zone(name: str) -> bool:
    if not name or name.startswith("/") or ".." in name:
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def starter_config(globs: list[str], zone: str = "UTC", *, found_zone: bool = True) -> str:
    paths = json.dumps(globs, ensure_ascii=False)
    said = "this machine's zone" if found_zone else "this machine's zone was not found: set yours"
    return f"""# syncd configuration, written by `syncd init`. Every key: docs/configuration.md;
# a complete commented example: config.example.yaml in syncd's repository.

# Time zone in which due dates and "overdue" are judged (an IANA name; {said}).
timezone: {zone}

records:
  # Globs of review files, relative to this file.
  paths: {paths}
  # Write overdue / needs-decision marks into the reviews' action items.
  write_back: true

# syncd's state (a cache and a journal; .syncd/ is in .gitignore).
store:
  url: sqlite:///.syncd/state.db

# What makes `syncd check` exit 1.
health:
  fail_on: [overdue, needs_decision, lint_errors]

# With a tracker, syncd files one ticket per action item (docs/trackers/github.md):
# trackers:
#   github:
#     kind: github
#     repo: acme/ops
#     token: ${{GITHUB_TOKEN}}
"""


def ignore_state(gitignore: Path) -> str:
    """Add `.syncd/` to .gitignore once (creating the file); say what was done."""
    entry = ".syncd/"
    try:
        text = gitignore.read_text(encoding="utf-8")
    except FileNotFoundError:
        gitignore.write_text(entry + "\n", encoding="utf-8")
        return f"Created {gitignore.name} with {entry} (syncd's state stays out of git)."
    lines = {line.strip() for line in text.splitlines()}
    if lines & {entry, ".syncd", "/.syncd", "/.syncd/"}:
        return f"{gitignore.name} already ignores {entry}"
    separator = "" if not text or text.endswith("\n") else "\n"
    with gitignore.open("a", encoding="utf-8") as f:
        f.write(f"{separator}{entry}\n")
    return f"Added {entry} to {gitignore.name} (syncd's state stays out of git)."
