"""The widgets a step asks with, one for each way of answering, and which one a step uses.

Each is mounted the first time a step needs it (a text area is among the costliest widgets
to load and style, and most exercises never ask for words), then given every step it serves
through ``ask``. A new way of answering is a widget with ``ask`` and one line in ``WAYS``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    from textual.widget import Widget

    from safeplace.exercise.playable import Part
    from safeplace.playback.session import SessionView

Way = Literal["text", "line", "rate", "choose"]


class Asker(Protocol):
    """What the player needs of a widget that asks."""

    disabled: bool

    def ask(self, view: SessionView) -> str | None:
        """Take this step's question afresh; return a line to show under it, if any."""

    def focus(self, scroll_visible: bool = True) -> Any: ...


@runtime_checkable
class Writer(Asker, Protocol):
    """An asker that takes words: what is written so far, and a way to hand it on."""

    @property
    def written(self) -> str: ...

    def submit(self) -> None: ...


def way_of(part: Part) -> Way | None:
    """How a step is answered, if it is."""
    if part.kind == "prompt":
        return "line" if part.one_line else "text"
    if part.kind == "rate" or part.kind == "choose":
        return part.kind
    return None


def _text(stage: Widget, cursor_blink: bool) -> Asker:
    from safeplace.ui.widgets.answer import AnswerBox

    box = AnswerBox(cursor_blink=cursor_blink)
    stage.mount(box)
    return box


def _line(stage: Widget, cursor_blink: bool) -> Asker:
    from safeplace.ui.widgets.answer import AnswerLine

    line = AnswerLine(cursor_blink=cursor_blink)
    stage.mount(line)
    return line


def _rate(stage: Widget, cursor_blink: bool) -> Asker:
    from safeplace.ui.widgets.rating import RatingScale

    scale = RatingScale(id="rating")
    stage.mount(scale)
    return scale


def _choose(stage: Widget, cursor_blink: bool) -> Asker:
    from safeplace.ui.widgets.choice import ChoiceList

    choice = ChoiceList(id="choice")
    stage.mount(choice, before="#step-count")  # its hint shows in the count line below it
    return choice


# Each way's widget, built and mounted in the player's stage (given whether cursors blink).
WAYS: dict[Way, Callable[[Widget, bool], Asker]] = {
    "text": _text,
    "line": _line,
    "rate": _rate,
    "choose": _choose,
}
