"""How the format's new moves look: a choice, several marked, a 0-100 scale, a one-line
prompt, timed writing, the closing screen's offers and "what suits me now", at two sizes, in
a dark and a light theme."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

import pytest
from textual.pilot import Pilot

from conftest import REPO
from safeplace.exercise.library import Library, load_library
from safeplace.paths import Paths
from safeplace.playback.clock import FakeClock
from safeplace.ui.app import SafeplaceApp
from safeplace.ui.screens.player import PlayerScreen

AppFactory = Callable[..., SafeplaceApp]
CatchUp = Callable[[Pilot[Any]], Awaitable[None]]
Steps = Callable[[Pilot[Any], FakeClock, CatchUp], Awaitable[None]]
SIZES = [(80, 24), (120, 40)]
THEMES = ["textual-dark", "textual-light"]


@pytest.fixture
def library(paths: Paths) -> Library:
    return load_library(paths, extra_dirs=[REPO / "tests" / "fixtures" / "branching"])


async def _go_on(pilot: Pilot[Any], times: int = 1) -> None:
    for _ in range(times):
        kind = cast(PlayerScreen, pilot.app.screen).session.view().segment.kind
        await pilot.press("ctrl+s" if kind == "prompt" else "right")
        await pilot.pause()


async def _choose(pilot: Pilot[Any], clock: FakeClock, catch_up: CatchUp) -> None:
    await pilot.pause()  # the player is mounted
    clock.advance(5)
    await catch_up(pilot)
    await pilot.press("down")


async def _several(pilot: Pilot[Any], clock: FakeClock, catch_up: CatchUp) -> None:
    await _choose(pilot, clock, catch_up)
    await pilot.press("1", "space", "down", "down")


async def _rate_100(pilot: Pilot[Any], clock: FakeClock, catch_up: CatchUp) -> None:
    await _several(pilot, clock, catch_up)
    await pilot.press("enter")
    clock.advance(5)
    await catch_up(pilot)
    await pilot.press("6", "5")


async def _one_line(pilot: Pilot[Any], clock: FakeClock, catch_up: CatchUp) -> None:
    await _rate_100(pilot, clock, catch_up)
    await pilot.press("enter")
    clock.advance(5)
    await catch_up(pilot)
    await pilot.press(*"rain")


async def _timed(pilot: Pilot[Any], clock: FakeClock, catch_up: CatchUp) -> None:
    await _one_line(pilot, clock, catch_up)
    await _go_on(pilot, 2)
    clock.advance(12)
    await catch_up(pilot)


SCREENS: dict[str, Steps] = {
    "choose": _choose,
    "several": _several,
    "rate-100": _rate_100,
    "one-line": _one_line,
    "timed-writing": _timed,
}


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_new_step(
    snap_compare: Any,
    build_app: AppFactory,
    clock: FakeClock,
    catch_up: CatchUp,
    screen: str,
    size: tuple[int, int],
    theme: str,
) -> None:
    app = build_app("follow-up", theme=theme, motion="full")

    async def run_before(pilot: Pilot[Any]) -> None:
        await SCREENS[screen](pilot, clock, catch_up)
        await catch_up(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_closing_offers(
    snap_compare: Any,
    build_app: AppFactory,
    clock: FakeClock,
    catch_up: CatchUp,
    size: tuple[int, int],
    theme: str,
) -> None:
    app = build_app("window-check-in", theme=theme, motion="full")

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("right", "6", "enter", "right", "1")  # … too much
        await pilot.pause()
        clock.advance(60)
        await catch_up(pilot)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_what_suits_me_now(
    snap_compare: Any, build_app: AppFactory, size: tuple[int, int], theme: str
) -> None:
    app = build_app(theme=theme, motion="full")

    async def run_before(pilot: Pilot[Any]) -> None:
        pilot.app.action_route()  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press("2")  # too little
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)
