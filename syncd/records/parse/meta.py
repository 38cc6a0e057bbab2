"""What a review says about its incident: front matter, body key lines, or the file name.

Most real postmortem repositories have no front matter (record-formats.md §5.1); metadata lives
in the body as bold key lines, `Key: value` lines, key bullets under a Stats/Summary heading,
two-column metadata tables, or a heading per field (§5.2). The file name is often the only
reliable date (§5.4). The first value found for a key wins; front matter beats the body.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any

import yaml

from syncd.model import ReviewMeta
from syncd.records.parse.comments import strip_comments
from syncd.records.parse.dates import date_in_name, date_in_title, parse_date
from syncd.records.parse.headings import display
from syncd.records.parse.sections import COMMENT, TEXT, Heading, Section
from syncd.records.parse.tables import cells_of

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_KEYS: dict[str, str] = {
    "date": "date",
    "date of incident": "date",
    "incident date": "date",
    "日時": "date",
    "data": "date",
    "severity": "severity",
    "sev": "severity",
    "severity level": "severity",
    "impact level": "severity",
    "障害レベル": "severity",
    "severidade": "severity",
    "status": "status",
    "team": "team",
    "owner team": "team",
    "owning team": "team",
    "services": "services",
    "service": "services",
    "systems": "services",
    "service s affected": "services",
    "services affected": "services",
    "affected services": "services",
    "category": "themes",
    "categories": "themes",
    "tags": "themes",
    "themes": "themes",
    "title": "title",
}
_LIST_MARK = re.compile(r"^[ \t]*(?:[-*+]|\d+\.)[ \t]+")
_SEVERITY = re.compile(r"^\s*(?:sev(?:erity)?|s)\s*(?:::|[-_ ]|)\s*([0-5])\s*$", re.IGNORECASE)
_BOLD_VALUE = re.compile(r"^\*\*([^*]+)\*\*")
_KEY_NORM = re.compile(r"[^\w]+")
# A front-matter line `key: value` whose value is one plain scalar beyond doubt: it starts
# with a letter or digit (no indicator), has no `:`, `#`, quotes or brackets, ends clean.
_SIMPLE_ENTRY = re.compile(
    r"([A-Za-z][A-Za-z0-9_-]*):(?: +([A-Za-z0-9](?:[A-Za-z0-9 ._/+,-]*[A-Za-z0-9._/+-])?))? *"
)
_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_DRAFT = "draft"


@dataclass(frozen=True, slots=True)
class FrontMatter:
    end: int  # index of the first body line (0 when there is no front matter)
    data: Mapping[str, Any]
    error: tuple[int, str] | None = None  # (1-based line, message)
    items: tuple[tuple[int, Mapping[str, Any]], ...] = ()  # P16: (0-based line, mapping)


def read_front_matter(lines: Sequence[str]) -> FrontMatter:
    """`---` on the first line (trailing spaces allowed, obs 2023-02-24) to `---` or `...`."""
    if not lines or lines[0].rstrip() != "---":
        return FrontMatter(0, {})
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if close is None:
        return FrontMatter(0, {})  # a thematic break, not front matter
    simple = _simple_mapping(lines, close)
    if simple is not None:
        return FrontMatter(close + 1, simple)
    source = "\n".join(lines[1:close])
    node = None
    try:
        loader = _Loader(source)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        except (ValueError, OverflowError) as error:  # `date: 2026-13-45` is YAML, not a date
            line = _unbuildable_line(node)
            return FrontMatter(close + 1, {}, (line, f"front matter has a bad value: {error}"))
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 2 if mark is not None else 1
        reason = error.problem or "invalid YAML"
        return FrontMatter(close + 1, {}, (line, f"front matter is not valid YAML: {reason}"))
    except yaml.YAMLError as error:
        return FrontMatter(close + 1, {}, (1, f"front matter is not valid YAML: {error}"))
    if data is None:
        return FrontMatter(close + 1, {})
    if not isinstance(data, dict):
        return FrontMatter(close + 1, {}, (1, "front matter is not a mapping of keys to values"))
    return FrontMatter(close + 1, data, None, _item_entries(node, data))


def _simple_mapping(lines: Sequence[str], close: int) -> dict[Any, Any] | None:
    """Front matter made only of `key: plain value` lines, read without the YAML parser.

    The typical front matter (`title: …`, `date: 2026-06-01`, `severity: SEV-2`) is read
    for every review on a cold pass. When every line is such an entry (or blank), each key
    and value is typed by YAML's own resolver and constructor, so the result is the one
    `yaml.safe_load` gives; anything else (quotes, lists, comments, colons or `#` in a value,
    indentation, non-ASCII) returns None and goes through the YAML parser.
    """
    data: dict[Any, Any] = {}
    for i in range(1, close):
        line = lines[i]
        if not line:
            continue
        m = _SIMPLE_ENTRY.fullmatch(line)
        if m is None:
            return None
        try:
            data[_plain_scalar(m[1])] = _plain_scalar(m[2] or "")
        except (ValueError, OverflowError):
            return None  # `date: 2026-13-45`: the YAML path reports it
    return data or None


@functools.lru_cache(maxsize=1024)  # keys and many values repeat; every result is immutable
def _plain_scalar(text: str) -> Any:
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, text))


def _unbuildable_line(node: Any) -> int:
    """1-based file line of the first scalar whose value cannot be built, else 1."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.ScalarNode):
            build = _CONSTRUCTOR.yaml_constructors.get(current.tag)
            try:
                if build is not None:
                    build(_CONSTRUCTOR, current)
            except (ValueError, OverflowError):
                return int(current.start_mark.line) + 2
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(reversed(current.value))
        elif isinstance(current, yaml.MappingNode):
            stack.extend(n for pair in reversed(current.value) for n in reversed(pair))
    return 1


