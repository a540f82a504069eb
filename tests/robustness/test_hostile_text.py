"""Text from exercise files, the history and imports is data: it never acts (house rule 11).

Markup in it is shown as typed, never run; control characters never reach the terminal; a
newline never forges a second line where one line is meant. Exercise files already refuse
control characters, so escapes are put in the history directly, as a damaged or hostile
import could leave them. Checked on the app's own screenshots (Pilot), on what the installed
commands print, and in a real terminal (tmux), whose title must not change.
"""

from __future__ import annotations

import html
import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable

import history_seed as seed
from safeplace.exercise.library import Library, load_library
from safeplace.history.records import AnswerRecord, SessionRecord
from safeplace.history.store import HistoryStore
from safeplace.paths import Paths
from safeplace.text import find_control_character
from safeplace.ui.app import SafeplaceApp
from safeplace.ui.screens.closing import ClosingScreen
from safeplace.ui.screens.history import HistoryScreen
from safeplace.ui.screens.session_detail import SessionDetail
from tmux_terminal import Terminal, opened

AppFactory = Callable[..., SafeplaceApp]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "exercises"

ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202e"  # set the title, clear, C1 CSI, bidi override
SHOWN_ESCAPES = "]0;pwned[2J31m"  # what is left to see once the control characters are gone
MARKUP = "[@click=app.quit]quit[/] [bold]"
HOSTILE_TITLE = f"Calm {MARKUP}\nforged"
SHOWN_TITLE = f"Calm {MARKUP} forged"  # one line, the markup as typed
HOSTILE_SUMMARY = "A [/] quiet [link=https://example.org]moment"
HOSTILE_HINT = "A [/] hint [link=x]"
HOSTILE_EXERCISE = f"""\
id: hostile-text
title: {json.dumps(HOSTILE_TITLE)}
summary: {json.dumps(HOSTILE_SUMMARY)}
category: breathing
tags: [hostile]
recall:
  cue_word: still
steps:
  - say: "Your word: {{cue_word}}"
    seconds: 30
  - prompt: "What [b]helps[/b]?"
    hint: {json.dumps(HOSTILE_HINT)}
  - rate: How [b]tense[/b]?
    low: "calm [/]"
    high: "very\\nupset"
  - say: Done.
    seconds: 3
"""
HOSTILE_PROMPT = f"What {MARKUP}helps?{ESCAPES}"
HOSTILE_ANSWER = f"Me{ESCAPES}\n[/]{MARKUP}"
HOSTILE_WORD = f"{ESCAPES}{MARKUP}word"
NOW = datetime.fromisoformat("2026-11-20T20:00:00+00:00")

_SCREEN_LINE = re.compile(r'<text [^>]*clip-path="url\(#[\w-]+-line-(\d+)\)"[^>]*>(.*?)</text>')


@pytest.fixture
def hostile_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "hostile-text.yaml").write_text(HOSTILE_EXERCISE, encoding="utf-8")
    return folder


@pytest.fixture
def library(paths: Paths, hostile_folder: Path) -> Library:
    """The conftest library plus the hostile exercise (build_app uses this one)."""
    loaded = load_library(paths, extra_dirs=[FIXTURES, hostile_folder])
    assert loaded.get("hostile-text") is not None, loaded.problems
    return loaded


def drawn(app: SafeplaceApp) -> str:
    """The screen as the app would draw it (its own screenshot), one text line per row.

    Fails at once if any control character would be written to the terminal.
    """
    svg = app.export_screenshot()
    at = find_control_character(svg)
    assert at is None, f"{svg[at] if at is not None else ''!r} would reach the terminal"
    rows: dict[int, str] = {}
    for match in _SCREEN_LINE.finditer(svg):  # each run of text, in order along its row
        row = int(match.group(1))
        rows[row] = rows.get(row, "") + html.unescape(match.group(2)).replace("\xa0", " ")
    return "\n".join(rows.get(row, "") for row in range(max(rows, default=0) + 1))


class RawStore(HistoryStore):
    """A history that hands rows back as a hostile import stored them, uncleaned: the screens
    must be safe on their own, whatever the reader gives them."""

    def sessions(
        self, since: date | None = None, *, day_start_hour: int | None = None
    ) -> list[SessionRecord]:
        found = super().sessions(since, day_start_hour=day_start_hour)
        return [replace(record, title=HOSTILE_TITLE + ESCAPES) for record in found]

    def answers(self, session_id: str) -> list[AnswerRecord]:
        found = super().answers(session_id)
        return [replace(a, prompt=HOSTILE_PROMPT, answer=HOSTILE_ANSWER) for a in found]

    def remembered(self) -> dict[str, str]:
        return {"cue_word": HOSTILE_WORD}


def hostile_session(
    store: HistoryStore, title: str = HOSTILE_TITLE + ESCAPES, started: datetime = NOW
) -> str:
    session = seed.begin(
        store,
        "hostile-text",
        title,
        "0" * 16,
        300.0,
        day_start_hour=4,
        started_at=started,
        zone_offset=(0, "UTC"),
    )
    seed.add_answer(store, session, HOSTILE_PROMPT, HOSTILE_ANSWER)
    seed.finish(store, session, "completed", 300.0, 3, ended_at=started + timedelta(minutes=5))
    return session


