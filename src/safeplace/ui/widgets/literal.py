"""The one door for data into a widget: text from files, imports and the history is shown as
typed (never parsed as markup) and without control characters (house rule 11).

Use these wherever such text meets a widget; a plain ``str`` given to a widget, a table cell
or a palette hit is parsed as markup by Textual or Rich.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from safeplace.text import one_line, printable


def literal(text: str, style: str = "") -> Content:
    """Text that may run over several lines (a step, an answer), as typed."""
    return Content.styled(printable(text), style) if style else Content(printable(text))


def literal_line(text: str, style: str = "") -> Content:
    """Text meant as one line (a title, a name, a sentence about a file), as typed."""
    return Content.styled(one_line(text), style) if style else Content(one_line(text))


def literal_cell(text: str) -> Text:
    """A one-line table cell, as typed (DataTable takes Rich renderables, and a str is markup)."""
    return Text(one_line(text))
