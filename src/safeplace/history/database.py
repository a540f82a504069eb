"""Opening the history's SQLite file safely: checks, pragmas, migrations, failure reasons.

Choices (why, in docs/architecture.md, "The way of a finished step to a row"):

- WAL with ``synchronous=FULL``: a commit that returned survives a crash or a power cut.
- The schema is versioned with ``user_version``; each migration commits with its bump.
- A file that cannot be read is renamed aside with its ``-wal``/``-shm`` files, never deleted.
- Private: the file is made 0600 before SQLite opens it (SQLite gives ``-wal``/``-shm`` the
  mode of the database), and the folder 0700; wider ones found there are tightened.
- Another program's SQLite file at the history path is left exactly as it is. safeplace's own
  file carries :data:`APPLICATION_ID`; one written before it did is known by its tables.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from safeplace.files import private_file, private_folder, tighten

BUSY_TIMEOUT_SECONDS = 5.0
APPLICATION_ID = 0x7366706C  # "sfpl", in the file's header
_OWN_TABLES = frozenset({"sessions", "answers", "remembered"})
_COMPANIONS = ("-wal", "-shm", "-journal")
FOREIGN = (
    "it is another program's SQLite database, so safeplace left it as it is; move it "
    "elsewhere and safeplace will start a new history"
)


class HistoryUnavailable(Exception):
    """The history cannot be opened; ``reason`` is a short phrase for a sentence."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"Your history at {path} cannot be used: {reason}.")
        self.path = path
        self.reason = reason


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
    refused = name.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY")) or isinstance(
        error, PermissionError
    )
    if refused and cannot_write:
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
        counts INTEGER NOT NULL,     -- counts_as_practice(outcome, practised_seconds, speed)
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
# v2: the safety plan, one row per section (a JSON list of its entries, "[]" once emptied,
# so that an older import cannot bring the words back), and the favourites (added_ms NULL once
# taken off, for the same reason). Newest wins, as for remembered names. And each session's
# speed: above 1 it was a preview, stored with counts 0; older rows were played as written.
_SCHEMA_V2 = (
    """CREATE TABLE safety_plan (
        section TEXT PRIMARY KEY,
        entries TEXT NOT NULL,
        updated_ms INTEGER NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TABLE favourites (
        exercise_id TEXT PRIMARY KEY,
        added_ms INTEGER,
        updated_ms INTEGER NOT NULL
    ) WITHOUT ROWID""",
    "ALTER TABLE sessions ADD COLUMN speed REAL NOT NULL DEFAULT 1",
)
MIGRATIONS: tuple[tuple[str, ...], ...] = (_SCHEMA_V1, _SCHEMA_V2)


def open_database(path: Path, busy_timeout: float) -> tuple[sqlite3.Connection, str | None]:
    """Connect (creating the folder and file if needed) or raise :class:`HistoryUnavailable`.

    Returns the connection and, if an unreadable file was moved aside, a sentence to show once.
    """
    try:
        private_folder(path.parent)
    except OSError as error:
        reason = f"the history folder cannot be created ({error.strerror})"
        raise HistoryUnavailable(path, reason) from error
    notice = None
    if path.is_dir():
        notice = _move_aside(path, "it is a folder, not a history file")
    elif os.path.lexists(path) and not path.is_file():
        # Opening a pipe would wait for a writer forever; a device is nobody's history.
        raise HistoryUnavailable(
            path, "it is a pipe, a device or a broken link, not a history file; move it elsewhere"
        )
    try:
        db = _connect(path, busy_timeout)
    except _Damaged as damage:
        notice = _move_aside(path, damage.reason)
        try:
            db = _connect(path, busy_timeout)
        except (_Damaged, sqlite3.Error) as error:
            raise HistoryUnavailable(path, _reason(path, error)) from error
    return db, notice


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
    if is_foreign(path):
        raise HistoryUnavailable(path, FOREIGN)
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
        private_file(path)
        for suffix in _COMPANIONS:
            tighten(path.with_name(path.name + suffix))
        db = sqlite3.connect(
            path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
    except (sqlite3.Error, OSError) as error:
        raise HistoryUnavailable(path, _reason(path, error)) from error
    try:
        # Read before anything is written: a foreign or newer file stays byte for byte as it is.
        if _is_foreign(db):
            raise HistoryUnavailable(path, FOREIGN)
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
        _mark_as_ours(db)
    except sqlite3.DatabaseError as error:
        db.close()
        if (error.sqlite_errorname or "").startswith(_DAMAGE):
            raise _Damaged(failure_reason(error)) from error
        raise HistoryUnavailable(path, _reason(path, error)) from error
    except BaseException:
        db.close()
        raise
    return db


def is_foreign(path: Path) -> bool:
    """Whether the SQLite file at ``path`` is another program's, as far as its main file says.

    Read as immutable: no lock is taken and no ``-wal``/``-shm`` is made beside it, which even a
    read-only connection does. What only a ``-wal`` holds is seen by the check of the
    connection itself, before anything is written.
    """
    try:
        probe = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return False
    try:
        return _is_foreign(probe)
    except sqlite3.Error:
        return False  # not readable as a database: the other checks say why
    finally:
        probe.close()


def _is_foreign(db: sqlite3.Connection) -> bool:
    """Whether the connected database is another program's (nothing is written)."""
    application_id = db.execute("PRAGMA application_id").fetchone()[0]
    if application_id:
        return bool(application_id != APPLICATION_ID)
    version = db.execute("PRAGMA user_version").fetchone()[0]
    names = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    if not names and not version:
        return False  # empty: a history about to be made
    return not names >= _OWN_TABLES


def _mark_as_ours(db: sqlite3.Connection) -> None:
    """Set the application id on a new history, or one made before safeplace set it."""
    if db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID:
        return
    # Read-only or busy: it is still known by its tables, and is marked next time.
    with contextlib.suppress(sqlite3.OperationalError):
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


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
        tighten(aside)
        for suffix in ("-wal", "-shm"):
            companion = path.with_name(path.name + suffix)
            if companion.exists():
                companion.rename(aside.with_name(aside.name + suffix))
                tighten(aside.with_name(aside.name + suffix))
    except OSError as error:
        raise HistoryUnavailable(
            path, f"{reason}, and it could not be moved aside ({error.strerror})"
        ) from error
    return (
        f"Your history file could not be read ({reason}). It was kept as {aside} "
        "and a new history was started."
    )
