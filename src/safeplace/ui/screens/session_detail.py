"""One past session: when, how it went, its ratings and (if kept) the answers given."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from safeplace.history.outcomes import outcome_words
from safeplace.history.records import AnswerRecord, SessionRecord
from safeplace.ui.widgets.literal import literal, literal_line

if TYPE_CHECKING:
    from safeplace.ui.app import SafeplaceApp


class SessionDetail(ModalScreen[None]):
    CSS_PATH = "dialog.tcss"  # loaded when first shown

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q", "dismiss", "close", id="detail.close"),
        # A modal cuts off the app's keys: help and safety is here too.
        Binding("question_mark,f1", "app.help", "help", id="detail.help"),
    ]

    def __init__(self, record: SessionRecord) -> None:
        super().__init__()
        self.record = record

    def compose(self) -> ComposeResult:
        record = self.record
        started = record.local_started_at.strftime("%A %d %B %Y, %H:%M")
        lines = [
            f"{started}",
            f"{record.practised_seconds / 60:.1f} of {record.planned_seconds / 60:.0f} min"
            f" · {outcome_words(record.outcome)}"
            + (f" · a preview at {record.speed:g}× speed, not counted" if record.preview else ""),
        ]
        if record.rating_before is not None or record.rating_after is not None:
            before = "–" if record.rating_before is None else record.rating_before
            after = "–" if record.rating_after is None else record.rating_after
            lines.append(f"Before {before} → after {after}")
        with VerticalScroll(id="help"):
            yield Static(literal_line(record.title), id="help-title")
            yield Static(literal("\n".join(lines)))
            yield Static("", id="detail-answers")
            yield Static("Press escape to go back.", id="help-close")

    def on_mount(self) -> None:
        self._load_answers()

    @work(thread=True)
    def _load_answers(self) -> None:
        app: SafeplaceApp = self.app  # type: ignore[assignment]
        answers: list[AnswerRecord] = []
        store = app.history.store()
        if store is not None:
            try:
                answers = store.answers(self.record.id)
            except Exception:
                answers = []
        self.app.call_from_thread(self._show_answers, answers)

    def _show_answers(self, answers: list[AnswerRecord]) -> None:
        if not answers:
            return
        parts = []
        for answer in answers:
            parts.append(literal(answer.prompt, "italic"))
            parts.append(literal(answer.answer))
            parts.append(Content(""))
        self.query_one("#detail-answers", Static).update(Content("\n").join(parts))
