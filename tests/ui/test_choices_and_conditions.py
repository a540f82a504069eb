"""The format's new moves, played as a person meets them: choices (one or several) that lead
somewhere, conditions on choices, ratings and remembered answers, a 0-100 scale read the right
way round, one-line prompts, words kept for the session only, and counted-down time."""

from __future__ import annotations

from typing import Any, cast

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from conftest import REPO, AppFactory, CatchUp, Playing
from safeplace.exercise.library import Library, load_library
from safeplace.history.store import HistoryStore
from safeplace.paths import Paths
from safeplace.playback.clock import FakeClock
from safeplace.ui.app import SafeplaceApp
from safeplace.ui.screens.closing import ClosingScreen
from safeplace.ui.screens.help import HelpScreen
from safeplace.ui.screens.player import PlayerScreen
from safeplace.ui.widgets.rating import RatingScale

BRANCHING = REPO / "tests" / "fixtures" / "branching"


@pytest.fixture
def library(paths: Paths) -> Library:
    return load_library(paths, extra_dirs=[BRANCHING])


def shown(app: SafeplaceApp) -> str:
    screen = app.screen
    return " ".join(str(widget.render()) for widget in screen.query(Static) if widget.display)


def step_text(app: SafeplaceApp) -> str:
    return str(app.screen.query_one("#step-text", Static).render())


async def go_on(pilot: Pilot[Any], app: SafeplaceApp) -> None:
    """On to the next step as a person would: ctrl+s leaves a prompt, → anything else."""
    kind = cast(PlayerScreen, app.screen).session.view().segment.kind
    await pilot.press("ctrl+s" if kind == "prompt" else "right")
    await pilot.pause()


async def test_a_remembered_choice_is_followed_up_next_time_with_when_it_was_given(
    build_app: AppFactory, store: HistoryStore, catch_up: CatchUp, clock: FakeClock
) -> None:
    app = build_app("follow-up", store=store)
    async with app.run_test() as pilot:
        assert step_text(app) == "This is the first time."  # nothing remembered yet
        clock.advance(5)
        await catch_up(pilot)
        assert "Which small step?" in step_text(app)
        await pilot.press("2")  # Take a walk
        await pilot.pause()
        await pilot.press("ctrl+q", "y")
        app.history.flush()
    assert store.remembered()["step"] == "Take a walk"

    again = build_app("follow-up", store=store)
    async with again.run_test():
        assert step_text(again) == "Last time, today, you chose: Take a walk."


async def test_several_options_are_marked_with_space_and_fill_the_name(
    build_app: AppFactory, playing: Playing, catch_up: CatchUp, clock: FakeClock
) -> None:
    app = build_app("follow-up")
    async with app.run_test() as pilot:
        clock.advance(5)
        await catch_up(pilot)
        await pilot.press("1")  # one step: it goes on at once
        await pilot.pause()
        assert "Which helps?" in step_text(app)
        assert "space marks" in shown(app)
        await pilot.press("1", "down", "down", "space", "enter")  # Tea and A walk
        await pilot.pause()
        assert step_text(app) == "You chose Tea; A walk."
        chosen = [tuple(o.value for o in options) for _, options in playing(app).session.choices]
        assert chosen == [("message",), ("tea", "a-walk")]


async def _to_the_rating(
    pilot: Pilot[Any], app: SafeplaceApp, clock: FakeClock, up: CatchUp
) -> None:
    clock.advance(5)
    await up(pilot)
    await pilot.press("1")
    await pilot.press("1", "enter")
    clock.advance(5)
    await up(pilot)
    assert "How steady" in step_text(app)


@pytest.mark.parametrize(("keys", "follow"), [("70", "Steady enough."), ("45", "Not very steady.")])
async def test_a_rating_out_of_100_leads_by_at_least_and_at_most(
    build_app: AppFactory,
    playing: Playing,
    catch_up: CatchUp,
    clock: FakeClock,
    keys: str,
    follow: str,
) -> None:
    app = build_app("follow-up")
    async with app.run_test() as pilot:
        await _to_the_rating(pilot, app, clock, catch_up)
        assert "100" in str(app.screen.query_one(RatingScale).render())
        await pilot.press(*keys, "enter")
        await pilot.pause()
        assert step_text(app) == follow
        [(segment, value, _)] = playing(app).session.ratings
        assert value == int(keys)
        # Higher is better on this scale: the history's axis (0 calm, 10 upset) reads it so.
        assert segment.part.distress(value) == 10 - round(int(keys) / 10)


