"""Bad import files, run through the installed ``safeplace import`` as a person would.

Each is refused with exit code 1 and one sentence that names the field (or says what is wrong
with the file), no traceback, no escape byte, and nothing imported: the history is unchanged,
and an empty home gets no history file. People's words with control characters are imported
without them.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import history_seed as seed
from safeplace.history.exchange import export_json
from safeplace.history.store import HistoryStore
from safeplace.paths import resolve_paths

SAFEPLACE = Path(sys.executable).with_name("safeplace")
SESSION: dict[str, Any] = {
    "id": "4f0c1d9e-import-me",
    "exercise_id": "box-breathing",
    "title": "Box breathing",
    "content_hash": "abc123",
    "started_at": "2026-03-02T07:00:00.000Z",
    "local_started_at": "2026-03-02T08:00:00+01:00",
    "utc_offset_seconds": 3600,
    "tz_name": "Europe/Berlin",
    "practice_day": "2026-03-02",
    "day_start_hour": 4,
    "ended_at": "2026-03-02T07:05:00.000Z",
    "planned_seconds": 300.0,
    "practised_seconds": 300.0,
    "outcome": "completed",
    "steps_reached": 4,
    "rating_before": 6,
    "rating_after": 3,
    "updated_at": "2026-03-02T07:05:00.000Z",
    "answers": [
        {
            "position": 0,
            "prompt": "A cue word?",
            "answer": "harbour",
            "remember_as": "cue_word",
            "answered_at": "2026-03-02T07:03:00.000Z",
        }
    ],
}
VALID: dict[str, Any] = {
    "format": "safeplace-history",
    "version": 1,
    "exported_at": "2026-03-02T08:00:00.000Z",
    "sessions": [SESSION],
    "remembered": [
        {"name": "cue_word", "text": "harbour", "updated_at": "2026-03-02T07:03:00.000Z"}
    ],
}
BIG = "__BIG__"  # stands for a number json.dumps will not write


def written(text: str, number: str) -> str:
    return text.replace(f'"{BIG}"', number)


def changed(change: Callable[[dict[str, Any]], object]) -> str:
    document = copy.deepcopy(VALID)
    change(document)
    return json.dumps(document)


def session(**values: object) -> str:
    return changed(lambda doc: doc["sessions"][0].update(values))


def answer(**values: object) -> str:
    return changed(lambda doc: doc["sessions"][0]["answers"][0].update(values))


def remembered(**values: object) -> str:
    return changed(lambda doc: doc["remembered"][0].update(values))


def nested(depth: int, inside: str = "") -> str:
    return "[" * depth + inside + "]" * depth


# name: (content of the file, a word the sentence must hold to name the field or problem)
BAD: dict[str, tuple[str | bytes, str]] = {
    "infinite-seconds": (session(practised_seconds=float("inf")), "practised_seconds"),
    "nan-seconds": (session(practised_seconds=float("nan")), "practised_seconds"),
    "minus-infinite-planned": (session(planned_seconds=float("-inf")), "planned_seconds"),
    "seconds-overflowing-to-infinity": (
        written(session(practised_seconds=BIG), "1e400"),
        "practised_seconds",
    ),
    "negative-seconds": (session(practised_seconds=-5), "practised_seconds"),
    "a-thousand-years-of-seconds": (session(practised_seconds=3.2e10), "practised_seconds"),
    "seconds-as-text": (session(practised_seconds="300"), "practised_seconds"),
    "steps-beyond-sqlite": (session(steps_reached=2**70), "steps_reached"),
    "steps-of-5000-digits": (written(session(steps_reached=BIG), "9" * 5000), "steps_reached"),
    "negative-steps": (session(steps_reached=-1), "steps_reached"),
    "steps-as-true": (session(steps_reached=True), "steps_reached"),
    "rating-above-10": (session(rating_before=11), "rating_before"),
    "rating-below-0": (session(rating_after=-1), "rating_after"),
    "answer-position-beyond-sqlite": (answer(position=2**63), "answers[0].position"),
    "day-start-hour-99": (session(day_start_hour=99), "day_start_hour"),
    "offset-of-25-hours": (session(utc_offset_seconds=25 * 3600), "utc_offset_seconds"),
    "local-day-in-year-10000": (
        session(started_at="9999-12-31T23:00:00Z", utc_offset_seconds=5 * 3600),
        "started_at",
    ),
    "utc-before-year-1": (session(started_at="0001-01-01T00:00:00+05:00"), "started_at"),
    "updated-in-year-1": (session(updated_at="0001-01-01T00:00:00Z"), "updated_at"),
    "answered-in-year-9999": (answer(answered_at="9999-12-31T23:59:59Z"), "answered_at"),
    "date-without-zone": (session(ended_at="2026-03-02T07:05:00"), "ended_at"),
    "outcome-unknown": (session(outcome="finished"), "outcome"),
    "title-a-number": (session(title=3), "title"),
    "sessions-an-object": (changed(lambda doc: doc.update(sessions={})), "sessions"),
    "version-0": (changed(lambda doc: doc.update(version=0)), "version"),
    "top-level-list": (json.dumps([VALID]), "top level"),
    "id-with-a-newline": (session(id="abc\nForged line"), "id"),
    "id-with-an-escape": (session(id="abc\x1b]0;owned\x07"), "id"),
    "remembered-name-with-spaces": (remembered(name="Kind Words"), "remembered[0].name"),
    "remembered-name-with-an-escape": (remembered(name="cue\x1b[2J"), "remembered[0].name"),
    "remember-as-breaking-the-rules": (answer(remember_as="../cue"), "remember_as"),
    "lone-surrogate-in-an-answer": (answer(answer="\ud800"), "answers[0].answer"),
    "same-answer-position-twice": (
        changed(lambda doc: doc["sessions"][0]["answers"].append(doc["sessions"][0]["answers"][0])),
        "answers",
    ),
    "nested-100000-deep": (nested(100_000), "nested"),
    "sessions-nested-100000-deep": (
        '{"format": "safeplace-history", "version": 1, "sessions": ' + nested(100_000) + "}",
        "nested",
    ),
    "not-utf8": (json.dumps(VALID).replace("harbour", "h\xe4fen").encode("latin-1"), "UTF-8"),
    "not-json": ("{sessions: [", "not JSON"),
    "empty": ("", "empty"),
}


def _db(home: Path) -> Path:
    return resolve_paths({"SAFEPLACE_HOME": str(home)}).history_db


def _history_now(home: Path) -> list[list[tuple[object, ...]]] | None:
    """Every row of the history, read without safeplace, or None when there is no history."""
    if not _db(home).exists():
        return None
    db = sqlite3.connect(f"{_db(home).as_uri()}?mode=ro", uri=True)
    try:
        tables = ("sessions", "answers", "remembered")
        return [db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall() for table in tables]
    finally:
        db.close()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A history with one practice, made once and copied into each home."""
    home = tmp_path_factory.mktemp("seed")
    start = datetime(2026, 2, 27, 7, 0, tzinfo=UTC)
    with HistoryStore.open(_db(home)) as store:
        first = seed.begin(
            store, "kind-pause", "A kind pause", "h", 300, day_start_hour=4, started_at=start
        )
        seed.add_answer(store, first, "What helps?", "Tea", "what_helps")
        seed.finish(store, first, "completed", 300, 5)
    return _db(home)


