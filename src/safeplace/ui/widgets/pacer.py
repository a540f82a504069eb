"""The breathing pacer: an orb that fills on the in-breath and empties on the out-breath.

It draws whatever breath state it is given; it keeps no time of its own. With motion
``none`` it shows only words and a count, for reduced-motion needs and screen readers.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from safeplace.playback.breath import BreathPhase
from safeplace.ui.widgets.contrast import MARK, at_least, component_color
from safeplace.ui.widgets.layout import append_centred

# Coarse sizes for motion "basic": five steps instead of a smooth swell.
BASIC_STEPS = 5
# Beyond this the orb stops growing: a calm shape, not a wall of colour.
MAX_ORB_ROWS = 13
MIN_ORB_ROWS = 3  # a smaller orb is not worth the words it would push out of sight
WORD_ROWS = 3  # the gap, the phase word and count, the breath count


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
        self._drawn: tuple[object, ...] = ()

    def show(self, *, phase: Any, size: float, seconds_left: float, cycle: tuple[int, int]) -> None:
        """Take the breath state; repaint only when what is drawn changes (called at 10 Hz)."""
        if self.motion == "basic":
            size = round(size * BASIC_STEPS) / BASIC_STEPS
        self._shown_phase = phase_name(phase)
        self._shown_count = max(1, math.ceil(seconds_left - 1e-6))
        self._shown_cycle = cycle
        self._fill = size
        drawn = (self._shown_phase, self._shown_count, cycle, self._orb_shape())
        if drawn != self._drawn:
            self._drawn = drawn
            self.refresh()

    @property
    def cue(self) -> str:
        """The words a person (or a screen reader) follows: phase and count."""
        words = BreathPhase(self._shown_phase).words
        return f"{words} · {self._shown_count}"

    @property
    def breath_count(self) -> str:
        number, total = self._shown_cycle
        return f"breath {number} of {total}" if total else ""

    def render(self) -> Text:
        cue_style = self.get_component_rich_style("pacer--cue")
        label_style = self.get_component_rich_style("pacer--label")
        width = self.size.width
        if not self._shows_orb:
            text = Text(no_wrap=True)
        else:
            text = self._orb(width)
            text.append("\n\n")
        append_centred(text, self.cue, width, cue_style)
        text.append("\n")
        append_centred(text, self.breath_count, width, label_style)
        return text

    @property
    def _shows_orb(self) -> bool:
        """The orb needs room above the words; without it, the words and count stay."""
        return self.motion != "none" and self.size.height >= WORD_ROWS + MIN_ORB_ROWS

    def _orb_shape(self) -> tuple[int, ...]:
        """Each orb row as 2 x whole cells per side + 1 for a half-cell edge (0 = empty row)."""
        if not self._shows_orb:
            return ()
        rows = min(MAX_ORB_ROWS, self.size.height - WORD_ROWS)
        columns = self.size.width
        # Terminal cells are about twice as tall as wide, so the orb is twice as wide in cells.
        radius_rows = max(0.5, self._fill * rows / 2)
        radius_columns = max(0.0, min(columns / 2 - 1, radius_rows * 2.2))
        middle = (rows - 1) / 2
        shape = []
        for row in range(rows):
            dy = (row - middle) / radius_rows
            half = 0.0 if abs(dy) > 1 else radius_columns * math.sqrt(1 - dy * dy)
            whole = int(half)
            shape.append(2 * whole + (1 if half - whole >= 0.5 else 0))
        return tuple(shape)

    def _orb(self, columns: int) -> Text:
        held = self._shown_phase in ("hold", "rest")
        color = component_color(self, "pacer--hold" if held else "pacer--orb")
        # The orb shows in every theme (3:1): a faint theme colour is raised just enough.
        words = component_color(self, "pacer--cue")
        color = at_least(color, self.background_colors[1], MARK, toward=words)
        style = Style(color=color.rich_color)
        text = Text(no_wrap=True)
        shape = self._orb_shape()
        for index, row in enumerate(shape):
            whole, edge = divmod(row, 2)
            # A half-cell edge becomes half blocks on both sides, keeping the orb symmetric.
            line = ("▐" if edge else "") + "█" * (2 * whole) + ("▌" if edge else "")
            line = line or " "
            append_centred(text, line, columns, style)
            if index < len(shape) - 1:
                text.append("\n")
        return text