def _item_entries(node: Any, data: Mapping[str, Any]) -> tuple[tuple[int, Mapping[str, Any]], ...]:
    values = data.get("action_items")
    if not isinstance(values, list) or not isinstance(node, yaml.MappingNode):
        return ()
    for key, value in node.value:
        if key.value == "action_items" and isinstance(value, yaml.SequenceNode):
            return tuple(
                (sub.start_mark.line + 1, entry)
                for sub, entry in zip(value.value, values, strict=False)
                if isinstance(entry, dict)
            )
    return ()


def build_meta(
    path: str,
    *,
    lines: Sequence[str],
    kinds: bytearray,
    headings: Sequence[Heading],
    front: FrontMatter,
    date_order: str | None,
    sections: Sequence[Section] = (),
) -> ReviewMeta:
    found: dict[str, Any] = {}
    for key, value in front.data.items():
        name = _KEYS.get(_key(str(key)))
        if name is not None and value is not None and name not in found:
            found[name] = value
    for key in ("id", "tracker", "syncd"):
        if key in front.data:
            found[key] = front.data[key]
    for name in ("services_affected", "owner_team", "keywords"):
        target = {"services_affected": "services", "owner_team": "team", "keywords": "themes"}
        if name in front.data and target[name] not in found:
            found[target[name]] = front.data[name]
    skip = bytearray(kinds)  # lines inside action-item sections say nothing about the review
    for sec in sections:
        skip[sec.start : sec.end] = bytes([COMMENT]) * (sec.end - sec.start)
    body = _body_values(lines, skip, headings, front.end)
    for key, value in body.items():
        found.setdefault(key, value)
    stem = file_stem(path)
    title = _title(found.get("title")) or _first_h1(headings)
    when = _date(found.get("date"), date_order)
    if when is None and title:
        when = date_in_title(title, date_order)
    if when is None:
        when = file_date(stem, date_order)
    status = _text(found.get("status"))
    sync = found.get("syncd") is not False and (status or "").strip().casefold() != _DRAFT
    return ReviewMeta(
        id=_text(found.get("id")) or stem,
        title=title,
        date=when,
        severity=normalize_severity(found.get("severity")),
        status=status,
        services=_many(found.get("services")),
        team=_text(found.get("team")),
        themes=_many(found.get("themes")),
        tracker=_text(found.get("tracker")),
        sync=sync,
    )


