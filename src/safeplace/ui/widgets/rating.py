"""A rating from 0 to 10 (or 100) usable with digits, the up and down arrows, and Enter."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from safeplace.text import one_line
from safeplace.ui.widgets.layout import append_centred

if TYPE_CHECKING:
    from safeplace.playback.session import SessionView

# On a 0-100 scale the arrows move this far; digits give any value.
STEP_ON_100 = 5
BAR_WIDTH = 41


class RatingScale(Widget, can_focus=True):
    """Eleven cells, 0 to 10, the chosen one highlighted; or a bar from 0 to 100."""

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

    def __init__(
        self,
        low: str = "calm",
        high: str = "very upset",
        *,
        top: int = 10,
        id: str | None = None,
    ):
        super().__init__(id=id)
        self.low = low
        self.high = high
        self.top = top
        self._typing = False  # the last key was a digit: the next one may extend the number

    def ask(self, view: SessionView) -> str | None:
        """A rating step: its own ends and scale, and no value until the person gives one."""
        self.low, self.high = view.low or "calm", view.high or "very upset"
        self.top = view.segment.part.scale_max
        self.value = None
        return None

    def action_move(self, step: int) -> None:
        self._typing = False
        if self.value is None:
            self.value = self.top // 2
            return
        size = 1 if self.top == 10 else STEP_ON_100
        self.value = max(0, min(self.top, self.value + step * size))

    def action_set(self, digit: int) -> None:
        # Digits typed in a row make one number while it fits the scale ("1", "0" is 10).
        longer = (self.value or 0) * 10 + digit
        self.value = longer if self._typing and longer <= self.top else digit
        self._typing = True

    def action_choose(self) -> None:
        if self.value is not None:
            self.post_message(self.Chosen(self.value))

    def render(self) -> Text:
        chosen = self.get_component_rich_style("rating--chosen")
        cell = self.get_component_rich_style("rating--cell")
        label = self.get_component_rich_style("rating--label")
        width = self.size.width
        if self.top != 10:
            return self._render_bar(width, chosen, label)
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
        append_centred(text, self._hint(), width, label)
        return text

    def _hint(self) -> str:
        return "Enter to keep this" if self.value is not None else "type a number, or use ↑ ↓"

    def _render_bar(self, width: int, chosen: Style, label: Style) -> Text:
        """0 to ``top`` as a bar with a marker, and the value."""
        text = Text(no_wrap=True)
        bar = ["─"] * BAR_WIDTH
        if self.value is not None:
            bar[round(self.value * (BAR_WIDTH - 1) / self.top)] = "●"
        shown = "  ?" if self.value is None else f"{self.value:>3}"
        line = Text(f"0 {''.join(bar)} {self.top}   ", style=label)
        line.append(f" {shown} ", style=chosen if self.value is not None else label)
        left = max(0, (width - line.cell_len) // 2)
        text.append(" " * left)
        text.append_text(line)
        text.append(" " * max(0, width - left - line.cell_len))
        text.append("\n")
        ends = f"0 {one_line(self.low)}", f"{one_line(self.high)} {self.top}"
        gap = max(1, BAR_WIDTH + 6 - len(ends[0]) - len(ends[1]))
        append_centred(text, ends[0] + " " * gap + ends[1], width, label)
        text.append("\n")
        append_centred(text, self._hint(), width, label)
        return text
