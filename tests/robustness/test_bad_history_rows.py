"""A history holding values no version of safeplace writes never breaks a reader.

The rows are written straight into a real history with sqlite3, as an older version with
looser tables or a hand edit could leave them: Infinity, NULLs, text where a number belongs,
dates beyond year 9999, impossible offsets, escapes and Markdown in titles and answers. Every
reading command, run as a person runs it, exits 0, keeps every row, and prints no escape.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

import history_seed as seed
from safeplace.history.exchange import CSV_COLUMNS
from safeplace.history.store import HistoryStore
from safeplace.paths import Paths

SAFEPLACE = Path(sys.executable).with_name("safeplace")
NOW = datetime.now(UTC).replace(microsecond=0)
NOW_MS = int(NOW.timestamp() * 1000)
HOSTILE_TITLE = "Calm\x1b]0;owned\x07\x1b[2J\n# Forged heading\n=HYPERLINK(1)"
GOOD: dict[str, object] = {
    "exercise_id": "box",
    "title": "Box breathing",
    "content_hash": "h",
    "started_ms": NOW_MS - 3_600_000,
    "utc_offset": 0,
    "tz_name": "UTC",
    "day_start_hour": 4,
    "ended_ms": NOW_MS - 3_300_000,
    "planned_seconds": 300.0,
    "practised_seconds": 300.0,
    "outcome": "completed",
    "steps_reached": 4,
    "rating_before": 6,
    "rating_after": 3,
    "updated_ms": NOW_MS - 3_300_000,
    "day_ordinal": (NOW - timedelta(hours=5)).date().toordinal(),
    "counts": 1,
    "owner": "",
}
# Each bad session: the columns it changes from GOOD.
BAD_SESSIONS: dict[str, dict[str, object]] = {
    "infinite-seconds": {"practised_seconds": float("inf")},
    "minus-infinite-planned": {"planned_seconds": float("-inf")},
    "seconds-as-text": {"practised_seconds": "lots"},
    "null-seconds": {"practised_seconds": None, "planned_seconds": None},
    "null-title-and-id": {"title": None, "exercise_id": None},
    "started-after-year-9999": {"started_ms": 2**62},
    "started-before-year-1": {"started_ms": -(2**62)},
    "started-null": {"started_ms": None},
    "started-as-text": {"started_ms": "soon"},
    "offset-of-a-billion-seconds": {"utc_offset": 10**9},
    "offset-of-a-day": {"utc_offset": 86_400},
    "day-start-hour-99": {"day_start_hour": 99},
    "day-ordinal-beyond-any-date": {"day_ordinal": 10**12},
    "day-ordinal-as-text": {"day_ordinal": "monday"},
    "ratings-out-of-scale": {"rating_before": 99, "rating_after": -5},
    "ratings-as-text": {"rating_before": "six"},
    "outcome-unknown": {"outcome": "exploded"},
    "steps-as-text": {"steps_reached": "many"},
    "ended-at-the-end-of-time": {"ended_ms": 2**63 - 1},
    "updated-as-text": {"updated_ms": "never"},
    "exercise-id-as-bytes": {"exercise_id": b"\xff\x00box"},
    "title-with-escapes-and-lines": {"title": HOSTILE_TITLE, "exercise_id": "=cmd|' /C calc'!A0"},
    "title-with-html-and-links": {
        "title": "<script>alert(1)</script> [x](javascript:alert(1)) ![i](http://t.example/p)"
    },
    "id-starting-a-formula": {"id": " =1+1"},
}
HOSTILE_ANSWER = (
    "Tea\x1b[2J and \x1b]8;;http://x\x07a link\n# Not a heading\n> not a quote\n- not a list\n"
    "```\n<b>not bold</b> &amp; 1. not a list\n\n=SUM(A1)"
)
ANSWER_COLUMNS = "session_id, position, prompt, answer, remember_as, answered_ms"
BAD_ANSWERS: list[tuple[object, ...]] = [
    ("title-with-escapes-and-lines", 0, "What helps?", HOSTILE_ANSWER, "what_helps", NOW_MS),
    ("title-with-escapes-and-lines", 1, None, None, "Bad Name", 2**62),
    ("title-with-escapes-and-lines", "x", "# A *prompt*\n<i>", "ok", None, "later"),
]
BAD_REMEMBERED: list[tuple[object, ...]] = [
    ("Bad Name\x1b[2J", "words", NOW_MS),
    ("cue_word", "har\x1b]0;owned\x07bour\nline", "x"),
    ("forgotten", None, 2**62),
]
ROWS = len(BAD_SESSIONS) + 1  # and the good one


def _loosen(db: sqlite3.Connection) -> None:
    """Give the tables an older version's looser shape: no NOT NULL, no CHECK."""
    db.execute("PRAGMA writable_schema = ON")
    for name, sql in db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"):
        loose = re.sub(r"CHECK \((?:[^()]|\([^()]*\))*\)", "", sql.replace("NOT NULL", ""))
        db.execute("UPDATE sqlite_master SET sql = ? WHERE name = ?", (loose, name))
    db.execute("PRAGMA writable_schema = OFF")


