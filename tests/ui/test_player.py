"""Driving the player with keys, as a person would, on a fake clock."""

from __future__ import annotations

import gc
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import TextArea

from safeplace.history.store import HistoryStore
from safeplace.paths import Paths
from safeplace.playback.clock import FakeClock
from safeplace.playback.session import Event, Session
from safeplace.ui.app import SafeplaceApp
from safeplace.ui.screens.closing import ClosingScreen
from safeplace.ui.screens.confirm import ConfirmEnd
from safeplace.ui.screens.help import HelpScreen
from safeplace.ui.screens.player import REPAINT_HZ, PlayerScreen
from safeplace.ui.widgets.pacer import Pacer

AppFactory = Callable[..., SafeplaceApp]
Playing = Callable[[SafeplaceApp], PlayerScreen]
CatchUp = Callable[[Pilot[Any]], Awaitable[None]]


async def test_rating_with_digits_then_enter(build_app: AppFactory, playing: Playing) -> None:
    app = build_app("every-kind")
    async with app.run_test() as pilot:
        await pilot.press("7", "enter")
        session = playing(app).session
        assert [(value, moment) for _, value, moment in session.ratings] == [(7, "before")]
        assert session.view().segment.kind == "say"


async def test_rating_with_arrows(build_app: AppFactory, playing: Playing) -> None:
    app = build_app("every-kind")
    async with app.run_test() as pilot:
        await pilot.press("up", "up", "down", "enter")
        ratings = [value for _, value, _ in playing(app).session.ratings]
        assert ratings == [5]  # the first arrow lands in the middle: 5, then 6, then 5


async def test_space_pauses_and_time_stands_still(
    build_app: AppFactory, clock: FakeClock, playing: Playing, catch_up: CatchUp
) -> None:
    app = build_app("every-kind")
    async with app.run_test() as pilot:
        await pilot.press("s")  # skip the first rating
        session = playing(app).session
        left = session.view().remaining_seconds
        await pilot.press("space")
        assert session.view().is_paused
        assert app.screen.has_class("-paused")
        clock.advance(30)
        await catch_up(pilot)
        assert session.view().remaining_seconds == left
        await pilot.press("space")
        assert not session.view().is_paused
        assert not app.screen.has_class("-paused")
        clock.advance(2)
        await catch_up(pilot)
        assert session.view().remaining_seconds == left - 2


async def test_next_and_back_move_between_steps(
    build_app: AppFactory, clock: FakeClock, playing: Playing
) -> None:
    app = build_app("every-kind")
    async with app.run_test() as pilot:
        await pilot.press("s")
        session = playing(app).session
        assert session.view().segment.kind == "say"
        await pilot.press("right")
        assert session.view().segment.kind == "breathe"
        assert app.screen.query_one(Pacer).display
        await pilot.press("right")
        assert session.view().segment.kind == "silence"
        await pilot.press("left")
        assert session.view().segment.kind == "breathe"


async def test_time_advances_steps_on_its_own(
    build_app: AppFactory, clock: FakeClock, playing: Playing, catch_up: CatchUp
) -> None:
    app = build_app("every-kind")
    async with app.run_test() as pilot:
        await pilot.press("s")
        clock.advance(6.01)  # the say step lasts 6 s
        await catch_up(pilot)
        assert playing(app).session.view().segment.kind == "breathe"


async def test_escape_asks_then_keeps_going(
    build_app: AppFactory, clock: FakeClock, playing: Playing
) -> None:
    app = build_app("every-kind")
    async with app.run_test() as pilot:
        await pilot.press("s", "escape")
        assert isinstance(app.screen, ConfirmEnd)
        assert playing(app).session.view().is_paused  # the clock does not run behind the dialog
        await pilot.press("escape")
        assert isinstance(app.screen, PlayerScreen)
        assert not playing(app).session.view().is_paused


