"""The history's plain record types: sessions, answers, remembered names and practice sums.

What counts as practice is decided here too (:func:`counts_as_practice`), and so are the
bounds of a possible record: an import refuses a value outside them, and a stored row that
holds one (written by an older version, or edited by hand) is read with that field set to a
safe value, so no reader ever fails on it (:func:`session_from_row` and its siblings are the
one place rows become records). No SQLite here.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Literal, NamedTuple, TypeGuard

from safeplace.history.days import from_ms, practice_day_from_ms, to_ms
from safeplace.text import NAME_PATTERN, one_line, printable

Outcome = Literal["open", "completed", "ended-early", "interrupted"]
Moment = Literal["before", "after"]
OUTCOMES: tuple[Outcome, ...] = ("open", "completed", "ended-early", "interrupted")
MIN_EARLY_END_SECONDS = 60.0
RATING_RANGE = range(11)
MAX_SECONDS = 7 * 86_400.0
"""Planned or practised time of one session: a week is already far beyond any exercise."""
STEP_RANGE = range(100_001)
"""Steps reached, and answer positions."""
DAY_START_HOURS = range(24)
MAX_UTC_OFFSET_SECONDS = 18 * 3600
UTC_OFFSETS = range(-MAX_UTC_OFFSET_SECONDS, MAX_UTC_OFFSET_SECONDS + 1)
EARLIEST = datetime(1, 1, 3, tzinfo=UTC)
LATEST = datetime(9999, 12, 30, tzinfo=UTC)
"""Moments a record may hold: with any offset and day-start hour above, the local day and the
practice day stay within years 1 to 9999, where dates can be computed."""


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


def is_name(value: object) -> TypeGuard[str]:
    """Whether ``value`` follows the rules of a remembered name (``cue_word``)."""
    return isinstance(value, str) and re.fullmatch(NAME_PATTERN, value) is not None


def possible_seconds(value: float) -> bool:
    return math.isfinite(value) and 0 <= value <= MAX_SECONDS


def possible_moment(moment: datetime) -> bool:
    return EARLIEST <= moment <= LATEST


# --- rows become records: a field no version of safeplace writes reads as a safe value ---

_EARLIEST_MS, _LATEST_MS = to_ms(EARLIEST), to_ms(LATEST)
_UNKNOWN_OUTCOME: Outcome = "interrupted"  # listed, never counted as practice
_FALLBACK_MOMENT = from_ms(0)


def session_from_row(row: Sequence[object], day_start_hour: int | None = None) -> SessionRecord:
    """A stored session (the columns in the order of :class:`SessionRecord`) as a record.

    The row is kept whatever it holds: a bad time falls back to another of its times, bad
    seconds to 0, a bad rating to none, an unknown outcome to "interrupted"; text loses its
    control characters, and the one-line fields their line breaks. ``day_start_hour``
    (the current setting) re-assigns days recorded with another hour.
    """
    (id_, exercise, title, digest, started, offset, zone, hour, ended, planned, practised,
     outcome, steps, before, after, updated) = row  # fmt: skip
    start = _moment(started) or _moment(updated) or _moment(ended) or _FALLBACK_MOMENT
    if day_start_hour is None:
        day_start_hour = _whole(hour, DAY_START_HOURS) or 0  # if bad: days as on the calendar
    return SessionRecord(
        id=_text(id_),  # kept as stored: it is the key the row is found by
        exercise_id=one_line(_text(exercise)),
        title=one_line(_text(title)),
        content_hash=one_line(_text(digest)),
        started_at=start,
        utc_offset_seconds=_whole(offset, UTC_OFFSETS) or 0,
        tz_name=one_line(_text(zone)),
        day_start_hour=day_start_hour,
        ended_at=_moment(ended),
        planned_seconds=_seconds(planned),
        practised_seconds=_seconds(practised),
        outcome=outcome if outcome in OUTCOMES else _UNKNOWN_OUTCOME,
        steps_reached=_whole(steps, STEP_RANGE) or 0,
        rating_before=_whole(before, RATING_RANGE),
        rating_after=_whole(after, RATING_RANGE),
        updated_at=_moment(updated) or start,
    )


def answer_from_row(row: Sequence[object]) -> AnswerRecord:
    """A stored answer (session id, position, prompt, answer, remembered as, answered ms)."""
    session_id, position, prompt, answer, remember_as, answered = row
    return AnswerRecord(
        _text(session_id),
        _whole(position, STEP_RANGE) or 0,
        printable(_text(prompt)),
        printable(_text(answer)),
        remember_as if is_name(remember_as) else None,
        _moment(answered) or _FALLBACK_MOMENT,
    )


def remembered_from_row(row: Sequence[object]) -> RememberedRecord:
    """A stored remembered name (name, text or None once forgotten, updated ms)."""
    name, text, updated = row
    words = None if text is None else printable(_text(text))
    return RememberedRecord(_text(name), words, _moment(updated) or _FALLBACK_MOMENT)


def remembered_words(rows: Iterable[Sequence[object]]) -> dict[str, str]:
    """Named answers exercises can reuse, from (name, text) rows, forgotten ones left out.

    A name against the rules (an older version let one in) is kept, so it can be seen; no
    placeholder can name it.
    """
    return {_text(name): printable(_text(text)) for name, text in rows if text is not None}


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


def _whole(value: object, bounds: range) -> int | None:
    return value if isinstance(value, int) and value in bounds else None


def _seconds(value: object) -> float:
    if isinstance(value, int | float) and possible_seconds(float(value)):
        return float(value)
    return 0.0


def _moment(value: object) -> datetime | None:
    if isinstance(value, int) and _EARLIEST_MS <= value <= _LATEST_MS:
        return from_ms(value)
    return None


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
