"""The practice record: one SQLite file under the data folder, written so that nothing is lost.

Choices (facts in shared/research/reliability.md §4):

- WAL with ``synchronous=FULL``: a commit that returned survives a crash or a power cut.
- Every write is an explicit ``BEGIN IMMEDIATE … COMMIT`` (``isolation_level=None``), so a
  second writer waits for the busy timeout instead of failing with ``SQLITE_BUSY_SNAPSHOT``.
- The schema is versioned with ``user_version``; each migration commits with its bump.
- A file that cannot be read is renamed aside with its ``-wal``/``-shm`` files, never deleted.
- A session row is written when practice starts. A row left open by a process that died is
  turned into "interrupted" (keeping the time it had reached) by the next :meth:`begin`.

One connection per store, shared by threads under a lock; open one store per process.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Literal, NamedTuple, cast

from safeplace.history.days import from_ms, local_offset, practice_day_from_ms, to_ms

Outcome = Literal["open", "completed", "ended-early", "interrupted"]
Moment = Literal["before", "after"]
OUTCOMES: tuple[Outcome, ...] = ("open", "completed", "ended-early", "interrupted")
MIN_EARLY_END_SECONDS = 60.0
RATING_RANGE = range(11)
BUSY_TIMEOUT_SECONDS = 5.0
# An open row whose owner cannot be checked (another host, Windows) counts as abandoned after
# a day without a sign of life; the owner may still finish it later.
ABANDONED_AFTER = timedelta(hours=24)


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


class HistoryUnavailable(Exception):
    """The history cannot be opened; ``reason`` is a short phrase for a sentence."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"Your history at {path} cannot be used: {reason}.")
        self.path = path
        self.reason = reason


class UnknownSession(KeyError):
    """No session with this id (erased, or the file was replaced meanwhile)."""


def failure_reason(error: BaseException) -> str:
    """A short, plain phrase for why a history operation failed."""
    if isinstance(error, HistoryUnavailable):
        return error.reason
    name = getattr(error, "sqlite_errorname", None) or ""
    for prefix, reason in _REASONS:
        if name.startswith(prefix):
            return reason
    if isinstance(error, OSError):
        return (error.strerror or str(error)).lower()
    return f"an unexpected error ({type(error).__name__})"


def _reason(path: Path, error: BaseException) -> str:
    """Like failure_reason; SQLite says only "cannot open" when the folder is read-only."""
    name = getattr(error, "sqlite_errorname", None) or ""
    cannot_write = path.parent.is_dir() and not os.access(path.parent, os.W_OK)
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY")) and cannot_write:
        return "the history folder is read-only"
    return failure_reason(error)


_REASONS = (
    ("SQLITE_FULL", "the disk is full"),
    ("SQLITE_READONLY", "the history file or its folder is read-only"),
    ("SQLITE_CANTOPEN", "the history file could not be opened"),
    ("SQLITE_IOERR", "the disk reported an error"),
    ("SQLITE_BUSY", "another safeplace kept the history busy"),
    ("SQLITE_LOCKED", "another safeplace kept the history busy"),
    ("SQLITE_CORRUPT", "the history file is damaged"),
    ("SQLITE_NOTADB", "the history file is damaged"),
)
_DAMAGE = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
_HEADER = b"SQLite format 3\x00"

