"""The library knows the person: favourites, what they practised lately and how it went,
their own exercises (new files appear without a restart), search in their words, filters.
And Enter on a History row opens it."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import OptionList

import history_seed as seed
from safeplace.checked import CheckedCache
from safeplace.exercise.library import load_library
from safeplace.history.store import HistoryStore
from safeplace.paths import Paths
from safeplace.playback.clock import FakeClock
from safeplace.settings import Settings
from safeplace.ui.app import SafeplaceApp, make_app
from safeplace.ui.screens.history import HistoryScreen
from safeplace.ui.screens.library import LibraryScreen
from safeplace.ui.screens.player import PlayerScreen
from safeplace.ui.screens.session_detail import SessionDetail

AppFactory = Callable[..., SafeplaceApp]
CatchUp = Callable[[Pilot[Any]], Awaitable[None]]
NOW = datetime.fromisoformat("2026-11-20T20:00:00+00:00")

OWN_EXERCISE = """\
id: {id}
title: {title}
summary: Three slow breaths before a meeting.
category: breathing
steps:
  - say: Let your shoulders drop.
"""


def practise(
    store: HistoryStore, exercise_id: str, title: str, days_ago: int, before: int, after: int
) -> None:
    seed.practised(store, exercise_id, title, NOW - timedelta(days=days_ago), before, after)


def drawn(app: SafeplaceApp) -> str:
    """The screen as drawn, one line per row."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def listed(app: SafeplaceApp, *, minutes: bool = False) -> list[str]:
    """The list's lines as the person reads them (headings and exercises), without each
    exercise's length unless asked for."""
    options = app.screen.query_one("#exercise-list", OptionList)
    lines = [str(option.prompt).strip() for option in options.options]
    return lines if minutes else [re.sub(r"  \d+ min", "", line) for line in lines]


def preview(app: SafeplaceApp) -> str:
    return " ".join(str(app.screen.query_one("#exercise-preview").render()).split())


async def settled(pilot: Pilot[Any]) -> None:
    """What the library reads after its first frame (the history, the folders) is in."""
    app = pilot.app
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def highlight(pilot: Pilot[Any], title: str) -> None:
    """Move the highlight down to the first exercise with this title."""
    options = pilot.app.screen.query_one("#exercise-list", OptionList)
    for _ in range(options.option_count):
        current = options.highlighted_option
        if current is not None and title in str(current.prompt):
            return
        await pilot.press("down")
    raise AssertionError(f"{title!r} is not in the list: {listed(pilot.app)}")  # type: ignore[arg-type]


# --- search ---------------------------------------------------------------------------------------


async def test_search_finds_what_people_say(build_app: AppFactory) -> None:
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *"wound up")
        await pilot.pause()
        assert "Sighing breath" in listed(app)
        await pilot.press("escape", "slash", *"lonely")
        await pilot.pause()
        assert "A kind pause" in listed(app)


async def test_no_match_says_so_in_one_line_and_clears_the_preview(build_app: AppFactory) -> None:
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *"box")
        await pilot.pause()
        assert "Four even sides" in preview(app)
        await pilot.press(*"zzz")
        await pilot.pause()
        [line] = listed(app)
        assert line.startswith("Nothing matches")
        assert preview(app) == ""
        await pilot.press("escape")
        await pilot.pause()
        assert len(listed(app)) > 10


# --- filters --------------------------------------------------------------------------------------


async def test_filters_narrow_the_list_show_what_is_filtered_and_clear(
    build_app: AppFactory,
) -> None:
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        everything = listed(app)
        await pilot.press("c", "c")  # the second category: breathing
        await pilot.pause()
        assert listed(app)[0] == "Breathing"
        assert "Check in" not in listed(app)
        bar = str(app.screen.query_one("#library-filters").render())
        assert "Breathing" in bar
        await pilot.press("l")  # up to 5 min
        await pilot.pause()
        assert "up to 5 min" in str(app.screen.query_one("#library-filters").render())
        lengths = [line for line in listed(app, minutes=True) if line.endswith(" min")]
        assert lengths and all(int(line.split()[-2]) <= 5 for line in lengths)
        longer = [
            loaded.exercise.title
            for loaded in app.library.exercises.values()
            if loaded.exercise.category == "breathing" and loaded.exercise.minutes > 5
        ]
        assert longer and not set(longer) & set(listed(app))
        assert "Box breathing" in listed(app)
        await pilot.press("s")  # suits when wound up
        await pilot.pause()
        assert "Box breathing" not in listed(app)  # it suits steady days
        await pilot.press("escape")
        await pilot.pause()
        assert listed(app) == everything
        assert "Breathing" not in str(app.screen.query_one("#library-filters").render())


async def test_filters_and_search_together_can_show_nothing(build_app: AppFactory) -> None:
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s", "s")  # suits when shut down
        await pilot.press("slash", *"box")
        await pilot.pause()
        [line] = listed(app)
        assert line.startswith("Nothing matches")


# --- full titles ----------------------------------------------------------------------------------


