"""Column types of the state store: aware UTC datetimes on SQLite and PostgreSQL, `Status`
members, tuples of strings as JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine

from syncd.model import Status

# sqlite-format ISO text sorts like time only while every value has the same width and zone.
_SQLITE_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (fixed-width text) and PostgreSQL
    (timestamptz). SQLAlchemy's own DateTime drops the zone on SQLite."""

    impl = sa.String(32)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects import postgresql

            return dialect.type_descriptor(postgresql.TIMESTAMP(timezone=True))
        return dialect.type_descriptor(sa.String(32))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> object:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"the state store needs timezone-aware datetimes, got {value!r}")
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.strftime(_SQLITE_FORMAT)

    def process_result_value(self, value: object, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.astimezone(UTC)
        # fromisoformat reads the `…Z` form since 3.11, ~30x faster than strptime (10,000
        # ticket snapshots per pass)
        return datetime.fromisoformat(str(value)).astimezone(UTC)


_STATUS = {s.value: s for s in Status}  # Status(v) costs ~2 us in EnumMeta.__call__


class StatusType(sa.TypeDecorator[Status]):
    """`Status` members in and out, stored as their value."""

    impl = sa.String(32)
    cache_ok = True

    def process_bind_param(self, value: Status | str | None, dialect: Dialect) -> str | None:
        return None if value is None else Status(value).value

    def process_result_value(self, value: object, dialect: Dialect) -> Status | None:
        return None if value is None else _STATUS[str(value)]


class TextTuple(sa.TypeDecorator[tuple[str, ...]]):
    """A tuple of strings stored as a JSON array."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: Sequence[str] | None, dialect: Dialect) -> str | None:
        return None if value is None else json.dumps(list(value))

    def process_result_value(self, value: object, dialect: Dialect) -> tuple[str, ...] | None:
        return None if value is None else tuple(json.loads(str(value)))
