"""The one rule that assigns a practice to a day.

A practice belongs to the local calendar date of the moment it started, shifted back by the
day-start hour: with the default 4, a practice at 01:30 counts for the evening before.

A session stores the UTC instant it started plus the UTC offset (and zone name) in force at
that moment. The day is computed from those two, never from the zone of the reader, so a
practice keeps the day on which it was done when the person travels, and a DST change can
neither move nor duplicate it. Nothing here adds 24 hours to an aware datetime: days are
calendar dates stepped as dates.

The store writes the computed day into each row (for people reading the file and for fast
grouping) together with the day-start hour it used. Whenever the setting differs from that
hour, readers recompute the day with :func:`practice_day_from_ms`; there is no other rule.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path

_MS_PER_HOUR = 3_600_000
_MS_PER_DAY = 86_400_000
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def practice_day_from_ms(started_ms: int, utc_offset_seconds: int, day_start_hour: int) -> date:
    """The practice day of a session that started ``started_ms`` after the Unix epoch (UTC)."""
    local_ms = started_ms + utc_offset_seconds * 1000 - day_start_hour * _MS_PER_HOUR
    return date.fromordinal(_EPOCH_ORDINAL + local_ms // _MS_PER_DAY)


def practice_day(started_at_utc: datetime, utc_offset_seconds: int, day_start_hour: int) -> date:
    """The practice day of a session that started at ``started_at_utc`` (an aware datetime)."""
    return practice_day_from_ms(to_ms(started_at_utc), utc_offset_seconds, day_start_hour)


def today(day_start_hour: int, now: datetime | None = None, zone: tzinfo | None = None) -> date:
    """The practice day it is now (in ``zone``, the system's zone by default)."""
    instant = now if now is not None else datetime.now(UTC)
    offset, _ = local_offset(instant, zone)
    return practice_day(instant, offset, day_start_hour)


def local_offset(instant: datetime, zone: tzinfo | None = None) -> tuple[int, str]:
    """UTC offset in seconds and zone name at ``instant`` (the system's zone by default)."""
    local = instant.astimezone(zone)
    offset = local.utcoffset() or timedelta(0)
    name = getattr(zone, "key", None) if zone is not None else _system_zone_name()
    return int(offset.total_seconds()), name or local.tzname() or ""


def week_start(day: date) -> date:
    """The Monday of the week that contains ``day``."""
    return day - timedelta(days=day.weekday())


def to_ms(instant: datetime) -> int:
    """Milliseconds since the Unix epoch; exact (integer arithmetic, no float rounding)."""
    if instant.tzinfo is None:
        raise ValueError("expected an aware datetime (with a time zone)")
    return (instant - _EPOCH) // timedelta(milliseconds=1)


def from_ms(ms: int) -> datetime:
    """The aware UTC datetime ``ms`` milliseconds after the Unix epoch."""
    return _EPOCH + timedelta(milliseconds=ms)


def _system_zone_name() -> str | None:
    """The IANA name of the system zone when it can be known (TZ, or /etc/localtime's target)."""
    marker = "zoneinfo/"
    name = os.environ.get("TZ", "").lstrip(":")
    if not name:
        try:
            name = str(Path("/etc/localtime").resolve())
        except OSError:
            return None
    if marker in name:
        return name.split(marker, 1)[1]
    return None if name.startswith("/") else name


def when_words(then: date, today_: date) -> str:
    """When something was given, as a follow-up says it: "today", "yesterday", "3 days ago",
    or the date ("on 2 November") once it is two weeks or more ago."""
    days = (today_ - then).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    return f"on {then.day} {then:%B}" + ("" if then.year == today_.year else f" {then.year}")
