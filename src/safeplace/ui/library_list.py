"""The library's list: groups (favourites, recently practised, then each category) and one
line per exercise, with its full title. Plain data in, Textual options out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.content import Content, Span
from textual.widgets.option_list import Option

from safeplace.exercise.library import LoadedExercise
from safeplace.exercise.playable import CATEGORY_ORDER
from safeplace.exercise.search import CATEGORY_NAMES
from safeplace.text import one_line
from safeplace.ui.library_figures import RECENT_COUNT
from safeplace.ui.widgets.literal import literal_line

if TYPE_CHECKING:
    from textual.css.styles import RulesMap

FAVOURITE_MARK = "★"
MARK_CELLS = 2  # the mark and a space, or two spaces
FAVOURITES = f"{FAVOURITE_MARK} Favourites"
RECENT = "Recently practised"
NO_MATCH = "Nothing matches. Escape shows them all."
# An exercise may be listed twice: under its category its option id is its own id, in the
# favourites or the recent ones "<group>:<id>" (an id has no colon).
_FAVOURITE, _RECENT = "favourite:", "recent:"


class _Line(Content):
    """A list line that knows its height at once when it fits (the usual case): the list
    asks each line's height, and wrapping a thousand titles to learn "1" takes a while."""

    __slots__ = ()

    def get_height(self, rules: RulesMap, width: int) -> int:
        return 1 if self.cell_length <= width else super().get_height(rules, width)


@dataclass(frozen=True)
class ListedLines:
    options: list[Option]
    widest: int
    """Cells of the widest line, so that the list can be as wide as its titles."""


def exercise_id_of(option_id: str | None) -> str | None:
    return None if option_id is None else option_id.rpartition(":")[2]


def list_lines(
    shown: Sequence[LoadedExercise], favourites: frozenset[str], recent: Iterable[str]
) -> ListedLines:
    """The lines for ``shown`` (in the library's order): favourites first, then the few
    practised last (newest first), then every exercise under its category."""
    by_id = {loaded.exercise.id: loaded for loaded in shown}
    groups: list[tuple[str, str, list[LoadedExercise]]] = [
        (_FAVOURITE, FAVOURITES, [loaded for loaded in shown if loaded.exercise.id in favourites]),
        (_RECENT, RECENT, [by_id[i] for i in recent if i in by_id][:RECENT_COUNT]),
    ]
    by_category: dict[str, list[LoadedExercise]] = {}
    for loaded in shown:
        by_category.setdefault(loaded.exercise.category, []).append(loaded)
    for category in CATEGORY_ORDER:
        groups.append(("", CATEGORY_NAMES[category], by_category.get(category, [])))
    options: list[Option] = []
    widest = 0
    for group, heading, members in groups:  # group: the start of its option ids
        if not members:
            continue
        options.append(Option(literal_line(heading, "bold"), disabled=True))
        for loaded in members:
            title = one_line(loaded.exercise.title)  # as literal_line does: data, never markup
            text = _label(loaded, title, loaded.exercise.id in favourites)
            widest = max(widest, cell_len(text))
            label = _Line(text, [Span(MARK_CELLS + len(title), len(text), "dim")])
            options.append(Option(label, id=group + loaded.exercise.id))
    if not options:
        options.append(Option(Content(NO_MATCH), disabled=True))
        widest = len(NO_MATCH)
    return ListedLines(options, widest)


def _label(loaded: LoadedExercise, title: str, favourite: bool) -> str:
    """An exercise's line: a mark, its title, then its dim part (its length, whose it is)."""
    mark = f"{FAVOURITE_MARK} " if favourite else "  "
    own = "  yours" if loaded.origin != "bundled" else ""
    return f"{mark}{title}  {loaded.exercise.minutes} min{own}"
