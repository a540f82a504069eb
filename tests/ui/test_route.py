"""What suits me now, one key away in the library: the check-in's four places; "not safe
right now" opens help and safety, the others offer exercises for that state, with why, ranked
by what helped this person before."""

from __future__ import annotations

from datetime import timedelta

import history_seed as seed
from conftest import FIXED_NOW, AppFactory, Playing
from safeplace.history.store import HistoryStore
from safeplace.ui.offers import OffersList
from safeplace.ui.screens.help import HelpScreen
from safeplace.ui.screens.library import LibraryScreen
from safeplace.ui.screens.route import RouteScreen


async def test_w_in_the_library_offers_exercises_for_too_much(
    build_app: AppFactory, playing: Playing
) -> None:
    app = build_app()
    async with app.run_test(size=(100, 36)) as pilot:
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("w")
        assert isinstance(app.screen, RouteScreen)
        await pilot.press("1")  # too much
        await pilot.pause()
        offers = app.screen.query_one(OffersList)
        assert 2 <= len(offers.offers) <= 3
        assert all("wound-up" in offer.exercise.suits for offer in offers.offers)
        assert all(offer.why for offer in offers.offers)
        first = offers.offers[0].exercise
        await pilot.press("enter")
        await pilot.pause()
        assert playing(app).practice.loaded.exercise.id == first.id
        assert not any(isinstance(s, RouteScreen) for s in app.screen_stack)


async def test_not_safe_right_now_opens_help_and_safety(build_app: AppFactory) -> None:
    app = build_app()
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("w", "4")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_what_helped_this_person_comes_first(
    build_app: AppFactory, store: HistoryStore
) -> None:
    app = build_app(store=store)
    suiting = [
        loaded.exercise
        for loaded in app.library.exercises.values()
        if "wound-up" in loaded.exercise.suits and loaded.exercise.category != "check-in"
    ]
    helped = suiting[-1]  # last in the catalog's order, but it lowered this person's ratings
    for days_ago in (2, 3):
        started = FIXED_NOW - timedelta(days=days_ago)
        session = seed.begin(
            store,
            helped.id,
            helped.title,
            helped.content_hash,
            300.0,
            day_start_hour=4,
            started_at=started,
        )
        seed.set_rating(store, session, "before", 8)
        seed.set_rating(store, session, "after", 3)
        seed.finish(store, session, "completed", 300.0, 5, ended_at=started + timedelta(minutes=5))
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("w", "1")
        await pilot.pause()
        offers = app.screen.query_one(OffersList)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert offers.offers[0].exercise.id == helped.id
        assert "helped you before" in offers.offers[0].why
