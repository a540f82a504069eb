"""Nothing acknowledged is lost, and nothing erased comes back (issue 8, point 5).

As a person meets it: the installed `safeplace` command in a subprocess, the real app in tmux
(a private socket) sent keys and signals (TERM, HUP, KILL, STOP/CONT, a closed terminal), and
the app through ``make_app`` on a fake clock. A full disk is a file-size limit on the app's
process (RLIMIT_FSIZE: every write to a file fails, as on a full disk), lifted while it runs.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

import history_seed as seed
from safeplace.exercise.library import Library, load_library
from safeplace.history.recorder import SessionRecorder
from safeplace.history.store import HistoryStore
from safeplace.paths import Paths, resolve_paths
from safeplace.playback.clock import FakeClock
from safeplace.settings import Settings
from safeplace.ui.app import SafeplaceApp
from safeplace.ui.screens.confirm import ConfirmEnd
from safeplace.ui.screens.history import HistoryScreen
from safeplace.ui.screens.player import PlayerScreen
from tmux_terminal import Terminal, opened, person_env, safeplace

pytestmark = pytest.mark.skipif(os.name != "posix", reason="signals and tmux are POSIX")
AppFactory = Callable[..., SafeplaceApp]
Playing = Callable[[SafeplaceApp], PlayerScreen]
CatchUp = Callable[[Pilot[Any]], Awaitable[None]]
REPO = Path(__file__).resolve().parent.parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "exercises"
TIMEOUT = 15.0

EXERCISES = {
    "long-say": """\
id: long-say
title: Long say
summary: Three long narrated steps, for time that must be kept.
category: breathing
steps:
  - say: Settle in, there is no hurry.
    seconds: 60
  - say: Still here, still breathing.
    seconds: 60
  - say: Nearly done.
    seconds: 60
""",
    "ask-first": """\
id: ask-first
title: Ask first
summary: A prompt straight away, then a long say.
category: journaling
steps:
  - prompt: What is on your mind?
    remember: on_my_mind
    default: nothing yet
  - say: Thank you for writing.
    seconds: 60
""",
}


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*safeplace(), *args],
        env=person_env(home),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
    )


def history(home: Path) -> list[dict[str, object]]:
    done = run(home, "history", "--json")
    assert done.returncode == 0, done.stderr
    sessions: list[dict[str, object]] = json.loads(done.stdout)
    return sessions


def rows(db: Path, query: str) -> list[tuple[object, ...]]:
    """Read the file directly: a safeplace command would merge what waits first."""
    connection = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    place = tmp_path / "exercises"
    place.mkdir()
    for name, text in EXERCISES.items():
        (place / f"{name}.yaml").write_text(text, encoding="utf-8")
    return place


@pytest.fixture
def library(paths: Paths, folder: Path) -> Library:
    return load_library(paths, extra_dirs=[FIXTURES, folder])


@pytest.fixture
def home_paths(isolated_home: Path) -> Paths:
    return resolve_paths({"SAFEPLACE_HOME": str(isolated_home)})


# --- a real terminal ---------------------------------------------------------------------


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def term(home: Path, tmp_path: Path) -> Iterator[Terminal]:
    with opened(home, tmp_path) as terminal:
        yield terminal


def play(folder: Path, exercise: str) -> list[str]:
    return ["play", exercise, "--exercises", str(folder)]


def words(screen: str) -> str:
    """The screen's words in one line: what a dialog wraps reads whole."""
    return " ".join(re.sub("[│╭╮╰╯─]", " ", screen).split())


def seconds_left(screen: str) -> int:
    match = re.search(r"(\d+):(\d\d) left", screen)
    assert match, screen
    return int(match.group(1)) * 60 + int(match.group(2))


def wait_for_row(home: Path, outcome: str = "open") -> dict[str, object]:
    """The session's row, once the app has written it (just after the first frame)."""
    deadline = time.monotonic() + TIMEOUT
    while not (sessions := history(home)) or sessions[-1]["outcome"] != outcome:
        assert time.monotonic() < deadline, f"no {outcome} session: {sessions}"
        time.sleep(0.1)
    return sessions[-1]


# --- a full disk before the session starts ------------------------------------------------