@pytest.fixture
def bad_history(paths: Paths) -> Path:
    """A real history (made by safeplace) holding one good session and every bad row."""
    with HistoryStore.open(paths.history_db) as store:
        good = seed.begin(store, "box", "Box breathing", "h", 300, day_start_hour=4)
        seed.add_answer(store, good, "A cue word?", "harbour", "cue_word")
        seed.finish(store, good, "completed", 300, 4)
    db = sqlite3.connect(paths.history_db, isolation_level=None)
    try:
        _loosen(db)
    finally:
        db.close()  # the looser tables apply from the next connection
    db = sqlite3.connect(paths.history_db, isolation_level=None)
    try:
        db.execute("BEGIN")
        for name, changes in BAD_SESSIONS.items():
            row: dict[str, Any] = {**GOOD, "id": name, **changes}
            columns = ", ".join(row)
            marks = ", ".join("?" * len(row))
            db.execute(f"INSERT INTO sessions ({columns}) VALUES ({marks})", list(row.values()))
        db.executemany(
            f"INSERT INTO answers ({ANSWER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)", BAD_ANSWERS
        )
        db.executemany("INSERT OR REPLACE INTO remembered VALUES (?, ?, ?)", BAD_REMEMBERED)
        db.execute("COMMIT")
    finally:
        db.close()
    return paths.history_db


def _run(*argv: str) -> str:
    result = subprocess.run(
        [str(SAFEPLACE), *argv],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=60,
        check=False,
    )
    printed = result.stdout + result.stderr
    assert result.returncode == 0, printed
    assert "Traceback" not in printed and result.stderr == "", printed
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", printed), "a control character was printed"
    return result.stdout


def test_history_lists_every_session_on_one_line_each(bad_history: Path) -> None:
    lines = _run("history").splitlines()
    assert len(lines) == ROWS
    assert not any(line.startswith(("# Forged", "=HYPERLINK")) for line in lines)
    assert sum("Box breathing" in line for line in lines) >= 1


def test_history_json_keeps_every_session(bad_history: Path) -> None:
    sessions = json.loads(_run("history", "--json"))
    assert len(sessions) == ROWS
    for session in sessions:
        assert 0 <= session["practised_seconds"] <= 7 * 86_400
        assert session["rating_before"] in (None, *range(11))


def test_stats_and_status_read_the_history(bad_history: Path) -> None:
    report = _run("stats")
    assert "Sessions" in report and "inf" not in report.lower()
    stats = json.loads(_run("stats", "--json"))
    assert stats["total_sessions"] >= 1 and stats["total_minutes"] < 7 * 24 * 60 * ROWS
    assert _run("status").strip()


def test_the_json_export_keeps_every_row_without_control_characters(bad_history: Path) -> None:
    text = _run("export", "--format", "json")
    exported = json.loads(text)  # NaN or Infinity would need allow_nan; it is never there
    assert "Infinity" not in text and "NaN" not in text
    assert len(exported["sessions"]) == ROWS
    by_id = {session["id"]: session for session in exported["sessions"]}
    title = by_id["title-with-escapes-and-lines"]["title"]
    assert "\n" not in title and "\x1b" not in title and title.startswith("Calm")
    answers = by_id["title-with-escapes-and-lines"]["answers"]
    assert len(answers) == 3
    assert answers[0]["answer"].startswith("Tea[2J and ]8;;http://xa link\n# Not a heading")
    assert {entry["name"] for entry in exported["remembered"]} >= {"cue_word", "forgotten"}
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", json.dumps(exported, ensure_ascii=False))


def test_the_csv_export_keeps_every_row_and_runs_no_formula(bad_history: Path) -> None:
    rows = list(csv.reader(io.StringIO(_run("export", "--format", "csv"))))
    assert len(rows) == ROWS + 1 and {len(row) for row in rows} == {len(CSV_COLUMNS)}
    assert rows[0] == list(CSV_COLUMNS)
    for row in rows[1:]:
        for cell in row:
            assert not cell.lstrip().startswith(("=", "+", "-", "@", "\t", "\r")), row
    hostile = next(row for row in rows if row[0] == "title-with-escapes-and-lines")
    assert hostile[4].startswith("'=cmd")
    assert hostile[5] == "Calm]0;owned[2J # Forged heading =HYPERLINK(1)"
    assert next(row for row in rows if "1+1" in row[0])[0] == "' =1+1"


def test_the_markdown_journal_renders_peoples_words_literally(bad_history: Path) -> None:
    journal = _run("export", "--format", "markdown")
    tokens = MarkdownIt("commonmark").parse(journal)
    kinds = {token.type for token in tokens}
    assert not kinds & {"html_block", "hr", "bullet_list_open", "ordered_list_open", "fence"}
    headings = [
        tokens[n + 1].content for n, token in enumerate(tokens) if token.type == "heading_open"
    ]
    assert headings[0] == "safeplace journal"
    assert all(re.match(r"(\d\d:\d\d( |$)|\w+day \d)", heading) for heading in headings[1:])
    assert len([h for h in headings if re.match(r"\d\d:\d\d( |$)", h)]) == ROWS
    inline = [child for token in tokens for child in token.children or []]
    assert not {child.type for child in inline} & {"html_inline", "link_open", "image", "em_open"}
    html = MarkdownIt("commonmark").render(journal)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1))" in html
    assert "# Not a heading" in html and "&gt; not a quote" in html and "- not a list" in html


def test_remembered_words_are_shown_without_escapes(bad_history: Path) -> None:
    shown = _run("remembered")
    lines = shown.splitlines()
    assert any(line.endswith("  cue_word: har]0;ownedbour line") for line in lines)
    assert any(line.endswith("  Bad Name[2J: words") for line in lines)


async def test_the_history_screen_reads_the_history(bad_history: Path, build_app: Any) -> None:
    with HistoryStore.open(bad_history) as store:
        app = build_app(store=store)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("h")
            await app.workers.wait_for_complete()
            await pilot.pause()
            summary = str(app.screen.query_one("#history-summary").render())
            assert "could not be read" not in summary and "session" in summary
            assert app.screen.query_one("#sessions").row_count == ROWS
