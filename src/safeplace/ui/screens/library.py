"""The library: every exercise, searchable, with a short preview of the one highlighted."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from safeplace.exercise.playable import CATEGORY_ORDER
from safeplace.ui.screens.base import SafeplaceScreen
from safeplace.ui.widgets.literal import literal, literal_line

if TYPE_CHECKING:
    from safeplace.exercise.library import LoadedExercise
    from safeplace.exercise.playable import Category

CATEGORY_NAMES: dict[Category, str] = {
    "check-in": "Check in",
    "breathing": "Breathing",
    "grounding": "Grounding",
    "visualization": "Calm place",
    "compassion": "Kindness",
    "journaling": "Writing",
    "body": "Body",
}
SCOPE_LINE = "Not therapy or an emergency service · ? for people who can help now"
STATE_WORDS = {"wound-up": "when wound up", "shut-down": "when shut down", "steady": "when steady"}


class LibraryScreen(SafeplaceScreen[None]):
    CSS_PATH = "library.tcss"  # loaded when first shown

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "search", id="library.search", tooltip="search the exercises"),
        Binding(
            "g",
            "ground",
            "ground me",
            id="library.ground",
            tooltip="ground me: a short eyes-open routine, right now",
        ),
        Binding("h", "app.history", "history", id="library.history", tooltip="your history"),
        Binding("o", "app.settings", "settings", id="library.settings"),
        Binding("question_mark,f1", "app.help", "help", id="library.help", tooltip="help & safety"),
        Binding("escape", "clear_search", "clear", show=False, id="library.clear"),
        Binding("q", "app.quit", "quit", id="library.quit"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="library"):
            yield Static("safeplace", id="library-title")
            yield Input(placeholder="Search exercises  (/)", id="search", compact=True)
            with Horizontal(id="library-body"):
                yield OptionList(id="exercise-list")
                yield Static("", id="exercise-preview")
            yield Static("", id="library-status")
            yield Static(SCOPE_LINE, id="library-scope")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self._fill(self.safeplace.library.exercises.values())
        self.query_one(OptionList).focus()
        self._show_status()

    def _fill(self, exercises: object) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        by_category: dict[str, list[LoadedExercise]] = {}
        for loaded in exercises:  # type: ignore[attr-defined]
            by_category.setdefault(loaded.exercise.category, []).append(loaded)
        for category in CATEGORY_ORDER:
            group = by_category.get(category)
            if not group:
                continue
            options.add_option(
                Option(literal_line(CATEGORY_NAMES[category], "bold"), disabled=True)
            )
            for loaded in group:
                exercise = loaded.exercise
                label = Content.assemble(
                    "  ", literal_line(exercise.title), (f"  {exercise.minutes} min", "dim")
                )
                options.add_option(Option(label, id=exercise.id))
        first = next(
            (i for i in range(options.option_count) if not options.get_option_at_index(i).disabled),
            None,
        )
        options.highlighted = first
        if first is None:
            self.query_one("#exercise-preview", Static).update(
                "Nothing matches. Escape clears the search."
            )

    def _show_status(self) -> None:
        library = self.safeplace.library
        parts = []
        if library.problems:
            files = len({problem.path for problem in library.problems})
            parts.append(
                f"{files} exercise file(s) could not be read; "
                "`safeplace validate` shows where and why."
            )
        self.query_one("#library-status", Static).update(Content(" ".join(parts)))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        loaded = self.safeplace.library.get(event.option.id or "")
        if loaded is None:
            return
        exercise = loaded.exercise
        lines = [
            literal_line(exercise.title, "bold"),
            Content(""),
            literal(exercise.summary),
            Content(""),
            Content(f"About {exercise.minutes} min"),
        ]
        if exercise.suits:
            lines.append(Content("Suits: " + ", ".join(STATE_WORDS[s] for s in exercise.suits)))
        if exercise.cautions:
            cautions = ", ".join(c.replace("-", " ") for c in exercise.cautions)
            lines.append(literal_line(f"Good to know: {cautions}"))
        lines += [Content(""), Content.styled("Enter to begin", "dim")]
        self.query_one("#exercise-preview", Static).update(Content("\n").join(lines))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        loaded = self.safeplace.library.get(event.option.id or "")
        if loaded is not None:
            self.safeplace.play(loaded)

    def on_input_changed(self, event: Input.Changed) -> None:
        query = event.value.strip()
        library = self.safeplace.library
        self._fill(library.search(query) if query else library.exercises.values())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(OptionList).focus()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_clear_search(self) -> None:
        search = self.query_one("#search", Input)
        search.value = ""
        self.query_one(OptionList).focus()

    def action_ground(self) -> None:
        self.safeplace.ground_me()
