"""The breathing pacer: an orb that fills on the in-breath and empties on the out-breath.

It draws whatever breath state it is given; it keeps no time of its own. With motion
``none`` it shows only words and a count, for reduced-motion needs and screen readers.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from safeplace.ui.widgets.layout import append_centred

PHASE_WORDS = {
    "in": "Breathe in",
    "top-up": "A little more",
    "hold": "Hold gently",
    "out": "Breathe out",
    "rest": "Rest",
}
# Coarse sizes for motion "basic": five steps instead of a smooth swell.
BASIC_STEPS = 5
# Beyond this the orb stops growing: a calm shape, not a wall of colour.
MAX_ORB_ROWS = 13


def phase_name(phase: Any) -> str:
    return str(getattr(phase, "value", phase))


class Pacer(Widget):
    """Renders a breath state as an orb (motion full/basic) or as words only (none)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "pacer--orb",
        "pacer--hold",
        "pacer--cue",
        "pacer--label",
    }
    DEFAULT_CSS = """
    Pacer { height: 1fr; min-height: 3; width: 1fr; content-align: center middle; }
    Pacer > .pacer--orb { color: $primary; }
    Pacer > .pacer--hold { color: $accent; }
    Pacer > .pacer--cue { color: $text; text-style: bold; }
    Pacer > .pacer--label { color: $text-muted; }
    """

    motion: reactive[str] = reactive("full")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown_phase = "in"
        self._fill = 0.0
        self._shown_count = 0
        self._shown_cycle = (0, 0)

    def show(self, *, phase: Any, size: float, seconds_left: float, cycle: tuple[int, int]) -> None:
        name = phase_name(phase)
        count = max(1, math.ceil(seconds_left - 1e-6))
        if self.motion == "basic":
            size = round(size * BASIC_STEPS) / BASIC_STEPS
        changed = (name, count, cycle) != (self._shown_phase, self._shown_count, self._shown_cycle)
        changed = changed or (self.motion != "none" and abs(size - self._fill) > 0.004)
        self._shown_phase, self._fill, self._shown_count, self._shown_cycle = (
            name,
            size,
            count,
            cycle,
        )
        if changed:
            self.refresh()

    @property
    def cue(self) -> str:
        """The words a person (or a screen reader) follows: phase and count."""
        words = PHASE_WORDS.get(self._shown_phase, self._shown_phase)
        return f"{words} · {self._shown_count}"

    @property
    def breath_count(self) -> str:
        number, total = self._shown_cycle
        return f"breath {number} of {total}" if total else ""

    def render(self) -> Text:
        cue_style = self.get_component_rich_style("pacer--cue")
        label_style = self.get_component_rich_style("pacer--label")
        width = self.size.width
        if self.motion == "none":
            text = Text(no_wrap=True)
        else:
            rows = max(1, min(MAX_ORB_ROWS, self.size.height - 3))
            text = self._orb(rows, width)
            text.append("\n\n")
        append_centred(text, self.cue, width, cue_style)
        text.append("\n")
        append_centred(text, self.breath_count, width, label_style)
        return text

    def _orb(self, rows: int, columns: int) -> Text:
        held = self._shown_phase in ("hold", "rest")
        style = self.get_component_rich_style("pacer--hold" if held else "pacer--orb")
        # Terminal cells are about twice as tall as wide, so the orb is twice as wide in cells.
        radius_rows = max(0.5, self._fill * rows / 2)
        radius_columns = min(columns / 2 - 1, radius_rows * 2.2)
        middle = (rows - 1) / 2
        text = Text(no_wrap=True)
        for row in range(rows):
            dy = (row - middle) / max(radius_rows, 0.5)
            if abs(dy) > 1:
                line = " "
            else:
                half = radius_columns * math.sqrt(1 - dy * dy)
                whole = int(half)
                edge = "▐" if half - whole >= 0.5 else ""
                line = edge + "█" * (2 * whole) + ("▌" if edge else "")
                line = line or "·"
            append_centred(text, line, columns, style)
            if row < rows - 1:
                text.append("\n")
        return text
