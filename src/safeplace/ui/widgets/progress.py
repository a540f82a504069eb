"""A quiet progress line: how far through the exercise, without an ETA timer of its own."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.widget import Widget


class ProgressLine(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"progress--done", "progress--todo"}
    DEFAULT_CSS = """
    ProgressLine { height: 1; width: 1fr; }
    ProgressLine > .progress--done { color: $primary; }
    ProgressLine > .progress--todo { color: $panel-lighten-2; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.fraction = 0.0
        self._drawn_cells = -1

    def show(self, fraction: float) -> None:
        """Take a new fraction; redraw only when a cell changes (it is called 10 times a second)."""
        self.fraction = max(0.0, min(1.0, fraction))
        if self._cells() != self._drawn_cells:
            self.refresh()

    def _cells(self) -> int:
        return round(self.fraction * max(1, self.size.width))

    def render(self) -> Text:
        width = max(1, self.size.width)
        done = self._drawn_cells = self._cells()
        text = Text()
        text.append("━" * done, style=self.get_component_rich_style("progress--done"))
        text.append("─" * (width - done), style=self.get_component_rich_style("progress--todo"))
        return text