@pytest.fixture
def before(seeded: Path, isolated_home: Path) -> list[list[tuple[object, ...]]]:
    _db(isolated_home).parent.mkdir(parents=True)
    shutil.copyfile(seeded, _db(isolated_home))
    rows = _history_now(isolated_home)
    assert rows is not None and rows[0]
    return rows


def _import(file: Path) -> subprocess.CompletedProcess[str]:
    # The timeout only keeps a hang from stopping the suite; nothing asserts on time.
    return subprocess.run(
        [str(SAFEPLACE), "import", str(file)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=os.environ.copy(),
        timeout=60,
        check=False,
    )


def _assert_refused(result: subprocess.CompletedProcess[str], word: str) -> None:
    printed = result.stdout + result.stderr
    assert result.returncode == 1, printed
    assert result.stdout == ""
    sentence = result.stderr.strip()
    assert "\n" not in sentence and "Traceback" not in printed, printed
    assert word in sentence, sentence
    assert sentence.endswith("nothing was imported."), sentence
    assert "\x1b" not in printed and "\x07" not in printed


def test_the_valid_file_imports(tmp_path: Path, isolated_home: Path) -> None:
    """The file every bad case starts from is fine as it is."""
    file = tmp_path / "export.json"
    file.write_text(json.dumps(VALID), encoding="utf-8")
    result = _import(file)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith(": 1 added, 0 updated, 0 already there.\n")


@pytest.mark.parametrize("name", BAD)
def test_a_bad_file_is_refused_and_nothing_is_imported(
    name: str, tmp_path: Path, isolated_home: Path, before: list[list[tuple[object, ...]]]
) -> None:
    content, word = BAD[name]
    file = tmp_path / f"{name}.json"
    if isinstance(content, bytes):
        file.write_bytes(content)
    else:
        file.write_text(content, encoding="utf-8", errors="surrogatepass")
    _assert_refused(_import(file), word)
    assert _history_now(isolated_home) == before
    assert {path.name for path in tmp_path.iterdir()} == {file.name, isolated_home.name}


def test_a_refused_import_creates_no_history(tmp_path: Path, isolated_home: Path) -> None:
    file = tmp_path / "export.json"
    file.write_text(session(practised_seconds=float("inf")), encoding="utf-8")
    _assert_refused(_import(file), "practised_seconds")
    assert _history_now(isolated_home) is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_is_refused_without_waiting_for_a_writer(
    tmp_path: Path, isolated_home: Path, before: list[list[tuple[object, ...]]]
) -> None:
    fifo = tmp_path / "export.json"
    os.mkfifo(fifo)
    _assert_refused(_import(fifo), "not a regular file")
    assert _history_now(isolated_home) == before


@pytest.mark.parametrize("where", ["folder", "device", "missing"])
def test_what_is_not_a_readable_file_is_refused(
    where: str, tmp_path: Path, isolated_home: Path, before: list[list[tuple[object, ...]]]
) -> None:
    target = {"folder": tmp_path, "device": Path("/dev/zero"), "missing": tmp_path / "gone.json"}
    if where == "device" and not target["device"].exists():
        pytest.skip("no /dev/zero here")
    word = {"folder": "folder", "device": "not a regular file", "missing": "no such file"}
    _assert_refused(_import(target[where]), word[where])
    assert _history_now(isolated_home) == before


def test_a_file_too_big_to_be_an_export_is_refused_unread(
    tmp_path: Path, isolated_home: Path, before: list[list[tuple[object, ...]]]
) -> None:
    huge = tmp_path / "export.json"
    with huge.open("wb") as out:  # sparse: no disk is spent on it
        out.truncate(10 * 1024**3)
    _assert_refused(_import(huge), "too large")
    assert _history_now(isolated_home) == before


def test_control_characters_in_peoples_words_are_imported_without_them(
    tmp_path: Path, isolated_home: Path
) -> None:
    """Titles, answers and remembered words keep their words; escapes never reach a screen."""
    hostile = "\x1b]0;owned\x07\x1b[2J"
    document = copy.deepcopy(VALID)
    document["sessions"][0]["title"] = f"Box{hostile} breathing\n# Forged heading"
    document["sessions"][0]["answers"][0]["answer"] = f"har{hostile}bour\nand the sea"
    document["remembered"][0]["text"] = f"har{hostile}bour"
    file = tmp_path / "export.json"
    file.write_text(json.dumps(document), encoding="utf-8")
    assert _import(file).returncode == 0
    with HistoryStore.open(_db(isolated_home)) as store:
        exported = json.loads(export_json(store.dump(), 4))
    imported = exported["sessions"][0]
    shown = "]0;owned[2J"  # what is left of the escapes is plain text, shown as it is
    assert imported["title"] == f"Box{shown} breathing # Forged heading"
    assert imported["answers"][0]["answer"] == f"har{shown}bour\nand the sea"
    assert exported["remembered"][0]["text"] == f"har{shown}bour"
    for command in (["remembered"], ["history"], ["export", "--format", "markdown"]):
        done = subprocess.run(
            [str(SAFEPLACE), *command], capture_output=True, text=True, check=False, timeout=60
        )
        assert done.returncode == 0
        assert "\x1b" not in done.stdout + done.stderr and "\x07" not in done.stdout