async def test_enter_continues_a_one_line_prompt_and_session_only_words_are_never_kept(
    build_app: AppFactory, store: HistoryStore, catch_up: CatchUp, clock: FakeClock
) -> None:
    app = build_app("follow-up", store=store)
    async with app.run_test() as pilot:
        await _to_the_rating(pilot, app, clock, catch_up)
        await pilot.press("8", "0", "enter")
        clock.advance(5)
        await catch_up(pilot)
        assert "One word for now?" in step_text(app)
        await pilot.press(*"rain", "enter")  # Enter goes on: no new line in the word
        await pilot.pause()
        assert "painful thought" in step_text(app)
        await pilot.press(*"never keep this", "ctrl+s")
        await pilot.pause()
        assert "Write for a little while." in step_text(app)
        await pilot.press("ctrl+q", "y")
        app.history.flush()
    [record] = store.sessions()
    answers = {answer.prompt: answer.answer for answer in store.answers(record.id)}
    assert answers["One word for now?"] == "rain"
    assert "never keep this" not in answers.values()
    assert "The painful thought, if you like." not in answers


async def test_timed_writing_and_a_silence_show_their_time_left(
    build_app: AppFactory, playing: Playing, catch_up: CatchUp, clock: FakeClock
) -> None:
    app = build_app("follow-up")
    async with app.run_test() as pilot:
        await _to_the_rating(pilot, app, clock, catch_up)
        await pilot.press("5", "0", "enter")
        for _ in range(3):
            await go_on(pilot, app)
        assert "Write for a little while." in step_text(app)
        count = app.screen.query_one("#step-count", Static)
        assert str(count.render()) == "0:30 left to write"
        clock.advance(12)
        await catch_up(pilot)
        assert str(count.render()) == "0:18 left to write"
        clock.advance(30)
        await catch_up(pilot)
        assert "Time is up" in str(count.render())
        assert playing(app).session.view().is_waiting  # the words are not cut off
        await go_on(pilot, app)
        await catch_up(pilot)
        assert str(count.render()) == "0:10"
        clock.advance(3.5)
        await catch_up(pilot)
        assert str(count.render()) == "0:07"


async def test_an_item_keeps_its_own_time(
    build_app: AppFactory, playing: Playing, catch_up: CatchUp, clock: FakeClock
) -> None:
    app = build_app("follow-up")
    async with app.run_test() as pilot:
        session = playing(app).session
        items = [s for s in session.timeline.segments if s.kind == "item"]
        assert [s.duration for s in items] == [20.0, 40.0]
        assert pilot is not None


async def test_options_lead_to_a_section_to_help_and_to_offers_at_the_end(
    build_app: AppFactory, playing: Playing, catch_up: CatchUp, clock: FakeClock
) -> None:
    app = build_app("follow-up")
    async with app.run_test(size=(100, 40)) as pilot:
        session = playing(app).session
        last_choice = max(s.index for s in session.timeline.segments if s.kind == "choose")
        await _to_the_rating(pilot, app, clock, catch_up)
        while session.view().segment.index < last_choice:
            await go_on(pilot, app)
        await pilot.press("4")  # I need help now
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)
        await pilot.press("left")  # back to the choice, and go "Skip ahead"
        await pilot.pause()
        assert "What next?" in step_text(app)
        await pilot.press("3")
        await pilot.pause()
        assert step_text(app) == "The end, friend."  # the skipped step did not play
        await pilot.press("left", "left")  # back past the skipped step, which now plays
        assert "What next?" in step_text(app)
        await pilot.press("1")  # "Steady me": offers for wound-up at the end
        await pilot.pause()
        clock.advance(60)
        await catch_up(pilot)
        assert isinstance(app.screen, ClosingScreen)
        await pilot.pause()
        offers = app.screen.query_one("#offers")
        titles = [str(option.prompt).split("\n")[0] for option in offers.options]  # type: ignore[attr-defined]
        assert 2 <= len(titles) <= 3
        loaded = [e for e in app.library.exercises.values() if e.exercise.title == titles[0]]
        assert "wound-up" in loaded[0].exercise.suits
        offers.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert playing(app).practice.loaded.exercise.title == titles[0]


@pytest.mark.parametrize("words", ["rain", ""])
async def test_a_follow_up_and_an_option_appear_only_when_there_was_an_answer(
    build_app: AppFactory, catch_up: CatchUp, clock: FakeClock, words: str
) -> None:
    app = build_app("answered")
    async with app.run_test() as pilot:
        await pilot.press(*words, "enter")
        await pilot.pause()
        expected = "You wrote rain." if words else "Nothing written, and that is fine."
        assert step_text(app) == expected
        clock.advance(5)
        await catch_up(pilot)
        options = cast(PlayerScreen, app.screen).session.view().options
        texts = [option.text for option in options]
        assert texts == (["Rest", "Say more about rain"] if words else ["Rest"])