def normalize_severity(value: Any) -> str | None:
    """`SEV1`, `Sev-1`, `sev 1`, `S1`, `severity::1`, `1` → `SEV-1`; anything else as written."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    if not text:
        return None
    if isinstance(value, int) or text.isdigit():
        return f"SEV-{int(text)}" if 0 <= int(text) <= 5 else text
    m = _SEVERITY.match(text)
    return f"SEV-{m[1]}" if m else text


def file_stem(path: str) -> str:
    """`PurePosixPath(path).stem`, without building a path object for the common case."""
    name = path.rpartition("/")[2]
    if not name or name in (".", "..") or "//" in path or "/./" in path:
        return PurePosixPath(path).stem
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def file_date(stem: str, date_order: str | None = None) -> date | None:
    """`2024-03-06-x`, `2018-03-6-x` (unpadded), `20240306_x`, `x_20240306`, `06-11-2023 x`,
    `05.03.2021-x` (day and month swapped only by `date_order` when both could be either)."""
    return date_in_name(stem, date_order)


def _body_values(
    lines: Sequence[str], kinds: bytearray, headings: Sequence[Heading], start: int
) -> dict[str, str]:
    found: dict[str, str] = {}
    for heading in headings:  # `## Date` → the next line holds the value
        name = _heading_key(heading.text)
        if name is None or name == "title" or name in found:
            continue
        nxt = heading.line + (2 if heading.setext else 1)
        while nxt < len(lines) and kinds[nxt] != TEXT:
            nxt += 1
        if nxt < len(lines) and not lines[nxt].lstrip().startswith("#"):
            value = lines[nxt].strip()
            bold = _BOLD_VALUE.match(value)
            found[name] = bold[1] if bold else value
    for i in range(start, len(lines)):
        if kinds[i] != TEXT:
            continue
        line = lines[i]
        if "|" in line and line.lstrip().startswith("|"):
            cells = cells_of(line)
            if len(cells) == 2:
                name = _KEYS.get(_key(cells[0]))
                if name is not None and name != "title" and cells[1]:
                    found.setdefault(name, cells[1])
            continue
        colon = line.find(":", 0, 48)
        if colon < 0:
            continue
        head = line[:colon]
        if head.isascii() and head.lower() == head.upper():
            continue  # no letter, no key: a timeline line (`- 10:05 …`) or a time
        name = _KEYS.get(_key(_LIST_MARK.sub("", head)))
        value = line[colon + 1 :].strip().strip("*_").strip()
        if name is not None and name != "title" and value:
            found.setdefault(name, value)
    return found


@functools.lru_cache(maxsize=1024)  # headings repeat across reviews ("Summary", "Timeline")
def _heading_key(text: str) -> str | None:
    return _KEYS.get(_key(display(text)))


def _key(text: str) -> str:
    return " ".join(_KEY_NORM.sub(" ", text.replace("*", "").casefold()).split())


def _first_h1(headings: Sequence[Heading]) -> str | None:
    heading = next((h for h in headings if h.level == 1), None)
    return _title(display(heading.text)) if heading else None


def _title(value: Any) -> str | None:
    """A title as text, HTML comments removed: a title is shown in reports and tickets, and
    `<!-- syncd:item=… -->` in it could read as one of syncd's markers (issue #9)."""
    text = _text(value)
    if text is None or "<!--" not in text:
        return text
    return " ".join(strip_comments(text, unclosed=True).split()) or None


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (list, dict)):
        return None
    text = str(value).strip()
    return text or None


def _many(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(t for t in (_text(v) for v in value) if t)
    text = _text(value)
    if not text:
        return ()
    parts = (p.strip().strip("`").strip() for p in re.split(r"[,;]", text))
    return tuple(p for p in parts if p)


def _date(value: Any, date_order: str | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    return parse_date(text, None, date_order) or date_in_title(text, date_order)
