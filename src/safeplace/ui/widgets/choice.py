"""A choice among a few options: ↑ ↓ and Enter, or the option's number. With ``several``,
space marks options and Enter goes on with the ones marked (or the highlighted one)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from safeplace.exercise.playable import MAX_OPTIONS
from safeplace.exercise.playable import Option as ChoiceOption
from safeplace.text import one_line

if TYPE_CHECKING:
    from safeplace.playback.session import SessionView


class ChoiceList(OptionList):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "mark", "mark", show=False, id="choice.mark"),
        *(
            Binding(str(number), f"pick({number})", show=False)
            for number in range(1, MAX_OPTIONS + 1)
        ),
    ]

    class Chosen(Message):
        """The person went on with these option values."""

        def __init__(self, values: tuple[str, ...]) -> None:
            super().__init__()
            self.values = values

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._choices: tuple[ChoiceOption, ...] = ()
        self._several = False
        self._marked: set[str] = set()

    def ask(self, view: SessionView) -> str | None:
        """A choice step: its options, none marked; the line under it says how to choose."""
        self.offer(view.options, several=view.segment.part.several)
        return self.hint

    def offer(self, options: Sequence[ChoiceOption], *, several: bool) -> None:
        self._choices, self._several, self._marked = tuple(options), several, set()
        self._redraw(highlight=0)

    def _redraw(self, highlight: int | None) -> None:
        self.clear_options()
        self.add_options(
            Option(self._label(number, choice), id=choice.value)
            for number, choice in enumerate(self._choices, start=1)
        )
        self.highlighted = highlight

    def _label(self, number: int, choice: ChoiceOption) -> Content:
        mark = ("[x] " if choice.value in self._marked else "[ ] ") if self._several else ""
        return Content(f"{number}. {mark}{one_line(choice.text)}")  # words from a file: data

    def action_mark(self) -> None:
        if not self._several or self.highlighted is None:
            return
        value = self._choices[self.highlighted].value
        self._marked ^= {value}
        self._redraw(highlight=self.highlighted)

    def action_pick(self, number: int) -> None:
        if number > len(self._choices):
            return
        self.highlighted = number - 1
        if self._several:
            self.action_mark()
        else:
            self.post_message(self.Chosen((self._choices[number - 1].value,)))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = self._marked if self._several and self._marked else {event.option.id or ""}
        self.post_message(self.Chosen(tuple(c.value for c in self._choices if c.value in chosen)))

    @property
    def hint(self) -> str:
        if self._several:
            return "space marks an option · Enter goes on with the ones marked"
        return "↑ ↓ and Enter, or the option's number · → to skip"
