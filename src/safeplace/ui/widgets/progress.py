"""A quiet progress line: how far through the exercise, without an ETA timer of its own.

Both parts can be seen (3:1): what is done in the primary colour, raised if a theme has it
faint; what is to come in the foreground's neutral shade, as quiet as can still be seen.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from safeplace.ui.widgets.contrast import MARK, at_least, component_color, with_contrast


class ProgressLine(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"progress--done", "progress--todo"}
    DEFAULT_CSS = """
    ProgressLine { height: 1; width: 1fr; }
    ProgressLine > .progress--done { color: $primary; }
    ProgressLine > .progress--todo { color: $foreground; }
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
        background = self.background_colors[1]
        done_color = component_color(self, "progress--done")
        todo_color = component_color(self, "progress--todo")
        done_color = at_least(done_color, background, MARK, toward=todo_color)
        todo_color = with_contrast(todo_color, background, MARK, toward=todo_color)
        text = Text()
        text.append("━" * done, style=Style(color=done_color.rich_color))
        text.append("─" * (width - done), style=Style(color=todo_color.rich_color))
        return text
