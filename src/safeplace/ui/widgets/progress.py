"""A quiet progress line: how far through the exercise, without an ETA timer of its own."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class ProgressLine(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"progress--done", "progress--todo"}
    DEFAULT_CSS = """
    ProgressLine { height: 1; width: 1fr; }
    ProgressLine > .progress--done { color: $primary; }
    ProgressLine > .progress--todo { color: $panel-lighten-2; }
    """

    fraction: reactive[float] = reactive(0.0)

    def render(self) -> Text:
        width = max(1, self.size.width)
        done = round(max(0.0, min(1.0, self.fraction)) * width)
        text = Text()
        text.append("━" * done, style=self.get_component_rich_style("progress--done"))
        text.append("─" * (width - done), style=self.get_component_rich_style("progress--todo"))
        return text
