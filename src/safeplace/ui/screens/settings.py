"""Settings: every choice a person can make, saved as they make it."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Footer, Select, Static, Switch

from safeplace.settings import RANGES, Settings
from safeplace.ui.screens.base import SafeplaceScreen

SWITCHES = {
    "bell": "Ring the terminal bell on breath changes (one ring in, two out)",
    "breath_holds": "Play the breath holds written into patterns",
    "show_streaks": "Show streaks",
    "keep_answers": "Keep what I write in my local history",
}
MOTION_CHOICES = [
    ("Follow the terminal (TEXTUAL_ANIMATIONS)", "follow"),
    ("Smooth", "full"),
    ("Calm steps", "basic"),
    ("Words only, no motion", "none"),
]
REGION_CHOICES = [
    ("United States", "us"),
    ("Canada", "ca"),
    ("United Kingdom", "uk"),
    ("Ireland", "ie"),
    ("Somewhere else", "other"),
]


class SettingsScreen(SafeplaceScreen[None]):
    CSS_PATH = "settings.tcss"  # loaded when first shown

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "back", id="settings.back"),
        Binding("question_mark,f1", "app.help", "help", id="settings.help"),
    ]

    def compose(self) -> ComposeResult:
        settings = self.safeplace.settings
        themes = sorted(self.app.available_themes)
        with VerticalScroll(id="settings"):
            yield Static("Settings", id="settings-title")
            yield _row(
                "Theme",
                Select(
                    [(t, t) for t in themes], value=self.app.theme, allow_blank=False, id="theme"
                ),
            )
            yield _row(
                "Pacer motion",
                Select(
                    MOTION_CHOICES,
                    value=settings.motion or "follow",
                    allow_blank=False,
                    id="motion",
                ),
            )
            for name, label in SWITCHES.items():
                yield _row(label, Switch(value=getattr(settings, name), id=name))
            yield _row(
                "A new practice day starts at",
                Select(
                    [(f"{hour:02d}:00", hour) for hour in RANGES["day_start_hour"]],
                    value=settings.day_start_hour,
                    allow_blank=False,
                    id="day_start_hour",
                ),
            )
            yield _row(
                "Days a week that may be missed without breaking a streak",
                Select(
                    [(str(days), days) for days in RANGES["rest_days_per_week"]],
                    value=settings.rest_days_per_week,
                    allow_blank=False,
                    id="rest_days_per_week",
                ),
            )
            yield _row(
                "Crisis lines to show first",
                Select(
                    REGION_CHOICES,
                    value=settings.crisis_region,
                    allow_blank=False,
                    id="crisis_region",
                ),
            )
            yield Static("", id="settings-status")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        # A theme chosen meanwhile from the palette (ctrl+p works here too) shows here at once.
        self.watch(self.app, "theme", self._show_theme, init=False)

    def _show_theme(self, name: str) -> None:
        self.query_one("#theme", Select).value = name

    def on_switch_changed(self, event: Switch.Changed) -> None:
        self._change(event.switch.id or "", event.value)

    def on_select_changed(self, event: Select.Changed) -> None:
        following = event.select.id == "motion" and event.value == "follow"
        self._change(event.select.id or "", None if following else event.value)

    def _change(self, name: str, value: Any) -> None:
        current = self.safeplace.settings
        if name not in {setting.name for setting in fields(Settings)}:
            return
        if getattr(current, name) == value:
            return
        updated = replace(current, **{name: value})
        self.safeplace.apply_settings(updated)
        self.safeplace.save_settings(done=self._saved)

    def _saved(self, message: str) -> None:
        if self.is_attached:  # the person may have left the screen meanwhile
            self.query_one("#settings-status", Static).update(message)


def _row(label: str, control: Widget) -> Horizontal:
    return Horizontal(Static(label, classes="settings-label"), control, classes="settings-row")
