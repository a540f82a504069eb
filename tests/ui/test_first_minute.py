"""The first minute in the player: keys that cannot leave a value nobody chose."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Static

from conftest import AppFactory, CatchUp, Playing
from safeplace.exercise.library import Library
from safeplace.exercise.quick import quick_breathing
from safeplace.playback.clock import FakeClock
from safeplace.ui.screens.closing import ClosingScreen
from safeplace.ui.screens.confirm import ConfirmEnd
from safeplace.ui.screens.player import PlayerScreen


async def test_right_on_a_rating_moves_on_and_records_nothing(
    build_app: AppFactory, playing: Playing
) -> None:
    app = build_app("every-kind")  # it opens on a rating
    async with app.run_test() as pilot:
        await pilot.press(*["right"] * 10)
        session = playing(app).session
        assert session.ratings == []
        assert session.view().segment.kind == "prompt"  # it moved on, to the writing box


async def test_up_and_down_choose_and_enter_keeps(build_app: AppFactory, playing: Playing) -> None:
    app = build_app("every-kind")
    async with app.run_test() as pilot:
        await pilot.press("up")
        assert playing(app).session.ratings == []  # not until Enter
        await pilot.press("up", "enter")
        assert [value for _, value, _ in playing(app).session.ratings] == [6]


async def test_the_stop_dialog_keeps_going_on_enter(
    build_app: AppFactory, playing: Playing
) -> None:
    app = build_app("every-kind")
    async with app.run_test() as pilot:
        await pilot.press("s", "escape")
        assert isinstance(app.screen, ConfirmEnd)
        await pilot.press("enter")
        assert isinstance(app.screen, PlayerScreen)
        assert not playing(app).session.view().is_finished


async def test_ctrl_q_asks_in_the_player_as_ctrl_c_does(
    build_app: AppFactory, playing: Playing
) -> None:
    for key in ("ctrl+q", "ctrl+c"):
        app = build_app("every-kind")
        async with app.run_test() as pilot:
            await pilot.press("s", key)
            assert isinstance(app.screen, ConfirmEnd), key
            await pilot.press("y")
            assert playing(app).session.view().ended_early


async def test_the_closing_screen_does_not_thank_a_second_time(
    build_app: AppFactory, library: Library, clock: FakeClock, catch_up: CatchUp
) -> None:
    for exercise_id in library.exercises:
        app = build_app(exercise_id)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("escape", "y")
            await pilot.pause()
            assert isinstance(app.screen, ClosingScreen)
            shown = " ".join(str(w.render()) for w in app.screen.query(Static))
            assert "thank" not in shown.lower(), (exercise_id, shown)


def drawn(app: Any) -> str:
    return "\n".join(
        "".join(s.text for s in strip) for strip in app.screen._compositor.render_strips()
    )


async def test_at_40x12_the_phase_word_and_count_still_show(build_app: AppFactory) -> None:
    app = build_app(quick=quick_breathing("box", 1))
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        assert "Breathe in · 4" in drawn(app)
        assert "breath 1 of 3" in drawn(app)


async def test_below_the_smallest_size_it_waits_until_the_window_grows(
    build_app: AppFactory, clock: FakeClock, playing: Playing, catch_up: CatchUp
) -> None:
    app = build_app(quick=quick_breathing("box", 1))
    async with app.run_test(size=(80, 24)) as pilot:
        clock.advance(2)
        await catch_up(pilot)
        await pilot.resize_terminal(20, 6)
        await pilot.pause()
        assert "Please make the window a little larger." in " ".join(drawn(app).split())
        clock.advance(30)
        await catch_up(pilot)
        session = playing(app).session
        assert session.view().is_paused
        assert session.practised_seconds == pytest.approx(2, abs=0.01)  # unseen is not practice
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        clock.advance(3)
        await catch_up(pilot)
        assert not session.view().is_paused
        assert session.practised_seconds == pytest.approx(5, abs=0.01)


async def test_the_player_gives_the_length_the_library_and_show_give(
    build_app: AppFactory, playing: Playing
) -> None:
    from safeplace.exercise.playable import minutes_for

    app = build_app("window-check-in")  # two waits and a choice: once 1:08 against "3 min"
    async with app.run_test() as pilot:
        await pilot.pause()
        shown = str(app.screen.query_one("#time-left", Static).render())
        minutes, seconds = shown.removesuffix(" left").split(":")
        exercise = playing(app).practice.loaded.exercise
        assert int(minutes) * 60 + int(seconds) == round(exercise.estimated_seconds)
        assert minutes_for(int(minutes) * 60 + int(seconds)) == exercise.minutes
