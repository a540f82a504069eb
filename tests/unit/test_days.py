"""Day assignment: one rule, checked against zoneinfo across zones, DST days and day-start hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeplace.history.days import (
    from_ms,
    local_offset,
    practice_day,
    practice_day_from_ms,
    to_ms,
    today,
    week_start,
)

# Zones with DST, half- and quarter-hour offsets, a 30-minute DST shift and the date line.
ZONES = [
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "America/St_Johns",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Singapore",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
]
instants = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2045, 12, 31), timezones=st.just(UTC)
)


def reference_day(instant: datetime, zone: str, day_start_hour: int) -> date:
    """Wall-clock time where it happened, minus the day-start hour, as a calendar date."""
    wall = instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    return (wall - timedelta(hours=day_start_hour)).date()


def day_in(zone: str, wall: datetime, day_start_hour: int = 4, fold: int = 0) -> date:
    local = wall.replace(tzinfo=ZoneInfo(zone), fold=fold)
    offset, _ = local_offset(local, ZoneInfo(zone))
    return practice_day(local.astimezone(UTC), offset, day_start_hour)


@given(instants, st.sampled_from(ZONES), st.integers(min_value=0, max_value=12))
def test_practice_day_matches_zoneinfo_reference(instant: datetime, zone: str, hour: int) -> None:
    offset, name = local_offset(instant, ZoneInfo(zone))
    assert name == zone
    assert practice_day(instant, offset, hour) == reference_day(instant, zone, hour)


@given(instants)
def test_milliseconds_round_trip_exactly(instant: datetime) -> None:
    instant = instant.replace(microsecond=instant.microsecond // 1000 * 1000)
    assert from_ms(to_ms(instant)) == instant


def test_day_start_boundary_is_exact() -> None:
    assert day_in("Europe/Berlin", datetime(2026, 3, 2, 3, 59, 59)) == date(2026, 3, 1)
    assert day_in("Europe/Berlin", datetime(2026, 3, 2, 4, 0, 0)) == date(2026, 3, 2)
    assert day_in("Europe/Berlin", datetime(2026, 3, 2, 0, 30), day_start_hour=0) == date(
        2026, 3, 2
    )


def test_negative_day_start_puts_a_late_evening_on_the_next_day() -> None:
    assert day_in("UTC", datetime(2026, 3, 1, 23, 0), day_start_hour=-2) == date(2026, 3, 2)
    assert day_in("UTC", datetime(2026, 3, 1, 21, 59), day_start_hour=-2) == date(2026, 3, 1)


def test_the_stored_time_is_not_shifted() -> None:
    start = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
    assert practice_day(start, 0, 4) == date(2026, 3, 1)
    assert start == datetime(2026, 3, 2, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("wall", "fold", "expected"),
    [
        # New York springs forward at 02:00 on 8 March 2026 (a 23-hour day).
        (datetime(2026, 3, 8, 1, 59), 0, date(2026, 3, 7)),
        (datetime(2026, 3, 8, 3, 0), 0, date(2026, 3, 7)),
        (datetime(2026, 3, 8, 4, 0), 0, date(2026, 3, 8)),
        # ...and falls back on 1 November 2026: 01:30 happens twice (a 25-hour day).
        (datetime(2026, 11, 1, 1, 30), 0, date(2026, 10, 31)),
        (datetime(2026, 11, 1, 1, 30), 1, date(2026, 10, 31)),
        (datetime(2026, 11, 1, 4, 0), 0, date(2026, 11, 1)),
    ],
)
def test_dst_days(wall: datetime, fold: int, expected: date) -> None:
    assert day_in("America/New_York", wall, fold=fold) == expected


def test_a_practice_across_midnight_counts_for_the_day_it_started() -> None:
    assert day_in("Europe/London", datetime(2026, 3, 1, 23, 45), day_start_hour=0) == date(
        2026, 3, 1
    )


def test_travel_keeps_the_day_where_it_was_practised() -> None:
    # 23:00 in New York on 1 March is 04:00 on 2 March in London: same instant, two days.
    instant = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
    new_york, _ = local_offset(instant, ZoneInfo("America/New_York"))
    london, _ = local_offset(instant, ZoneInfo("Europe/London"))
    assert practice_day(instant, new_york, 0) == date(2026, 3, 1)
    assert practice_day(instant, london, 0) == date(2026, 3, 2)


def test_one_instant_is_a_different_day_in_singapore_and_los_angeles() -> None:
    instant = datetime(2019, 4, 12, 7, 0, tzinfo=UTC)  # 15:00 in Singapore, 00:00 in LA
    for zone, expected in (("Asia/Singapore", 12), ("America/Los_Angeles", 11)):
        offset, _ = local_offset(instant, ZoneInfo(zone))
        assert practice_day(instant, offset, 4) == date(2019, 4, expected)


@pytest.mark.parametrize(
    ("wall", "expected"),
    [
        (datetime(2028, 2, 29, 12, 0), date(2028, 2, 29)),
        (datetime(2028, 3, 1, 2, 0), date(2028, 2, 29)),
        (datetime(2027, 1, 1, 3, 0), date(2026, 12, 31)),
        (datetime(2027, 1, 1, 4, 0), date(2027, 1, 1)),
    ],
)
def test_leap_day_and_new_year(wall: datetime, expected: date) -> None:
    assert day_in("Europe/Berlin", wall) == expected


def test_today_follows_the_day_start_hour() -> None:
    zone = ZoneInfo("Europe/Berlin")
    night = datetime(2026, 3, 2, 2, 0, tzinfo=zone)
    assert today(4, night, zone) == date(2026, 3, 1)
    assert today(0, night, zone) == date(2026, 3, 2)
    assert today(4, night + timedelta(hours=2), zone) == date(2026, 3, 2)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        to_ms(datetime(2026, 3, 1))


def test_practice_day_from_ms_is_the_same_rule() -> None:
    instant = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert practice_day_from_ms(to_ms(instant), 3600, 4) == practice_day(instant, 3600, 4)


@given(st.dates())
def test_week_start_is_the_monday_on_or_before(day: date) -> None:
    monday = week_start(day)
    assert monday.weekday() == 0
    assert 0 <= (day - monday).days < 7


def test_system_zone_is_recorded_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Kathmandu")
    import time

    time.tzset()
    try:
        offset, name = local_offset(datetime(2026, 3, 1, tzinfo=UTC))
        assert (offset, name) == (5 * 3600 + 45 * 60, "Asia/Kathmandu")
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
