"""Asking before ending an exercise, without judging."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmEnd(ModalScreen[bool]):
    """True when the person wants to stop here. ``note``: what stopping does to words being
    written (our own sentence, never text from a file)."""

    CSS_PATH = "dialog.tcss"  # loaded when first shown
    DEFAULT_CSS = "#dialog-note { height: auto; margin-bottom: 1; color: $text; }"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(False)", "keep going", id="confirm.keep"),
        Binding("y", "dismiss(True)", "stop", show=False, id="confirm.stop"),
        Binding("n", "dismiss(False)", "keep going", show=False, id="confirm.keep_n"),
        Binding("left,right,up,down", "app.focus_next", show=False),
    ]

    def __init__(self, note: str | None = None) -> None:
        super().__init__()
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Stop here?", id="dialog-title")
            yield Static("Stopping is always fine, whenever you like.", id="dialog-text")
            if self.note:
                yield Static(self.note, id="dialog-note", markup=False)
            with Horizontal(id="dialog-buttons"):
                yield Button("Stop here", id="stop", variant="primary")
                yield Button("Keep going", id="keep")

    def on_mount(self) -> None:
        # Enter keeps going: a reflex, or a key meant for the step, never ends the practice.
        self.query_one("#keep", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "stop")
