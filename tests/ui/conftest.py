"""Building the real app for Pilot tests: fake clock, temporary home, no cursor blink."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from safeplace.exercise.library import Library, load_library
from safeplace.history.store import HistoryStore
from safeplace.paths import Paths
from safeplace.playback.clock import FakeClock
from safeplace.settings import Settings
from safeplace.ui.app import SafeplaceApp, make_app

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "exercises"
FIXED_NOW = datetime.fromisoformat("2026-11-20T20:30:00+00:00")

AppFactory = Callable[..., SafeplaceApp]


@pytest.fixture
def library(paths: Paths) -> Library:
    return load_library(paths, extra_dirs=[FIXTURES])


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(1000.0)


@pytest.fixture
def store(paths: Paths) -> HistoryStore:
    opened = HistoryStore.open(paths.history_db)
    yield opened
    opened.close()


@pytest.fixture
def build_app(
    paths: Paths, library: Library, clock: FakeClock
) -> AppFactory:
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
