"""The safety plan in the app: on the help screen (`?`) from every screen, above the crisis
lines; written in its editor and never lost; and what safeplace remembers, forgotten on
request. Words are data: shown as typed, never as markup."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from test_contrast import faint_cells
from textual.pilot import Pilot
from textual.widgets import DataTable, Static, TextArea

import history_seed as seed
from conftest import AppFactory
from safeplace.history.plan import SafetyPlan
from safeplace.history.store import HistoryStore
from safeplace.paths import Paths
from safeplace.settings import Settings
from safeplace.ui.app import SafeplaceApp
from safeplace.ui.screens.help import HelpScreen
from safeplace.ui.screens.remembered import ConfirmForget, RememberedScreen, given_on
from safeplace.ui.screens.safety_plan import SafetyPlanScreen

PEOPLE = "Sam – 07700 900123"
PROFESSIONAL = "Dr Ahmed, surgery 01632 960000"
Steps = Callable[[Pilot[Any]], Awaitable[None]]


def save_plan(paths: Paths, **parts: list[str]) -> None:
    with HistoryStore.open(paths.history_db) as store:
        store.save_safety_plan(SafetyPlan.of(parts))


def shown(app: SafeplaceApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def kept_plan(paths: Paths) -> SafetyPlan:
    with HistoryStore.open(paths.history_db) as store:
        return store.safety_plan()


async def _press(pilot: Pilot[Any], *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


async def _library(pilot: Pilot[Any]) -> None:
    pass


async def _player(pilot: Pilot[Any]) -> None:
    await _press(pilot, "slash", *"every kind", "enter", "enter")


async def _history(pilot: Pilot[Any]) -> None:
    await _press(pilot, "h")


async def _settings(pilot: Pilot[Any]) -> None:
    await _press(pilot, "o")


async def _closing(pilot: Pilot[Any]) -> None:
    await _player(pilot)
    await _press(pilot, "s", "escape", "y")


async def _session_detail(pilot: Pilot[Any]) -> None:
    await _history(pilot)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    pilot.app.screen.query_one("#sessions", DataTable).focus()
    await _press(pilot, "enter")


async def _plan_editor(pilot: Pilot[Any]) -> None:
    await _press(pilot, "ctrl+p", *"Your safety plan")
    await pilot.pause(0.5)
    await _press(pilot, "enter")


async def _remembered(pilot: Pilot[Any]) -> None:
    await _press(pilot, "ctrl+p", *"What safeplace remembers")
    await pilot.pause(0.5)
    await _press(pilot, "enter")


PLACES: dict[str, tuple[Steps, str]] = {
    "library": (_library, "LibraryScreen"),
    "player": (_player, "PlayerScreen"),
    "history": (_history, "HistoryScreen"),
    "settings": (_settings, "SettingsScreen"),
    "closing": (_closing, "ClosingScreen"),
    "session-detail": (_session_detail, "SessionDetail"),
    "plan-editor": (_plan_editor, "SafetyPlanScreen"),
    "remembered": (_remembered, "RememberedScreen"),
}


@pytest.mark.parametrize("place", list(PLACES))
async def test_help_shows_the_plan_above_the_crisis_lines_from_every_screen(
    build_app: AppFactory, paths: Paths, place: str
) -> None:
    save_plan(paths, people=[PEOPLE], professionals=[PROFESSIONAL])
    with HistoryStore.open(paths.history_db) as store:  # a session for the history's screens
        session = seed.begin(store, "box-breathing", "Box breathing", "h", 60, day_start_hour=4)
        seed.finish(store, session, "completed", 60, 2)
    app = build_app(settings=Settings(crisis_region="uk"))
    steps, screen = PLACES[place]
    async with app.run_test(size=(120, 40)) as pilot:
        await steps(pilot)
        assert type(app.screen).__name__ == screen
        await _press(pilot, "f1" if place == "plan-editor" else "question_mark")
        assert isinstance(app.screen, HelpScreen)
        plan = shown(app, "#help-plan")
        assert "People I can ask for help" in plan and PEOPLE in plan and PROFESSIONAL in plan
        assert shown(app, "#help-plan-edit") == "e to edit your safety plan"
        assert "call 999" in shown(app, "#help-emergency")
        order = [widget.id for widget in app.screen.query(Static)]
        assert order.index("help-plan") < order.index("help-safety")  # the crisis lines


@pytest.mark.parametrize(
    ("region", "number"),
    [
        ("us", "call 911."),
        ("uk", "call 999."),
        ("ie", "call 112 or 999."),
        ("other", "call your local emergency number."),
    ],
)
async def test_the_emergency_number_is_the_regions(
    build_app: AppFactory, region: str, number: str
) -> None:
    app = build_app(settings=Settings(crisis_region=region))  # type: ignore[arg-type]
    async with app.run_test(size=(120, 40)) as pilot:
        await _press(pilot, "question_mark")
        emergency = shown(app, "#help-emergency")
        assert emergency.endswith(number) and "112 or 911" not in emergency
        assert shown(app, "#help-plan").startswith("You have no safety plan yet")
        assert shown(app, "#help-plan-edit") == "e to make your safety plan"


async def test_help_shows_the_people_to_reach_and_the_editor_all_the_plan(
    build_app: AppFactory, paths: Paths
) -> None:
    save_plan(paths, warning_signs=["Not sleeping"], people=[PEOPLE])
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _press(pilot, "question_mark")
        plan = shown(app, "#help-plan")
        assert PEOPLE in plan and "Not sleeping" not in plan  # the contacts fit with the lines
        assert shown(app, "#help-plan-edit") == "e to edit your safety plan, and to see all of it"
        await _press(pilot, "e")
        assert app.screen.query_one("#plan-warning_signs", TextArea).text == "Not sleeping"


async def test_a_plan_that_names_nobody_yet_shows_whole(
    build_app: AppFactory, paths: Paths
) -> None:
    save_plan(paths, on_my_own=["A hot shower"])
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _press(pilot, "question_mark")
        assert "A hot shower" in shown(app, "#help-plan")
        assert shown(app, "#help-plan-edit") == "e to edit your safety plan"


async def test_a_plan_written_in_the_editor_shows_on_help_and_in_the_next_run(
    build_app: AppFactory, paths: Paths
) -> None:
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _press(pilot, "question_mark", "e")
        assert isinstance(app.screen, SafetyPlanScreen)
        app.screen.query_one("#plan-people", TextArea).focus()
        await _press(pilot, *"Sam", "enter", *"Alex, by text")
        await _press(pilot, "escape")  # back to help, which shows it at once
        assert isinstance(app.screen, HelpScreen)
        assert "Sam" in shown(app, "#help-plan") and "Alex, by text" in shown(app, "#help-plan")
        await _press(pilot, "e")
        assert app.screen.query_one("#plan-people", TextArea).text == "Sam\nAlex, by text"
    assert kept_plan(paths).entries("people") == ("Sam", "Alex, by text")
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _press(pilot, "question_mark", "e")
        assert app.screen.query_one("#plan-people", TextArea).text == "Sam\nAlex, by text"


async def test_ctrl_s_saves_and_stays(build_app: AppFactory, paths: Paths) -> None:
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _plan_editor(pilot)
        await _press(pilot, *"Pacing at night", "ctrl+s")
        assert isinstance(app.screen, SafetyPlanScreen)
        assert shown(app, "#plan-status") == "Your plan is saved."
        app.history.flush()
        assert kept_plan(paths).entries("warning_signs") == ("Pacing at night",)


async def test_the_app_closed_mid_edit_keeps_every_word(
    build_app: AppFactory, paths: Paths
) -> None:
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _plan_editor(pilot)
        await _press(pilot, *"Not sleeping")
        app.screen.query_one("#plan-what_matters", TextArea).focus()
        await _press(pilot, *"My cat")
        app.exit()  # as a closed terminal or a signal ends it: no ctrl+s, no escape
    plan = kept_plan(paths)
    assert plan.entries("warning_signs") == ("Not sleeping",)
    assert plan.entries("what_matters") == ("My cat",)


async def test_words_typed_as_the_app_closes_are_kept(build_app: AppFactory, paths: Paths) -> None:
    """The last change has not reached the screen when the app goes: the box hands it over."""
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _plan_editor(pilot)
        app.screen.query_one("#plan-people", TextArea).insert("Sam")
        app.exit()
    assert kept_plan(paths).entries("people") == ("Sam",)


async def test_the_editor_works_in_a_small_window(build_app: AppFactory, paths: Paths) -> None:
    app = build_app()
    async with app.run_test(size=(40, 12)) as pilot:
        await _plan_editor(pilot)
        for _ in range(6):  # tab through the parts to the last one
            await _press(pilot, "tab")
        last = app.screen.query_one("#plan-what_matters", TextArea)
        assert app.focused is last
        await _press(pilot, *"The sea")
        region = last.region
        assert region.height > 0 and 0 <= region.y < 12  # in view, where the words go
        await _press(pilot, "escape")
    assert kept_plan(paths).entries("what_matters") == ("The sea",)


HOSTILE = "[b]Sam[/b] [@click=app.quit]call[/] \x1b]0;owned\x07now"
SHOWN = "[b]Sam[/b] [@click=app.quit]call[/] ]0;ownednow"


async def test_plan_words_are_shown_as_typed_never_as_markup(
    build_app: AppFactory, paths: Paths
) -> None:
    save_plan(paths, people=[HOSTILE])
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _press(pilot, "question_mark")
        assert SHOWN in shown(app, "#help-plan")
        await _press(pilot, "e")
        assert app.screen.query_one("#plan-people", TextArea).text == SHOWN
        assert app.is_running  # the click did nothing


def remember(paths: Paths, **words: str) -> None:
    with HistoryStore.open(paths.history_db) as store:
        for name, text in words.items():
            store.set_remembered(name, text)


async def test_what_is_remembered_shows_with_its_day_and_forgetting_asks_first(
    build_app: AppFactory, paths: Paths
) -> None:
    remember(paths, cue_word="harbour", kind_words="[b]soft[/b]")
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _remembered(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert [row[:2] for row in rows] == [["cue_word", "harbour"], ["kind_words", "[b]soft[/b]"]]
        given = [given_on(entry) for entry in app.history.remembered_records()]
        assert [row[2] for row in rows] == given and all(given)  # the day each was given
        await _press(pilot, "f")
        assert isinstance(app.screen, ConfirmForget)
        await _press(pilot, "enter")  # the default keeps it
        assert isinstance(app.screen, RememberedScreen) and table.row_count == 2
        await _press(pilot, "f", "y")
        assert isinstance(app.screen, RememberedScreen) and table.row_count == 1
        assert shown(app, "#remembered-status") == "Forgot cue_word."
    with HistoryStore.open(paths.history_db) as store:
        assert store.remembered() == {"kind_words": "[b]soft[/b]"}


async def test_nothing_remembered_says_so(build_app: AppFactory) -> None:
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _remembered(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert shown(app, "#remembered-status") == "Nothing is remembered yet."


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("place", ["help", "plan-editor", "remembered"])
async def test_every_cell_of_the_plan_screens_can_be_seen(
    build_app: AppFactory, paths: Paths, theme: str, place: str
) -> None:
    save_plan(paths, people=[PEOPLE], professionals=[PROFESSIONAL])
    remember(paths, cue_word="harbour")
    app = build_app(theme=theme)
    async with app.run_test(size=(120, 40)) as pilot:
        if place == "help":
            await _press(pilot, "question_mark")
        else:
            await PLACES[place][0](pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        faint = faint_cells(app)
        assert faint == [], "\n".join(faint)
