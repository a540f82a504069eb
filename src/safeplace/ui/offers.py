"""Exercises offered for a state (the check-in's routing), shown on the closing screen and
behind the library's "what suits me now": a list whose Enter plays the exercise.

The person's own figures are read off the UI thread, as the library reads them; until they
come, and when they cannot be read, the offers follow the catalog's order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from safeplace.exercise.routing import Helped, Offer, offers_for
from safeplace.text import one_line

if TYPE_CHECKING:
    from collections.abc import Mapping

    from safeplace.exercise.playable import State
    from safeplace.ui.app import SafeplaceApp


class OffersList(OptionList):
    """Two or three exercises for ``state`` (and any named ``next``), each with why."""

    def __init__(
        self,
        state: State | None,
        *,
        named: tuple[str, ...] = (),
        leave_out: tuple[str, ...] = (),
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.state = state
        self.named = named
        self.leave_out = leave_out
        self.offers: list[Offer] = []

    def on_mount(self) -> None:
        self._fill({})
        if self.state is not None:
            self._read_figures()

    @work(thread=True, exit_on_error=False)
    def _read_figures(self) -> None:
        from safeplace.ui.library_figures import read_figures

        app: SafeplaceApp = self.app  # type: ignore[assignment]  # always the SafeplaceApp
        practice = read_figures(app).practice
        helped = {
            exercise_id: Helped(row.average_change, row.rated_pairs)
            for exercise_id, row in practice.items()
            if row.average_change is not None
        }
        self.app.call_from_thread(self._fill, helped)

    def _fill(self, helped: Mapping[str, Helped]) -> None:
        app: SafeplaceApp = self.app  # type: ignore[assignment]
        library = app.library
        offers = [
            Offer(loaded.exercise, "You chose this one to come next.")
            for exercise_id in self.named
            if (loaded := library.get(exercise_id)) is not None
        ]
        if self.state is not None:
            taken = {*self.leave_out, *(offer.exercise.id for offer in offers)}
            offers += offers_for(
                self.state,
                (loaded.exercise for loaded in library.exercises.values()),
                helped,
                leave_out=taken,
            )
        highlighted = self.highlighted
        self.offers = offers
        self.clear_options()
        self.add_options(
            Option(
                Content.assemble(
                    (one_line(offer.exercise.title), "bold"), "\n", (offer.why, "$text-muted")
                ),
                id=offer.exercise.id,
            )
            for offer in offers
        )
        if offers:
            self.highlighted = highlighted if highlighted is not None else 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        app: SafeplaceApp = self.app  # type: ignore[assignment]
        loaded = app.library.get(event.option.id or "")
        if loaded is None:
            return
        if isinstance(self.screen, ModalScreen):  # "what suits me now": it is done
            self.screen.dismiss()
            app.call_later(app.play, loaded)
        else:
            app.play(loaded)