_SCHEMA_V1 = (
    """CREATE TABLE sessions (
        id TEXT NOT NULL UNIQUE,
        exercise_id TEXT NOT NULL,
        title TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        started_ms INTEGER NOT NULL,
        utc_offset INTEGER NOT NULL,
        tz_name TEXT NOT NULL,
        day_start_hour INTEGER NOT NULL,
        ended_ms INTEGER,
        planned_seconds REAL NOT NULL,
        practised_seconds REAL NOT NULL,
        outcome TEXT NOT NULL
            CHECK (outcome IN ('open', 'completed', 'ended-early', 'interrupted')),
        steps_reached INTEGER NOT NULL,
        rating_before INTEGER CHECK (rating_before BETWEEN 0 AND 10),
        rating_after INTEGER CHECK (rating_after BETWEEN 0 AND 10),
        updated_ms INTEGER NOT NULL,
        -- days.practice_day_from_ms(started, offset, hour).toordinal(); in SQL, read it
        -- as a date with date(day_ordinal + 1721424.5)
        day_ordinal INTEGER NOT NULL,
        counts INTEGER NOT NULL,     -- counts_as_practice(outcome, practised_seconds)
        owner TEXT NOT NULL          -- host:pid:store of the writer, '' when imported
    )""",
    "CREATE INDEX sessions_started ON sessions (started_ms)",
    "CREATE INDEX sessions_open ON sessions (outcome) WHERE outcome = 'open'",
    # Covering indexes: statistics are computed from these without touching the rows.
    """CREATE INDEX sessions_days
        ON sessions (counts, day_start_hour, day_ordinal, practised_seconds)""",
    """CREATE INDEX sessions_exercises ON sessions (counts, day_start_hour, exercise_id,
        day_ordinal, practised_seconds, rating_before, rating_after, started_ms)""",
    """CREATE TABLE answers (
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        prompt TEXT NOT NULL,
        answer TEXT NOT NULL,
        remember_as TEXT,
        answered_ms INTEGER NOT NULL,
        PRIMARY KEY (session_id, position)
    ) WITHOUT ROWID""",
    """CREATE TABLE remembered (
        name TEXT PRIMARY KEY,
        text TEXT,
        updated_ms INTEGER NOT NULL
    ) WITHOUT ROWID""",
)
MIGRATIONS: tuple[tuple[str, ...], ...] = (_SCHEMA_V1,)

_COLUMNS = (
    "id, exercise_id, title, content_hash, started_ms, utc_offset, tz_name, day_start_hour, "
    "ended_ms, planned_seconds, practised_seconds, outcome, steps_reached, rating_before, "
    "rating_after, updated_ms"
)
_INSERT = (
    f"INSERT INTO sessions ({_COLUMNS}, day_ordinal, counts, owner) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SESSION_ROW = tuple[
    str, str, str, str, int, int, str, int, int | None, float, float, str, int,
    int | None, int | None, int,
]  # fmt: skip

# Stores open in this process, so a row of ours is not mistaken for one left by a dead process.
_LIVE_STORES: set[str] = set()
_HOST = socket.gethostname()


def utc_now() -> datetime:
    return datetime.now(UTC)


