"""The history's plain record types: sessions, answers, remembered names, the safety plan's
parts, favourites and practice sums.

What counts as practice is decided here too (:func:`counts_as_practice`: a session played
faster than written is a preview, and never counts), and so are the
bounds of a possible record: an import refuses a value outside them, and a stored row that
holds one (written by an older version, or edited by hand) is read with that field set to a
safe value, so no reader ever fails on it (:func:`session_from_row` and its siblings are the
one place rows become records). No SQLite here.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Literal, NamedTuple, TypeGuard

from safeplace.history.days import from_ms, practice_day_from_ms, to_ms
from safeplace.history.plan import SafetyPlan, clean_entries
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
MIN_SPEED, MAX_SPEED = 0.1, 100.0
"""How much faster than written a session may be played (``--speed``)."""
EARLIEST = datetime(1, 1, 3, tzinfo=UTC)
LATEST = datetime(9999, 12, 30, tzinfo=UTC)
"""Moments a record may hold: with any offset and day-start hour above, the local day and the
practice day stay within years 1 to 9999, where dates can be computed."""


def counts_as_practice(outcome: str, practised_seconds: float, speed: float) -> bool:
    """What counts as practice: a completed session, or one ended early after a minute, played
    at its written pace or slower (faster is a preview: :func:`is_preview`)."""
    if is_preview(speed):
        return False
    return outcome == "completed" or (
        outcome == "ended-early" and practised_seconds >= MIN_EARLY_END_SECONDS
    )


def is_preview(speed: float) -> bool:
    """Whether a session played at ``speed`` was a preview: faster than written."""
    return speed > 1.0


def possible_speed(value: float) -> bool:
    return math.isfinite(value) and MIN_SPEED <= value <= MAX_SPEED


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
    speed: float = 1.0
    """How much faster than written it was played; above 1 it is a preview, never practice."""

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
        speed: float = 1.0,
    ) -> SessionRecord:
        """The open record of a practice that starts now. A speed beyond the bounds is kept
        at the nearest one (still a preview, or still practice), so it reads back and
        imports as it was recorded."""
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
            speed=min(max(float(speed), MIN_SPEED), MAX_SPEED),
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
        return counts_as_practice(self.outcome, self.practised_seconds, self.speed)

    @property
    def preview(self) -> bool:
        return is_preview(self.speed)

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


@dataclass(frozen=True, slots=True)
class RememberedWords:
    """A remembered answer as the person sees it: its name, its words, when they were given."""

    name: str
    words: str
    given_at: datetime


@dataclass(frozen=True, slots=True)
class PlanSectionRecord:
    """One part of the safety plan as stored (see history/plan.py for the parts)."""

    section: str
    entries: tuple[str, ...]
    """Empty once emptied: kept so that an older import cannot bring the words back."""
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class FavouriteRecord:
    exercise_id: str
    added_at: datetime | None
    """None once taken off the favourites: kept so that an older import cannot bring it back."""
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
# A speed no version writes reads as the written pace, so the session counts as it would
# have without the speed: hiding practice someone did would break a streak they earned over a
# fault not theirs, while counting a preview at worst adds one day. Every row written before
# the speed was kept is practice at the written pace too (the column's default).
_UNKNOWN_SPEED = 1.0


def session_from_row(row: Sequence[object], day_start_hour: int | None = None) -> SessionRecord:
    """A stored session (the columns in the order of :class:`SessionRecord`) as a record.

    The row is kept whatever it holds: a bad time falls back to another of its times, bad
    seconds to 0, a bad rating to none, an unknown outcome to "interrupted", a bad speed to
    the written pace; text loses its control characters, and the one-line fields their line
    breaks. ``day_start_hour`` (the current setting) re-assigns days recorded with another
    hour.
    """
    (id_, exercise, title, digest, started, offset, zone, hour, ended, planned, practised,
     outcome, steps, before, after, updated, speed) = row  # fmt: skip
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
        speed=float(speed) if _is_speed(speed) else _UNKNOWN_SPEED,
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


def remembered_words_from_row(row: Sequence[object]) -> RememberedWords:
    """A remembered answer that is not forgotten (name, text, updated ms) for the person."""
    name, text, updated = row
    return RememberedWords(
        one_line(_text(name)), printable(_text(text)), _moment(updated) or _FALLBACK_MOMENT
    )


def plan_section_from_row(row: Sequence[object]) -> PlanSectionRecord:
    """A stored part of the plan (section, entries as a JSON list, updated ms). Entries that
    are not a JSON list of text are read as plain text, one entry a line; what is neither
    reads as no entries."""
    section, stored, updated = row
    text = _text(stored)
    try:
        values = json.loads(text)
    except (ValueError, RecursionError):
        values = text.splitlines()
    if isinstance(values, str):
        values = values.splitlines()
    entries = (
        clean_entries(v for v in values if isinstance(v, str)) if isinstance(values, list) else ()
    )
    return PlanSectionRecord(_text(section), entries, _moment(updated) or _FALLBACK_MOMENT)


def plan_from_records(records: Iterable[PlanSectionRecord]) -> SafetyPlan:
    """The plan its stored parts make (a part no version knows is left out)."""
    return SafetyPlan.of({record.section: record.entries for record in records})


def favourite_from_row(row: Sequence[object]) -> FavouriteRecord:
    """A stored favourite (exercise id, added ms or None once taken off, updated ms)."""
    exercise_id, added, updated = row
    return FavouriteRecord(
        one_line(_text(exercise_id)),
        _moment(added),
        _moment(updated) or _moment(added) or _FALLBACK_MOMENT,
    )


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


def _is_speed(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and possible_speed(value)


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
    safety_plan: Sequence[PlanSectionRecord] = ()
    favourites: Sequence[FavouriteRecord] = ()


class ImportReport(NamedTuple):
    added: int
    updated: int
    unchanged: int
