"""The history file is safeplace's own: another program's SQLite file at its place is left
exactly as it is, and a reading command never creates a history where there is none."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from safeplace.history.database import APPLICATION_ID, MIGRATIONS, HistoryUnavailable
from safeplace.history.service import open_history
from safeplace.history.store import HistoryStore
from safeplace.paths import Paths

SAFEPLACE = Path(sys.executable).with_name("safeplace")
READING = [
    ["history"],
    ["history", "--json"],
    ["stats"],
    ["stats", "--json"],
    ["status"],
    ["export"],
    ["export", "--format", "csv"],
    ["remembered"],
    ["remembered", "cue_word"],
]


def safeplace(home: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SAFEPLACE_HOME": str(home)}
    return subprocess.run(
        [str(SAFEPLACE), *argv], env=env, umask=0o022, capture_output=True, text=True, timeout=60
    )


def notes_app(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    db.execute("INSERT INTO notes (body) VALUES ('a note of another program')")


def with_its_own_version(db: sqlite3.Connection) -> None:
    notes_app(db)
    db.execute("PRAGMA user_version = 7")


def with_another_application_id(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA application_id = 1179407188")
    notes_app(db)


def empty_but_marked(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA application_id = 1179407188")


def with_a_table_called_sessions(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE sessions (id INTEGER PRIMARY KEY, start TEXT)")


def in_wal_mode(db: sqlite3.Connection) -> None:
    notes_app(db)
    db.execute("PRAGMA journal_mode = WAL")


FOREIGN: list[Callable[[sqlite3.Connection], None]] = [
    notes_app,
    with_its_own_version,
    with_another_application_id,
    empty_but_marked,
    with_a_table_called_sessions,
    in_wal_mode,
]


def place_foreign(home: Path, make: Callable[[sqlite3.Connection], None]) -> Path:
    path = home / "data" / "history.db"
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path, isolation_level=None)
    make(db)
    db.close()
    return path


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mode) for p in folder.iterdir()}


@pytest.mark.parametrize("make", FOREIGN, ids=lambda make: make.__name__)
def test_a_foreign_database_is_left_exactly_as_it_is(
    tmp_path: Path, make: Callable[..., None]
) -> None:
    home = tmp_path / "home"
    path = place_foreign(home, make)
    before = snapshot(path.parent)
    others = [argv for argv in READING if argv != ["status"]]
    writing = [["remembered", "cue_word", "harbour"], ["export", "-o", str(tmp_path / "x")]]
    for argv in [*others, *writing, ["status"]]:
        result = safeplace(home, *argv)
        assert result.returncode == 1, (argv, result.stdout, result.stderr)
        assert snapshot(path.parent) == before, argv
        if argv == ["status"]:  # a shell prompt stays quiet; the other commands say why
            assert result.stdout == ""
            continue
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and "Traceback" not in result.stderr, (argv, result.stderr)
        assert str(path) in lines[0] and "left it as it is" in lines[0]
        assert "move it elsewhere" in lines[0]
    assert not (tmp_path / "x").exists()


def test_the_app_goes_on_without_saving_when_the_history_is_foreign(paths: Paths) -> None:
    place_foreign(paths.data_dir.parent, notes_app)
    before = paths.history_db.read_bytes()
    store, notice = open_history(paths)
    assert store is None and notice is not None
    assert "left it as it is" in notice and "Your practice can go on" in notice
    assert paths.history_db.read_bytes() == before


def test_safeplace_marks_its_own_history(paths: Paths) -> None:
    with HistoryStore.open(paths.history_db) as store:
        store.set_remembered("cue_word", "harbour")
    db = sqlite3.connect(paths.history_db)
    try:
        assert db.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
    finally:
        db.close()


def test_a_history_from_before_the_mark_is_still_recognised(paths: Paths) -> None:
    """Histories written before safeplace set its application id are known by their tables."""
    paths.data_dir.mkdir(parents=True)
    db = sqlite3.connect(paths.history_db, isolation_level=None)
    for statement in MIGRATIONS[0]:
        db.execute(statement)
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO remembered VALUES ('cue_word', 'harbour', 0)")
    db.close()
    result = safeplace(paths.data_dir.parent, "remembered")
    assert result.returncode == 0
    assert result.stdout.endswith("  cue_word: harbour\n")  # after the day it was given
    db = sqlite3.connect(paths.history_db)
    try:
        assert db.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
    finally:
        db.close()


def test_a_newer_history_of_safeplace_is_refused_untouched(paths: Paths) -> None:
    with HistoryStore.open(paths.history_db):
        pass
    db = sqlite3.connect(paths.history_db)
    db.execute("PRAGMA user_version = 99")
    db.close()
    before = paths.history_db.read_bytes()
    with pytest.raises(HistoryUnavailable, match="newer safeplace"):
        HistoryStore.open(paths.history_db)
    assert paths.history_db.read_bytes() == before


@pytest.mark.parametrize("argv", READING, ids=" ".join)
def test_a_reading_command_never_creates_a_history(tmp_path: Path, argv: list[str]) -> None:
    home = tmp_path / "home"
    result = safeplace(home, *argv)
    assert result.returncode == (1 if argv == ["remembered", "cue_word"] else 0), result.stderr
    assert not home.exists()


def test_a_reading_command_never_creates_a_history_in_an_existing_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "data").mkdir(parents=True)
    for argv in READING:
        safeplace(home, *argv)
    assert list((home / "data").iterdir()) == []
