"""How the app looks: each step kind at two sizes, in a dark and a light theme.

Snapshots are SVGs under __snapshots__; `make snapshots-update` rewrites them after a
deliberate change (and only then).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Literal

import pytest
from textual.pilot import Pilot

import history_seed as seed
from safeplace.history.store import HistoryStore
from safeplace.playback.clock import FakeClock
from safeplace.ui.app import SafeplaceApp

AppFactory = Callable[..., SafeplaceApp]
CatchUp = Callable[[Pilot[Any]], Awaitable[None]]
Steps = Callable[[Pilot[Any], FakeClock, CatchUp], Awaitable[None]]
SIZES = [(80, 24), (120, 40)]
THEMES = ["textual-dark", "textual-light"]


async def _rate(pilot: Pilot[Any], clock: FakeClock, catch_up: CatchUp) -> None:
    await pilot.press("7")


async def _say(pilot: Pilot[Any], clock: FakeClock, catch_up: CatchUp) -> None:
    await pilot.press("s")


async def _breathe(pilot: Pilot[Any], clock: FakeClock, catch_up: CatchUp) -> None:
    await pilot.press("s", "right")
    clock.advance(2.5)  # most of the way through the first in-breath
    await catch_up(pilot)


async def _silence(pilot: Pilot[Any], clock: FakeClock, catch_up: CatchUp) -> None:
    await pilot.press("s", "right", "right")


async def _item(pilot: Pilot[Any], clock: FakeClock, catch_up: CatchUp) -> None:
    await pilot.press("s", "right", "right", "right", "right")


async def _prompt(pilot: Pilot[Any], clock: FakeClock, catch_up: CatchUp) -> None:
    await pilot.press("s", *["right"] * 6)
    await pilot.press(*"Go gently")


async def _paused(pilot: Pilot[Any], clock: FakeClock, catch_up: CatchUp) -> None:
    await pilot.press("s", "right", "space")


STEP_KINDS: dict[str, Steps] = {
    "rate": _rate,
    "say": _say,
    "breathe": _breathe,
    "silence": _silence,
    "item": _item,
    "prompt": _prompt,
}


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("kind", list(STEP_KINDS))
def test_step_kind(
    snap_compare: Any,
    build_app: AppFactory,
    clock: FakeClock,
    catch_up: CatchUp,
    kind: str,
    size: tuple[int, int],
    theme: str,
) -> None:
    app = build_app("every-kind", theme=theme, motion="full")

    async def run_before(pilot: Pilot[Any]) -> None:
        await STEP_KINDS[kind](pilot, clock, catch_up)
        await catch_up(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("theme", THEMES)
def test_paused(
    snap_compare: Any, build_app: AppFactory, clock: FakeClock, catch_up: CatchUp, theme: str
) -> None:
    app = build_app("every-kind", theme=theme, motion="full")

    async def run_before(pilot: Pilot[Any]) -> None:
        await _paused(pilot, clock, catch_up)
        await catch_up(pilot)

    assert snap_compare(app, run_before=run_before)


def test_breathe_without_motion(snap_compare: Any, build_app: AppFactory) -> None:
    """The in-breath as it begins, in words only."""
    app = build_app("every-kind", motion="none")
    assert snap_compare(app, press=["s", "right"])


@pytest.mark.parametrize("theme", THEMES)
def test_closing(
    snap_compare: Any, build_app: AppFactory, clock: FakeClock, catch_up: CatchUp, theme: str
) -> None:
    app = build_app("every-kind", theme=theme)

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("6", "enter")
        clock.advance(90)
        await catch_up(pilot)
        await pilot.press("escape", "y")
        await pilot.pause()

    assert snap_compare(app, run_before=run_before)


def test_confirm_end(snap_compare: Any, build_app: AppFactory) -> None:
    app = build_app("every-kind")
    assert snap_compare(app, press=["s", "escape"])


@pytest.mark.parametrize("theme", THEMES)
def test_library(snap_compare: Any, build_app: AppFactory, theme: str) -> None:
    assert snap_compare(build_app(theme=theme), terminal_size=(100, 30))


def test_library_at_80_columns_keeps_one_line_per_exercise(
    snap_compare: Any, build_app: AppFactory
) -> None:
    assert snap_compare(build_app(), terminal_size=(80, 24))


def test_help(snap_compare: Any, build_app: AppFactory) -> None:
    assert snap_compare(build_app(), press=["question_mark"], terminal_size=(100, 40))


@pytest.mark.parametrize("theme", THEMES)
def test_history(snap_compare: Any, build_app: AppFactory, store: HistoryStore, theme: str) -> None:
    _fill_history(store)
    app = build_app(store=store, theme=theme)

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("h")
        await pilot.pause(0.3)
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=(120, 40))


def _fill_history(store: HistoryStore) -> None:
    """Three weeks of practice ending on the fixed 'now' of the app fixture (UTC)."""
    from datetime import datetime, timedelta

    now = datetime.fromisoformat("2026-11-20T20:00:00+00:00")
    plan = [
        ("box-breathing", "Box breathing", 300.0, 6, 4),
        ("five-senses", "Five senses", 180.0, 7, 4),
        ("kind-pause", "A kind pause", 300.0, 5, 5),
    ]
    for days_ago in range(21):
        if days_ago in (3, 9, 10):
            continue  # a few days off
        exercise_id, title, seconds, before, after = plan[days_ago % len(plan)]
        start = now - timedelta(days=days_ago, minutes=days_ago * 7)
        session = seed.begin(
            store,
            exercise_id,
            title,
            "0" * 16,
            seconds,
            day_start_hour=4,
            started_at=start,
            zone_offset=(0, "UTC"),
        )
        seed.set_rating(store, session, "before", before)
        seed.set_rating(store, session, "after", after)
        outcome: Literal["completed", "ended-early"] = (
            "ended-early" if days_ago == 5 else "completed"
        )
        seed.finish(
            store,
            session,
            outcome,
            seconds * (0.5 if days_ago == 5 else 1),
            5,
            ended_at=start + timedelta(seconds=seconds),
        )


@pytest.mark.parametrize("theme", THEMES)
def test_settings(snap_compare: Any, build_app: AppFactory, theme: str) -> None:
    assert snap_compare(build_app(theme=theme), press=["o"], terminal_size=(100, 34))
