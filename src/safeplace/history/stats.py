"""Streaks, the practice calendar, minutes per week and which exercises help.

What the numbers count, in every view (the History screen, `safeplace stats` and `status`):
practice, that is a completed session or one ended early after at least a minute, played at
its written pace or slower (:func:`records.counts_as_practice`), on a day up to today. Days
after ``today`` are left out (a clock that was wrong, or a practice recorded further east that
has not begun here yet). Anything else (an early end under a minute, an interrupted session,
one in progress, a later day) is still listed, by the History screen and `safeplace history`,
and marked as not counted; a session played faster than written (``--speed`` above 1) is
marked as a preview (:func:`how_it_ended`). Several sessions on one day count once for streaks
and fully for sessions and minutes.

Streaks and rest days ("gentle mode"): a streak is a run of days from one practice to a later
one, or to today; it counts the practised days in it (rest days bridge, they do not add).
Each calendar week, Monday to Sunday, lends the run ``rest_days_per_week`` rest days: a missed
day inside the run uses one of its week's. A rest day is spent only on a gap it bridges: not
by a gap that breaks the run, nor by days before the run being measured. The current streak
is the longest run that reaches today, the longest streak the longest run of all; both are
recomputed from the days, never cached. With 0 rest days this is the classic streak. Today
is never a missed day: until today's practice the current streak is the one that reached
yesterday, so it is still shown in the morning.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from safeplace.history.days import to_ms, week_start
from safeplace.history.outcomes import outcome_words
from safeplace.history.records import DayTotal, ExerciseTotal, PracticeTotals, SessionRecord
from safeplace.history.store import HistoryStore

HEATMAP_WEEKS = 53
WEEKLY_WEEKS = 12
RECENT_DAYS = 30
NOT_COUNTED = "(not counted)"
PREVIEW = "(preview)"


@dataclass(frozen=True)
class ExerciseStats:
    exercise_id: str
    title: str
    count: int
    minutes: float
    average_change: float | None
    """Mean of (after - before) ratings; negative means lower distress afterwards."""
    rated_pairs: int


@dataclass(frozen=True)
class Stats:
    today: date
    current_streak: int
    longest_streak: int
    done_today: bool
    total_sessions: int
    total_minutes: float
    days_practised: int
    days_practised_last_30: int
    heatmap: tuple[tuple[date, float], ...]
    """Minutes per day from the Monday 52 weeks before this week's Monday up to today."""
    weekly_minutes: tuple[tuple[date, float], ...]
    """(Monday, minutes) for the last 12 weeks, oldest first, this week included."""
    per_exercise: tuple[ExerciseStats, ...]
    """What helps most first: most negative average change, then unrated ones."""
    rest_days_per_week: int


def compute_stats(
    sessions: Sequence[SessionRecord],
    *,
    today: date,
    day_start_hour: int,
    rest_days_per_week: int,
) -> Stats:
    """All statistics from session records (days assigned with ``day_start_hour``)."""
    totals = summarize(sessions, day_start_hour, through=today, recent_from=first_shown(today))
    return stats_from_totals([totals], today=today, rest_days_per_week=rest_days_per_week)


def stats_from_store(
    store: HistoryStore, *, today: date, day_start_hour: int, rest_days_per_week: int
) -> Stats:
    """The same as :func:`compute_stats` over every session, with SQLite doing the sums."""
    recent_from = first_shown(today)
    totals, others = store.practice_totals(day_start_hour, through=today, recent_from=recent_from)
    more = summarize(others, day_start_hour, through=today, recent_from=recent_from)
    return stats_from_totals([totals, more], today=today, rest_days_per_week=rest_days_per_week)


def first_shown(today: date) -> date:
    """The first day the heatmap shows: the Monday 52 weeks before this week's."""
    return week_start(today) - timedelta(weeks=HEATMAP_WEEKS - 1)


