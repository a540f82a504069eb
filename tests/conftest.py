"""Shared fixtures: every test gets its own SAFEPLACE_HOME, so no test touches a real home.

The app fixtures build the real app through ``make_app`` with a fake clock, a fixed "now",
no cursor blink, and the bundled library plus the small test exercises in fixtures/.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import pytest
from textual.pilot import Pilot

from safeplace.exercise.library import Library, load_library
from safeplace.history.store import HistoryStore
from safeplace.paths import Paths, resolve_paths
from safeplace.playback.clock import FakeClock
from safeplace.settings import Settings
from safeplace.ui.app import SafeplaceApp, make_app
from safeplace.ui.screens.player import PlayerScreen

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "exercises"
FIXED_NOW = datetime.fromisoformat("2026-11-20T20:30:00+00:00")

AppFactory = Callable[..., SafeplaceApp]
Playing = Callable[[SafeplaceApp], PlayerScreen]
CatchUp = Callable[[Pilot[Any]], Awaitable[None]]


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """Two workers a core for ``-n auto``: about half of the suite's time is spent waiting for
    a terminal, a child process or a timer, and a second worker fills that time."""
    return 2 * (os.cpu_count() or 1)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "safeplace-home"
    monkeypatch.setenv("SAFEPLACE_HOME", str(home))
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.delenv("NO_COLOR", raising=False)
    yield home


@pytest.fixture
def paths(isolated_home: Path) -> Paths:
    return resolve_paths({"SAFEPLACE_HOME": str(isolated_home)})


@pytest.fixture
def library(paths: Paths) -> Library:
    return load_library(paths, extra_dirs=[FIXTURES])


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(1000.0)


@pytest.fixture
def store(paths: Paths) -> Iterator[HistoryStore]:
    opened = HistoryStore.open(paths.history_db)
    yield opened
    opened.close()


@pytest.fixture
def build_app(paths: Paths, library: Library, clock: FakeClock) -> AppFactory:
    def build(
        exercise_id: str | None = None,
        *,
        store: HistoryStore | None = None,
        settings: Settings | None = None,
        **options: Any,
    ) -> SafeplaceApp:
        return make_app(
            settings or Settings(),
            clock,
            store,
            library,
            paths=paths,
            exercise_id=exercise_id,
            now=lambda: FIXED_NOW,
            cursor_blink=False,
            **options,
        )

    return build


@pytest.fixture
def playing() -> Playing:
    """The player that plays (the top-most one, under any dialog): it owns the practice."""

    def top_player(app: SafeplaceApp) -> PlayerScreen:
        players = [screen for screen in app.screen_stack if isinstance(screen, PlayerScreen)]
        assert players, "no player is shown"
        return players[-1]

    return top_player


@pytest.fixture
def catch_up(playing: Playing) -> CatchUp:
    """What the repaint timer does, done now: the player follows the fake clock (no waiting
    for a real timer), and the screen is drawn."""

    async def caught_up(pilot: Pilot[Any]) -> None:
        playing(cast(SafeplaceApp, pilot.app)).catch_up()
        await pilot.pause()

    return caught_up