def test_a_full_disk_keeps_the_session_says_so_and_saves_it_once_there_is_room(
    term: Terminal, home: Path, folder: Path
) -> None:
    with HistoryStore.open(resolve_paths({"SAFEPLACE_HOME": str(home)}).history_db) as store:
        earlier = seed.begin(store, "box", "Box breathing", "hash", 60, day_start_hour=4)
        seed.finish(store, earlier, "completed", 60, 1)
    term.start(play(folder, "long-say"), before="ulimit -S -f 0;")  # no file may grow
    term.wait_for("Settle in", "not saved yet")
    # The start notice may cover part of the player's note until it goes (8 s).
    term.wait_until(lambda s: "keeps trying" in s, "the note says it keeps trying", 20)
    import resource

    hard = resource.prlimit(term.pid, resource.RLIMIT_FSIZE)[1]
    resource.prlimit(term.pid, resource.RLIMIT_FSIZE, (hard, hard))  # room again
    term.keys("Right")  # the next step: a change the app saves
    term.wait_until(lambda s: "Still here" in s and "not saved" not in s, "the note to go")
    term.keys("Escape")
    term.wait_for("Stop here?")
    term.keys("y")
    term.wait_for("you stopped")
    term.keys("q")
    term.wait_gone()
    sessions = history(home)
    assert [(s["exercise_id"], s["outcome"]) for s in sessions] == [
        ("box", "completed"),
        ("long-say", "ended-early"),
    ]
    assert sessions[1]["steps_reached"] == 2


def test_a_full_disk_that_stays_full_is_said_truthfully(
    term: Terminal, home: Path, folder: Path
) -> None:
    term.start(play(folder, "long-say"), before="ulimit -S -f 0;")
    term.wait_for("Settle in", "not saved yet")
    term.keys("Escape")
    term.wait_for("Stop here?")
    term.keys("y")
    closing = term.wait_for("you stopped")
    assert "saved" in closing and "will add it to your history" not in closing


# --- the pending file merges at every start, and one bad line never blocks the rest -------


def kept_waiting(paths: Paths) -> str:
    """A genuine pending session: practised while the history could not be opened."""

    def no_history() -> HistoryStore:
        raise OSError(28, "No space left on device")

    recorder = SessionRecorder(no_history, Settings(), paths.pending_file)
    session_id = recorder.start("long-say", "Long say", "hash", 180)
    recorder.answer("What is on your mind?", "the sea", "on_my_mind")
    recorder.finish(180.0, 3)
    assert recorder.problem is not None and "next time" in recorder.problem
    return session_id


READING = [
    ["history"],
    ["history", "--json"],
    ["stats"],
    ["export", "--format", "json"],
    ["remembered"],
]  # `status` only reads, for a shell prompt: it never writes or prints a notice


@pytest.mark.parametrize("command", READING, ids=[" ".join(c) for c in READING])
def test_every_reading_command_merges_what_waits_and_sets_a_bad_line_aside(
    isolated_home: Path, home_paths: Paths, command: list[str]
) -> None:
    HistoryStore.open(home_paths.history_db).close()
    home_paths.pending_file.parent.mkdir(parents=True, exist_ok=True)
    home_paths.pending_file.write_text('{"format": "safeplace-history", "torn\n')
    session_id = kept_waiting(home_paths)

    done = run(isolated_home, *command)

    assert done.returncode == 0, done.stderr
    assert rows(home_paths.history_db, "SELECT id, outcome FROM sessions") == [
        (session_id, "completed")
    ]
    assert rows(home_paths.history_db, "SELECT name, text FROM remembered") == [
        ("on_my_mind", "the sea")
    ]
    [aside] = home_paths.state_dir.glob("pending-sessions.unreadable-*")
    assert aside.read_text() == '{"format": "safeplace-history", "torn\n'
    assert stat.S_IMODE(aside.stat().st_mode) == 0o600
    assert str(aside) in done.stderr and len(done.stderr.splitlines()) == 1
    assert "the sea" not in home_paths.pending_file.read_text()
    assert run(isolated_home, *command).stderr == ""  # said once


def test_sessions_that_waited_with_no_history_yet_are_shown_by_a_reading_command(
    isolated_home: Path, home_paths: Paths
) -> None:
    session_id = kept_waiting(home_paths)  # the very first practice, and no history file yet
    assert not home_paths.history_db.exists()

    done = run(isolated_home, "history", "--json")

    assert done.returncode == 0, done.stderr
    assert [row["id"] for row in json.loads(done.stdout)] == [session_id]


@pytest.mark.parametrize("command", [["history"], ["erase", "--yes"]], ids=" ".join)
def test_a_pipe_where_the_pending_file_should_be_blocks_nothing(
    isolated_home: Path, home_paths: Paths, command: list[str]
) -> None:
    HistoryStore.open(home_paths.history_db).close()
    home_paths.state_dir.mkdir(parents=True, exist_ok=True)
    os.mkfifo(home_paths.pending_file)
    done = run(isolated_home, *command)  # a read from the pipe would wait for ever
    assert done.returncode == 0, done.stderr