async def test_full_titles_fit_at_80_columns(build_app: AppFactory, paths: Paths) -> None:
    app = build_app()
    titles = {loaded.exercise.title for loaded in app.library.exercises.values()}
    seen = ""
    async with app.run_test(size=(80, 24)) as pilot:
        options = app.screen.query_one("#exercise-list", OptionList)
        left, right = options.region.x, options.region.right
        for _ in range(options.option_count):  # every line of the list, as it scrolls by
            seen += "\n".join(line[left:right] for line in drawn(app).splitlines())
            await pilot.press("down")
    cut = sorted(title for title in titles if title not in seen)
    assert cut == []


# --- favourites -----------------------------------------------------------------------------------


async def test_a_favourite_is_marked_grouped_on_top_and_kept(build_app: AppFactory) -> None:
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settled(pilot)
        await highlight(pilot, "Five senses")
        await pilot.press("f")
        await pilot.pause()
        shown = listed(app)
        assert shown[:2] == ["★ Favourites", "★ Five senses"]
        assert "One of your favourites" in preview(app)
        app.history.flush()
    again = build_app()
    async with again.run_test(size=(100, 30)) as pilot:
        await settled(pilot)
        assert listed(again)[:2] == ["★ Favourites", "★ Five senses"]
        await pilot.press("f")  # the highlight is on it, in its group: unmarked
        await pilot.pause()
        assert "★ Favourites" not in listed(again)
        again.history.flush()
    assert again.history.favourites() == frozenset()


# --- what the history knows -----------------------------------------------------------------------


async def test_recently_practised_newest_first_and_enter_plays_again(
    build_app: AppFactory, store: HistoryStore
) -> None:
    practise(store, "kind-pause", "A kind pause", 3, 6, 3)
    practise(store, "five-senses", "Five senses", 2, 5, 4)
    practise(store, "kind-pause", "A kind pause", 1, 6, 2)
    app = build_app(store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settled(pilot)
        shown = listed(app)
        assert shown[:3] == ["Recently practised", "A kind pause", "Five senses"]
        options = app.screen.query_one("#exercise-list", OptionList)
        options.highlighted = 1
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)
        assert app.screen.practice.loaded.exercise.id == "kind-pause"


async def test_the_detail_pane_says_how_often_and_how_it_changed(
    build_app: AppFactory, store: HistoryStore
) -> None:
    practise(store, "kind-pause", "A kind pause", 3, 6, 3)
    practise(store, "kind-pause", "A kind pause", 1, 6, 4)
    app = build_app(store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await highlight(pilot, "A kind pause")
        said = preview(app)
        assert "Practised 2 times" in said
        assert "2.5 lower afterwards" in said
        await highlight(pilot, "Five senses")
        assert "Practised" not in preview(app)  # never practised: nothing to say


# --- the person's own exercises -------------------------------------------------------------------


def write_own(paths: Paths, name: str, text: str) -> Path:
    file = paths.user_exercises / name
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8")
    return file


async def test_own_exercises_are_marked_and_new_files_appear(
    paths: Paths, clock: FakeClock
) -> None:
    write_own(paths, "mine.yaml", OWN_EXERCISE.format(id="mine", title="Before a meeting"))
    library = load_library(paths, cache=CheckedCache(paths.checked_cache))
    app = make_app(Settings(), clock, None, library, paths=paths, cursor_blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settled(pilot)
        assert "Before a meeting  yours" in listed(app)
        await highlight(pilot, "Before a meeting")
        assert "Yours:" in preview(app) and "mine.yaml" in preview(app)
        write_own(paths, "later.yaml", OWN_EXERCISE.format(id="later", title="Written later"))
        write_own(paths, "broken.yaml", "id: broken\ntitle: [unclosed\n")
        assert isinstance(app.screen, LibraryScreen)
        app.screen.look_for_changes()  # what its timer does every couple of seconds
        await settled(pilot)
        assert "Written later  yours" in listed(app)
        status = str(app.screen.query_one("#library-status").render())
        assert "1 exercise file could not be read" in status
        assert app.screen.query_one("#exercise-list", OptionList).highlighted_option is not None
        assert app.is_running


# --- history --------------------------------------------------------------------------------------


async def test_enter_on_a_history_row_opens_its_details(
    build_app: AppFactory, store: HistoryStore
) -> None:
    practise(store, "kind-pause", "A kind pause", 1, 6, 3)
    app = build_app(store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        await settled(pilot)
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionDetail)
        assert app.screen.record.exercise_id == "kind-pause"


async def test_back_from_a_practice_it_is_the_most_recent(
    build_app: AppFactory, store: HistoryStore, clock: FakeClock, catch_up: CatchUp
) -> None:
    practise(store, "kind-pause", "A kind pause", 1, 6, 3)
    app = build_app(store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settled(pilot)
        await pilot.press("slash", *"every kind", "enter", "enter")
        await pilot.pause()
        clock.advance(90)  # long enough to count as practice
        await catch_up(pilot)
        await pilot.press("escape", "y")
        await pilot.pause()
        await pilot.press("enter")  # leave the closing screen
        await pilot.press("escape")  # and the search
        await settled(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert listed(app)[:3] == [
            "Recently practised",
            "Every kind of step  yours",
            "A kind pause",
        ]
