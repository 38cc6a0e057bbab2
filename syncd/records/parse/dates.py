"""Due-date text → `date`: the shapes record-formats.md §4.2 found in real reviews.

Pure: no clock. A date written without a year takes it from the review date (the first such
date on or after the review date minus 60 days); without a review date it stays unparsed.
Numeric dates whose day and month could be swapped (05-12-2022) follow `date_order`
("dmy" or "mdy"); with no order they stay unparsed so lint can say so. Timeframes name their
last day: `Q3 2026` → 2026-09-30, `H1 2026` → 2026-06-30, `June 2026` and `end of June 2026`
→ 2026-06-30. A range (`Q4 2025 - Q1 2026`, `May 3-5, 2024`) is due at its end. Years outside
1970–2199 are placeholders (`8888-08-08`), not dates.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_NAMES = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?(?![a-z])"
)
_ORD = r"(?:st|nd|rd|th)?"
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"

# One alternative per shape; named groups say which matched. Order matters where two shapes
# can start at the same place: day-month before month-day, numeric before quarter.
_DATE = re.compile(
    rf"""
    (?:end\s+of\s+)?
    (?:
        (?P<iy>\d{{4}})(?P<is>[-/.])(?P<im>\d{{1,2}})(?P=is)(?P<id>\d{{1,2}})(?![\d])
      | (?P<jy>\d{{4}})年\s*(?P<jm>\d{{1,2}})月\s*(?P<jd>\d{{1,2}})日
      | (?P<na>\d{{1,2}})(?P<ns>[-/.])(?P<nb>\d{{1,2}})(?P=ns)(?P<ny>\d{{4}}|\d{{2}})(?![\d])
      | (?P<qy1>\d{{4}})\s*[-/ ]?\s*(?P<qk1>[qh])(?P<qn1>[1-4])(?![\w])
      | (?P<qk>[qh])(?P<qn>[1-4])(?:\s*[/']?\s*|\s+of\s+)(?P<qy>\d{{4}})(?![\d])
      | {_WEEKDAY}(?P<dd>\d{{1,2}}){_ORD}(?:\s*[-–]\s*(?P<dd2>\d{{1,2}}){_ORD})?\.?\s+(?:of\s+)?
            (?P<dm>{_MONTH})(?:,?\s+(?P<dy>\d{{4}})(?![\d]))?
      | {_WEEKDAY}(?P<mm>{_MONTH})\s+(?P<md>\d{{1,2}}){_ORD}(?![\d:])
            (?:\s*[-–]\s*(?P<md2>\d{{1,2}}){_ORD}(?![\d:]))?(?:,?\s+(?P<my>\d{{4}})(?![\d]))?
      | (?P<em>{_MONTH}),?\s+(?P<ey>\d{{4}})(?![\d])
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Every shape above starts with a digit, `end of`, a quarter or half (`Q3`, `H1`), a weekday
# or a month: a text starting otherwise fails without running _DATE. (Checked on ASCII only:
# IGNORECASE also folds `ſ` to s and `ı` to i.)
_MONTH_STARTS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WORD_STARTS = frozenset(("end", *_MONTH_STARTS, "mon", "tue", "wed", "thu", "fri", "sat", "sun"))
_RANGE = re.compile(r"\s*(?:[-–—]|to|until|through)\s*", re.IGNORECASE)
_LEAD = re.compile(r"\s*(?:(?:by|before|on|until)\s+)?", re.IGNORECASE)
_YEAR_MIN, _YEAR_MAX = 1970, 2199
_LOOKBACK = timedelta(days=60)

DateMatch = tuple[int, date | None, bool]
"""(end offset, the date or None when the shape is right but the value is not, year written)"""


def parse_date(text: str, review_date: date | None, date_order: str | None) -> date | None:
    """The date that `text` starts with, or None (also for ambiguous or placeholder dates)."""
    lead = _LEAD.match(text)
    found = match_date(text, lead.end() if lead else 0, review_date, date_order)
    return found[1] if found else None


def match_date(
    text: str, pos: int, review_date: date | None, date_order: str | None
) -> DateMatch | None:
    """A date shape at `pos` (a range counts to its end); None when nothing date-like is there."""
    match = _DATE.match(text, pos) if _may_start_date(text, pos) else None
    if match is None:
        return None
    value, has_year = _value(match, review_date, date_order)
    end = match.end()
    joint = _RANGE.match(text, end)
    if joint is not None:
        after = joint.end()
        second = _DATE.match(text, after) if _may_start_date(text, after) else None
        if second is not None:
            later, later_year = _value(second, review_date, date_order)
            if later is not None and (value is None or later >= value):
                return second.end(), later, later_year
    return end, value, has_year


def _may_start_date(text: str, pos: int) -> bool:
    """False when _DATE cannot match at `pos`: not a digit, and (in ASCII) the first three
    letters start no month, weekday, `end of`, quarter or half."""
    if text[pos : pos + 1].isdecimal():
        return True
    head = text[pos : pos + 3]
    if not head.isascii():
        return True
    head = head.lower()
    return head in _WORD_STARTS or (head[:1] in "qh" and head[1:2] in "1234")


def _value(
    m: re.Match[str], review_date: date | None, order: str | None
) -> tuple[date | None, bool]:
    group = m.group
    if group("iy"):
        return _make(int(group("iy")), int(group("im")), int(group("id"))), True
    if group("jy"):
        return _make(int(group("jy")), int(group("jm")), int(group("jd"))), True
    if group("na"):
        return _numeric(int(group("na")), int(group("nb")), group("ny"), order), True
    if group("qk1") or group("qk"):
        kind = (group("qk1") or group("qk")).lower()
        number = int(group("qn1") or group("qn"))
        year = int(group("qy1") or group("qy"))
        if kind == "h" and number > 2:
            return None, True
        month = number * 3 if kind == "q" else number * 6
        return _month_end(year, month), True
    if group("em"):
        return _month_end(int(group("ey")), _month(group("em"))), True
    if group("dm"):
        month, day = _month(group("dm")), int(group("dd2") or group("dd"))
        written = group("dy")
    else:
        month, day = _month(group("mm")), int(group("md2") or group("md"))
        written = group("my")
    if written:
        return _make(int(written), month, day), True
    return _infer_year(month, day, review_date), False


def _numeric(first: int, second: int, year_text: str, order: str | None) -> date | None:
    year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    if first > 12 >= second or first == second:
        day, month = first, second
    elif second > 12 >= first:
        day, month = second, first
    elif order == "dmy":
        day, month = first, second
    elif order == "mdy":
        day, month = second, first
    else:
        return None
    return _make(year, month, day)


def _infer_year(month: int, day: int, review_date: date | None) -> date | None:
    if review_date is None:
        return None
    floor = review_date - _LOOKBACK
    for year in (floor.year, floor.year + 1, floor.year + 2):
        candidate = _make(year, month, day)
        if candidate is not None and candidate >= floor:
            return candidate
    return None


def _month(name: str) -> int:
    return _MONTHS[name[:3].casefold()]  # casefold: IGNORECASE matched `ſep` as "sep" too


def _month_end(year: int, month: int) -> date | None:
    if not _YEAR_MIN <= year <= _YEAR_MAX or not 1 <= month <= 12:
        return None
    return date(year, month, calendar.monthrange(year, month)[1])


def _make(year: int, month: int, day: int) -> date | None:
    if not _YEAR_MIN <= year <= _YEAR_MAX:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


# A date inside a name: ISO, compact `20210305`, or day and month around a four-digit year
# (`06-11-2023`, `05.03.2021`: the day/month order is records.date_order when ambiguous).
_NAME_DATE = re.compile(
    r"(?<!\d)(?:(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
    r"|(?P<cy>\d{4})(?P<cm>\d{2})(?P<cd>\d{2})"
    r"|(?P<na>\d{1,2})(?P<ns>[-.])(?P<nb>\d{1,2})(?P=ns)(?P<ny>\d{4}))(?!\d)"
)
# Where a date written in words can start in a title: a digit or a month name.
_TITLE_DATE_START = re.compile(
    r"(?<![\w.])(?=\d|(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d)"
)
_NUMBER = re.compile(r"\d+")


def date_in_name(text: str, date_order: str | None) -> date | None:
    """The first date in a file name (`2021-03-05-x`, `x_20210305`, `06-11-2023 outage`)."""
    for m in _NAME_DATE.finditer(text):
        group = m.group
        if group("iy"):
            found = _make(int(group("iy")), int(group("im")), int(group("id")))
        elif group("cy"):
            found = _make(int(group("cy")), int(group("cm")), int(group("cd")))
        else:
            found = _numeric(int(group("na")), int(group("nb")), group("ny"), date_order)
        if found is not None:
            return found
    return None


def date_in_title(text: str, date_order: str | None) -> date | None:
    """The first full date in a title (`… on March 5, 2021`, `Incident on 2024-02-19 08:05`,
    `Outage 06-11-2023`): a year, a month and a day written, not a month or a quarter alone."""
    found = date_in_name(text, date_order)
    if found is not None:
        return found
    for start in _TITLE_DATE_START.finditer(text):
        at = start.start()
        m = match_date(text, at, None, date_order)
        if (
            m is not None
            and m[1] is not None
            and m[2]
            and len(_NUMBER.findall(text[at : m[0]])) >= 2
        ):
            return m[1]
    return None


# Date-like text that is no date syncd can use as a due date: a quarter or half without a year,
# a day/month after a time word, a date relative to the day it is read (record-formats.md §4.2).
_DAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_UNIT = r"(?:days?|weeks?|months?|quarters?|sprints?|releases?)"
_DATE_LIKE = re.compile(
    # The lookahead names every first letter below: the engine skips other positions fast.
    rf"""(?=[QHqhBbUuTtDdOoNnCcFfEeIiWw])(?<![\w/.-])(?:
        (?-i:[QH][1-4])(?![\w/-])
      | (?:by|before|until|till|due|on|deadline)\b[^.;,\n]{{0,20}}?
        (?<![\w/.])\d{{1,2}}/\d{{1,2}}(?![\w/])
      | (?:next|this|coming|following)\s+(?:{_UNIT}|{_DAY}|year)\b
      | next\s+(?:\d+|two|three|few)\s+{_UNIT}\b
      | end\s+of\s+(?:the\s+)?(?:day|week|month|quarter|sprint|year|{_DAY})\b
      | (?:by|before|until|on)\s+{_DAY}\b
      | tomorrow\b | (?-i:EO[DWMQY])\b
      | (?:in|within)\s+(?:\d+|a|one|two|three|a\s+few)\s+{_UNIT}\b
      | (?:by|in|before|until)\s+(?-i:{_MONTH_NAMES})\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# Where a date shape can start inside a sentence, looked for only when a cheap hint says one
# may be there (most numbers in a description — `3%`, `5 minutes`, `step 3` — are not dates):
# a number followed by a date separator, a month name or a quarter; a month or weekday name
# followed by a number. The digit comes first in the pattern, its left edge checked after.
_DIGIT = re.compile(r"\d")
_NUMERIC_HINT = re.compile(r"\d[-/.年]\d|\d\s*[QqHh][1-4]")
_NUMBER_START = re.compile(r"\d(?<![\w/.:-]\d)\d{0,3}(?=[-/.年]\d|\s*[-/ ]?\s*[QqHh][1-4])")
_QH = re.compile(r"[QH][1-4]")
_WORD_HINT = re.compile(
    r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|day|week"
    r"|next|this|coming|following|end of|quarter|sprint|release|tomorrow|year"
)
_NAME_HINT = re.compile(
    r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun"
)
# A month or weekday name: a date starts at it when a number follows (`May 28`, `Mon 3 May`),
# or at the day written before it (`18 June`, `2nd of October`).
_NAME_WORD = re.compile(
    r"(?=[JjFfMmAaSsOoNnDdTtWw])(?<![\w/.:-])(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov"
    r"|dec|mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?(?P<num>\s+\d)?"
)
_DAY_BEFORE = re.compile(r"(?<![\w/.:-])\d{1,2}(?:st|nd|rd|th)?\.?\s+(?:of\s+)?$")


def date_like(text: str, review_date: date | None, date_order: str | None) -> str | None:
    """The first date-like text in `text` (`by end of sprint 12/3`, `Q3`, `next Friday`,
    `2026-05-01`), or None. The parser asks this of an undated item's description: what is
    left there was not taken as the due date, and a mark must never rest on a guess (#12)."""
    lower = text.lower()
    named = _WORD_HINT.search(lower)  # every phrase and every written month needs one of these
    hinted = named is not None or "/" in text or "EO" in text or _QH.search(text) is not None
    m = _DATE_LIKE.search(text) if hinted else None
    end = m.end() if m is not None else len(text)  # a date may start inside the phrase
    if _DIGIT.search(text) is not None:  # every date shape has a digit
        starts: list[int] = []
        if _NUMERIC_HINT.search(text) is not None:
            starts += [at.start() for at in _NUMBER_START.finditer(text) if at.start() < end]
        if named is not None and _NAME_HINT.search(lower, 0, end) is not None:
            for found in _NAME_WORD.finditer(text):
                if found.start() >= end:
                    break
                day = _DAY_BEFORE.search(text, max(0, found.start() - 12), found.start())
                if day is not None:
                    starts.append(day.start())
                elif found["num"]:
                    starts.append(found.start())
        for at in sorted(starts):
            found_date = match_date(text, at, review_date, date_order)
            if found_date is not None:
                return " ".join(text[at : found_date[0]].split())
    return " ".join(m[0].split()) if m is not None else None


_NO_DUE = frozenset({"", "-", "--", "—", "–", "n/a", "na", "none", "?", "no"})
_CELL_MARKUP = re.compile(r"[*_`~]{1,3}")


def parse_due(
    cell: str, review_date: date | None, date_order: str | None
) -> tuple[date | None, str | None]:
    """A due cell or `due:` value → (date, text as written); the text stays when unparseable.

    An empty or `n/a` cell is no due date at all: (None, None). A cell that names a date
    among other words (`~2026-06-04 (soft)`) yields that date.
    """
    raw = " ".join(_CELL_MARKUP.sub("", cell).split())
    if raw.lower() in _NO_DUE:
        return None, None
    value = parse_date(raw, review_date, date_order)
    if value is None:
        for match in _DATE.finditer(raw):
            start = match.start()
            if start == 0 or not raw[start - 1].isalnum():
                found = match_date(raw, start, review_date, date_order)
                value = found[1] if found else None
                break
    return value, raw
