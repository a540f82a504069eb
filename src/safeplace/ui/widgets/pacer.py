"""The breathing pacer: an orb that fills on the in-breath and empties on the out-breath.

It draws whatever breath state it is given; it keeps no time of its own. With motion
``none`` it shows only words and a count, for reduced-motion needs and screen readers.

It draws line by line (Textual's line API) and repaints only the rows that changed: at 10
breath states a second most of the orb, and all of the words, stay as they were, and each
kind of row is built once (a calm pacer should not keep a core busy).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Literal

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from safeplace.playback.breath import BreathPhase
from safeplace.ui.widgets.contrast import MARK, at_least, component_color

# Coarse sizes for motion "basic": five steps instead of a smooth swell.
BASIC_STEPS = 5
# Beyond this the orb stops growing: a calm shape, not a wall of colour.
MAX_ORB_ROWS = 13
MIN_ORB_ROWS = 3  # a smaller orb is not worth the words it would push out of sight
WORD_ROWS = 3  # the gap, the phase word and count, the breath count

Role = Literal["orb", "hold", "cue", "label", "blank"]
Row = tuple[str, Role]  # what one line shows, and in which style


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
    Pacer { height: 1fr; min-height: 3; width: 1fr; }
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
        self._drawn: list[Row] = []  # the rows on screen, top to bottom
        self._strips: dict[tuple[Row, int], Strip] = {}  # each kind of row, built once

    def show(self, *, phase: Any, size: float, seconds_left: float, cycle: tuple[int, int]) -> None:
        """Take the breath state; repaint only the rows that change (called at 10 Hz)."""
        if self.motion == "basic":
            size = round(size * BASIC_STEPS) / BASIC_STEPS
        self._shown_phase = phase_name(phase)
        self._shown_count = max(1, math.ceil(seconds_left - 1e-6))
        self._shown_cycle = cycle
        self._fill = size
        rows = self._rows()
        if len(rows) != len(self._drawn):
            self._drawn = rows
            self.refresh()
            return
        width = self.size.width
        changed = [
            y for y, (new, old) in enumerate(zip(rows, self._drawn, strict=True)) if new != old
        ]
        self._drawn = rows
        if changed:
            self.refresh(*(Region(0, y, width, 1) for y in changed))

    @property
    def cue(self) -> str:
        """The words a person (or a screen reader) follows: phase and count."""
        words = BreathPhase(self._shown_phase).words
        return f"{words} · {self._shown_count}"

    @property
    def breath_count(self) -> str:
        number, total = self._shown_cycle
        return f"breath {number} of {total}" if total else ""

    # -- drawing -------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        rows = self._drawn
        row: Row = rows[y] if y < len(rows) else ("", "blank")
        key = (row, self.size.width)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._strips[key] = self._strip(*row)
        return strip

    def on_resize(self) -> None:
        # The size decides the orb's rows and where the words go: every row is drawn anew
        # (what was drawn before the resize may already be on screen).
        self._strips.clear()
        self._drawn = self._rows()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()  # a new theme: every row is built again in its colours

    def watch_motion(self) -> None:
        self._drawn = self._rows()
        self.refresh()

    def _rows(self) -> list[Row]:
        """Every line of the widget: the orb (if it fits), a gap, the cue and the count, in
        the middle of the height."""
        held = self._shown_phase in ("hold", "rest")
        body: list[Row] = [(_orb_line(row), "hold" if held else "orb") for row in self._shape()]
        if body:
            body.append(("", "blank"))
        body += [(self.cue, "cue"), (self.breath_count, "label")]
        above = max(0, (self.size.height - len(body)) // 2)
        below = max(0, self.size.height - above - len(body))
        blank: Row = ("", "blank")
        return [blank] * above + body + [blank] * below

    @property
    def _shows_orb(self) -> bool:
        """The orb needs room above the words; without it, the words and count stay."""
        return self.motion != "none" and self.size.height >= WORD_ROWS + MIN_ORB_ROWS

    def _shape(self) -> tuple[int, ...]:
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

    def _strip(self, line: str, role: Role) -> Strip:
        """One row: ``line`` centred in the width, in its role's style, on the background."""
        width = self.size.width
        base = self.rich_style
        if not line:
            return Strip.blank(width, base)
        left = max(0, (width - len(line)) // 2)
        right = max(0, width - left - len(line))
        segments = [
            Segment(" " * left, base),
            Segment(line, base + self._style(role)),
            Segment(" " * right, base),
        ]
        return Strip(segments, width).crop(0, width)

    def _style(self, role: Role) -> Style:
        if role in ("cue", "label"):
            return self.get_component_rich_style(f"pacer--{role}")
        # The orb shows in every theme (3:1): a faint theme colour is raised just enough.
        color = component_color(self, f"pacer--{role}")
        words = component_color(self, "pacer--cue")
        color = at_least(color, self.background_colors[1], MARK, toward=words)
        return Style(color=color.rich_color)


def _orb_line(row: int) -> str:
    """A half-cell edge becomes half blocks on both sides, keeping the orb symmetric."""
    whole, edge = divmod(row, 2)
    return ("▐" if edge else "") + "█" * (2 * whole) + ("▌" if edge else "")
