"""What suits me now: the check-in's routing, one key away in the library. The person says
where they are (the check-in's own four places); "not safe right now" opens help and safety,
the others offer two or three exercises for that state, with why."""

from __future__ import annotations

from typing import ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from safeplace.exercise.playable import Option, State
from safeplace.ui.offers import OffersList
from safeplace.ui.widgets.choice import ChoiceList

NOT_SAFE = "not-safe"
PLACES = (
    Option(text="Too much: racing, tense, on edge", value="wound-up"),
    Option(text="Too little: numb, foggy, far away", value="shut-down"),
    Option(text="Fairly steady", value="steady"),
    Option(text="Not safe right now", value=NOT_SAFE, help=True),
)


class RouteScreen(ModalScreen[None]):
    CSS_PATH = "dialog.tcss"  # loaded when first shown

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "back", id="route.back"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="route"):
            yield Static("What suits me now?", id="route-title")
            yield Static("Where are you right now? There are no wrong answers.", id="route-text")
            yield ChoiceList(id="route-places")
            yield Static("↑ ↓ and Enter, or a number · escape to go back", id="route-hint")

    def on_mount(self) -> None:
        places = self.query_one(ChoiceList)
        places.offer(PLACES, several=False)
        places.focus()

    def on_choice_list_chosen(self, message: ChoiceList.Chosen) -> None:
        message.stop()
        if not message.values:
            return
        value = message.values[0]
        if value == NOT_SAFE:
            self.dismiss()
            self.app.action_help()  # type: ignore[attr-defined]  # the SafeplaceApp's
            return
        for old in self.query("#route-offers"):
            old.remove()
        offers = OffersList(cast(State, value), id="route-offers")  # a place's value is a state
        self.query_one("#route").mount(offers, before="#route-hint")
        self.query_one("#route-text", Static).update(
            "These may suit this moment. Enter starts one; pick none if you like."
        )
        self.query_one("#route-hint", Static).update("↑ ↓ and Enter · tab back to the places")
        offers.focus()