# --- the app (Pilot) ----------------------------------------------------------------------


async def test_palette_shows_titles_and_summaries_as_typed(build_app: AppFactory) -> None:
    app = build_app()
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.press("ctrl+p")  # every command, the hostile one among them
        await pilot.pause(0.5)
        assert "Start: Box breathing" in drawn(app)
        await pilot.press(*"clickquit")  # found by the letters of its markup, highlighted
        await pilot.pause(0.5)
        screen = drawn(app)
        assert f"Start: {SHOWN_TITLE}" in screen and HOSTILE_SUMMARY in screen
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running


async def test_library_list_and_preview_show_text_as_typed(build_app: AppFactory) -> None:
    app = build_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("slash", *"hostile")
        await pilot.pause(0.3)
        screen = drawn(app)
        assert SHOWN_TITLE in screen  # in the list, on one line
        assert HOSTILE_SUMMARY in screen  # in the preview


@pytest.mark.parametrize("opened", [False, True], ids=["peeked", "from-the-store"])
async def test_player_fills_a_remembered_word_literally(
    build_app: AppFactory, paths: Paths, opened: bool
) -> None:
    with HistoryStore.open(paths.history_db) as writer:
        writer.set_remembered("cue_word", HOSTILE_WORD)
    store = RawStore.open(paths.history_db) if opened else None
    app = build_app("hostile-text", store=store)
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            screen = drawn(app)
            assert f"Your word: {SHOWN_ESCAPES}{MARKUP}word" in screen
            assert SHOWN_TITLE in screen
            await pilot.press("right")  # the prompt, with its hint in the empty answer box
            await pilot.pause(0.3)
            screen = drawn(app)
            assert "What [b]helps[/b]?" in screen and HOSTILE_HINT in screen
            await pilot.press("ctrl+s")  # no answer: on to the rating, its ends on one line
            await pilot.pause(0.3)
            screen = drawn(app)
            assert "How [b]tense[/b]?" in screen
            assert re.search(r"0 calm \[/\] +very upset 10", screen), screen
            assert app.is_running
    finally:
        if store is not None:
            store.close()


async def test_closing_screen_says_the_title_on_one_line(build_app: AppFactory) -> None:
    app = build_app("hostile-text")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("right", "ctrl+s", "s", "right")  # say, prompt, rating, say
        await pilot.pause(0.3)
        assert isinstance(app.screen, ClosingScreen)
        assert f"{SHOWN_TITLE}: you reached the end." in drawn(app)


async def test_history_and_session_details_show_rows_literally(
    build_app: AppFactory, paths: Paths
) -> None:
    store = RawStore.open(paths.history_db)
    hostile_session(store)
    app = build_app(store=store)
    try:
        async with app.run_test(size=(140, 50)) as pilot:
            await pilot.press("h")
            await app.workers.wait_for_complete()
            await pilot.pause(0.3)
            assert isinstance(app.screen, HistoryScreen)
            screen = drawn(app)
            assert screen.count(f"{SHOWN_TITLE}{SHOWN_ESCAPES}") == 2  # what helps, and sessions
            table = app.screen.query_one("#sessions", DataTable)
            table.focus()
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause(0.3)
            assert isinstance(app.screen, SessionDetail)
            screen = drawn(app)
            assert f"{SHOWN_TITLE}{SHOWN_ESCAPES}" in screen
            assert (
                f"What {MARKUP}helps?{SHOWN_ESCAPES}" in screen and f"Me{SHOWN_ESCAPES}" in screen
            )
            assert f"[/]{MARKUP}" in screen
            await pilot.press("escape")
            assert app.is_running
    finally:
        store.close()


# --- the commands (the installed `safeplace`, in a subprocess) ----------------------------


def safeplace() -> list[str]:
    script = Path(sys.executable).with_name("safeplace")
    return [str(script)] if script.exists() else [sys.executable, "-m", "safeplace"]


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SAFEPLACE_HOME=str(home), LANG="C.UTF-8")
    done = subprocess.run(
        [*safeplace(), *args], env=env, capture_output=True, text=True, timeout=30
    )
    for stream in (done.stdout, done.stderr):
        at = find_control_character(stream)
        assert at is None, f"{stream[at] if at is not None else ''!r} printed: {stream!r}"
        assert "Traceback" not in stream
    return done


@pytest.fixture
def hostile_home(isolated_home: Path, paths: Paths) -> Path:
    """A session, an answer and remembered words as a hostile import could leave them."""
    with HistoryStore.open(paths.history_db) as store:
        hostile_session(store)
        hostile_session(store, f"A{ESCAPES}\nforged", started=NOW + timedelta(hours=1))
        store.set_remembered("cue_word", f"{ESCAPES}\nforged: line")
    with sqlite3.connect(paths.history_db) as connection:  # a name that breaks the name rules
        connection.execute(
            "INSERT INTO remembered VALUES (?, ?, ?)", (f"bad{ESCAPES}\nname", "word", 0)
        )
    connection.close()
    return isolated_home


