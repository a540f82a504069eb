"""Streaks, gentle mode and the other statistics, checked against a day-by-day reference."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from safeplace.history.days import local_offset
from safeplace.history.outcomes import outcome_words
from safeplace.history.records import OUTCOMES, Outcome, SessionRecord
from safeplace.history.stats import (
    Stats,
    compute_stats,
    stats_from_store,
    status_line,
    streaks,
)
from safeplace.history.store import HistoryStore

ZONES = ["UTC", "Europe/London", "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe"]
MONDAY = date(2026, 3, 2)


def reference_streaks(practised: set[date], today: date, rest_days: int) -> tuple[int, int]:
    """The rule as written, by brute force over every run.

    A run goes from a practised day to a later practised day, or to today; each Monday-to-
    Sunday week may hold ``rest_days`` missed days inside it (today is never missed). A streak
    counts the practised days of a run; the current one is the longest run reaching today.
    """
    current = longest = 0
    for first in sorted(day for day in practised if day <= today):
        missed: dict[date, int] = {}
        count, day = 0, first
        while day <= today:
            if day in practised:
                count += 1
                longest = max(longest, count)
            elif day != today:
                monday = day - timedelta(days=day.weekday())
                missed[monday] = missed.get(monday, 0) + 1
                if missed[monday] > rest_days:
                    break
            day += timedelta(days=1)
        else:
            current = max(current, count)
    return current, longest


def reference_day(instant: datetime, zone: str, day_start_hour: int) -> date:
    wall = instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    return (wall - timedelta(hours=day_start_hour)).date()


def session(
    start: datetime,
    *,
    zone: str = "UTC",
    seconds: float = 300.0,
    outcome: Outcome = "completed",
    exercise: str = "box",
    title: str | None = None,
    before: int | None = None,
    after: int | None = None,
    day_start_hour: int = 4,
    number: int = 0,
) -> SessionRecord:
    offset, name = local_offset(start, ZoneInfo(zone))
    return SessionRecord(
        id=f"{number}-{exercise}-{start.isoformat()}-{zone}",
        exercise_id=exercise,
        title=title or exercise.title(),
        content_hash="h",
        started_at=start.astimezone(UTC),
        utc_offset_seconds=offset,
        tz_name=name,
        day_start_hour=day_start_hour,
        ended_at=start + timedelta(seconds=seconds),
        planned_seconds=seconds,
        practised_seconds=seconds,
        outcome=outcome,
        steps_reached=3,
        rating_before=before,
        rating_after=after,
        updated_at=start + timedelta(seconds=seconds),
    )


def noon(day: date, zone: str = "UTC") -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo(zone))


def stats_for(records: list[SessionRecord], today: date, rest_days: int = 1) -> Stats:
    return compute_stats(records, today=today, day_start_hour=4, rest_days_per_week=rest_days)


def on(*offsets: int) -> list[date]:
    return [MONDAY + timedelta(days=n) for n in offsets]


# --- the streak rule ---------------------------------------------------------------------


@given(
    st.sets(st.integers(min_value=0, max_value=90), max_size=60),
    st.integers(min_value=0, max_value=100),
    st.integers(min_value=0, max_value=6),
    st.integers(min_value=0, max_value=6),
)
def test_streaks_match_the_reference(
    offsets: set[int], today_offset: int, shift: int, rest_days: int
) -> None:
    base = MONDAY + timedelta(days=shift)
    practised = {base + timedelta(days=n) for n in offsets}
    today = base + timedelta(days=today_offset)
    assert streaks(sorted(practised), today, rest_days) == reference_streaks(
        practised, today, rest_days
    )


@given(
    st.sets(st.integers(min_value=0, max_value=27), max_size=20),
    st.integers(min_value=0, max_value=30),
    st.integers(min_value=0, max_value=30),
    st.integers(min_value=0, max_value=6),
    st.integers(min_value=0, max_value=2),
)
@example(offsets={2, 4}, extra=0, today_offset=4, shift=0, rest_days=1)  # Mon before Wed, Fri
def test_adding_a_practice_day_never_lowers_a_streak(
    offsets: set[int], extra: int, today_offset: int, shift: int, rest_days: int
) -> None:
    base = MONDAY + timedelta(days=shift)
    practised = {base + timedelta(days=n) for n in offsets}
    today = base + timedelta(days=today_offset)
    current, longest = streaks(sorted(practised), today, rest_days)
    more = streaks(sorted(practised | {base + timedelta(days=extra)}), today, rest_days)
    assert more[0] >= current and more[1] >= longest
    assert current <= longest


# Days are offsets from a Monday: 0 Mon, 1 Tue, ... 6 Sun, 7 the next Mon.
STREAK_CASES = [
    # (practised, today, rest days a week, (current, longest), why)
    ((0, 3, 5), 5, 1, (2, 2), "the issue: Tue-Wed break the run, so Fri may rest"),
    ((3, 5), 5, 1, (2, 2), "the issue without Monday"),
    ((0, 2, 4), 4, 1, (2, 2), "Tue rests only a run that started Mon, not the one ending Fri"),
    ((0, 2, 4), 4, 2, (3, 3), "two rest days: Tue and Thu"),
    ((0, 2), 2, 1, (2, 2), "a rest day bridges but does not add"),
    ((0, 2), 2, 0, (1, 1), "no rest days: classic streak"),
    ((0, 1, 2), 2, 0, (3, 3), "classic, done today"),
    ((0, 1, 3), 3, 0, (1, 2), "classic, broken on Wed"),
    ((0, 1, 2), 3, 0, (3, 3), "today not practised yet is never a break"),
    ((0, 1, 2), 4, 0, (0, 3), "yesterday missed without rest days ends it"),
    ((0, 1), 3, 1, (2, 2), "yesterday missed, a rest day left"),
    ((0, 1), 4, 1, (0, 2), "two days missed in one week"),
    ((0, 2), 4, 1, (1, 2), "yesterday's miss needs the rest day Tue used: the run from Wed"),
    ((5, 8), 8, 1, (2, 2), "Sun and Mon missed: two weeks, one rest day each"),
    ((5, 9), 9, 1, (1, 1), "Mon and Tue missed in one week"),
    ((6, 7), 7, 0, (2, 2), "Sun to Mon across the week boundary"),
    ((0, 13), 13, 6, (2, 2), "12 days missed over two weeks, 6 in each"),
    ((0, 13), 13, 5, (1, 1), "6 missed in a week with 5 rest days"),
    ((0, 21), 21, 6, (1, 1), "a whole week missed always breaks"),
    ((0, 1), 1, 6, (2, 2), "six rest days"),
    (tuple(n for n in range(21) if n % 7 != 2), 20, 1, (18, 18), "every Wed off, 3 weeks"),
    ((0, 9), 1, 1, (1, 1), "a day after today is ignored"),
    ((), 3, 1, (0, 0), "no practice"),
]


@pytest.mark.parametrize(
    ("offsets", "today", "rest_days", "expected"),
    [case[:4] for case in STREAK_CASES],
    ids=[case[4] for case in STREAK_CASES],
)
def test_streak_cases(
    offsets: tuple[int, ...], today: int, rest_days: int, expected: tuple[int, int]
) -> None:
    practised = on(*offsets)
    assert streaks(practised, on(today)[0], rest_days) == expected
    assert reference_streaks(set(practised), on(today)[0], rest_days) == expected


@pytest.mark.parametrize(
    ("hour", "expected"),
    [(4, (3, 3, True)), (0, (1, 1, True))],
    ids=["01:30 counts for the evening before", "midnight day start"],
)
def test_streaks_follow_the_day_start_hour(hour: int, expected: tuple[int, int, bool]) -> None:
    # Mon noon, then 01:30 on Wed and Thu: with a 04:00 day start they are Tue and Wed.
    records = [
        session(noon(MONDAY)),
        session(datetime(2026, 3, 4, 1, 30, tzinfo=UTC)),
        session(datetime(2026, 3, 5, 1, 30, tzinfo=UTC)),
    ]
    stats = compute_stats(records, today=on(2)[0], day_start_hour=hour, rest_days_per_week=0)
    assert (stats.current_streak, stats.longest_streak, stats.done_today) == expected


def test_rest_days_per_week_is_bounded() -> None:
    with pytest.raises(ValueError, match="between 0 and 6"):
        streaks([], MONDAY, 7)


# --- statistics from sessions ------------------------------------------------------------

PRACTICE_OUTCOMES: list[Outcome] = ["completed", "ended-early", "interrupted", "open"]
practice = st.tuples(
    st.integers(min_value=0, max_value=60 * 24 * 40),  # minutes after the first Monday
    st.sampled_from(ZONES),
    st.sampled_from(PRACTICE_OUTCOMES),
    st.sampled_from([30.0, 59.0, 60.0, 300.0, 1200.0]),
    st.sampled_from(["box", "calm-place", "scan"]),
    st.none() | st.integers(min_value=0, max_value=10),
    st.none() | st.integers(min_value=0, max_value=10),
)


Practice = tuple[int, str, Outcome, float, str, int | None, int | None]


def build(items: list[Practice]) -> list[SessionRecord]:
    start = datetime(2026, 3, 2, tzinfo=UTC)
    return [
        session(
            start + timedelta(minutes=minutes),
            number=number,
            zone=zone,
            outcome=outcome,
            seconds=seconds,
            exercise=exercise,
            before=before,
            after=after,
        )
        for number, (minutes, zone, outcome, seconds, exercise, before, after) in enumerate(items)
    ]


@given(
    st.lists(practice, max_size=40),
    st.integers(min_value=0, max_value=45),
    st.integers(min_value=0, max_value=12),
    st.integers(min_value=0, max_value=3),
)
def test_stats_match_the_reference_across_zones_and_day_starts(
    items: list[Practice],
    today_offset: int,
    hour: int,
    rest_days: int,
) -> None:
    records = build(items)
    today = MONDAY + timedelta(days=today_offset)
    stats = compute_stats(records, today=today, day_start_hour=hour, rest_days_per_week=rest_days)

    counted = [
        (reference_day(r.started_at, r.tz_name, hour), r)
        for r in records
        if r.outcome == "completed" or (r.outcome == "ended-early" and r.practised_seconds >= 60)
    ]
    counted = [(day, r) for day, r in counted if day <= today]
    practised = {day for day, _ in counted}
    assert (stats.current_streak, stats.longest_streak) == reference_streaks(
        practised, today, rest_days
    )
    assert stats.done_today == (today in practised)
    assert stats.total_sessions == len(counted)
    assert stats.total_minutes == pytest.approx(sum(r.practised_seconds for _, r in counted) / 60)
    assert stats.days_practised == len(practised)
    assert stats.days_practised_last_30 == len({d for d in practised if (today - d).days < 30})
    assert sum(minutes for _, minutes in stats.heatmap) == pytest.approx(
        sum(r.practised_seconds / 60 for d, r in counted if d >= stats.heatmap[0][0])
    )
    assert sum(row.count for row in stats.per_exercise) == len(counted)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(practice, max_size=30),
    st.lists(st.sampled_from([4, 0, 7]), min_size=30, max_size=30),
    st.integers(min_value=0, max_value=45),
    st.integers(min_value=0, max_value=12),
)
def test_stats_from_the_store_equal_stats_from_records(
    items: list[Practice],
    recorded_hours: list[int],
    today_offset: int,
    hour: int,
) -> None:
    # Rows recorded under other day-start hours are re-assigned with the current one.
    records = [
        replace(r, day_start_hour=h) for r, h in zip(build(items), recorded_hours, strict=False)
    ]
    today = MONDAY + timedelta(days=today_offset)
    with tempfile.TemporaryDirectory() as folder:
        store = HistoryStore.open(Path(folder) / "history.db")
        store.merge((r, []) for r in records)
        from_store = stats_from_store(store, today=today, day_start_hour=hour, rest_days_per_week=1)
        store.close()
    expected = compute_stats(records, today=today, day_start_hour=hour, rest_days_per_week=1)
    assert comparable(from_store) == comparable(expected)


def comparable(stats: Stats) -> tuple[object, ...]:
    """Stats with floats rounded (SQLite and Python add in different orders)."""
    exercises = sorted(
        (row.exercise_id, row.title, row.count, round(row.minutes, 6), row.rated_pairs, change)
        for row in stats.per_exercise
        for change in [None if row.average_change is None else round(row.average_change, 6)]
    )
    heatmap = [(day, round(minutes, 6)) for day, minutes in stats.heatmap]
    weekly = [(day, round(minutes, 6)) for day, minutes in stats.weekly_minutes]
    counts = (stats.current_streak, stats.longest_streak, stats.total_sessions, stats.done_today)
    return counts, round(stats.total_minutes, 6), heatmap, weekly, exercises


def test_travel_east_overnight_makes_two_days() -> None:
    # 23:00 in New York, then 05:00 in London an hour later: two practice days, streak 2.
    new_york = datetime(2026, 3, 1, 23, 0, tzinfo=ZoneInfo("America/New_York"))
    london = datetime(2026, 3, 2, 5, 0, tzinfo=ZoneInfo("Europe/London"))
    records = [
        session(new_york, zone="America/New_York"),
        session(london, zone="Europe/London"),
    ]
    stats = stats_for(records, date(2026, 3, 2), rest_days=0)
    assert (stats.current_streak, stats.done_today) == (2, True)


def test_what_counts_as_practice() -> None:
    day = noon(MONDAY)
    records = [
        session(day, outcome="ended-early", seconds=59),
        session(day + timedelta(hours=1), outcome="interrupted", seconds=900),
        session(day + timedelta(hours=2), outcome="open", seconds=900),
    ]
    assert stats_for(records, MONDAY).total_sessions == 0
    records.append(session(day + timedelta(hours=3), outcome="ended-early", seconds=60))
    assert stats_for(records, MONDAY).total_sessions == 1


def test_several_sessions_a_day_count_once_for_streaks_and_fully_for_totals() -> None:
    records = [session(noon(MONDAY) + timedelta(minutes=n * 20)) for n in range(3)]
    stats = stats_for(records, MONDAY)
    assert (stats.current_streak, stats.total_sessions, stats.total_minutes) == (1, 3, 15.0)


def test_future_days_are_ignored() -> None:
    stats = stats_for([session(noon(MONDAY + timedelta(days=1)))], MONDAY)
    assert (stats.total_sessions, stats.current_streak, stats.done_today) == (0, 0, False)


def test_a_midnight_practice_counts_for_the_evening_before() -> None:
    records = [session(noon(MONDAY)), session(datetime(2026, 3, 4, 1, 30, tzinfo=UTC))]
    stats = stats_for(records, date(2026, 3, 3), rest_days=0)
    assert (stats.current_streak, stats.done_today) == (2, True)


def test_heatmap_covers_53_weeks_from_a_monday_to_today() -> None:
    today = date(2027, 1, 1)  # a Friday, so the year boundary is inside the last week
    stats = stats_for([session(noon(date(2026, 12, 31)), seconds=600)], today)
    first, last = stats.heatmap[0][0], stats.heatmap[-1][0]
    assert first.weekday() == 0 and last == today
    assert (today - first).days == 52 * 7 + today.weekday()
    assert dict(stats.heatmap)[date(2026, 12, 31)] == 10.0


def test_weekly_minutes_are_twelve_weeks_ending_this_week() -> None:
    records = [session(noon(MONDAY), seconds=600), session(noon(MONDAY - timedelta(days=1)))]
    stats = stats_for(records, MONDAY + timedelta(days=3))
    weeks = stats.weekly_minutes
    assert len(weeks) == 12 and all(monday.weekday() == 0 for monday, _ in weeks)
    assert weeks[-1] == (MONDAY, 10.0)
    assert weeks[-2] == (MONDAY - timedelta(days=7), 5.0)


def test_what_helps_most_comes_first_and_unrated_last() -> None:
    day = noon(MONDAY)
    records = [
        session(day, exercise="box", before=6, after=5),
        session(day, exercise="scan", before=7, after=3),
        session(day, exercise="scan", before=5, after=5),
        session(day, exercise="walk"),
        session(day + timedelta(hours=1), exercise="box", title="Box breathing (new)"),
    ]
    rows = stats_for(records, MONDAY).per_exercise
    assert [row.exercise_id for row in rows] == ["scan", "box", "walk"]
    assert (rows[0].average_change, rows[0].rated_pairs, rows[0].count) == (-2.0, 2, 2)
    assert rows[1].title == "Box breathing (new)"
    assert rows[2].average_change is None


def test_each_outcome_has_its_own_words() -> None:
    words = [outcome_words(outcome) for outcome in OUTCOMES]
    assert len(set(words)) == len(OUTCOMES) and not any("-" in word for word in words)


def test_status_line() -> None:
    records = [session(noon(MONDAY + timedelta(days=n))) for n in range(3)]
    done = stats_for(records, MONDAY + timedelta(days=2))
    waiting = stats_for(records, MONDAY + timedelta(days=3))
    lapsed = stats_for(records, MONDAY + timedelta(days=20))
    assert status_line(done, True) == "streak 3, today done"
    assert status_line(waiting, True) == "streak 3, not yet today"
    assert status_line(done, False) == "today done"
    assert status_line(waiting, False) == "3 of the last 30 days"
    assert status_line(lapsed, True) == "3 of the last 30 days"
    assert status_line(stats_for([], MONDAY), True) == "ready when you are"
