"""A calendar of practice: one cell per day, weeks as columns, drawn with theme colours.

Every cell can be seen (3:1 against the background, empty days included), and the levels
stay in order: each is the theme's primary colour at a stronger contrast than the one
before. Empty days are the foreground's neutral shade, as quiet as can still be seen.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from safeplace.ui.widgets.contrast import MARK, component_color, contrast, with_contrast

LEVELS = 5
# Practised days start clearly above the empty ones and rise to the top level's contrast.
FIRST_LEVEL_RATIO = 4.0
TOP_LEVEL_RATIO = 8.0
DAY_LABELS = ("Mon", "", "Wed", "", "Fri", "", "Sun")
CELL = "■ "


def level_of(minutes: float, top: float) -> int:
    """0 for no practice, then 1-4 by share of the busiest day (a few minutes still shows)."""
    if minutes <= 0 or top <= 0:
        return 0
    return max(1, min(LEVELS - 1, int(minutes / top * (LEVELS - 1) + 0.999)))


class Heatmap(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "heatmap--empty",
        "heatmap--practised",
        "heatmap--label",
    }
    # The colours the levels are made from; the widget sets how strong each level is.
    DEFAULT_CSS = """
    Heatmap { height: 10; width: 1fr; }
    Heatmap > .heatmap--empty { color: $foreground; }
    Heatmap > .heatmap--practised { color: $primary; }
    Heatmap > .heatmap--label { color: $text-muted; }
    """

    def __init__(self, days: Sequence[tuple[date, float]] = (), *, id: str | None = None):
        super().__init__(id=id)
        self.days = list(days)

    def update_days(self, days: Sequence[tuple[date, float]]) -> None:
        self.days = list(days)
        self.refresh()

    def render(self) -> Text:
        label_style = self.get_component_rich_style("heatmap--label")
        if not self.days:
            return Text("No practice recorded yet.", style=label_style)
        weeks = _weeks(self.days)
        fit = max(1, (self.size.width - 4) // len(CELL))
        weeks = weeks[-fit:]  # the most recent weeks that fit the width
        top = max(minutes for _, minutes in self.days)
        styles = self._level_styles()
        text = Text(no_wrap=True)
        text.append("    " + _month_row(weeks) + "\n", style=label_style)
        for weekday in range(7):
            text.append(f"{DAY_LABELS[weekday]:<4}", style=label_style)
            for week in weeks:
                cell = week[weekday]
                if cell is None:
                    text.append("  ")
                else:
                    text.append(CELL, style=styles[level_of(cell[1], top)])
            text.append("\n")
        text.append("    less ", style=label_style)
        for style in styles:
            text.append(CELL, style=style)
        text.append("more", style=label_style)
        return text

    def _level_styles(self) -> list[Style]:
        """Empty days at 3:1; practised levels from 4:1 up, geometrically, in order."""
        background = self.background_colors[1]
        empty = component_color(self, "heatmap--empty")
        practised = component_color(self, "heatmap--practised")
        top = max(TOP_LEVEL_RATIO, contrast(practised, background))
        step = (top / FIRST_LEVEL_RATIO) ** (1 / (LEVELS - 2))
        colors = [with_contrast(empty, background, MARK, toward=empty)]
        colors += [
            with_contrast(practised, background, FIRST_LEVEL_RATIO * step**n, toward=empty)
            for n in range(LEVELS - 1)
        ]
        return [Style(color=color.rich_color) for color in colors]


Week = list[tuple[date, float] | None]


def _weeks(days: Sequence[tuple[date, float]]) -> list[Week]:
    """Group consecutive days into Monday-first weeks; days outside the data stay empty."""
    weeks: list[Week] = []
    for day, minutes in sorted(days):
        if not weeks or day.weekday() == 0:
            weeks.append([None] * 7)
        weeks[-1][day.weekday()] = (day, minutes)
    return weeks


def _month_row(weeks: list[Week]) -> str:
    """Month names above the week in which each month starts, where they fit."""
    row = [" "] * (len(weeks) * len(CELL) + 3)
    free_from = 0
    last_month = None
    for index, week in enumerate(weeks):
        first = next(cell for cell in week if cell is not None)[0]
        at = index * len(CELL)
        if first.month != last_month and at >= free_from:
            row[at : at + 3] = first.strftime("%b")
            free_from = at + 4
        last_month = first.month
    return "".join(row).rstrip()
