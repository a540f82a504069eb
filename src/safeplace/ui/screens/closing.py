"""After an exercise: what was done, an invitation to rate again, and a gentle line."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Static

from safeplace.ui.screens.base import SafeplaceScreen
from safeplace.ui.widgets.literal import literal_line
from safeplace.ui.widgets.rating import RatingScale

if TYPE_CHECKING:
    from safeplace.ui.practice import Practice


OFFERS_TITLE = "Something for this moment, if you like (Enter starts it):"


class ClosingScreen(SafeplaceScreen[None]):
    CSS_PATH = "closing.tcss"  # loaded when first shown

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "leave", "done", id="closing.done"),
        Binding("escape", "leave", "done", show=False, id="closing.leave"),
        Binding("q", "app.quit", "quit", id="closing.quit"),
        Binding("g", "ground", "ground me", id="closing.ground"),
        Binding("h", "app.history", "history", id="closing.history"),
        Binding("question_mark,f1", "app.help", "help", id="closing.help"),
    ]

    def __init__(self, practice: Practice) -> None:
        super().__init__()
        self.practice = practice

    def compose(self) -> ComposeResult:
        summary = self.practice.summary()
        with Vertical(id="closing"):
            yield Static(literal_line(summary.headline), id="closing-headline")
            yield Static(literal_line(summary.detail), id="closing-detail")
            if summary.invite_rating:
                yield Static("How do you feel now, if you'd like to say?", id="rate-again")
                low, high = self.practice.rating_labels()
                yield RatingScale(low, high, id="closing-rating")
            change = Static(literal_line(summary.change_line), id="closing-change")
            change.display = bool(summary.change_line)
            yield change
            state, named = self.practice.leads()
            if state is not None or named:
                from safeplace.ui.offers import OffersList

                yield Static(OFFERS_TITLE, id="offers-title")
                leave_out = (self.practice.loaded.exercise.id,)
                yield OffersList(state, named=named, leave_out=leave_out, id="offers")
            yield Static(literal_line(summary.gentle_line), id="closing-gentle")
            if self.practice.log.problem:
                yield Static(literal_line(self.practice.log.problem), id="closing-problem")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        ratings = self.query(RatingScale)
        offers = self.query("#offers")
        if ratings:
            ratings.first().focus()
        elif offers:
            offers.first().focus()

    def on_rating_scale_chosen(self, message: RatingScale.Chosen) -> None:
        message.stop()
        self.practice.rate_after(message.value)
        summary = self.practice.summary()
        change = self.query_one("#closing-change", Static)
        change.update(literal_line(summary.change_line))
        change.display = bool(summary.change_line)
        for widget in self.query("#closing-rating, #rate-again"):
            widget.display = False
        offers = self.query("#offers")
        self.set_focus(offers.first() if offers else None)

    def action_leave(self) -> None:
        """Back to the library, or out of the app when this practice began from the shell."""
        if self.practice.origin == "shell":
            self.app.exit(0)
        else:
            self.app.pop_screen()

    def action_ground(self) -> None:
        self.safeplace.ground_me()
