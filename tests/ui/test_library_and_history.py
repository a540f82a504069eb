"""The library and the history screens, driven with keys."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from textual.widgets import DataTable, Input, OptionList, Select, Switch

import history_seed as seed
from safeplace.history.store import HistoryStore
from safeplace.paths import Paths
from safeplace.settings import Settings, load_settings
from safeplace.ui.app import SafeplaceApp
from safeplace.ui.screens.closing import ClosingScreen
from safeplace.ui.screens.history import HistoryScreen
from safeplace.ui.screens.library import LibraryScreen
from safeplace.ui.screens.player import PlayerScreen
from safeplace.ui.screens.session_detail import SessionDetail
from safeplace.ui.screens.settings import SettingsScreen

AppFactory = Callable[..., SafeplaceApp]
NOW = datetime.fromisoformat("2026-11-20T20:00:00+00:00")


def _record(store: HistoryStore, days_ago: int, *, answer: str | None = None) -> str:
    start = NOW - timedelta(days=days_ago)
    session = seed.begin(
        store,
        "kind-pause",
        "A kind pause",
        "0" * 16,
        300.0,
        day_start_hour=4,
        started_at=start,
        zone_offset=(0, "UTC"),
    )
    seed.set_rating(store, session, "before", 6)
    if answer is not None:
        seed.add_answer(store, session, "What would you say to a friend?", answer)
    seed.set_rating(store, session, "after", 3)
    seed.finish(store, session, "completed", 300.0, 5, ended_at=start + timedelta(minutes=5))
    return session


async def test_library_lists_by_category_and_enter_starts(build_app: AppFactory) -> None:
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, LibraryScreen)
        options = app.screen.query_one(OptionList)
        highlighted = options.get_option_at_index(options.highlighted or 0)
        assert highlighted.id is not None and app.library.get(highlighted.id) is not None
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)
        assert app.screen.practice.loaded.exercise.id == highlighted.id


async def test_search_narrows_the_list(build_app: AppFactory) -> None:
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *"every kind")
        assert app.screen.query_one(Input).value == "every kind"
        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert [i for i in ids if i] == ["every-kind"]
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)


async def test_leaving_the_closing_screen_returns_to_the_library(build_app: AppFactory) -> None:
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *"every kind", "enter", "enter")
        await pilot.pause()
        await pilot.press("s", "escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, ClosingScreen)
        await pilot.press("enter")  # "done" (no rating was given before, so none is asked)
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)


async def test_g_in_the_library_starts_grounding(build_app: AppFactory) -> None:
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)
        assert "ground-me" in app.screen.practice.loaded.exercise.tags


async def test_history_shows_streaks_totals_and_what_helps(
    build_app: AppFactory, store: HistoryStore
) -> None:
    for days_ago in (0, 1, 2):
        _record(store, days_ago)
    app = build_app(store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        await pilot.pause(0.3)
        assert isinstance(app.screen, HistoryScreen)
        summary = str(app.screen.query_one("#history-summary").render())
        assert "Streak 3 days" in summary and "3 sessions" in summary
        helps = app.screen.query_one("#helps", DataTable)
        assert helps.row_count == 1
        assert "-3.0" in str(helps.get_row_at(0)[3])
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_hidden_streaks_are_not_shown(build_app: AppFactory, store: HistoryStore) -> None:
    _record(store, 0)
    app = build_app(store=store, settings=Settings(show_streaks=False))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        await pilot.pause(0.3)
        summary = str(app.screen.query_one("#history-summary").render())
        assert "Streak" not in summary and "1 session ·" in summary


async def test_a_session_opens_with_its_ratings_and_answers(
    build_app: AppFactory, store: HistoryStore
) -> None:
    _record(store, 0, answer="You did what you could.")
    app = build_app(store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        await pilot.pause(0.3)
        table = app.screen.query_one("#sessions", DataTable)
        table.focus()
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, SessionDetail)
        detail = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "Before 6 → after 3" in detail
        assert "You did what you could." in detail


async def test_settings_change_at_once_and_are_saved(build_app: AppFactory, paths: Paths) -> None:
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        streaks = app.screen.query_one("#show_streaks", Switch)
        streaks.focus()
        await pilot.press("enter")
        app.screen.query_one("#theme", Select).value = "textual-light"
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        assert app.settings.show_streaks is False
        assert app.theme == "textual-light"
    saved, problem = load_settings(paths.config_file)
    assert problem == []
    assert saved.show_streaks is False and saved.theme == "textual-light"


async def test_the_palette_starts_an_exercise_by_name(build_app: AppFactory) -> None:
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Start: Box breathing")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, PlayerScreen)
        assert app.screen.practice.loaded.exercise.id == "box-breathing"


async def test_notices_are_shown_literally_never_as_markup(build_app: AppFactory) -> None:
    hostile = "your exercises/[bold]x[/bold] replaces [@click=app.quit]this[/]\x1b]0;t\x07"
    app = build_app(notices=[hostile])
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        [notification] = list(app._notifications)
        assert notification.message == hostile.replace("\x1b", "").replace("\x07", "")
        assert notification.markup is False
        assert app.is_running


async def test_the_history_opens_just_after_the_library_is_drawn(
    build_app: AppFactory, paths: Paths
) -> None:
    """Not at the first need: pending sessions merge and a damaged file is said at start."""
    paths.history_db.mkdir(parents=True)  # a folder where the history file should be
    app = build_app()  # the library, no store given
    async with app.run_test(notifications=True) as pilot:
        await pilot.pause()
        app.history.flush()
        await pilot.pause()
        assert paths.history_db.is_file()  # a new, empty history is open
        messages = [notification.message for notification in app._notifications]
        assert any("folder" in message and "history" in message for message in messages)
