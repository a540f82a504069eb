"""The first minute in the player: keys that cannot leave a value nobody chose."""

from __future__ import annotations

from textual.widgets import Static

from conftest import AppFactory, CatchUp, Playing
from safeplace.exercise.library import Library
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
