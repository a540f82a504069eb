"""The help screen lists the keys of the screen it covers, as the person has them."""

from __future__ import annotations

import re
from collections.abc import Callable

from textual.widgets import Static

from safeplace.settings import Settings
from safeplace.ui.app import SafeplaceApp

AppFactory = Callable[..., SafeplaceApp]


def keys_shown(app: SafeplaceApp) -> str:
    return str(app.screen.query_one("#help-keys", Static).render())


async def test_help_shows_a_remapped_key_in_the_player(build_app: AppFactory) -> None:
    app = build_app("box-breathing", settings=Settings(keymap={"player.pause": "p"}))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        shown = keys_shown(app)
    pairs = (re.split(r"\s{2,}", line.strip(), maxsplit=1) for line in shown.splitlines())
    lines = {words: keys for keys, words in pairs}
    assert lines["pause and go on"] == "p"
    assert "space" not in shown
    assert "stop (you will be asked once)" in lines


async def test_help_from_the_library_lists_the_library_keys(build_app: AppFactory) -> None:
    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        shown = keys_shown(app)
    assert "search the exercises" in shown and "your history" in shown
    assert "pause and go on" not in shown  # the player's keys are not the library's