async def test_escape_then_stop_shows_a_gentle_closing(
    build_app: AppFactory, playing: Playing
) -> None:
    app = build_app("every-kind")
    async with app.run_test() as pilot:
        await pilot.press("s", "escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, ClosingScreen)
        assert playing(app).session.view().ended_early
        headline = str(app.screen.query_one("#closing-headline").render())
        assert "Every kind of step: you stopped after" in headline


async def test_ctrl_c_in_the_player_asks_instead_of_losing_the_session(
    build_app: AppFactory,
) -> None:
    app = build_app("every-kind")
    async with app.run_test() as pilot:
        await pilot.press("s", "ctrl+c")
        assert isinstance(app.screen, ConfirmEnd)


async def test_question_mark_opens_help_and_escape_closes_it(build_app: AppFactory) -> None:
    app = build_app("every-kind")
    async with app.run_test() as pilot:
        await pilot.press("s", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, PlayerScreen)


async def test_g_leaves_for_the_grounding_routine(
    build_app: AppFactory, monkeypatch: pytest.MonkeyPatch, playing: Playing
) -> None:
    app = build_app("every-kind")
    async with app.run_test() as pilot:
        await pilot.press("s")
        first = playing(app).practice
        await pilot.press("g")
        await pilot.pause()
        assert first.session.view().ended_early
        assert "ground-me" in playing(app).practice.loaded.exercise.tags
        assert isinstance(app.screen, PlayerScreen)
        # The first player (started from the shell, so it stays under the new one) is idle.
        [hidden, shown] = app.screen_stack
        assert isinstance(hidden, PlayerScreen) and hidden.session is first.session
        advances = 0
        advance = first.session.advance

        def counted() -> list[Event]:
            nonlocal advances
            advances += 1
            return list(advance())

        monkeypatch.setattr(first.session, "advance", counted)
        await pilot.pause(3 / REPAINT_HZ["full"])  # three repaints, were it still repainting
        assert advances == 0
        assert shown is app.screen


async def _to_the_prompt(pilot: Pilot[int], app: SafeplaceApp) -> Session:
    """Skip every-kind's first rating and move on to its prompt."""
    await pilot.press("s")
    assert isinstance(app.screen, PlayerScreen)
    session = app.screen.session
    while session.view().segment.kind != "prompt":
        await pilot.press("right")
    return session


async def test_prompt_answer_is_remembered_and_fills_later_text(
    build_app: AppFactory, clock: FakeClock
) -> None:
    app = build_app("every-kind")
    async with app.run_test() as pilot:
        session = await _to_the_prompt(pilot, app)
        answer = app.screen.query_one("#answer", TextArea)
        assert answer.has_focus
        await pilot.press(*"be gentle", "ctrl+s")
        assert session.remembered == {"kind_words": "be gentle"}
        assert session.view().text == "Keep these words close: be gentle"


async def test_an_answer_typed_in_a_burst_before_ctrl_s_is_kept_whole(
    build_app: AppFactory,
) -> None:
    """Keys that arrive together (a paste, a slow link) reach the app before the box has
    taken them; the priority ctrl+s must not overtake them, and a second one is harmless."""
    app = build_app("every-kind")
    async with app.run_test() as pilot:
        session = await _to_the_prompt(pilot, app)
        await pilot.pause()
        for key, character in [*((c, c) for c in "lantern"), ("ctrl+s", None), ("ctrl+s", None)]:
            app.post_message(events.Key(key, character))  # all queued before any is handled
        await pilot.pause()
        await pilot.pause()
        assert session.remembered == {"kind_words": "lantern"}
        assert session.view().segment.kind != "prompt"
        assert [answer for _, answer in session.answers] == ["lantern"]


async def test_finishing_shows_closing_and_q_quits(
    build_app: AppFactory, clock: FakeClock, catch_up: CatchUp
) -> None:
    app = build_app("every-kind")
    async with app.run_test() as pilot:
        await pilot.press("3", "enter")
        clock.advance(6 + 24 + 10 + 15)
        await catch_up(pilot)
        await pilot.press("ctrl+s")  # leave the prompt empty: a skip
        clock.advance(5.01)
        await catch_up(pilot)
        await pilot.press("2", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ClosingScreen)
        change = str(app.screen.query_one("#closing-change").render())
        assert "Before 3, now 2 (-1)" in change
        await pilot.press("q")
    assert app.return_code == 0


async def test_closing_invites_a_rating_when_the_exercise_had_none_after(
    build_app: AppFactory,
) -> None:
    app = build_app("every-kind")
    async with app.run_test() as pilot:
        await pilot.press("4", "enter", "escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, ClosingScreen)
        await pilot.press("6", "enter")
        assert app.screen.practice.ratings() == (4, 6)
        change = str(app.screen.query_one("#closing-change").render())
        assert "Before 4, now 6 (+2)" in change and "g" in change


async def test_a_finished_session_is_recorded_with_ratings(
    build_app: AppFactory, clock: FakeClock, store: HistoryStore, catch_up: CatchUp
) -> None:
    app = build_app("every-kind", store=store)
    async with app.run_test() as pilot:
        await pilot.press("5", "enter")
        clock.advance(6 + 24 + 10 + 15)
        await catch_up(pilot)
        await pilot.press(*"soft", "ctrl+s")
        clock.advance(5.01)
        await catch_up(pilot)
        await pilot.press("3", "enter")
        await pilot.pause()
        app.history.flush()
        [record] = store.sessions()
        assert record.outcome == "completed"
        assert (record.rating_before, record.rating_after) == (5, 3)
        assert store.remembered() == {"kind_words": "soft"}
        [answer] = store.answers(record.id)
        assert answer.answer == "soft"


async def test_quitting_mid_exercise_records_it_as_ended_early(
    build_app: AppFactory, clock: FakeClock, store: HistoryStore, catch_up: CatchUp
) -> None:
    app = build_app("every-kind", store=store)
    async with app.run_test() as pilot:
        await pilot.press("s")
        clock.advance(70)
        await catch_up(pilot)
        await pilot.press("ctrl+q", "ctrl+q")  # it asks; the second one quits
    [record] = store.sessions()
    assert record.outcome == "ended-early"
    assert record.practised_seconds >= 60


def _orb_colours(pacer: Pacer) -> set[str]:
    """The colours of the orb's cells as drawn now."""
    return {
        str(segment.style.color)
        for y in range(pacer.size.height)
        for segment in pacer.render_line(y)
        if "█" in segment.text and segment.style is not None
    }


async def test_the_pacer_redraws_in_a_theme_chosen_mid_breath(
    build_app: AppFactory, clock: FakeClock, catch_up: CatchUp
) -> None:
    app = build_app("every-kind", theme="textual-dark")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "right")
        clock.advance(2.5)
        await catch_up(pilot)
        pacer = app.screen.query_one(Pacer)
        dark = _orb_colours(pacer)
        app.theme = "textual-light"
        await pilot.pause()
        light = _orb_colours(pacer)
        assert dark and light and dark != light


async def test_motion_none_shows_words_only(build_app: AppFactory) -> None:
    app = build_app("every-kind", motion="none")
    async with app.run_test() as pilot:
        await pilot.press("s", "right")
        pacer = app.screen.query_one(Pacer)
        assert pacer.motion == "none"
        drawn = "".join(pacer.render_line(y).text for y in range(pacer.size.height))
        assert "█" not in drawn and "Breathe in" in drawn


async def test_tiny_terminal_says_so_and_keeps_time(
    build_app: AppFactory, clock: FakeClock, playing: Playing, catch_up: CatchUp
) -> None:
    app = build_app("every-kind")
    async with app.run_test(size=(20, 6)) as pilot:
        await pilot.press("s")
        assert app.screen.has_class("-too-small")
        clock.advance(6.01)
        await catch_up(pilot)
        assert playing(app).session.view().segment.kind == "breathe"
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not app.screen.has_class("-too-small")


async def test_practice_goes_on_when_the_history_cannot_be_written(
    build_app: AppFactory, clock: FakeClock, paths: Paths, playing: Playing, catch_up: CatchUp
) -> None:
    paths.data_dir.parent.mkdir(parents=True, exist_ok=True)
    paths.data_dir.write_text("a file where the data folder should be")
    app = build_app("every-kind")  # no open store: the recorder tries, and fails
    async with app.run_test() as pilot:
        await pilot.press("5", "enter")
        clock.advance(6.01)
        await catch_up(pilot)
        app.history.flush()
        await catch_up(pilot)
        assert playing(app).session.view().segment.kind == "breathe"
        assert app.screen.has_class("-unsaved")
        problem = str(app.screen.query_one("#save-problem").render())
        assert "could not be saved" in problem


async def test_the_note_on_saving_tells_the_truth_and_goes_once_it_is_saved(
    build_app: AppFactory, clock: FakeClock, paths: Paths, catch_up: CatchUp
) -> None:
    paths.data_dir.parent.mkdir(parents=True, exist_ok=True)
    for blocked in (paths.data_dir, paths.state_dir):  # neither the history nor the pending file
        blocked.write_text("a file where a folder should be")
    app = build_app("every-kind")
    async with app.run_test() as pilot:
        await pilot.press("5", "enter")
        app.history.flush()
        await catch_up(pilot)
        note = str(app.screen.query_one("#save-problem").render())
        assert "not saved yet" in note and "keeps trying" in note
        for blocked in (paths.data_dir, paths.state_dir):
            blocked.unlink()  # room again
        clock.advance(6.01)  # the next step: a change, and a new try
        await catch_up(pilot)
        app.history.flush()
        await catch_up(pilot)
        assert not app.screen.query("#save-problem")
        assert not app.screen.has_class("-unsaved")
    with HistoryStore.open(paths.history_db) as store:
        [record] = store.sessions()
        assert (record.rating_before, record.steps_reached) == (5, 3)


async def test_help_pauses_the_exercise_and_going_back_resumes_it(
    build_app: AppFactory, clock: FakeClock, playing: Playing, catch_up: CatchUp
) -> None:
    app = build_app("every-kind")
    async with app.run_test() as pilot:
        await pilot.press("s", "question_mark")
        session = playing(app).session
        left = session.view().remaining_seconds
        clock.advance(20)
        await catch_up(pilot)
        assert session.view().is_paused and session.view().remaining_seconds == left
        await pilot.press("escape")
        assert not session.view().is_paused


async def test_a_clear_rise_points_to_people_as_well_as_grounding(
    build_app: AppFactory,
) -> None:
    app = build_app("every-kind")
    async with app.run_test() as pilot:
        await pilot.press("3", "enter", "escape", "y")
        await pilot.pause()
        await pilot.press("7", "enter")
        change = str(app.screen.query_one("#closing-change").render())
        assert "(+4)" in change and "press ? to see who you can reach" in change


async def test_bell_rings_once_in_and_twice_out(
    build_app: AppFactory, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, catch_up: CatchUp
) -> None:
    app = build_app("every-kind", bell=True)
    rings: list[float] = []
    async with app.run_test() as pilot:
        monkeypatch.setattr(app, "bell", lambda: rings.append(clock()))
        await pilot.press("s")
        clock.advance(6.01)  # into the breathing step: the in-breath starts
        await catch_up(pilot)
        assert len(rings) == 1
        clock.advance(4 + 2)  # in 4 s, hold 2 s (silent), then the out-breath
        await catch_up(pilot)
        assert len(rings) == 2
        for _ in range(100):  # the second ring of the out cue follows a moment later
            if len(rings) == 3:
                break
            await pilot.pause(0.05)
        assert len(rings) == 3


def test_an_unopenable_history_is_one_sentence_and_practice_goes_on(paths: Paths) -> None:
    from safeplace.history.service import open_history

    paths.data_dir.parent.mkdir(parents=True, exist_ok=True)
    paths.data_dir.write_text("a file where the data folder should be")
    store, notice = open_history(paths)
    assert store is None
    assert notice is not None and str(paths.history_db) in notice
    assert "practice can go on" in notice and "Traceback" not in notice


async def test_a_history_moved_aside_after_the_first_frame_is_said_in_the_app(
    build_app: AppFactory, paths: Paths
) -> None:
    paths.history_db.mkdir(parents=True)  # a folder where the history file should be
    app = build_app("every-kind")  # no store given: the app opens the history itself
    async with app.run_test(notifications=True) as pilot:
        await pilot.pause()
        app.history.flush()  # the first write opens the history, on the writer thread
        await pilot.pause()
        messages = [notification.message for notification in app._notifications]
        assert any("folder" in message and "history" in message for message in messages)
        assert paths.history_db.is_file()  # a new, empty history is open


async def test_the_collector_paused_for_start_up_resumes_after_the_first_frame(
    build_app: AppFactory,
) -> None:
    gc.disable()  # as cli._start_app does for the app
    try:
        app = build_app("every-kind")
        async with app.run_test() as pilot:
            await pilot.pause()
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0  # start-up objects are left out of collections
    finally:
        gc.unfreeze()
        gc.enable()


async def test_ground_me_from_the_palette_ends_the_practice_that_plays(
    build_app: AppFactory, store: HistoryStore, playing: Playing
) -> None:
    app = build_app("every-kind", store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s")
        first = playing(app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Ground me now")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert "ground-me" in playing(app).practice.loaded.exercise.tags
        assert first.session.view().ended_early
        app.history.flush()
        outcomes = {record.exercise_id: record.outcome for record in store.sessions()}
        assert outcomes["every-kind"] == "ended-early"