def summarize(
    sessions: Iterable[SessionRecord], day_start_hour: int, *, through: date, recent_from: date
) -> PracticeTotals:
    """Counted practice up to ``through``, summed as the store sums it."""
    days: set[int] = set()
    recent: dict[date, DayTotal] = {}
    exercises: dict[str, ExerciseTotal] = {}
    for session in sessions:
        day = session.day_for(day_start_hour)
        if not session.counts or day > through:
            continue
        days.add(day.toordinal())
        seconds, change = session.practised_seconds, session.rating_change
        if day >= recent_from:
            recent[day] = _add_days(recent.get(day), DayTotal(day, 1, seconds))
        exercises[session.exercise_id] = _add_exercises(
            exercises.get(session.exercise_id),
            ExerciseTotal(
                session.exercise_id,
                session.title,
                to_ms(session.started_at),
                1,
                seconds,
                change or 0,
                int(change is not None),
            ),
        )
    return PracticeTotals(list(days), list(recent.values()), list(exercises.values()))


def stats_from_totals(
    parts: Iterable[PracticeTotals], *, today: date, rest_days_per_week: int
) -> Stats:
    """Statistics from sums (several parts may share days and exercises)."""
    practised: set[int] = set()
    by_day: dict[date, DayTotal] = {}
    by_exercise: dict[str, ExerciseTotal] = {}
    for part in parts:
        practised.update(part.days)
        for total in part.recent:
            by_day[total.day] = _add_days(by_day.get(total.day), total)
        for exercise in part.exercises:
            key = exercise.exercise_id
            by_exercise[key] = _add_exercises(by_exercise.get(key), exercise)

    minutes = {day: total.seconds / 60 for day, total in by_day.items()}
    current, longest = _streaks(sorted(practised), today.toordinal(), rest_days_per_week)
    recent = today - timedelta(days=RECENT_DAYS - 1)
    return Stats(
        today=today,
        current_streak=current,
        longest_streak=longest,
        done_today=today.toordinal() in practised,
        total_sessions=sum(total.sessions for total in by_exercise.values()),
        total_minutes=sum(total.seconds for total in by_exercise.values()) / 60,
        days_practised=len(practised),
        days_practised_last_30=sum(1 for day in by_day if day >= recent),
        heatmap=tuple((day, minutes.get(day, 0.0)) for day in _dates(first_shown(today), today)),
        weekly_minutes=_weekly_minutes(minutes, today),
        per_exercise=_what_helps(by_exercise.values()),
        rest_days_per_week=rest_days_per_week,
    )


def streaks(practised: Sequence[date], today: date, rest_days_per_week: int) -> tuple[int, int]:
    """(current, longest) streak over sorted distinct practice days (later than today: ignored)."""
    ordinals = [day.toordinal() for day in practised]
    return _streaks(ordinals, today.toordinal(), rest_days_per_week)


def _streaks(practised: Sequence[int], today: int, rest_days_per_week: int) -> tuple[int, int]:
    """:func:`streaks` over day ordinals, in one pass over the practised days.

    The run kept is the longest that ends at the last day reached and keeps the rest days:
    ``reached`` practised days so far, of which the first ``left`` are no longer in it. When a
    new gap needs more rest days than its week has left, the oldest days leave the run, giving
    back what their gaps used, until it fits. A gap that cannot fit even alone ends the run.
    """
    if not 0 <= rest_days_per_week <= 6:
        raise ValueError("rest days per week must be between 0 and 6")
    gaps: deque[_Gap] = deque()
    used: dict[int, int] = {}
    reached = left = longest = 0
    last = None
    for day in practised:
        if day > today:
            break
        if last is not None and day - last > 1:
            left = _bridge(last + 1, day, reached, left, rest_days_per_week, gaps, used)
        reached += 1
        last = day
        if reached - left > longest:
            longest = reached - left
    if last is not None and today - last > 1:  # today itself is never missed
        left = _bridge(last + 1, today, reached, left, rest_days_per_week, gaps, used)
    return reached - left, longest


# A gap in a run: (practised days reached before it, its first week, days missed in that
# week, days missed in the week after).
_Gap = tuple[int, int, int, int]


