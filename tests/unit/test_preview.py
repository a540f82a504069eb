"""A session played faster than written (``--speed`` above 1) is a preview: it is kept and
listed as one, and counts toward no streak, total or day, in every view; export, import and
the pending file keep it one, and a history or an export from before the speed was kept is
practice at the written pace.

The commands run as a person runs them: the installed `safeplace`, with SAFEPLACE_HOME set.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from safeplace.history.database import APPLICATION_ID, MIGRATIONS
from safeplace.history.days import local_offset, practice_day_from_ms, to_ms
from safeplace.history.recorder import SessionRecorder
from safeplace.history.store import HistoryStore
from safeplace.paths import Paths
from safeplace.settings import Settings

SAFEPLACE = Path(sys.executable).with_name("safeplace")


def safeplace(
    *args: str, home: Path | None = None, ok: bool = True
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if home is not None:
        env["SAFEPLACE_HOME"] = str(home)
    done = subprocess.run(
        [str(SAFEPLACE), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=False,
    )
    if ok:
        assert done.returncode == 0 and done.stderr == "", done.stdout + done.stderr
    return done


def stats(home: Path | None = None) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(safeplace("stats", "--json", home=home).stdout)
    return found


def listed(home: Path | None = None) -> list[str]:
    return safeplace("history", home=home).stdout.splitlines()


def practise(paths: Paths, speed: float, *, history_opens: bool = True) -> str:
    """A whole session of a five-minute exercise as the app records it, at ``speed``."""

    def open_store() -> HistoryStore:
        if not history_opens:
            raise sqlite3.OperationalError("unable to open database file")
        return HistoryStore.open(paths.history_db)

    recorder = SessionRecorder(open_store, Settings(), paths.pending_file)
    session_id = recorder.start("box", "Box breathing", "hash", 300 / speed, speed=speed)
    recorder.rating("before", 6)
    recorder.step_reached(2, 150 / speed)
    recorder.finish(300 / speed, 4)
    recorder.rating("after", 3)
    recorder.close()
    return session_id


NOTHING = {"total_sessions": 0, "days_practised": 0, "current_streak": 0, "done_today": False}


def counted(found: dict[str, Any]) -> dict[str, Any]:
    return {key: found[key] for key in NOTHING}


def test_a_preview_is_listed_as_one_and_counts_for_nothing(paths: Paths) -> None:
    practise(paths, 20)

    [line] = listed()
    assert "completed (preview)" in line and "not counted" not in line
    assert counted(stats()) == NOTHING
    assert stats()["per_exercise"] == []  # "what helps" leaves it out too
    assert safeplace("stats").stdout.count("Sessions         0 (0 minutes)") == 1
    assert safeplace("status").stdout.strip() == "ready when you are"
    [session] = json.loads(safeplace("history", "--json").stdout)
    assert (session["speed"], session["outcome"]) == (20.0, "completed")
    journal = safeplace("export", "--format", "markdown").stdout
    assert "a preview at 20× speed, not counted" in journal
    [row] = csv.DictReader(io.StringIO(safeplace("export", "--format", "csv").stdout))
    assert (row["speed"], row["outcome"]) == ("20", "completed")

    practise(paths, 0.5)  # slower than written is practice
    assert counted(stats()) == {
        "total_sessions": 1,
        "days_practised": 1,
        "current_streak": 1,
        "done_today": True,
    }
    assert sum("(preview)" in line for line in listed()) == 1
    assert safeplace("status").stdout.strip() == "streak 1, today done"


def test_a_speed_beyond_the_bounds_is_kept_at_the_nearest_one(paths: Paths, tmp_path: Path) -> None:
    practise(paths, 1000)  # the app's engine takes any speed; the command line up to 100

    [session] = json.loads(safeplace("history", "--json").stdout)
    assert session["speed"] == 100.0
    assert "(preview)" in listed()[0]
    assert counted(stats()) == NOTHING
    export = tmp_path / "export.json"
    safeplace("export", "-o", str(export))
    safeplace("import", str(export), home=tmp_path / "elsewhere")
    assert counted(stats(tmp_path / "elsewhere")) == NOTHING


def test_export_and_import_keep_a_preview_and_an_older_export_is_practice(
    paths: Paths, tmp_path: Path
) -> None:
    practise(paths, 20)
    export = tmp_path / "export.json"
    safeplace("export", "-o", str(export))

    elsewhere = tmp_path / "elsewhere"
    safeplace("import", str(export), home=elsewhere)
    [line] = listed(elsewhere)
    assert "(preview)" in line
    assert counted(stats(elsewhere)) == NOTHING
    [session] = json.loads(safeplace("history", "--json", home=elsewhere).stdout)
    assert session["speed"] == 20.0

    # An export written before the speed was kept: its sessions were played as written.
    document = json.loads(export.read_text(encoding="utf-8"))
    for item in document["sessions"]:
        del item["speed"]
    older = tmp_path / "older.json"
    older.write_text(json.dumps(document), encoding="utf-8")
    before = tmp_path / "before"
    safeplace("import", str(older), home=before)
    assert "(preview)" not in listed(before)[0]
    assert stats(before)["total_sessions"] == 1


@pytest.mark.parametrize(
    ("written", "shown"),
    [('"fast"', '"fast"'), ("-1", "-1"), ("0", "0"), ("1000", "1000"), ("true", "true"),
     ("NaN", "NaN"), ("[]", "a list")],
)  # fmt: skip
def test_a_bad_speed_in_an_import_is_one_sentence(
    paths: Paths, tmp_path: Path, written: str, shown: str
) -> None:
    practise(paths, 20)
    text = safeplace("export").stdout.replace('"speed": 20.0', f'"speed": {written}')
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")

    elsewhere = tmp_path / "elsewhere"
    done = safeplace("import", str(bad), home=elsewhere, ok=False)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == (
        f"{bad}: sessions[0].speed: expected a number from 0.1 to 100 (1 is the written pace), "
        f"found {shown}; nothing was imported.\n"
    )
    assert not (elsewhere / "data" / "history.db").exists()


def test_a_preview_that_waited_in_the_pending_file_is_still_one(paths: Paths) -> None:
    practise(paths, 20, history_opens=False)
    assert paths.pending_file.exists() and not paths.history_db.exists()

    [line] = listed()  # the command merges what waited
    assert "(preview)" in line
    assert counted(stats()) == NOTHING


def v1_history(path: Path) -> None:
    """A history as the first released safeplace wrote it, with one completed session."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in MIGRATIONS[0]:
            db.execute(statement)
        db.execute("PRAGMA user_version = 1")
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        start = datetime.now(UTC) - timedelta(minutes=30)
        start_ms = to_ms(start)
        offset, zone = local_offset(start)
        day = practice_day_from_ms(start_ms, offset, 4).toordinal()
        db.execute(
            "INSERT INTO sessions VALUES "
            "('old', 'box', 'Box breathing', 'h', ?, ?, ?, 4, ?, 300, 300, 'completed', "
            "4, 6, 3, ?, ?, 1, '')",
            (start_ms, offset, zone, start_ms + 300_000, start_ms + 300_000, day),
        )
    finally:
        db.close()


