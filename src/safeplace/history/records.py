"""The history's plain record types: sessions, answers, remembered names and practice sums.

What counts as practice is decided here too (:func:`counts_as_practice`). No SQLite here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Literal, NamedTuple

from safeplace.history.days import practice_day_from_ms, to_ms

Outcome = Literal["open", "completed", "ended-early", "interrupted"]
Moment = Literal["before", "after"]
OUTCOMES: tuple[Outcome, ...] = ("open", "completed", "ended-early", "interrupted")
MIN_EARLY_END_SECONDS = 60.0
RATING_RANGE = range(11)


def counts_as_practice(outcome: str, practised_seconds: float) -> bool:
    """What counts as practice: a completed session, or one ended early after a minute."""
    return outcome == "completed" or (
        outcome == "ended-early" and practised_seconds >= MIN_EARLY_END_SECONDS
    )


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One practice session as stored. Times are aware UTC datetimes."""

    id: str
    exercise_id: str
    title: str
    content_hash: str
    started_at: datetime
    utc_offset_seconds: int
    tz_name: str
    day_start_hour: int
    """The hour :attr:`practice_day` uses: the one in force when recorded, unless the reader
    asked the store for another."""
    ended_at: datetime | None
    planned_seconds: float
    practised_seconds: float
    outcome: Outcome
    steps_reached: int
    rating_before: int | None
    rating_after: int | None
    updated_at: datetime

    @classmethod
    def starting(
        cls,
        exercise_id: str,
        title: str,
        content_hash: str,
        planned_seconds: float,
        *,
        started_at: datetime,
        zone_offset: tuple[int, str],
        day_start_hour: int,
        updated_at: datetime,
        session_id: str | None = None,
    ) -> SessionRecord:
        """The open record of a practice that starts now."""
        offset, zone = zone_offset
        return cls(
            id=session_id or str(uuid.uuid4()),
            exercise_id=exercise_id,
            title=title,
            content_hash=content_hash,
            started_at=started_at,
            utc_offset_seconds=offset,
            tz_name=zone,
            day_start_hour=day_start_hour,
            ended_at=None,
            planned_seconds=float(planned_seconds),
            practised_seconds=0.0,
            outcome="open",
            steps_reached=0,
            rating_before=None,
            rating_after=None,
            updated_at=updated_at,
        )

    @property
    def practice_day(self) -> date:
        return self.day_for(self.day_start_hour)

    def day_for(self, day_start_hour: int) -> date:
        return practice_day_from_ms(to_ms(self.started_at), self.utc_offset_seconds, day_start_hour)

    @property
    def local_started_at(self) -> datetime:
        """The wall-clock time where it was practised."""
        return self.started_at.astimezone(timezone(timedelta(seconds=self.utc_offset_seconds)))

    @property
    def counts(self) -> bool:
        return counts_as_practice(self.outcome, self.practised_seconds)

    @property
    def rating_change(self) -> int | None:
        """After minus before: negative means lower distress afterwards."""
        if self.rating_before is None or self.rating_after is None:
            return None
        return self.rating_after - self.rating_before


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    session_id: str
    position: int
    prompt: str
    answer: str
    remember_as: str | None
    answered_at: datetime


@dataclass(frozen=True, slots=True)
class RememberedRecord:
    name: str
    text: str | None
    """None once forgotten: kept so that an older import cannot bring the answer back."""
    updated_at: datetime


class DayTotal(NamedTuple):
    day: date
    sessions: int
    seconds: float


class ExerciseTotal(NamedTuple):
    exercise_id: str
    title: str
    last_started_ms: int
    sessions: int
    seconds: float
    change_sum: float
    rated_pairs: int


class PracticeTotals(NamedTuple):
    """Counted practice, summed: what statistics are computed from."""

    days: list[int]
    """Every practised day, as ``date.toordinal()``."""
    recent: list[DayTotal]
    """Sessions and seconds of each practised day from the first one statistics show."""
    exercises: list[ExerciseTotal]


class HistoryDump(NamedTuple):
    sessions: list[SessionRecord]
    answers: dict[str, list[AnswerRecord]]
    remembered: list[RememberedRecord]


class ImportReport(NamedTuple):
    added: int
    updated: int
    unchanged: int
