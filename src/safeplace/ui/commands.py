"""The command palette (ctrl+p): start any exercise by name, open history, settings, help, the
safety plan or what is remembered.

Titles and summaries come from files: each hit is built as Content, name and help line
together, so Textual never parses them as markup (it parses a hit's ``help`` string).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from safeplace.text import one_line
from safeplace.ui.widgets.literal import literal_line

if TYPE_CHECKING:
    from safeplace.ui.app import SafeplaceApp

HELP_STYLE = "dim not bold"  # as the palette draws a hit's help line


class SafeplaceCommands(Provider):
    def _commands(self) -> Iterator[tuple[str, Callable[[], object], str]]:
        app = cast("SafeplaceApp", self.app)
        for loaded in app.library.exercises.values():
            exercise = loaded.exercise
            yield (
                one_line(f"Start: {exercise.title}"),
                partial(app.play, loaded),
                f"{exercise.minutes} min · {exercise.summary}",
            )
        yield "Ground me now", app.ground_me, "A short eyes-open routine"
        yield "Your history", app.action_history, "Streaks, calendar and what helps"
        yield "Settings", app.action_settings, "Theme, motion, bell, streaks, answers"
        yield "Help & safety", app.action_help, "Keys, and people you can reach right now"
        yield (
            "Your safety plan",
            partial(_open, app, "safety_plan"),
            "What helps, and who you can reach, when things are hard",
        )
        yield (
            "What safeplace remembers",
            partial(_open, app, "remembered"),
            "Answers kept for next time, the day you gave them, and forgetting one",
        )

    async def discover(self) -> Hits:
        for name, command, help_text in self._commands():
            yield DiscoveryHit(_prompt(Content(name), help_text), command, text=name)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, command, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                shown = _prompt(_highlight(matcher, name), help_text)
                yield Hit(score, shown, command, text=name)


def _open(app: SafeplaceApp, screen: str) -> None:
    """Show the safety plan's editor or what is remembered (unless it is already shown)."""
    from safeplace.ui.screens.remembered import RememberedScreen
    from safeplace.ui.screens.safety_plan import SafetyPlanScreen

    kind = {"safety_plan": SafetyPlanScreen, "remembered": RememberedScreen}[screen]
    if not isinstance(app.screen, kind):
        app.push_screen(kind())


def _prompt(name: Content, help_text: str) -> Content:
    return Content("\n").join([name, literal_line(help_text, HELP_STYLE)])


def _highlight(matcher: Matcher, name: str) -> Content:
    """``name`` with the letters the query matched highlighted; Matcher.highlight would parse
    ``name`` as markup."""
    content = Content(name)
    _, offsets = matcher.fuzzy_search.match(matcher.query, name)
    for offset in offsets:
        if not name[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
