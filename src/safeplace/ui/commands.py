"""The command palette (ctrl+p): start any exercise by name, open history, settings or help."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

if TYPE_CHECKING:
    from safeplace.ui.app import SafeplaceApp


class SafeplaceCommands(Provider):
    def _commands(self) -> Iterator[tuple[str, Callable[[], object], str]]:
        app = cast("SafeplaceApp", self.app)
        for loaded in app.library.exercises.values():
            exercise = loaded.exercise
            yield (
                f"Start: {exercise.title}",
                partial(app.start_from_palette, loaded),
                f"{exercise.minutes} min · {exercise.summary}",
            )
        yield "Ground me now", partial(app.ground_me, app.practice), "A short eyes-open routine"
        yield "Your history", app.action_history, "Streaks, calendar and what helps"
        yield "Settings", app.action_settings, "Theme, motion, bell, streaks, answers"
        yield "Help & safety", app.action_help, "Keys, and people you can reach right now"

    async def discover(self) -> Hits:
        for name, command, help_text in self._commands():
            yield DiscoveryHit(Content(name), command, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, command, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, text=name, help=help_text)
