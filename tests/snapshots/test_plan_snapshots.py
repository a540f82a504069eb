"""How the safety plan looks: on the help screen and in its editor, at two sizes, in a dark
and a light theme. SVGs under __snapshots__; `make snapshots-update` after a deliberate change.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from textual.pilot import Pilot

from conftest import FIXED_NOW, AppFactory
from safeplace.history.plan import SafetyPlan
from safeplace.history.store import HistoryStore
from safeplace.paths import Paths
from safeplace.settings import Settings
from safeplace.ui.screens.remembered import RememberedScreen

SIZES = [(80, 24), (120, 40)]
THEMES = ["textual-dark", "textual-light"]


@pytest.fixture
def planned(paths: Paths) -> None:
    plan = SafetyPlan.of(
        {
            "warning_signs": ["Not sleeping", "Staying in my room"],
            "on_my_own": ["A hot shower", "Box breathing"],
            "people": ["Sam – 07700 900123", "My sister, by text"],
            "professionals": ["Dr Ahmed, surgery 01632 960000"],
        }
    )
    with HistoryStore.open(paths.history_db) as store:
        store.save_safety_plan(plan)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help_with_a_plan(
    snap_compare: Any, build_app: AppFactory, planned: None, size: tuple[int, int], theme: str
) -> None:
    app = build_app(settings=Settings(crisis_region="uk"), theme=theme)
    assert snap_compare(app, press=["question_mark"], terminal_size=size)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_plan_editor(
    snap_compare: Any, build_app: AppFactory, planned: None, size: tuple[int, int], theme: str
) -> None:
    app = build_app(theme=theme)

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("question_mark", "e")
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_what_is_remembered(
    snap_compare: Any, build_app: AppFactory, paths: Paths, size: tuple[int, int], theme: str
) -> None:
    given = iter(FIXED_NOW - timedelta(days=days) for days in (9, 2))
    with HistoryStore.open(paths.history_db, clock=lambda: next(given)) as store:
        store.set_remembered("cue_word", "harbour")
        store.set_remembered("small_step", "Send one message")
    app = build_app(theme=theme)

    async def run_before(pilot: Pilot[Any]) -> None:
        pilot.app.push_screen(RememberedScreen())
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=size)
