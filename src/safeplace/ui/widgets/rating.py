"""A 0-10 rating usable with digits, the up and down arrows, and Enter."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from safeplace.text import one_line
from safeplace.ui.widgets.layout import append_centred


class RatingScale(Widget, can_focus=True):
    """Eleven cells, 0 to 10; the chosen one is highlighted."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"rating--chosen", "rating--cell", "rating--label"}
    DEFAULT_CSS = """
    RatingScale { height: 4; width: 1fr; content-align: center middle; }
    RatingScale > .rating--chosen { background: $primary; color: $text; text-style: bold; }
    RatingScale:focus > .rating--chosen { background: $accent; }
    RatingScale > .rating--cell { color: $text-muted; }
    RatingScale > .rating--label { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        # Up and down only: → and ← move between steps, as everywhere in the player, so a
        # quick run of → never leaves a value nobody chose.
        Binding("down", "move(-1)", "lower", show=False, id="rating.lower"),
        Binding("up", "move(1)", "higher", show=False, id="rating.higher"),
        Binding("enter", "choose", "choose", id="rating.choose"),
        *(Binding(str(digit), f"set({digit})", show=False) for digit in range(10)),
    ]

    value: reactive[int | None] = reactive(None)

    class Chosen(Message):
        """The person confirmed a value."""

        def __init__(self, value: int) -> None:
            super().__init__()
            self.value = value

    def __init__(self, low: str = "calm", high: str = "very upset", *, id: str | None = None):
        super().__init__(id=id)
        self.low = low
        self.high = high
        self._last_digit_one = False

    def action_move(self, step: int) -> None:
        start = 5 if self.value is None else self.value
        self.value = max(0, min(10, start + step if self.value is not None else start))

    def action_set(self, digit: int) -> None:
        # "1" then "0" makes 10: the only two-digit value.
        if digit == 0 and self._last_digit_one and self.value == 1:
            self.value = 10
        else:
            self.value = digit
        self._last_digit_one = digit == 1

    def action_choose(self) -> None:
        if self.value is not None:
            self.post_message(self.Chosen(self.value))

    def render(self) -> Text:
        chosen = self.get_component_rich_style("rating--chosen")
        cell = self.get_component_rich_style("rating--cell")
        label = self.get_component_rich_style("rating--label")
        width = self.size.width
        scale_width = 10 * 3 + 4 + 10  # ten " n " cells, " 10 ", and the gaps between them
        left = max(0, (width - scale_width) // 2)
        text = Text(no_wrap=True)
        text.append(" " * left)
        for number in range(11):
            text.append(f" {number} ", style=chosen if number == self.value else cell)
            if number < 10:
                text.append(" ")
        text.append(" " * max(0, width - left - scale_width))  # full width: stays put when centred
        text.append("\n")
        ends = f"0 {one_line(self.low)}", f"{one_line(self.high)} 10"  # words from a file
        gap = max(1, scale_width - len(ends[0]) - len(ends[1]))
        append_centred(text, ends[0] + " " * gap + ends[1], width, label)
        text.append("\n")
        hint = "Enter to keep this" if self.value is not None else "type a number, or use ↑ ↓"
        append_centred(text, hint, width, label)
        return text