class HistoryStore:
    """The SQLite history. Create with :meth:`open`; every method is thread-safe."""

    def __init__(self, db: sqlite3.Connection, path: Path, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._lock = threading.RLock()
        self._clock = clock
        self._owner = f"{_HOST}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        _LIVE_STORES.add(self._owner)
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
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            reason = f"the history folder cannot be created ({error.strerror})"
            raise HistoryUnavailable(path, reason) from error
        notice = None
        if path.is_dir():
            notice = _move_aside(path, "it is a folder, not a history file")
        try:
            db = _connect(path, busy_timeout)
        except _Damaged as damage:
            notice = _move_aside(path, damage.reason)
            try:
                db = _connect(path, busy_timeout)
            except (_Damaged, sqlite3.Error) as error:
                raise HistoryUnavailable(path, _reason(path, error)) from error
        store = cls(db, path, clock)
        store.notice = notice
        return store

    def close(self) -> None:
        with self._lock:
            _LIVE_STORES.discard(self._owner)
            self._db.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- one session, as it is practised -------------------------------------------------

    def begin(
        self,
        exercise_id: str,
        title: str,
        content_hash: str,
        planned_seconds: float,
        *,
        day_start_hour: int,
        started_at: datetime | None = None,
        zone_offset: tuple[int, str] | None = None,
        session_id: str | None = None,
    ) -> str:
        """Write the row for a practice that starts now; returns its id.

        Rows left open by a process that is gone become "interrupted" first. ``zone_offset``
        (UTC offset in seconds, zone name) defaults to the system zone at ``started_at``.
        """
        start = started_at or self._clock()
        offset, zone = zone_offset or local_offset(start)
        record = SessionRecord(
            id=session_id or str(uuid.uuid4()),
            exercise_id=exercise_id,
            title=title,
            content_hash=content_hash,
            started_at=start,
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
            updated_at=self._clock(),
        )
        with self._write() as db:
            self._close_abandoned(db)
            db.execute(_INSERT, (*_row(record), self._owner))
        return record.id

    def progress(self, session_id: str, practised_seconds: float, steps_reached: int) -> None:
        """Record how far an open session got, so a crash loses at most one step."""
        self._update(
            session_id,
            "practised_seconds = ?, steps_reached = ?",
            (float(practised_seconds), steps_reached),
        )

    def set_rating(self, session_id: str, moment: Moment, value: int) -> None:
        if moment not in ("before", "after"):
            raise ValueError(f"a rating is 'before' or 'after', not {moment!r}")
        if value not in RATING_RANGE:
            raise ValueError(f"a rating is a whole number from 0 to 10, not {value!r}")
        self._update(session_id, f"rating_{moment} = ?", (value,))

    def add_answer(
        self, session_id: str, prompt: str, answer: str, remember_as: str | None = None
    ) -> None:
        """Keep a prompt's answer; a named one is also remembered for later exercises."""
        now = to_ms(self._clock())
        with self._write() as db:
            self._touch(db, session_id, now)
            db.execute(
                "INSERT INTO answers SELECT ?, coalesce(max(position) + 1, 0), ?, ?, ?, ? "
                "FROM answers WHERE session_id = ?",
                (session_id, prompt, answer, remember_as, now, session_id),
            )
            if remember_as is not None:
                _upsert_remembered(db, remember_as, answer, now)

    def finish(
        self,
        session_id: str,
        outcome: Literal["completed", "ended-early"],
        practised_seconds: float,
        steps_reached: int,
        ended_at: datetime | None = None,
    ) -> None:
        """Close a session (also one already marked interrupted: its owner knows better)."""
        if outcome not in ("completed", "ended-early"):
            raise ValueError(f"a session finishes 'completed' or 'ended-early', not {outcome!r}")
        end = to_ms(ended_at or self._clock())
        self._update(
            session_id,
            "outcome = ?, practised_seconds = ?, steps_reached = ?, ended_ms = ?, counts = ?",
            (
                outcome,
                float(practised_seconds),
                steps_reached,
                end,
                counts_as_practice(outcome, practised_seconds),
            ),
        )

    # --- remembered answers --------------------------------------------------------------

    def remembered(self) -> dict[str, str]:
        """Named answers that exercises can reuse, e.g. {"cue_word": "harbour"}."""
        with self._lock:
            rows = self._db.execute(
                "SELECT name, text FROM remembered WHERE text IS NOT NULL ORDER BY name"
            ).fetchall()
        return dict(rows)

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
        return [RememberedRecord(name, text, from_ms(ms)) for name, text, ms in rows]

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
                f"SELECT {_COLUMNS} FROM sessions WHERE started_ms >= ? ORDER BY started_ms, id",
                (earliest,),
            ).fetchall()
        records = [_record(row, day_start_hour) for row in rows]
        if since is None:
            return records
        return [record for record in records if record.practice_day >= since]

    def session(self, session_id: str) -> SessionRecord:
        with self._lock:
            row = self._db.execute(
                f"SELECT {_COLUMNS} FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
        if row is None:
            raise UnknownSession(session_id)
        return _record(row)

    def answers(self, session_id: str) -> list[AnswerRecord]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM answers WHERE session_id = ? ORDER BY position", (session_id,)
            ).fetchall()
        return [_answer(row) for row in rows]

    def all_answers(self) -> dict[str, list[AnswerRecord]]:
        """Every kept answer, by session id."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM answers ORDER BY session_id, position"
            ).fetchall()
        by_session: dict[str, list[AnswerRecord]] = {}
        for row in rows:
            by_session.setdefault(row[0], []).append(_answer(row))
        return by_session

    def dump(self) -> HistoryDump:
        """Everything, read in one transaction so that sessions and answers agree."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                return HistoryDump(self.sessions(), self.all_answers(), self.remembered_records())
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
            recent = self._db.execute(
                "SELECT day_ordinal, count(*), sum(practised_seconds) "
                f"FROM sessions {where} AND day_ordinal >= ? GROUP BY day_ordinal",
                (*params, recent_from.toordinal()),
            ).fetchall()
            exercise_rows = self._db.execute(
                "SELECT exercise_id, max(started_ms), count(*), sum(practised_seconds), "
                "total(rating_after - rating_before), count(rating_after - rating_before) "
                f"FROM sessions {where} GROUP BY exercise_id",
                params,
            ).fetchall()
            exercises = [
                ExerciseTotal(exercise_id, self._title(exercise_id, started), started, *sums)
                for exercise_id, started, *sums in exercise_rows
            ]
            others = self._db.execute(
                f"SELECT {_COLUMNS} FROM sessions "
                "WHERE counts = 1 AND (day_start_hour < ? OR day_start_hour > ?)",
                (day_start_hour, day_start_hour),
            ).fetchall()
        totals = PracticeTotals(
            [day for (day,) in days],
            [DayTotal(date.fromordinal(day), count, seconds) for day, count, seconds in recent],
            exercises,
        )
        return totals, [_record(row, day_start_hour) for row in others]

    def _title(self, exercise_id: str, started_ms: int) -> str:
        row = self._db.execute(
            "SELECT title FROM sessions WHERE started_ms = ? AND exercise_id = ?",
            (started_ms, exercise_id),
        ).fetchone()
        return str(row[0]) if row else exercise_id

    # --- merging (import, and sessions that waited in the pending file) ------------------

    def merge(
        self,
        sessions: Iterable[tuple[SessionRecord, Sequence[AnswerRecord]]],
        remembered: Iterable[RememberedRecord] = (),
    ) -> ImportReport:
        """Add sessions by id in one transaction; a stored row is replaced only by a newer one.

        Imported open rows have no owner, so the next :meth:`begin` marks them interrupted.
        """
        added = updated = unchanged = 0
        with self._write() as db:
            for record, answers in sessions:
                found = db.execute(
                    "SELECT updated_ms FROM sessions WHERE id = ?", (record.id,)
                ).fetchone()
                if found is not None and found[0] >= to_ms(record.updated_at):
                    unchanged += 1
                    continue
                if found is None:
                    added += 1
                else:
                    updated += 1
                    db.execute("DELETE FROM sessions WHERE id = ?", (record.id,))
                db.execute(_INSERT, (*_row(record), ""))
                db.executemany(
                    "INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?)",
                    [(record.id, *_answer_row(answer)) for answer in answers],
                )
            for entry in remembered:
                _upsert_remembered(db, entry.name, entry.text, to_ms(entry.updated_at))
        return ImportReport(added, updated, unchanged)

    def erase_all(self) -> None:
        """Delete every session, answer and remembered name, and shrink the file."""
        with self._write() as db:
            for table in ("answers", "sessions", "remembered"):
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

    def _update(self, session_id: str, assignments: str, values: tuple[object, ...]) -> None:
        with self._write() as db:
            cursor = db.execute(
                f"UPDATE sessions SET {assignments}, updated_ms = ? WHERE id = ?",
                (*values, to_ms(self._clock()), session_id),
            )
            if cursor.rowcount == 0:
                raise UnknownSession(session_id)

    def _touch(self, db: sqlite3.Connection, session_id: str, now: int) -> None:
        cursor = db.execute("UPDATE sessions SET updated_ms = ? WHERE id = ?", (now, session_id))
        if cursor.rowcount == 0:
            raise UnknownSession(session_id)

    def _close_abandoned(self, db: sqlite3.Connection) -> None:
        now = to_ms(self._clock())
        rows = db.execute(
            "SELECT id, owner, updated_ms FROM sessions WHERE outcome = 'open'"
        ).fetchall()
        for session_id, owner, updated in rows:
            if _owner_alive(owner) and now - updated < ABANDONED_AFTER // timedelta(milliseconds=1):
                continue
            db.execute(
                "UPDATE sessions SET outcome = 'interrupted', ended_ms = coalesce(ended_ms, ?), "
                "updated_ms = ? WHERE id = ?",
                (updated, now, session_id),
            )


