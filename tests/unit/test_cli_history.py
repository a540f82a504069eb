"""The headless history commands, driven through ``register`` as cli.py drives them."""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import history_seed as seed
from safeplace.cli_history import register
from safeplace.history.database import APPLICATION_ID
from safeplace.history.pending import has_waiting
from safeplace.history.store import HistoryStore
from safeplace.paths import Paths
from safeplace.settings import Settings


def run(paths: Paths, *argv: str, settings: Settings | None = None) -> int:
    parser = argparse.ArgumentParser(prog="safeplace")
    register(parser.add_subparsers(required=True))
    args = parser.parse_args(argv)
    result: int = args.handler(args, paths, settings or Settings())
    return result


def record(paths: Paths, days_ago: int = 0, title: str = "Box breathing") -> str:
    start = datetime.now(UTC) - timedelta(days=days_ago)
    with HistoryStore.open(paths.history_db) as store:
        session_id = seed.begin(
            store, "box", title, "hash", 300, day_start_hour=4, started_at=start
        )
        seed.set_rating(store, session_id, "before", 6)
        seed.add_answer(store, session_id, "A cue word?", "harbour", "cue_word")
        seed.finish(store, session_id, "completed", 300, 4, ended_at=start + timedelta(minutes=5))
        seed.set_rating(store, session_id, "after", 2)
    return session_id