def test_a_pipe_where_the_pending_file_should_be_never_stops_recording(
    home_paths: Paths,
) -> None:
    home_paths.state_dir.mkdir(parents=True)
    os.mkfifo(home_paths.pending_file)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from safeplace.history.recorder import SessionRecorder\n"
        "from safeplace.history.store import HistoryStore\n"
        "from safeplace.settings import Settings\n"
        "db, pending = Path(sys.argv[1]), Path(sys.argv[2])\n"
        "recorder = SessionRecorder(lambda: HistoryStore.open(db), Settings(), pending)\n"
        "recorder.start('long-say', 'Long say', 'hash', 180)\n"
        "recorder.finish(180.0, 3)\n"
        "print(recorder.problem)\n"
    )
    args = [str(home_paths.history_db), str(home_paths.pending_file)]
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=TIMEOUT
    )
    assert done.stdout == "None\n", done.stderr
    assert rows(home_paths.history_db, "SELECT outcome FROM sessions") == [("completed",)]


def test_erase_also_removes_waiting_sessions_set_aside(
    isolated_home: Path, home_paths: Paths
) -> None:
    HistoryStore.open(home_paths.history_db).close()
    home_paths.pending_file.parent.mkdir(parents=True, exist_ok=True)
    home_paths.pending_file.write_text('{"format": "safeplace-history", "torn quillwort\n')
    kept_waiting(home_paths)
    done = run(isolated_home, "erase", "--yes")
    assert done.returncode == 0, done.stderr
    assert run(isolated_home, "history", "--json").stdout.strip() == "[]"
    for file in [*home_paths.state_dir.iterdir(), *home_paths.data_dir.iterdir()]:
        content = file.read_bytes()
        assert b"quillwort" not in content and b"the sea" not in content, file


async def test_the_app_merges_what_waits_when_it_starts(
    build_app: AppFactory, home_paths: Paths
) -> None:
    HistoryStore.open(home_paths.history_db).close()
    session_id = kept_waiting(home_paths)
    app = build_app()  # the library; the app opens the history itself after the first frame
    async with app.run_test() as pilot:
        await pilot.pause()
        app.history.flush()  # nothing asked for the history: it opened after the first frame
        with HistoryStore.open(home_paths.history_db) as store:  # this one merges nothing
            assert store.session(session_id).outcome == "completed"


# --- a killed process: interrupted in every view at once; time kept every few seconds -----


def test_a_killed_session_reads_as_interrupted_everywhere_and_keeps_its_time(
    term: Terminal, home: Path, folder: Path
) -> None:
    term.start(play(folder, "long-say"))
    first = seconds_left(term.wait_for("Settle in", "left"))
    assert wait_for_row(home)["outcome"] == "open"  # alive: in progress, wherever it is read
    screen = term.wait_until(lambda s: first - seconds_left(s) >= 20, "20 s of practice", 40)
    practised = first - seconds_left(screen)
    os.kill(term.pid, signal.SIGKILL)
    term.wait_gone()

    [session] = history(home)
    assert session["outcome"] == "interrupted"
    kept = session["practised_seconds"]
    assert isinstance(kept, int | float) and kept >= practised - 15
    assert "interrupted" in run(home, "history").stdout
    assert "interrupted" in run(home, "export", "--format", "markdown").stdout
    assert ",interrupted," in run(home, "export", "--format", "csv").stdout