def _bridge(
    first: int,
    end: int,
    reached: int,
    left: int,
    rest_days: int,
    gaps: deque[_Gap],
    used: dict[int, int],
) -> int:
    """Bridge the days missed from ``first`` up to ``end`` with rest days; returns ``left``.

    ``used``: rest days used per week (ordinal 1, 1 January of year 1, began a week) by
    ``gaps``, the gaps in the run.
    """
    week = (first - 1) // 7
    next_monday = (week + 1) * 7 + 1
    missed, missed_next = min(end, next_monday) - first, max(0, end - next_monday)
    if missed > rest_days or missed_next > rest_days:  # (also a gap with a whole week in it)
        gaps.clear()
        used.clear()
        return reached
    used[week] = used.get(week, 0) + missed
    if missed_next:
        used[week + 1] = used.get(week + 1, 0) + missed_next
    gaps.append((reached, week, missed, missed_next))
    while used[week] > rest_days or (missed_next and used[week + 1] > rest_days):
        # Never this gap itself: alone in the run, it fits (checked above).
        left, old_week, old_missed, old_missed_next = gaps.popleft()
        used[old_week] -= old_missed
        if old_missed_next:
            used[old_week + 1] -= old_missed_next
    return left


def counted(record: SessionRecord, today: date) -> bool:
    """Whether a session is in the sessions and minutes every view shows (see the top).

    ``record`` is read with the current day-start hour, as the statistics are.
    """
    return record.counts and record.practice_day <= today


def how_it_ended(record: SessionRecord, today: date) -> str:
    """How a listed session ended, marked when it is not in the totals shown beside it: as a
    preview when it was played faster than written, else as not counted."""
    words = outcome_words(record.outcome)
    if record.preview:
        return f"{words} {PREVIEW}"
    return words if counted(record, today) else f"{words} {NOT_COUNTED}"


def status_line(stats: Stats, show_streaks: bool) -> str:
    """One short line for a shell prompt or status bar."""
    today = "today done" if stats.done_today else "not yet today"
    if show_streaks and stats.current_streak:
        return f"streak {stats.current_streak}, {today}"
    if stats.done_today:
        return today
    if stats.days_practised_last_30:
        return f"{stats.days_practised_last_30} of the last {RECENT_DAYS} days"
    return "ready when you are"


def _add_days(total: DayTotal | None, more: DayTotal) -> DayTotal:
    if total is None:
        return more
    return DayTotal(total.day, total.sessions + more.sessions, total.seconds + more.seconds)


def _add_exercises(total: ExerciseTotal | None, more: ExerciseTotal) -> ExerciseTotal:
    if total is None:
        return more
    latest = more if more.last_started_ms > total.last_started_ms else total
    return ExerciseTotal(
        total.exercise_id,
        latest.title,
        latest.last_started_ms,
        total.sessions + more.sessions,
        total.seconds + more.seconds,
        total.change_sum + more.change_sum,
        total.rated_pairs + more.rated_pairs,
    )


def _weekly_minutes(minutes: dict[date, float], today: date) -> tuple[tuple[date, float], ...]:
    this_week = week_start(today)
    weeks = [this_week - timedelta(weeks=n) for n in range(WEEKLY_WEEKS - 1, -1, -1)]
    sums = dict.fromkeys(weeks, 0.0)
    for day, value in minutes.items():
        monday = week_start(day)
        if monday in sums:
            sums[monday] += value
    return tuple(sums.items())


def _what_helps(totals: Iterable[ExerciseTotal]) -> tuple[ExerciseStats, ...]:
    rows = [
        ExerciseStats(
            exercise_id=total.exercise_id,
            title=total.title,
            count=total.sessions,
            minutes=total.seconds / 60,
            average_change=total.change_sum / total.rated_pairs if total.rated_pairs else None,
            rated_pairs=total.rated_pairs,
        )
        for total in totals
    ]
    rows.sort(
        key=lambda row: (
            row.average_change is None,
            row.average_change or 0.0,
            -row.count,
            row.title,
        )
    )
    return tuple(rows)


def _dates(first: date, last: date) -> Iterable[date]:
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)