def test_remembered_prints_each_name_on_one_clean_line(hostile_home: Path) -> None:
    done = run(hostile_home, "remembered")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert len(lines) == 2, done.stdout
    assert any(line.endswith(f"  cue_word: {SHOWN_ESCAPES} forged: line") for line in lines)
    assert any(line.split("  ", 1)[1].startswith("bad]0;pwned") for line in lines)


def test_history_prints_one_clean_line_per_session(hostile_home: Path) -> None:
    done = run(hostile_home, "history")
    assert done.returncode == 0
    first, second = done.stdout.splitlines()
    assert "Calm [@click=app.quit]quit[/] [b" in first
    assert f"A{SHOWN_ESCAPES} forged" in second


def test_list_prints_one_line_per_exercise(isolated_home: Path, hostile_folder: Path) -> None:
    done = run(isolated_home, "list", "--exercises", str(hostile_folder))
    count = len(json.loads(run(isolated_home, "list", "--json").stdout)) + 1
    assert done.returncode == 0
    assert len(done.stdout.splitlines()) == count
    assert SHOWN_TITLE in done.stdout


def test_a_newline_in_a_file_name_forges_no_line(isolated_home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / f"bad\nname{ESCAPES}.yaml").write_text("- just a list\n", encoding="utf-8")
    done = run(isolated_home, "validate", str(folder))
    assert done.returncode == 1
    [problem] = done.stdout.splitlines()
    assert problem.startswith(f"{folder}/bad name") and ":1:1: " in problem
    listed = run(isolated_home, "list", "--exercises", str(folder))
    [problem] = listed.stderr.splitlines()  # the same sentence, said by a command that goes on
    assert problem.startswith(f"{folder}/bad name") and ":1:1: " in problem


def test_an_import_named_with_a_newline_is_refused_in_one_line(
    isolated_home: Path, tmp_path: Path
) -> None:
    bad = tmp_path / f"export\nforged{ESCAPES}.json"
    bad.write_text("{not json", encoding="utf-8")
    done = run(isolated_home, "import", str(bad))
    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1, done.stderr


def test_show_says_an_odd_file_name_on_one_line_and_json_keeps_it_whole(
    isolated_home: Path, tmp_path: Path
) -> None:
    folder = tmp_path / f"odd{ESCAPES}\nfolder"
    folder.mkdir()
    (folder / "hostile-text.yaml").write_text(HOSTILE_EXERCISE, encoding="utf-8")
    done = run(isolated_home, "show", "hostile-text", "--json", "--exercises", str(folder))
    assert done.returncode == 0
    shown = json.loads(done.stdout)
    assert shown["source_file"] == str(folder / "hostile-text.yaml")
    assert shown["title"] == HOSTILE_TITLE
    described = run(isolated_home, "show", "hostile-text", "--exercises", str(folder))
    assert f"odd{SHOWN_ESCAPES} folder/hostile-text.yaml" in described.stdout


def test_an_unknown_id_is_said_on_its_own_line(isolated_home: Path) -> None:
    done = run(isolated_home, "show", f"no\nsuch{ESCAPES}")
    assert done.returncode == 1
    [line] = done.stderr.splitlines()  # the newline in the id forges no second line
    assert line.startswith("No exercise with the id 'no such") and "`safeplace list`" in line


# --- a real terminal (tmux) ---------------------------------------------------------------


@pytest.fixture
def term(hostile_home: Path, tmp_path: Path) -> Iterator[Terminal]:
    with opened(hostile_home, tmp_path, log=True) as terminal:
        yield terminal


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("args", "keys", "shown"),
    [
        (["play", "hostile-text"], [], f"Your word: {SHOWN_ESCAPES}"),
        ([], ["h"], f"A{SHOWN_ESCAPES} forged"),
        (["remembered"], [], f"cue_word: {SHOWN_ESCAPES}"),
        (["history"], [], f"A{SHOWN_ESCAPES} forged"),
    ],
    ids=["player", "history-screen", "remembered", "history"],
)
def test_the_terminal_title_and_screen_are_left_alone(
    term: Terminal, hostile_folder: Path, args: list[str], keys: list[str], shown: str
) -> None:
    app = not args or args[0] == "play"
    term.start([*args, "--exercises", str(hostile_folder)] if app else args, size=(120, 30))
    before = term.title()
    if keys:
        term.wait_for("safeplace")
        term.keys(*keys)
    screen = term.wait_for(shown)  # the escapes' remains are seen: the terminal never ran them
    assert term.title() == before != "pwned"
    if app:
        term.keys("C-q")
    if args and args[0] == "play":  # the player asks first; asked again, it quits
        term.wait_for("Stop here?")
        term.keys("C-q")
    assert term.exit_code() == 0
    written = term.written()
    assert b"forged" in written  # the log holds what was shown: the look below can fail
    assert b"\x1b]0;pwned" not in written
    assert "forged" in screen
