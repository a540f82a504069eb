"""The boxes a prompt is answered in: a text area for a few lines, or one line where Enter
goes on. Each says what was written, and hands it on (ctrl+s, or Enter on one line) as
:class:`Written`, for the step it was asked for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message
from textual.widgets import Input, TextArea

from safeplace.ui.widgets.literal import literal

if TYPE_CHECKING:
    from safeplace.playback.session import SessionView

WRITE_FREELY = "Write as much or as little as you like."
A_FEW_WORDS = "A word or a few"
MOST_ON_ONE_LINE = 300


class Written(Message):
    """The person went on from the prompt at step ``index`` with ``text`` (maybe blank)."""

    def __init__(self, text: str, index: int) -> None:
        super().__init__()
        self.text = text
        self.index = index


class AnswerBox(TextArea):
    """A few lines, or many: Enter starts a new line, ctrl+s goes on."""

    def __init__(self, *, cursor_blink: bool) -> None:
        super().__init__("", id="answer", soft_wrap=True, tab_behavior="focus")
        self.cursor_blink = cursor_blink
        self._index = -1

    def ask(self, view: SessionView) -> str | None:
        self._index = view.segment.index
        self.text = ""
        self.placeholder = literal(view.hint or WRITE_FREELY)
        return None

    @property
    def written(self) -> str:
        return self.text

    def submit(self) -> None:
        # ctrl+s is a priority key: it can overtake keys typed just before it that still wait
        # in this box's queue (a paste, keys batched over a slow link). Reading the text from
        # that queue, after them, keeps every word.
        self.call_later(lambda: self.post_message(Written(self.text, self._index)))


class AnswerLine(Input):
    """One line (a word, a name): Enter goes on."""

    def __init__(self, *, cursor_blink: bool) -> None:
        super().__init__(id="answer-line", max_length=MOST_ON_ONE_LINE)
        self.cursor_blink = cursor_blink
        self._index = -1

    def ask(self, view: SessionView) -> str | None:
        self._index = view.segment.index
        self.value = ""
        self.placeholder = view.hint or A_FEW_WORDS  # an Input shows it as plain text
        return None

    @property
    def written(self) -> str:
        return self.value

    def submit(self) -> None:
        self.post_message(Written(self.value, self._index))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()