def test_reading_commands_work_without_a_history_and_create_nothing(
    paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(paths, "status") == 0
    assert capsys.readouterr().out == "ready when you are\n"
    assert run(paths, "history") == 0
    assert "No practice recorded yet." in capsys.readouterr().out
    assert run(paths, "stats") == 0
    assert "Current streak   0 days" in capsys.readouterr().out
    assert run(paths, "remembered") == 0
    assert not paths.data_dir.exists()


def test_history_lists_sessions_with_control_characters_removed(
    paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    record(paths, days_ago=2, title="Box \x1b]0;owned\x07breathing")
    record(paths)
    assert run(paths, "history") == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    lines = out.splitlines()
    assert len(lines) == 2
    assert "completed" in lines[0] and "6 -> 2" in lines[0] and "5 min" in lines[0]


def test_history_json_and_since(paths: Paths, capsys: pytest.CaptureFixture[str]) -> None:
    record(paths, days_ago=10)
    recent = record(paths)
    assert run(paths, "history", "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 2 and rows[1]["answers"][0]["answer"] == "harbour"
    since = (datetime.now(UTC) - timedelta(days=3)).date().isoformat()
    assert run(paths, "history", "--json", "--since", since) == 0
    assert [row["id"] for row in json.loads(capsys.readouterr().out)] == [recent]


def test_a_bad_date_is_one_sentence_and_exit_1(
    paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(paths, "history", "--since", "last week") == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "'last week' is not a date: write it as YYYY-MM-DD.\n"


def test_stats_and_status(paths: Paths, capsys: pytest.CaptureFixture[str]) -> None:
    for days_ago in (2, 1, 0):
        record(paths, days_ago=days_ago)
    assert run(paths, "status") == 0
    assert capsys.readouterr().out in ("streak 3, today done\n", "streak 2, today done\n")
    assert run(paths, "stats") == 0
    out = capsys.readouterr().out
    assert "Longest streak" in out and "What helps" in out and "-4.0 (3 rated)" in out
    assert run(paths, "stats", settings=Settings(show_streaks=False)) == 0
    assert "streak" not in capsys.readouterr().out
    assert run(paths, "status", settings=Settings(show_streaks=False)) == 0
    assert capsys.readouterr().out == "today done\n"
    assert run(paths, "stats", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total_sessions"] == 3 and len(data["weekly_minutes"]) == 12


@pytest.mark.parametrize("fmt", ["csv", "json", "markdown"])
def test_export_to_stdout_and_to_a_file(
    paths: Paths, capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    record(paths)
    assert run(paths, "export", "--format", fmt) == 0
    printed = capsys.readouterr().out
    assert "Box breathing" in printed
    target = tmp_path / f"export.{fmt}"
    assert run(paths, "export", "--format", fmt, "-o", str(target)) == 0
    assert capsys.readouterr().out == f"Exported 1 session to {target}.\n"
    assert (
        target.read_text(encoding="utf-8").replace("\r\n", "\n").splitlines()[1:3]
        == (printed.splitlines()[1:3])
    )


def test_export_into_a_missing_folder_is_one_sentence(
    paths: Paths, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert run(paths, "export", "-o", str(tmp_path / "nowhere" / "x.json")) == 1
    assert capsys.readouterr().err.endswith("could not be written: No such file or directory.\n")


def test_import_merges_and_repeats_add_nothing(
    paths: Paths, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    record(paths)
    export = tmp_path / "export.json"
    run(paths, "export", "-o", str(export))
    other = Paths(tmp_path / "c", tmp_path / "d", tmp_path / "s")
    capsys.readouterr()
    assert run(other, "import", str(export)) == 0
    assert capsys.readouterr().out.endswith(": 1 added, 0 updated, 0 already there.\n")
    assert run(other, "import", str(export)) == 0
    assert capsys.readouterr().out.endswith(": 0 added, 0 updated, 1 already there.\n")
    export.write_text("[1, 2", encoding="utf-8")
    assert run(other, "import", str(export)) == 1
    assert "export.json:1:6: not JSON" in capsys.readouterr().err


def test_remembered_answers_can_be_viewed_changed_and_forgotten(
    paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    record(paths)
    assert run(paths, "remembered") == 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\d  cue_word: harbour\n", capsys.readouterr().out)
    assert run(paths, "remembered", "cue_word", "lighthouse") == 0
    assert run(paths, "remembered", "cue_word") == 0
    assert capsys.readouterr().out.endswith("cue_word: lighthouse\n")
    assert run(paths, "remembered", "cue_word", "--forget") == 0
    assert run(paths, "remembered", "cue_word") == 1
    assert capsys.readouterr().err == "Nothing is remembered as cue_word.\n"
    assert run(paths, "remembered", "Bad Name", "x") == 1


def test_erase_refuses_without_a_terminal_or_confirmation(
    paths: Paths, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    record(paths)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    assert run(paths, "erase") == 1
    assert "--yes" in capsys.readouterr().err
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    assert run(paths, "erase") == 1
    assert capsys.readouterr().err == "Nothing was erased.\n"
    with HistoryStore.open(paths.history_db) as store:
        assert len(store.sessions()) == 1


def test_erase_after_typing_erase_removes_everything(
    paths: Paths, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    record(paths)
    paths.state_dir.mkdir(parents=True)
    paths.pending_file.write_text("{}\n", encoding="utf-8")
    aside = paths.data_dir / "history.corrupt-20260101-000000.db"
    aside.write_bytes(b"old")
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt: "erase")
    assert run(paths, "erase") == 0
    assert "1 set-aside copies" in capsys.readouterr().out
    # Only an erase mark stays in the pending file: no session, nothing set aside.
    assert not has_waiting(paths.pending_file) and not aside.exists()
    with HistoryStore.open(paths.history_db) as store:
        assert (store.sessions(), store.remembered()) == ([], {})


def test_erase_yes_for_scripts(paths: Paths, capsys: pytest.CaptureFixture[str]) -> None:
    record(paths)
    assert run(paths, "erase", "--yes") == 0
    assert capsys.readouterr().out == "Your history is erased.\n"


def test_a_damaged_history_is_moved_aside_and_reported(
    paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    paths.data_dir.mkdir(parents=True)
    paths.history_db.write_text("this is not a database\n" * 100, encoding="utf-8")
    assert run(paths, "history") == 0
    captured = capsys.readouterr()
    assert "No practice recorded yet." in captured.out
    assert captured.err.startswith("Your history file could not be read (it is not an SQLite")
    assert len(list(paths.data_dir.glob("history.corrupt-*.db"))) == 1


def test_a_newer_history_is_one_sentence_and_exit_1(
    paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    paths.data_dir.mkdir(parents=True)
    db = sqlite3.connect(paths.history_db)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")  # safeplace's own, from later
    db.execute("PRAGMA user_version = 42")
    db.close()
    assert run(paths, "history") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "newer safeplace" in err


def test_history_commands_import_no_ui_toolkit() -> None:
    code = (
        "import sys, safeplace.cli_history\n"
        "loaded = {m.split('.')[0] for m in sys.modules} & {'textual', 'rich', 'pydantic'}\n"
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
