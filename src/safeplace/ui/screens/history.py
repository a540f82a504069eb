"""Your practice: streaks (unless hidden), totals, the calendar, weeks, and what helps."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Footer, Sparkline, Static

from safeplace.history.days import today as practice_today
from safeplace.history.records import SessionRecord
from safeplace.history.stats import Stats, how_it_ended, stats_from_store
from safeplace.ui.screens.base import SafeplaceScreen
from safeplace.ui.widgets.heatmap import Heatmap
from safeplace.ui.widgets.literal import literal_cell, literal_line

RECENT_SESSIONS = 200


class HistoryScreen(SafeplaceScreen[None]):
    CSS_PATH = "history.tcss"  # loaded when first shown

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,h", "app.pop_screen", "back", id="history.back"),
        Binding("question_mark,f1", "app.help", "help", id="history.help"),
        Binding("q", "app.quit", "quit", show=False, id="history.quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._sessions: list[SessionRecord] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="history"):
            yield Static("Your practice", id="history-title")
            yield Static("Reading your history…", id="history-summary")
            yield Heatmap(id="heatmap")
            yield Static("Minutes per week", classes="history-heading")
            yield Sparkline([], id="weekly")
            yield Static("What helps", classes="history-heading")
            yield Static("", id="helps-note")
            yield DataTable(id="helps", cursor_type="row", zebra_stripes=True)
            yield Static(
                Content.assemble("Sessions", ("  Enter opens one", "dim")),
                classes="history-heading",
            )
            yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        helps = self.query_one("#helps", DataTable)
        helps.add_columns("Exercise", "Times", "Minutes", "Change (after − before)")
        sessions = self.query_one("#sessions", DataTable)
        sessions.add_columns("Day", "Exercise", "Minutes", "How it ended", "Before → after")
        self._load()

    @work(thread=True, exclusive=True, group="history")
    def _load(self) -> None:
        app = self.safeplace
        store = app.history.store()
        if store is None:
            self.app.call_from_thread(self._show_unavailable)
            return
        settings = app.settings
        now = app.now()
        today = practice_today(settings.day_start_hour, now, zone=now.tzinfo)
        try:
            stats = stats_from_store(
                store,
                today=today,
                day_start_hour=settings.day_start_hour,
                rest_days_per_week=settings.rest_days_per_week,
            )
            sessions = store.sessions(day_start_hour=settings.day_start_hour)[-RECENT_SESSIONS:]
        except Exception as error:  # a damaged history must not take the app down
            self.app.call_from_thread(self._show_unavailable, error.__class__.__name__)
            return
        self.app.call_from_thread(self._show, stats, sessions)

    def _show_unavailable(self, reason: str = "") -> None:
        detail = f" ({reason})" if reason else ""
        self.query_one("#history-summary", Static).update(
            literal_line(f"Your history could not be read{detail}. Practice still works.")
        )

    def _show(self, stats: Stats, sessions: list[SessionRecord]) -> None:
        show_streaks = self.safeplace.settings.show_streaks
        self.query_one("#history-summary", Static).update(Content(_summary(stats, show_streaks)))
        self.query_one(Heatmap).update_days(stats.heatmap)
        self.query_one("#weekly", Sparkline).data = [m for _, m in stats.weekly_minutes]
        helps = self.query_one("#helps", DataTable)
        helps.clear()
        for row in stats.per_exercise:
            change = "—" if row.average_change is None else f"{row.average_change:+.1f}"
            if row.rated_pairs:
                change += f"  ({row.rated_pairs} rated)"
            helps.add_row(
                literal_cell(row.title),
                str(row.count),
                f"{row.minutes:.0f}",
                change,
                key=row.exercise_id,
            )
        note = (
            "Lower after than before means the exercise eased things. "
            "Rate before and after to see it here."
        )
        self.query_one("#helps-note", Static).update(note)
        self._sessions = sessions
        table = self.query_one("#sessions", DataTable)
        table.clear()
        for record in reversed(sessions):
            before = "–" if record.rating_before is None else str(record.rating_before)
            after = "–" if record.rating_after is None else str(record.rating_after)
            table.add_row(
                record.practice_day.isoformat(),
                literal_cell(record.title),
                f"{record.practised_seconds / 60:.0f}",
                literal_cell(how_it_ended(record, stats.today)),
                f"{before} → {after}",
                key=record.id,
            )
        if sessions:  # Enter opens the newest session; the top of the page stays in view
            table.focus(scroll_visible=False)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id != "sessions" or event.row_key.value is None:
            return
        from safeplace.ui.screens.session_detail import SessionDetail

        record = next((s for s in self._sessions if s.id == event.row_key.value), None)
        if record is not None:
            self.app.push_screen(SessionDetail(record))


def _summary(stats: Stats, show_streaks: bool) -> str:
    lines = []
    if show_streaks:
        today = "today ✓" if stats.done_today else "not yet today"
        lines.append(
            f"Streak {stats.current_streak} day{'s' if stats.current_streak != 1 else ''}"
            f" · longest {stats.longest_streak} · {today}"
        )
    hours, minutes = divmod(round(stats.total_minutes), 60)
    total = f"{hours} h {minutes} min" if hours else f"{minutes} min"
    sessions = "1 session" if stats.total_sessions == 1 else f"{stats.total_sessions} sessions"
    lines.append(f"{sessions} · {total} · {stats.days_practised_last_30} of the last 30 days")
    return "\n".join(lines)
