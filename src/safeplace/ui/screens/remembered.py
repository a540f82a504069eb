"""What safeplace remembers across sessions: each remembered answer, with the day it was
given, and a key to forget one (asked first)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Footer, Static

from safeplace.history.records import RememberedWords
from safeplace.ui.screens.base import SafeplaceScreen
from safeplace.ui.widgets.literal import literal_cell, literal_line

INTRO = (
    "Some exercises keep an answer under a name, to use it again next time. This is all of "
    "them, with the day you gave each. Forgetting one takes it out of your history."
)
NOTHING = "Nothing is remembered yet."


def given_on(entry: RememberedWords) -> str:
    day = entry.given_at.astimezone().date()
    return f"{day.day} {day:%B %Y}"


class RememberedScreen(SafeplaceScreen[None]):
    DEFAULT_CSS = """
    #remembered { padding: 0 2; }
    #remembered-title { color: $text-primary; text-style: bold; padding-top: 1; height: 2; }
    #remembered-intro { height: auto; margin-bottom: 1; }
    #remembered-table { height: auto; max-height: 100%; }
    /* The chosen row: dark enough behind it that its words read (4.5:1) in every theme. */
    #remembered-table > .datatable--cursor { color: auto 100%; background: $primary-darken-3; }
    #remembered-status { color: $text-muted; height: auto; margin-top: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "back", id="remembered.back"),
        Binding("f,delete", "forget", "forget", id="remembered.forget", tooltip="forget this"),
        Binding("question_mark,f1", "app.help", "help", id="remembered.help"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._entries: list[RememberedWords] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="remembered"):
            yield Static("What safeplace remembers", id="remembered-title")
            yield Static(INTRO, id="remembered-intro", markup=False)
            yield DataTable(id="remembered-table", cursor_type="row", zebra_stripes=True)
            yield Static("Reading your history…", id="remembered-status", markup=False)
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Name", "Words", "Given on")
        self._load()

    @work(thread=True, exclusive=True, group="remembered")
    def _load(self) -> None:
        entries = self.safeplace.history.remembered_records()
        self.app.call_from_thread(self._show, entries)

    def _show(self, entries: list[RememberedWords]) -> None:
        self._entries = entries
        table = self.query_one(DataTable)
        table.clear()
        for entry in entries:
            table.add_row(
                literal_cell(entry.name), literal_cell(entry.words), Text(given_on(entry))
            )
        self.query_one("#remembered-status", Static).update("" if entries else NOTHING)
        table.display = bool(entries)
        if entries:
            table.focus()

    def action_forget(self) -> None:
        table = self.query_one(DataTable)
        if not self._entries or not 0 <= table.cursor_row < len(self._entries):
            return
        entry = self._entries[table.cursor_row]

        def answered(forget: bool | None) -> None:
            if forget:
                self.safeplace.history.forget(entry.name)
                self._show([other for other in self._entries if other.name != entry.name])
                self.query_one("#remembered-status", Static).update(
                    Content("Forgot ") + literal_line(entry.name) + Content(".")
                )

        self.app.push_screen(ConfirmForget(entry), answered)


class ConfirmForget(ModalScreen[bool]):
    """True when the person wants this answer forgotten; keeping it is the default."""

    CSS_PATH = "dialog.tcss"  # loaded when first shown
    DEFAULT_CSS = "ConfirmForget { align: center middle; }"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "dismiss(False)", "keep it", id="forget.keep"),
        Binding("y", "dismiss(True)", "forget", show=False, id="forget.yes"),
        Binding("question_mark,f1", "app.help", "help", show=False, id="forget.help"),
        Binding("left,right,up,down", "app.focus_next", show=False),
    ]

    def __init__(self, entry: RememberedWords) -> None:
        super().__init__()
        self.entry = entry

    def compose(self) -> ComposeResult:
        words = literal_line(self.entry.words)
        with Vertical(id="dialog"):
            yield Static(
                Content("Forget ") + literal_line(self.entry.name) + "?", id="dialog-title"
            )
            yield Static(
                Content("No exercise will use “") + words + "” again, unless you give it again.",
                id="dialog-text",
            )
            with Horizontal(id="dialog-buttons"):
                yield Button("Forget", id="forget", variant="primary")
                yield Button("Keep it", id="keep")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()  # enter keeps it: forgetting is asked for

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "forget")
