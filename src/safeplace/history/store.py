"""The practice record: one SQLite file under the data folder, written so that nothing is lost.

Choices (why, in docs/architecture.md, "The way of a finished step to a row"):

- Every write is an explicit ``BEGIN IMMEDIATE … COMMIT`` (``isolation_level=None``), so a
  second writer waits for the busy timeout instead of failing with ``SQLITE_BUSY_SNAPSHOT``.
- A session row is written when practice starts, with its owner: host, process id and when
  that process started. A row left open by a process that is gone reads as "interrupted"
  (keeping the time it had reached) in every reader at once, and the next save of a new
  session writes it so; a row of another running safeplace reads as open, in progress.

Opening the file safely (checks, pragmas, migrations, moving a damaged file aside) is in
database.py; the record types are in records.py.

One connection per store, shared by threads under a lock; open one store per process.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Literal

from safeplace.history.database import BUSY_TIMEOUT_SECONDS, open_database
from safeplace.history.days import practice_day_from_ms, to_ms
from safeplace.history.owners import abandoned_rule
from safeplace.history.plan import SECTION_IDS, SafetyPlan
from safeplace.history.records import (
    MAX_SECONDS,
    AnswerRecord,
    DayTotal,
    ExerciseTotal,
    FavouriteRecord,
    HistoryDump,
    ImportReport,
    PlanSectionRecord,
    PracticeTotals,
    RememberedRecord,
    RememberedWords,
    SessionRecord,
    answer_from_row,
    favourite_from_row,
    plan_from_records,
    plan_section_from_row,
    remembered_from_row,
    remembered_words,
    remembered_words_from_row,
    session_from_row,
)
from safeplace.history.words import (
    FAVOURITES,
    REMEMBERED_DATED,
    REMEMBERED_WORDS,
    SAFETY_PLAN,
    favourite_ids,
)
from safeplace.text import one_line


class UnknownSession(KeyError):
    """No session with this id (erased, or the file was replaced meanwhile)."""


_COLUMNS = (
    "id, exercise_id, title, content_hash, started_ms, utc_offset, tz_name, day_start_hour, "
    "ended_ms, planned_seconds, practised_seconds, outcome, steps_reached, rating_before, "
    "rating_after, updated_ms, speed"
)
_INSERT = (
    f"INSERT INTO sessions ({_COLUMNS}, day_ordinal, counts, owner) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_READ = f"{_COLUMNS}, owner"  # the owner decides, when read, whether an open row is still open
Saved = Literal["added", "updated", "unchanged"]
_SESSION_ROW = Sequence[object]  # as SQLite hands it back: see records.session_from_row
# Seconds as records.session_from_row reads them (out of bounds: none), for sums that are
# never Infinity; the CHECK constraints keep ratings in scale.
_SECONDS = f"CASE WHEN practised_seconds BETWEEN 0 AND {MAX_SECONDS} THEN practised_seconds END"


def utc_now() -> datetime:
    return datetime.now(UTC)


class HistoryStore:
    """The SQLite history. Create with :meth:`open`; every method is thread-safe."""

    def __init__(self, db: sqlite3.Connection, path: Path, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._lock = threading.RLock()
        self._clock = clock
        self.path = path
        self.notice: str | None = None
        """A sentence to show once, e.g. that a damaged file was moved aside."""

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        clock: Callable[[], datetime] = utc_now,
        busy_timeout: float = BUSY_TIMEOUT_SECONDS,
    ) -> HistoryStore:
        """Open (creating the folder and file if needed) or raise :class:`HistoryUnavailable`.

        ``busy_timeout``: seconds a write waits for another process before giving up.
        """
        db, notice = open_database(path, busy_timeout)
        store = cls(db, path, clock)
        store.notice = notice
        return store

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- remembered answers --------------------------------------------------------------

    def remembered(self) -> dict[str, str]:
        """Named answers that exercises can reuse, e.g. {"cue_word": "harbour"}."""
        with self._lock:
            rows = self._db.execute(REMEMBERED_WORDS).fetchall()
        return remembered_words(rows)

    def set_remembered(self, name: str, text: str) -> None:
        with self._write() as db:
            _upsert_remembered(db, name, text, to_ms(self._clock()))

    def forget(self, name: str) -> None:
        with self._write() as db:
            _upsert_remembered(db, name, None, to_ms(self._clock()))

    def remembered_records(self) -> list[RememberedRecord]:
        """Every name, forgotten ones included (for export)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT name, text, updated_ms FROM remembered ORDER BY name"
            ).fetchall()
        return [remembered_from_row(row) for row in rows]

    def remembered_with_dates(self) -> list[RememberedWords]:
        """What is remembered now (forgotten names left out), with when it was given."""
        with self._lock:
            rows = self._db.execute(REMEMBERED_DATED).fetchall()
        return [remembered_words_from_row(row) for row in rows]

    # --- the safety plan and favourites ----------------------------------------------------

    def safety_plan(self) -> SafetyPlan:
        return plan_from_records(self.plan_sections())

    def plan_sections(self) -> list[PlanSectionRecord]:
        """Every stored part, emptied ones and unknown ones included (for export)."""
        with self._lock:
            rows = self._db.execute(SAFETY_PLAN).fetchall()
        return [plan_section_from_row(row) for row in rows]

    def save_safety_plan(self, plan: SafetyPlan) -> None:
        """Keep ``plan``: each part that changed is written, with a newer time than before (the
        parts that did not change keep theirs, so an import merges part by part)."""
        with self._write() as db:
            stored = {
                record.section: record
                for record in map(plan_section_from_row, db.execute(SAFETY_PLAN).fetchall())
            }
            now = to_ms(self._clock())
            for section, entries in zip(SECTION_IDS, plan.parts, strict=True):
                before = stored.get(section)
                if (before.entries if before else ()) == entries:
                    continue
                updated = now if before is None else max(now, to_ms(before.updated_at) + 1)
                _upsert_section(db, section, entries, updated, newer_only=False)

    def favourites(self) -> frozenset[str]:
        """The ids of the person's favourite exercises."""
        with self._lock:
            rows = self._db.execute(FAVOURITES).fetchall()
        return favourite_ids(rows)

    def favourite_records(self) -> list[FavouriteRecord]:
        """Every favourite, those taken off included (for export)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT exercise_id, added_ms, updated_ms FROM favourites ORDER BY exercise_id"
            ).fetchall()
        return [favourite_from_row(row) for row in rows]

    def set_favourite(self, exercise_id: str, on: bool) -> None:
        with self._write() as db:
            found = db.execute(
                "SELECT added_ms, updated_ms FROM favourites WHERE exercise_id = ?", (exercise_id,)
            ).fetchone()
            if (found[0] is not None if found else False) == on:
                return  # already so: a favourite keeps the day it was added
            now = to_ms(self._clock())
            if found is not None and isinstance(found[1], int):
                now = max(now, found[1] + 1)
            _upsert_favourite(db, exercise_id, now if on else None, now, newer_only=False)

    # --- reading -------------------------------------------------------------------------

    def sessions(
        self, since: date | None = None, *, day_start_hour: int | None = None
    ) -> list[SessionRecord]:
        """Sessions by start time; with ``since``, those whose practice day is on or after it.

        ``day_start_hour`` (the current setting) re-assigns days recorded with another hour.
        """
        earliest = -(2**62)
        if since is not None:
            # Offsets and day-start hours shift days by under 2 days; the day decides below.
            earliest = to_ms(datetime.combine(since, time(), UTC)) - 2 * 86_400_000
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_READ} FROM sessions WHERE started_ms >= ? OR started_ms IS NULL "
                "ORDER BY started_ms, id",
                (earliest,),
            ).fetchall()
        records = self._records(rows, day_start_hour)
        if since is None:
            return records
        return [record for record in records if record.practice_day >= since]

    def session(self, session_id: str) -> SessionRecord:
        with self._lock:
            row = self._db.execute(
                f"SELECT {_READ} FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
        if row is None:
            raise UnknownSession(session_id)
        return self._records([row])[0]

    def answers(self, session_id: str) -> list[AnswerRecord]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM answers WHERE session_id = ? ORDER BY position", (session_id,)
            ).fetchall()
        return [answer_from_row(row) for row in rows]

    def all_answers(self) -> dict[str, list[AnswerRecord]]:
        """Every kept answer, by session id."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM answers ORDER BY session_id, position"
            ).fetchall()
        by_session: dict[str, list[AnswerRecord]] = {}
        for answer in map(answer_from_row, rows):
            by_session.setdefault(answer.session_id, []).append(answer)
        return by_session

    def dump(self) -> HistoryDump:
        """Everything, read in one transaction so that sessions and answers agree."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                return HistoryDump(
                    self.sessions(),
                    self.all_answers(),
                    self.remembered_records(),
                    self.plan_sections(),
                    self.favourite_records(),
                )
            finally:
                self._db.execute("COMMIT")

    def practice_totals(
        self, day_start_hour: int, *, through: date, recent_from: date
    ) -> tuple[PracticeTotals, list[SessionRecord]]:
        """Counted practice up to ``through``, summed by SQLite over the covering indexes.

        Rows whose stored day used another day-start hour come back as records, for the
        caller to assign with days.py (see :func:`stats.stats_from_store`).
        """
        where = "WHERE counts = 1 AND day_start_hour = ? AND day_ordinal <= ?"
        params = (day_start_hour, through.toordinal())
        with self._lock:
            days = self._db.execute(
                f"SELECT DISTINCT day_ordinal FROM sessions {where}", params
            ).fetchall()
            recent, exercise_rows = self._sums(where, params, recent_from, "practised_seconds")
            sums = [(count, total) for _, count, total in recent]
            sums += [(count, total) for _, _, count, total, _, _ in exercise_rows]
            if not all(_possible_sum(*counted) for counted in sums):
                # A stored time no version writes (Infinity, by hand) is left out, as
                # records.session_from_row leaves it out; the plain sum is faster.
                recent, exercise_rows = self._sums(where, params, recent_from, _SECONDS)
            exercises = [
                ExerciseTotal(key, self._title(key, latest), latest, count, total, change, pairs)
                for exercise_id, started, count, total, change, pairs in exercise_rows
                for key, latest in [(_text_or(exercise_id, ""), _int_or(started, 0))]
            ]
            others = self._db.execute(
                f"SELECT {_READ} FROM sessions "
                "WHERE counts = 1 AND (day_start_hour < ? OR day_start_hour > ?)",
                (day_start_hour, day_start_hour),
            ).fetchall()
        totals = PracticeTotals(
            # A day written by hand that is no day (0, a fraction) is left out.
            [day for (day,) in days if isinstance(day, int) and day > 0],
            [
                DayTotal(date.fromordinal(day), count, seconds)
                for day, count, seconds in recent
                if isinstance(day, int)
            ],
            exercises,
        )
        return totals, self._records(others, day_start_hour)

    def _sums(
        self, where: str, params: tuple[int, int], recent_from: date, seconds: str
    ) -> tuple[list[tuple[int, int, float]], list[tuple[str, int, int, float, float, int]]]:
        recent = self._db.execute(
            f"SELECT day_ordinal, count(*), total({seconds}) "
            f"FROM sessions {where} AND day_ordinal >= ? GROUP BY day_ordinal",
            (*params, recent_from.toordinal()),
        ).fetchall()
        exercises = self._db.execute(
            f"SELECT exercise_id, max(started_ms), count(*), total({seconds}), "
            "total(rating_after - rating_before), count(rating_after - rating_before) "
            f"FROM sessions {where} GROUP BY exercise_id",
            params,
        ).fetchall()
        return recent, exercises

    def _title(self, exercise_id: str, started_ms: int) -> str:
        row = self._db.execute(
            "SELECT title FROM sessions WHERE started_ms = ? AND exercise_id = ?",
            (started_ms, exercise_id),
        ).fetchone()
        return one_line(row[0]) if row and isinstance(row[0], str) else exercise_id

    # --- merging (import, and sessions that waited in the pending file) ------------------

    def save(
        self,
        record: SessionRecord,
        answers: Sequence[AnswerRecord] = (),
        remembered: Iterable[RememberedRecord] = (),
        *,
        owner: str,
        must_exist: bool = False,
    ) -> Saved:
        """Write one session whole, as its recorder holds it: the one save (see :meth:`merge`).

        A new row first makes the rows left open by writers that are gone "interrupted".
        ``must_exist``: it was stored before, so a missing row means the history was erased
        meanwhile; then nothing is written and :class:`UnknownSession` is raised.
        """
        with self._write() as db:
            if not must_exist:
                self._close_abandoned(db)
            saved = _save(db, record, answers, owner, must_exist=must_exist)
            _remember(db, remembered)
        return saved

    def merge(
        self,
        sessions: Iterable[tuple[SessionRecord, Sequence[AnswerRecord]]],
        remembered: Iterable[RememberedRecord] = (),
        safety_plan: Iterable[PlanSectionRecord] = (),
        favourites: Iterable[FavouriteRecord] = (),
        *,
        owner: str = "",
    ) -> ImportReport:
        """Save sessions (an import, or sessions that waited in the pending file) in one
        transaction, with remembered names, parts of the plan and favourites: for each, the
        newest wins.

        Imported open rows have no owner (``owner`` names the writer of a pending session),
        so they read as interrupted.
        """
        with self._write() as db:
            saved = [_save(db, record, answers, owner) for record, answers in sessions]
            _remember(db, remembered)
            for part in safety_plan:
                _upsert_section(db, part.section, part.entries, to_ms(part.updated_at))
            for favourite in favourites:
                added = None if favourite.added_at is None else to_ms(favourite.added_at)
                _upsert_favourite(db, favourite.exercise_id, added, to_ms(favourite.updated_at))
        return ImportReport(*(saved.count(kind) for kind in ("added", "updated", "unchanged")))

    def erase_all(self) -> None:
        """Delete every session, answer, remembered name, part of the plan and favourite, and
        shrink the file."""
        with self._write() as db:
            for table in ("answers", "sessions", "remembered", "safety_plan", "favourites"):
                db.execute(f"DELETE FROM {table}")
        with self._lock:
            try:  # best effort: secure_delete already overwrote the rows' content
                self._db.execute("VACUUM")
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.OperationalError:
                pass

    # --- internals -----------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:  # SQLITE_FULL has already rolled back
                    self._db.execute("ROLLBACK")
                raise

    def _close_abandoned(self, db: sqlite3.Connection) -> None:
        now = to_ms(self._clock())
        abandoned = abandoned_rule(now)
        rows = db.execute(
            "SELECT id, owner, updated_ms FROM sessions WHERE outcome = 'open'"
        ).fetchall()
        for session_id, owner, updated in rows:
            # A time or owner no version writes: nobody can still be practising it.
            if not isinstance(updated, int) or abandoned(str(owner or ""), updated):
                db.execute(
                    "UPDATE sessions SET outcome = 'interrupted', "
                    "ended_ms = coalesce(ended_ms, ?), updated_ms = ? WHERE id = ?",
                    (updated, now, session_id),
                )

    def _records(
        self, rows: Sequence[_SESSION_ROW], day_start_hour: int | None = None
    ) -> list[SessionRecord]:
        abandoned = abandoned_rule(to_ms(self._clock()))
        return [_record(row, abandoned, day_start_hour) for row in rows]


def _save(
    db: sqlite3.Connection,
    record: SessionRecord,
    answers: Sequence[AnswerRecord],
    owner: str,
    *,
    must_exist: bool = False,
) -> Saved:
    """Write a session by id unless the stored row is as new or newer (its ``updated_at``):
    saving the same snapshot twice, or an older one, changes nothing."""
    found = db.execute("SELECT updated_ms FROM sessions WHERE id = ?", (record.id,)).fetchone()
    if found is None and must_exist:
        raise UnknownSession(record.id)
    if found is not None and isinstance(found[0], int) and found[0] >= to_ms(record.updated_at):
        return "unchanged"
    db.execute("DELETE FROM sessions WHERE id = ?", (record.id,))  # answers go with it
    db.execute(_INSERT, (*_row(record), owner))
    db.executemany(
        "INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?)",
        [(record.id, *_answer_row(answer)) for answer in answers],
    )
    return "added" if found is None else "updated"


def _remember(db: sqlite3.Connection, entries: Iterable[RememberedRecord]) -> None:
    for entry in entries:
        _upsert_remembered(db, entry.name, entry.text, to_ms(entry.updated_at))


def _upsert_remembered(db: sqlite3.Connection, name: str, text: str | None, ms: int) -> None:
    db.execute(
        "INSERT INTO remembered VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE "
        "SET text = excluded.text, updated_ms = excluded.updated_ms "
        "WHERE excluded.updated_ms >= remembered.updated_ms",
        (name, text, ms),
    )


def _upsert_section(
    db: sqlite3.Connection,
    section: str,
    entries: Sequence[str],
    ms: int,
    *,
    newer_only: bool = True,
) -> None:
    newer = "WHERE excluded.updated_ms >= safety_plan.updated_ms" if newer_only else ""
    db.execute(
        "INSERT INTO safety_plan VALUES (?, ?, ?) ON CONFLICT (section) DO UPDATE "
        f"SET entries = excluded.entries, updated_ms = excluded.updated_ms {newer}",
        (section, json.dumps(list(entries)), ms),
    )


def _upsert_favourite(
    db: sqlite3.Connection, exercise_id: str, added: int | None, ms: int, *, newer_only: bool = True
) -> None:
    newer = "WHERE excluded.updated_ms >= favourites.updated_ms" if newer_only else ""
    db.execute(
        "INSERT INTO favourites VALUES (?, ?, ?) ON CONFLICT (exercise_id) DO UPDATE "
        f"SET added_ms = excluded.added_ms, updated_ms = excluded.updated_ms {newer}",
        (exercise_id, added, ms),
    )


def _row(record: SessionRecord) -> tuple[object, ...]:
    started = to_ms(record.started_at)
    return (
        record.id,
        record.exercise_id,
        record.title,
        record.content_hash,
        started,
        record.utc_offset_seconds,
        record.tz_name,
        record.day_start_hour,
        None if record.ended_at is None else to_ms(record.ended_at),
        record.planned_seconds,
        record.practised_seconds,
        record.outcome,
        record.steps_reached,
        record.rating_before,
        record.rating_after,
        to_ms(record.updated_at),
        record.speed,
        practice_day_from_ms(started, record.utc_offset_seconds, record.day_start_hour).toordinal(),
        record.counts,  # 0 for a preview: practice_totals leaves it out
    )


def _record(
    row: _SESSION_ROW, abandoned: Callable[[str, int], bool], day_start_hour: int | None = None
) -> SessionRecord:
    *columns, owner = row
    record = session_from_row(columns, day_start_hour)
    if record.outcome == "open" and abandoned(str(owner or ""), to_ms(record.updated_at)):
        ended = record.ended_at or record.updated_at
        return dataclasses.replace(record, outcome="interrupted", ended_at=ended)
    return record


def _possible_sum(count: int, seconds: float) -> bool:
    return 0 <= seconds <= count * MAX_SECONDS  # False for NaN and Infinity too


def _text_or(value: object, default: str) -> str:
    return value if isinstance(value, str) else default


def _int_or(value: object, default: int) -> int:
    return value if isinstance(value, int) else default


def _answer_row(answer: AnswerRecord) -> tuple[object, ...]:
    return (
        answer.position,
        answer.prompt,
        answer.answer,
        answer.remember_as,
        to_ms(answer.answered_at),
    )
