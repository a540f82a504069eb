"""How the library looks when it knows the person (favourites, recent practice, their own
exercise, a filter) and when nothing matches: at 80x24 and 120x40, dark and light.

`make snapshots-update` rewrites the SVGs after a deliberate change (and only then).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

import history_seed as seed
from safeplace.exercise.library import Library, load_library
from safeplace.history.store import HistoryStore
from safeplace.paths import Paths
from safeplace.ui.app import SafeplaceApp

AppFactory = Callable[..., SafeplaceApp]
SIZES = [(80, 24), (120, 40)]
THEMES = ["textual-dark", "textual-light"]
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "exercises"
NOW = datetime.fromisoformat("2026-11-20T20:00:00+00:00")
MINE = """\
id: before-a-meeting
title: Three breaths before a meeting
summary: Three slow breaths, and your feet on the floor, before you walk in.
category: breathing
suits: [wound-up]
steps:
  - breathe: {pattern: {in: 4, out: 6}, cycles: 3}
"""


@pytest.fixture
def library(paths: Paths) -> Library:
    """The bundled exercises, the test ones and one of the person's own."""
    mine = paths.user_exercises / "before-a-meeting.yaml"
    mine.parent.mkdir(parents=True)
    mine.write_text(MINE, encoding="utf-8")
    return load_library(paths, extra_dirs=[FIXTURES])


def _practised(store: HistoryStore) -> None:
    for days_ago, (exercise_id, title, before, after) in enumerate(
        [
            ("kind-pause", "A kind pause", 6, 3),
            ("before-a-meeting", "Three breaths before a meeting", 7, 4),
            ("five-senses", "Five senses", 5, 4),
            ("kind-pause", "A kind pause", 6, 4),
        ]
    ):
        seed.practised(store, exercise_id, title, NOW - timedelta(days=days_ago + 1), before, after)


async def _settled(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_library_that_knows_you(
    snap_compare: Any,
    build_app: AppFactory,
    store: HistoryStore,
    size: tuple[int, int],
    theme: str,
) -> None:
    _practised(store)
    app = build_app(store=store, theme=theme)

    async def run_before(pilot: Pilot[Any]) -> None:
        await _settled(pilot)
        await pilot.press("down", "down", "down", "down", "down")  # past the recent ones
        await pilot.press("f")  # a favourite
        await pilot.press("l")  # up to 5 minutes
        await pilot.press("home", "down")  # the one practised last: how it went
        await _settled(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_library_when_nothing_matches(
    snap_compare: Any, build_app: AppFactory, size: tuple[int, int], theme: str
) -> None:
    app = build_app(theme=theme)

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("slash", *"box", *" zzz")
        await _settled(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
