"""The library: every exercise, found by words or filters, with favourites and what was
practised lately on top, and a preview of the one highlighted (with how it went before).

The first frame shows the exercises only; the history (favourites, recent practice, figures)
is read after it, in a thread. The person's own folders are looked at every couple of seconds
while the library is shown, so a new or changed file appears without a restart.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.events import DescendantFocus
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList, Static

from safeplace.exercise.library import Library, LoadedExercise
from safeplace.exercise.search import CATEGORY_NAMES, STATE_WORDS, FilterName, Filters
from safeplace.ui.library_figures import LibraryFigures, practice_words, read_figures
from safeplace.ui.library_list import FAVOURITE_MARK, exercise_id_of, list_lines
from safeplace.ui.screens.base import SafeplaceScreen
from safeplace.ui.widgets.literal import literal, literal_line

SCOPE_LINE = "Not therapy or an emergency service · ? for people who can help now"
LOOK_EVERY = 2.0  # seconds between looks at the person's folders
LIST_MIN_WIDTH = 24


class LibraryScreen(SafeplaceScreen[None]):
    # Its sheet, library.tcss, is the app's (SafeplaceApp.CSS_PATH): this is the first screen.

    # The footer fits 80 columns: help comes first, and search is said by its box ("(/)").
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash",
            "search",
            "search",
            show=False,
            id="library.search",
            tooltip="search the exercises",
        ),
        Binding("question_mark,f1", "app.help", "help", id="library.help", tooltip="help & safety"),
        Binding(
            "g",
            "ground",
            "ground me",
            id="library.ground",
            tooltip="ground me: a short eyes-open routine, right now",
        ),
        Binding(
            "w",
            "app.route",
            "suits me",
            id="library.route",
            tooltip="what suits me now: exercises for how you are",
        ),
        Binding(
            "f",
            "favourite",
            "favourite",
            id="library.favourite",
            tooltip="mark the highlighted exercise as a favourite, or unmark it",
        ),
        Binding("h", "app.history", "history", id="library.history", tooltip="your history"),
        Binding("o", "app.settings", "settings", id="library.settings"),
        Binding(
            "c",
            "filter('category')",
            "category",
            show=False,
            id="library.category",
            tooltip="show one category (again: the next one)",
        ),
        Binding(
            "l",
            "filter('length')",
            "length",
            show=False,
            id="library.length",
            tooltip="show one length (again: the next one)",
        ),
        Binding(
            "s",
            "filter('suits')",
            "suits",
            show=False,
            id="library.suits",
            tooltip="show what suits how you are (again: the next state)",
        ),
        Binding(
            "escape",
            "clear",
            "clear",
            show=False,
            id="library.clear",
            tooltip="clear the search and the filters",
        ),
        Binding("q", "app.quit", "quit", id="library.quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._filters = Filters()
        self._figures = LibraryFigures()
        self._shown_before = False
        self._look: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="library"):
            yield Static("safeplace", id="library-title")
            yield Input(placeholder="Search exercises  (/)", id="search", compact=True)
            yield Static("", id="library-filters")
            with Horizontal(id="library-body"):
                yield OptionList(id="exercise-list")
                with VerticalScroll(id="preview-pane", can_focus=False):
                    yield Static("", id="exercise-preview")
            yield Static("", id="library-status")
            yield Static(SCOPE_LINE, id="library-scope")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self._fill()
        self._show_filters()
        self._show_status()
        self.query_one(OptionList).focus()
        self.call_after_refresh(self._read_history)  # once the first frame is drawn
        self._look = self.set_interval(LOOK_EVERY, self.look_for_changes)

    @property
    def _library(self) -> Library:
        return self.safeplace.library

    # -- the list ------------------------------------------------------------------------

    def _fill(self, *, from_the_top: bool = False) -> None:
        """List what the search and filters let through, keeping the highlight where it was
        (or on the first exercise)."""
        options = self.query_one("#exercise-list", OptionList)
        before = None if from_the_top else options.highlighted_option
        query = self.query_one("#search", Input).value.strip()
        shown = [
            loaded
            for loaded in self._library.search(query)
            if self._filters.matches(loaded.exercise)
        ]
        figures = self._figures
        lines = list_lines(shown, figures.favourites, figures.recent)
        options.set_options(lines.options)
        # As wide as the longest title (the rest goes to the preview), up to the CSS maximum.
        room = options.styles.gutter.width + options.styles.scrollbar_size_vertical
        options.styles.width = max(LIST_MIN_WIDTH, lines.widest + room)
        wanted = None if before is None else before.id
        ids = [option.id for option in options.options]
        if wanted not in ids:
            wanted = next((i for i in ids if exercise_id_of(i) == exercise_id_of(wanted)), None)
        if wanted is None:
            wanted = next((i for i in ids if i is not None), None)
        options.highlighted = None if wanted is None else ids.index(wanted)
        self._show_preview()

    def _highlighted(self) -> LoadedExercise | None:
        option = self.query_one("#exercise-list", OptionList).highlighted_option
        exercise_id = exercise_id_of(None if option is None else option.id)
        return None if exercise_id is None else self._library.get(exercise_id)

    def _show_preview(self) -> None:
        """The highlighted exercise (read now, not from an event that may be older)."""
        preview = self.query_one("#exercise-preview", Static)
        loaded = self._highlighted()
        if loaded is None:
            preview.update("")
            return
        exercise = loaded.exercise
        lines = [literal_line(exercise.title, "bold")]
        if loaded.origin != "bundled":
            lines.append(literal_line(f"Yours: {self._library.shown_path(loaded)}", "dim"))
        if exercise.id in self._figures.favourites:
            lines.append(Content(f"{FAVOURITE_MARK} One of your favourites"))
        lines += [Content(""), literal(exercise.summary), Content("")]
        lines.append(Content(f"About {exercise.minutes} min · {CATEGORY_NAMES[exercise.category]}"))
        if exercise.suits:
            lines.append(Content("Suits: " + ", ".join(STATE_WORDS[s] for s in exercise.suits)))
        if exercise.cautions:
            cautions = ", ".join(c.replace("-", " ") for c in exercise.cautions)
            lines.append(literal_line(f"Good to know: {cautions}"))
        lines += map(Content, practice_words(self._figures.practice.get(exercise.id)))
        lines += [Content(""), Content.styled("Enter to begin", "dim")]
        preview.update(Content("\n").join(lines))

    def _show_filters(self) -> None:
        shown = self._filters.describe()
        bar = self.query_one("#library-filters", Static)
        if shown:
            bar.update(
                Content.assemble(
                    "Showing: ",
                    (" · ".join(shown), "bold"),
                    ("   c l s change · escape clears", "dim"),
                )
            )
        else:
            bar.update(Content.styled("Filters: c category · l length · s how you are", "dim"))

    def _show_status(self) -> None:
        problems = self._library.problems
        text = ""
        if problems:
            files = len({problem.path for problem in problems})
            text = (
                f"{files} exercise file{' ' if files == 1 else 's '}could not be read; "
                "`safeplace validate` shows where and why."
            )
        self.query_one("#library-status", Static).update(Content(text))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_preview()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        loaded = self._library.get(exercise_id_of(event.option.id) or "")
        if loaded is not None:
            self.safeplace.play(loaded)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(OptionList).focus()

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        if isinstance(event.widget, Input):
            self._prepare_search()

    @work(thread=True, exclusive=True, group="library-index")
    def _prepare_search(self) -> None:
        """Work out the words to search while the person starts typing (a thousand
        exercises take a tenth of a second)."""
        self._library.search_index()

    # -- keys ----------------------------------------------------------------------------

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_clear(self) -> None:
        self._filters = Filters()
        search = self.query_one("#search", Input)
        with search.prevent(Input.Changed):
            search.value = ""
        self._show_filters()
        self._fill()
        self.query_one(OptionList).focus()

    def action_filter(self, name: FilterName) -> None:
        self._filters = self._filters.next(name)
        self._show_filters()
        self._fill()

    def action_favourite(self) -> None:
        loaded = self._highlighted()
        if loaded is None:
            return
        exercise_id = loaded.exercise.id
        on = exercise_id not in self._figures.favourites
        self.safeplace.history.set_favourite(exercise_id, on)
        self._take_figures(self._figures, favourites=self.safeplace.history.favourites())

    def action_ground(self) -> None:
        self.safeplace.ground_me()

    # -- what comes after the first frame ------------------------------------------------

    @work(thread=True, exclusive=True, group="library-history")
    def _read_history(self) -> None:
        # After the history's own thread has opened it (at the start) or written what a
        # practice left (when the library comes back): one thread at a time, and all of it.
        self.safeplace.history.flush(timeout=5.0)
        figures = read_figures(self.safeplace)
        self.app.call_from_thread(self._take_figures, figures)

    def _take_figures(
        self, figures: LibraryFigures, favourites: frozenset[str] | None = None
    ) -> None:
        if favourites is not None:
            figures = LibraryFigures(favourites, figures.recent, figures.practice)
        untouched = self._figures == LibraryFigures() and self._at_first_exercise()
        self._figures = figures
        self._fill(from_the_top=untouched)  # groups came in on top of an unmoved highlight

    def _at_first_exercise(self) -> bool:
        options = self.query_one("#exercise-list", OptionList)
        enabled = [i for i, option in enumerate(options.options) if not option.disabled]
        return not enabled or options.highlighted == enabled[0]

    def look_for_changes(self) -> None:
        """Look at the person's folders now (the timer does, every LOOK_EVERY seconds)."""
        self._look_in_folders()

    @work(thread=True, exclusive=True, group="library-files")
    def _look_in_folders(self) -> None:
        library = self._library
        try:
            fresh = library.reloaded() if library.changed() else None
        except Exception:  # a folder in trouble: the library stays as it is, and says nothing
            return
        if fresh is not None:
            self.app.call_from_thread(self._take_library, fresh)

    def _take_library(self, fresh: Library) -> None:
        self._library.take(fresh)
        self._fill()
        self._show_status()

    def on_screen_suspend(self) -> None:
        if self._look is not None:
            self._look.pause()  # nothing is looked at while a practice plays

    def on_screen_resume(self) -> None:
        if not self._shown_before:  # the first time: on_mount has it in hand
            self._shown_before = True
            return
        if self._look is not None:
            self._look.resume()
        self.look_for_changes()
        self._read_history()  # recent practice and figures have changed
