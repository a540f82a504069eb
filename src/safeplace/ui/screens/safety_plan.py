"""The safety plan's editor: its parts one under the other, one box each, one entry a line.

Nothing typed is lost: every change is saved (``app.history.save_safety_plan``, which shows
it at once and writes it on the history's thread), and so is what each box holds when it goes,
however the screen goes (back, ctrl+s, the app closed or ended by a signal).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static, TextArea

from safeplace.history.plan import MAX_ENTRIES, MAX_ENTRY_CHARS, SECTIONS, SafetyPlan, over_bounds
from safeplace.ui.screens.base import SafeplaceScreen

INTRO = (
    "A plan for hard moments, to share with someone you trust. Write one thing a line; "
    "it is kept as you type, on this computer only."
)
TOO_MUCH = (
    f"Only the first {MAX_ENTRIES} lines, of up to {MAX_ENTRY_CHARS} characters each, are kept."
)


class PlanBox(TextArea):
    """One part's box. As it goes (before its screen), it hands its text to ``keep``: the last
    keystrokes are kept even when the app closes before their change message is handled."""

    def __init__(self, text: str, section_id: str, keep: Callable[[str, str], None]) -> None:
        super().__init__(text, id=f"plan-{section_id}", soft_wrap=True, tab_behavior="focus")
        self.section_id = section_id
        self._keep = keep

    def on_unmount(self) -> None:
        self._keep(self.section_id, self.text)


class SafetyPlanScreen(SafeplaceScreen[None]):
    CSS_PATH = "safety_plan.tcss"  # loaded when first shown

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "back", id="plan.back", tooltip="back (your plan is kept)"),
        Binding("ctrl+s", "save", "save", id="plan.save", tooltip="save your plan now"),
        Binding("f1,question_mark", "help", "help", id="plan.help", tooltip="help & safety"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._texts: dict[str, str] = {}
        self._saved: SafetyPlan | None = None

    def compose(self) -> ComposeResult:
        plan = self.safeplace.history.safety_plan()
        self._saved = plan
        with VerticalScroll(id="plan"):
            yield Static("Your safety plan", id="plan-title")
            yield Static(INTRO, id="plan-intro", markup=False)
            for section in SECTIONS:
                text = plan.text_of(section.id)
                self._texts[section.id] = text
                yield Static(Content(section.title), classes="plan-heading")
                yield Static(Content(section.invitation), classes="plan-invitation")
                area = PlanBox(text, section.id, self._keep)
                area.cursor_blink = self.safeplace.cursor_blink
                yield area
                yield Static(TOO_MUCH, id=f"plan-{section.id}-note", classes="plan-note")
            yield Static("", id="plan-status")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        for section in SECTIONS:
            self._show_bounds(section.id)
        first = self.query_one(PlanBox)
        first.move_cursor(first.document.end)
        first.focus()  # ready to write on in the first part

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if isinstance(event.text_area, PlanBox):
            self._keep(event.text_area.section_id, event.text_area.text)
            self._show_bounds(event.text_area.section_id)

    def _keep(self, section_id: str, text: str) -> None:
        self._texts[section_id] = text
        self.save()

    def _show_bounds(self, section_id: str) -> None:
        note = self.query_one(f"#plan-{section_id}-note", Static)
        note.display = over_bounds(self._texts[section_id])

    def save(self) -> bool:
        """Keep what the boxes hold, if it changed; True when there was something to keep."""
        plan = SafetyPlan.from_texts(self._texts)
        if plan == self._saved:
            return False
        self._saved = plan
        self.safeplace.history.save_safety_plan(plan)
        return True

    def action_save(self) -> None:
        self.save()
        self.query_one("#plan-status", Static).update("Your plan is saved.")

    def action_leave(self) -> None:
        self.save()
        self.dismiss()

    def action_help(self) -> None:
        """Help shows the plan as saved; when help opened this editor, go back to it."""
        from safeplace.ui.screens.help import HelpScreen, key_lines

        self.save()
        stack = self.app.screen_stack
        if len(stack) > 1 and isinstance(stack[-2], HelpScreen):
            self.dismiss()
            return
        self.app.push_screen(HelpScreen(self.safeplace.settings.crisis_region, key_lines(self.app)))
