"""syncd's tracking suffix: the one trailing part of an item line that syncd owns.

    - [ ] Alert on 5xx — owner: @priya · [acme/ops#12](https://…/12) in progress
      ⚠ overdue since 2026-06-05   (one line in the file)

Everything after the last ` · ` separator is syncd's, provided it parses completely with the
grammar below; otherwise the line has no suffix and the `·` is the user's text.
`render(parse(s)) == s` for every suffix syncd writes (tests/unit/test_suffix.py).
"""

from __future__ import annotations

import re
from datetime import date

from syncd.model import Status, Suffix

SEPARATOR = " · "

_DATE = r"\d{4}-\d{2}-\d{2}"
_GRAMMAR = re.compile(
    rf"""^
    (?:\[(?P<label>[^\]\n]+)\]\((?P<url>[^)\s]+)\))?\ ?
    (?P<status>
        open
      | ticket\ deleted
      | in\ progress
      | done(?:\ (?P<done>{_DATE}))?
      | won't\ do(?::\ (?P<reason>.+?))?(?:\ \((?P<wdate>{_DATE})\))?
    )?\ ?
    (?:⚠\ overdue\ since\ (?P<overdue>{_DATE}))?\ ?
    (?P<decision>⚠\ needs\ decision)?\ ?
    (?P<needreason>⚠\ reason\ needed)?
    $""",
    re.VERBOSE,
)

_STATUS_WORDS = {
    "open": Status.OPEN,
    "in progress": Status.IN_PROGRESS,
    "ticket deleted": None,  # the tracker says the ticket is gone; the review keeps the link
}


def split(line: str) -> tuple[str, Suffix | None]:
    """Split a line (without its line ending) into the user's text and syncd's suffix."""
    stripped = line.rstrip()
    index = stripped.rfind(SEPARATOR)
    if index < 0:
        return line, None
    suffix = parse(stripped[index + len(SEPARATOR) :])
    if suffix is None:
        return line, None
    return stripped[:index], suffix


def parse(text: str) -> Suffix | None:
    """Parse the part after the separator; None when it is not (entirely) syncd's."""
    if not text.strip():
        return None
    match = _GRAMMAR.match(text)
    if match is None:
        return None
    status_text = match["status"]
    status: Status | None = None
    status_date: date | None = None
    if status_text:
        if status_text.startswith("done"):
            status = Status.DONE
            status_date = _date(match["done"])
        elif status_text.startswith("won't do"):
            status = Status.DEPRIORITIZED
            status_date = _date(match["wdate"])
        else:
            status = _STATUS_WORDS[status_text]
    try:
        return Suffix(
            ticket_label=match["label"],
            ticket_url=match["url"],
            status=status,
            status_date=status_date,
            reason=match["reason"],
            overdue_since=_date(match["overdue"]),
            needs_decision=bool(match["decision"]),
            needs_reason=bool(match["needreason"]),
            ticket_deleted=status_text == "ticket deleted",
        )
    except ValueError:  # a date like 2026-13-40 that the grammar let through
        return None


def render(suffix: Suffix) -> str:
    """The suffix text after the separator; empty when there is nothing to say."""
    parts: list[str] = []
    if suffix.ticket_label and suffix.ticket_url:
        parts.append(f"[{suffix.ticket_label}]({suffix.ticket_url})")
    if suffix.ticket_deleted:
        parts.append("ticket deleted")
    elif suffix.status is Status.OPEN:
        parts.append("open")
    elif suffix.status is Status.IN_PROGRESS:
        parts.append("in progress")
    elif suffix.status is Status.DONE:
        parts.append(f"done {suffix.status_date}" if suffix.status_date else "done")
    elif suffix.status is Status.DEPRIORITIZED:
        words = "won't do"
        if suffix.reason:
            words += f": {_one_line(suffix.reason)}"
        if suffix.status_date:
            words += f" ({suffix.status_date})"
        parts.append(words)
    if suffix.overdue_since:
        parts.append(f"⚠ overdue since {suffix.overdue_since}")
    if suffix.needs_decision:
        parts.append("⚠ needs decision")
    if suffix.needs_reason:
        parts.append("⚠ reason needed")
    return " ".join(parts)


def _one_line(text: str) -> str:
    return " ".join(text.split()).replace(SEPARATOR.strip(), "-")


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
