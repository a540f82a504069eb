"""From a practice to the history, as a person meets it: a session is saved even when the
first frame never comes, the time of a long step is kept every few seconds, words left in a
prompt are kept, and a Python that cannot save says so while practice goes on."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from safeplace.history.service import HistoryService
from safeplace.history.store import HistoryStore
from safeplace.paths import Paths
from safeplace.playback.clock import FakeClock
from safeplace.settings import Settings
from safeplace.ui.app import SafeplaceApp
from safeplace.ui.practice_log import SAVE_EVERY_SECONDS
from safeplace.ui.screens.player import PlayerScreen

AppFactory = Callable[..., SafeplaceApp]
CatchUp = Callable[[Pilot[Any]], Awaitable[None]]


def test_a_session_is_saved_even_when_the_first_frame_never_comes(paths: Paths) -> None:
    """The writer waits for the first frame, but not for ever."""
    said: list[str] = []
    service = HistoryService(paths, None, now=lambda: datetime.now(UTC), say=said.append)
    try:
        record = service.begin(Settings(), "box", "Box breathing", "hash", 60.0)
        record.progress(2, 30.0)
        record.finish(60.0, 3)
        service.flush(timeout=30)  # nobody released the hold
        assert record.problem is None and said == []
    finally:
        service.close()
    with HistoryStore.open(paths.history_db) as store:
        [session] = store.sessions()
    assert (session.outcome, session.practised_seconds, session.steps_reached) == (
        "completed",
        60.0,
        3,
    )


async def test_the_time_of_a_long_step_is_saved_every_few_seconds(
    build_app: AppFactory, clock: FakeClock, store: HistoryStore, catch_up: CatchUp
) -> None:
    app = build_app("every-kind", store=store)  # its first step waits for a rating: a long step
    async with app.run_test() as pilot:
        clock.advance(SAVE_EVERY_SECONDS - 1)
        await catch_up(pilot)
        app.history.flush()
        [record] = store.sessions()
        assert record.practised_seconds == 0.0  # within one step: nothing new to say yet
        clock.advance(1.5)
        await catch_up(pilot)
        app.history.flush()
        assert store.session(record.id).practised_seconds == SAVE_EVERY_SECONDS + 0.5
    assert SAVE_EVERY_SECONDS <= 10  # a kill loses at most that much, plus one repaint


async def test_words_left_in_a_prompt_are_kept_as_an_unfinished_answer(
    build_app: AppFactory, store: HistoryStore
) -> None:
    app = build_app("every-kind", store=store)
    async with app.run_test() as pilot:
        await pilot.press("s")
        assert isinstance(app.screen, PlayerScreen)
        session = app.screen.session
        while session.view().segment.kind != "prompt":
            await pilot.press("right")
        await pilot.press(*"you are doing")
        await pilot.press("ctrl+q", "ctrl+q")  # it asks; the second one quits
    [record] = store.sessions()
    assert record.outcome == "ended-early"
    [answer] = store.answers(record.id)
    assert answer.prompt == "What would you say to a friend who felt like this? (unfinished)"
    assert (answer.answer, answer.remember_as) == ("you are doing", None)
    assert store.remembered() == {}


# A Python built without sqlite3: the player says so, once the writer has tried.
NO_SQLITE = """
import asyncio, sys
from pathlib import Path
sys.modules["sqlite3"] = None  # what `import sqlite3` meets in such a Python
from safeplace.exercise.library import load_library
from safeplace.paths import resolve_paths
from safeplace.playback.clock import FakeClock
from safeplace.settings import Settings
from safeplace.ui.app import make_app

paths = resolve_paths()
library = load_library(paths, extra_dirs=[Path(sys.argv[1])])

async def play():
    app = make_app(Settings(), FakeClock(0.0), None, library, paths=paths, exercise_id="every-kind")
    async with app.run_test() as pilot:
        await pilot.press("5", "enter")
        app.history.flush()
        app.screen.catch_up()
        await pilot.pause()
        print("KIND=" + app.screen.session.view().segment.kind)
        print("NOTE=" + str(app.screen.query_one("#save-problem").render()))
        await pilot.press("question_mark")  # help and safety: the crisis lines still show
        await pilot.pause()
        shown = " ".join(str(w.render()) for w in app.screen.query("Static"))
        print("HELP=" + " ".join(shown.split()))

asyncio.run(play())
"""


def test_a_python_that_cannot_save_says_so_and_practice_goes_on(isolated_home: Path) -> None:
    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "exercises"
    run = subprocess.run(
        [sys.executable, "-c", NO_SQLITE, str(fixtures)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    lines = dict(line.split("=", 1) for line in run.stdout.splitlines() if "=" in line)
    assert lines["KIND"] == "say"  # the rating was taken: practice went on
    assert "This practice cannot be saved" in lines["NOTE"] and "goes on" in lines["NOTE"]
    assert "findahelpline.com" in lines["HELP"]