def test_a_history_from_before_the_speed_migrates_as_practice(paths: Paths) -> None:
    v1_history(paths.history_db)

    [session] = json.loads(safeplace("history", "--json").stdout)
    assert (session["id"], session["speed"]) == ("old", 1.0)
    assert "(preview)" not in listed()[0]
    assert stats()["total_sessions"] == 1
    with HistoryStore.open(paths.history_db) as store:
        [record] = store.sessions()
    assert (record.speed, record.counts) == (1.0, True)


@pytest.mark.parametrize("stored", ["'fast'", "-3", "0", "1e9", "x'00'"])
def test_a_speed_no_version_writes_reads_as_the_written_pace(
    paths: Paths, tmp_path: Path, stored: str
) -> None:
    practise(paths, 20)
    db = sqlite3.connect(paths.history_db, isolation_level=None)
    try:
        db.execute(f"UPDATE sessions SET speed = {stored}, counts = 1")
    finally:
        db.close()

    [session] = json.loads(safeplace("history", "--json").stdout)
    assert session["speed"] == 1.0
    assert "(preview)" not in listed()[0]
    assert stats()["total_sessions"] == 1
    export = tmp_path / "export.json"
    safeplace("export", "-o", str(export))
    safeplace("import", str(export), home=tmp_path / "elsewhere")  # it imports as it reads