class _Damaged(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _check(path: Path, busy_timeout: float) -> None:
    """Raise _Damaged if an existing file is not a sound database, without changing it.

    SQLite drops the -wal beside a file whose header it cannot read, and a read-write connection
    checkpoints on closing; so the header is read by hand and the check is made read-only.
    """
    try:
        with path.open("rb") as file:
            header = file.read(len(_HEADER))
    except FileNotFoundError:
        return
    except OSError as error:
        raise HistoryUnavailable(path, _reason(path, error)) from error
    if not header:
        return  # zero bytes: a valid, empty database
    if header != _HEADER:
        raise _Damaged("it is not an SQLite database")
    uri = f"{path.absolute().as_uri()}?mode=ro"
    try:
        probe = sqlite3.connect(uri, uri=True, timeout=busy_timeout)
        try:
            problems = probe.execute("PRAGMA quick_check").fetchall()
        finally:
            probe.close()
    except sqlite3.DatabaseError as error:
        if (error.sqlite_errorname or "").startswith(_DAMAGE):
            raise _Damaged(failure_reason(error)) from error
        return  # not damage (busy, read-only folder...): the connection itself will say
    if problems != [("ok",)]:
        raise _Damaged("the history file is damaged")


def _connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """Check, connect and migrate; raises _Damaged for a file that is not a sound database."""
    _check(path, busy_timeout)
    try:
        db = sqlite3.connect(
            path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as error:
        raise HistoryUnavailable(path, _reason(path, error)) from error
    try:
        # The version is read first: a newer file must stay byte for byte as it is.
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise HistoryUnavailable(
                path, "it was written by a newer safeplace; update safeplace to use it"
            )
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA secure_delete = ON")  # erased answers do not linger in free pages
        migrate(db)
    except sqlite3.DatabaseError as error:
        db.close()
        if (error.sqlite_errorname or "").startswith(_DAMAGE):
            raise _Damaged(failure_reason(error)) from error
        raise HistoryUnavailable(path, _reason(path, error)) from error
    except BaseException:
        db.close()
        raise
    return db


def migrate(db: sqlite3.Connection, migrations: Sequence[Sequence[str]] = MIGRATIONS) -> None:
    """Bring the schema up to date; each step commits together with its version bump."""
    while (version := db.execute("PRAGMA user_version").fetchone()[0]) < len(migrations):
        db.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the lock.
            if db.execute("PRAGMA user_version").fetchone()[0] == version:
                for statement in migrations[version]:
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {version + 1}")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise


def _move_aside(path: Path, reason: str) -> str:
    """Rename the file and its WAL companions with a timestamp; return the sentence to show."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.stem}.corrupt-{stamp}{path.suffix}")
    number = 1
    while aside.exists():
        number += 1
        aside = path.with_name(f"{path.stem}.corrupt-{stamp}-{number}{path.suffix}")
    try:
        path.rename(aside)
        for suffix in ("-wal", "-shm"):
            companion = path.with_name(path.name + suffix)
            if companion.exists():
                companion.rename(aside.with_name(aside.name + suffix))
    except OSError as error:
        raise HistoryUnavailable(
            path, f"{reason}, and it could not be moved aside ({error.strerror})"
        ) from error
    return (
        f"Your history file could not be read ({reason}). It was kept as {aside} "
        "and a new history was started."
    )


def _owner_alive(owner: str) -> bool:
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != _HOST or not pid_text.isdigit():
        return bool(owner)  # not ours to check: only the age rule applies
    pid = int(pid_text)
    if pid == os.getpid():
        return owner in _LIVE_STORES
    if os.name != "posix":
        return True  # os.kill(pid, 0) would terminate the process on Windows
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _upsert_remembered(db: sqlite3.Connection, name: str, text: str | None, ms: int) -> None:
    db.execute(
        "INSERT INTO remembered VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE "
        "SET text = excluded.text, updated_ms = excluded.updated_ms "
        "WHERE excluded.updated_ms >= remembered.updated_ms",
        (name, text, ms),
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
        practice_day_from_ms(started, record.utc_offset_seconds, record.day_start_hour).toordinal(),
        record.counts,
    )


def _record(row: _SESSION_ROW, day_start_hour: int | None = None) -> SessionRecord:
    (id_, exercise, title, digest, started, offset, zone, hour, ended, planned, practised,
     outcome, steps, before, after, updated) = row  # fmt: skip
    return SessionRecord(
        id_, exercise, title, digest, from_ms(started), offset, zone,
        hour if day_start_hour is None else day_start_hour,
        None if ended is None else from_ms(ended), planned, practised,
        cast(Outcome, outcome),  # the CHECK constraint keeps it one
        steps, before, after, from_ms(updated),
    )  # fmt: skip


def _answer(row: tuple[str, int, str, str, str | None, int]) -> AnswerRecord:
    session_id, position, prompt, answer, remember_as, answered = row
    return AnswerRecord(session_id, position, prompt, answer, remember_as, from_ms(answered))


def _answer_row(answer: AnswerRecord) -> tuple[object, ...]:
    return (
        answer.position,
        answer.prompt,
        answer.answer,
        answer.remember_as,
        to_ms(answer.answered_at),
    )