async def test_the_history_screen_shows_a_killed_session_as_interrupted(
    build_app: AppFactory, store: HistoryStore, home_paths: Paths
) -> None:
    code = (
        "import os, sys\nfrom pathlib import Path\n"
        "from safeplace.history.recorder import SessionRecorder\n"
        "from safeplace.history.store import HistoryStore\n"
        "from safeplace.settings import Settings\n"
        "store = HistoryStore.open(Path(sys.argv[1]))\n"
        "SessionRecorder(store, Settings(), None).start('long-say', 'Long say', 'hash', 180)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(home_paths.history_db)], check=False)
    app = build_app(store=store)
    async with app.run_test() as pilot:
        await pilot.press("h")
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        await pilot.pause(0.3)
        table = screen.query_one("#sessions", DataTable)
        assert str(table.get_row_at(0)[3]).startswith("interrupted")


async def test_practised_time_is_saved_while_a_long_step_plays(
    build_app: AppFactory, clock: FakeClock, store: HistoryStore, catch_up: CatchUp
) -> None:
    app = build_app("long-say", store=store)
    async with app.run_test() as pilot:
        for _ in range(12):  # twelve seconds into a one-minute step
            clock.advance(1)
            await catch_up(pilot)
        app.history.flush()
        [record] = store.sessions()
        assert record.outcome == "open" and record.practised_seconds >= 10


# --- text typed into a prompt -------------------------------------------------------------

ENDINGS = ["escape", "SIGTERM", "SIGHUP", "closed terminal"]


@pytest.mark.parametrize("ending", ENDINGS)
def test_words_typed_into_a_prompt_are_kept_however_it_ends(
    term: Terminal, home: Path, folder: Path, ending: str
) -> None:
    term.start(play(folder, "ask-first"))
    term.wait_for("What is on your mind?")
    term.type("the tide comes in")
    term.wait_for("the tide comes in")
    wait_for_row(home)
    if ending == "escape":
        term.keys("Escape")
        dialog = term.wait_for("Stop here?", "Keep going")  # drawn to its last line
        assert "kept as an unfinished answer" in words(dialog)
        term.keys("y")
        term.wait_for("you stopped")
        term.keys("q")
    elif ending == "closed terminal":
        term.hang_up()
    else:
        os.kill(term.pid, getattr(signal, ending))
    term.wait_gone()
    [session] = history(home)
    assert session["outcome"] == "ended-early"
    answers = session["answers"]
    assert isinstance(answers, list)
    assert [(a["prompt"], a["answer"]) for a in answers] == [
        ("What is on your mind? (unfinished)", "the tide comes in")
    ]
    assert "on_my_mind" not in run(home, "remembered").stdout  # unfinished: not remembered


async def test_the_stop_dialog_says_unkept_words_will_be_lost(build_app: AppFactory) -> None:
    app = build_app("ask-first", settings=Settings(keep_answers=False))
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press(*"private words", "escape")
        assert isinstance(app.screen, ConfirmEnd)
        note = str(app.screen.query_one("#dialog-note").render())
        assert "will not be kept" in note


async def test_the_stop_dialog_says_nothing_extra_without_words(build_app: AppFactory) -> None:
    app = build_app("ask-first")
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmEnd)
        assert not app.screen.query("#dialog-note")


# --- erase while the app plays ------------------------------------------------------------


def test_erase_while_the_app_plays_keeps_nothing_of_that_session(
    term: Terminal, home: Path, folder: Path
) -> None:
    term.start(play(folder, "ask-first"))
    term.wait_for("What is on your mind?")
    wait_for_row(home)
    done = run(home, "erase", "--yes")
    assert done.returncode == 0, done.stderr
    term.type("quillwort lantern")
    term.keys("C-s")
    term.wait_for("Thank you for writing", "erased")
    term.keys("Escape")
    term.wait_for("Stop here?")
    term.keys("y")
    term.wait_for("you stopped")
    term.keys("q")
    term.wait_gone()
    assert history(home) == []
    assert "quillwort" not in run(home, "remembered").stdout
    assert "quillwort" not in run(home, "export", "--format", "json").stdout
    paths = resolve_paths({"SAFEPLACE_HOME": str(home)})
    for file in [*paths.state_dir.iterdir(), *paths.data_dir.iterdir()]:
        assert b"quillwort" not in file.read_bytes(), file
    assert history(home) == []


# --- a stopped process (SIGSTOP, then SIGCONT) --------------------------------------------


async def test_time_while_the_process_is_stopped_is_not_practice(
    build_app: AppFactory, clock: FakeClock, playing: Playing, catch_up: CatchUp
) -> None:
    app = build_app("long-say")
    async with app.run_test() as pilot:
        await catch_up(pilot)
        session = playing(app).session
        left = session.view().remaining_seconds
        clock.advance(600)  # ten minutes stopped (ctrl+z, SIGSTOP) between two repaints
        os.kill(os.getpid(), signal.SIGCONT)
        await pilot.pause()  # the event loop hears of it
        await catch_up(pilot)
        assert session.view().remaining_seconds == left
        assert session.practised_seconds < 1
        clock.advance(2)
        await catch_up(pilot)
        assert session.view().remaining_seconds == left - 2


def test_a_stopped_app_does_not_count_the_time_it_was_stopped(
    term: Terminal, home: Path, folder: Path
) -> None:
    term.start(play(folder, "long-say"))
    before = seconds_left(term.wait_for("Settle in", "left"))
    os.kill(term.pid, signal.SIGSTOP)
    time.sleep(8)
    os.kill(term.pid, signal.SIGCONT)
    time.sleep(0.5)
    after = seconds_left(term.wait_for("Settle in", "left"))
    assert before - after < 5, f"{before} s left before the stop, {after} s after it"
