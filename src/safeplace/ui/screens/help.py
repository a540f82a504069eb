"""Help & safety: the emergency number, the person's own safety plan, the crisis lines of
their region, and the keys of the screen it covers.

The plan comes from the history (``app.history.safety_plan()``): its words are data, shown as
typed. Help shows its people and professionals (the whole plan when it names nobody), so they
and the crisis lines fit one screen; ``e`` opens the editor, with all of it, on top, and going
back from it shows the plan as saved.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from safeplace.history.plan import Section, crisis_lines, emergency_sentence
from safeplace.ui.widgets.literal import literal_line

if TYPE_CHECKING:
    from safeplace.history.plan import SafetyPlan
    from safeplace.ui.app import SafeplaceApp

SCOPE = (
    "safeplace is a companion for self-care. It is not therapy, and it is not an emergency service."
)
CONTACTS = ("people", "professionals")
NO_PLAN_YET = (
    "You have no safety plan yet: a short list of what helps and who you can reach when "
    "things are hard, to share with someone you trust."
)


def key_lines(app: App[Any]) -> list[str]:
    """The keys of the screen about to be covered, as this person has them (their keymap
    included): safeplace's own bindings and the app's, each with its longer words."""
    keys_by_words: dict[str, list[str]] = {}
    for active in app.active_bindings.values():
        binding = active.binding
        if binding.id is None and active.node is not app:
            continue  # a widget's generic keys (scrolling, focus): not worth a line
        words = binding.tooltip or binding.description
        if words:
            keys_by_words.setdefault(words, []).append(app.get_key_display(binding))
    return [f"  {' or '.join(keys):<12} {words}" for words, keys in keys_by_words.items()]


def safety_words(region: str) -> Content:
    """What comes first: this is not an emergency service, and the number to call."""
    return Content.assemble(
        ("If this is more than an exercise can hold", "bold"),
        f"\n{SCOPE}\n{emergency_sentence(region)}",
    )


def shown_parts(plan: SafetyPlan) -> list[tuple[Section, tuple[str, ...]]]:
    """What help shows of the plan: the people to reach, so that they and the crisis lines
    fit one screen; the whole plan when it names nobody yet."""
    filled = plan.filled()
    contacts = [(section, entries) for section, entries in filled if section.id in CONTACTS]
    return contacts or filled


def plan_lines(plan: SafetyPlan) -> Content:
    """The parts help shows, their entries as typed."""
    if plan.is_empty:
        return Content(NO_PLAN_YET)
    lines = [Content.styled("Your safety plan", "bold")]
    for section, entries in shown_parts(plan):
        lines.append(Content.styled(section.title, "italic"))
        lines += [Content("• ") + literal_line(entry) for entry in entries]
    return Content("\n").join(lines)


def edit_line(plan: SafetyPlan, key: str) -> str:
    if plan.is_empty:
        return f"{key} to make your safety plan"
    if len(shown_parts(plan)) < len(plan.filled()):
        return f"{key} to edit your safety plan, and to see all of it"
    return f"{key} to edit your safety plan"


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "dialog.tcss"  # loaded when first shown
    DEFAULT_CSS = """
    #help-emergency, #help-plan-edit, #help-safety { margin-bottom: 1; }
    #help-plan-edit { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1,q", "dismiss", "close", id="help.close"),
        Binding("e", "edit_plan", "edit your safety plan", id="help.edit_plan"),
    ]

    def __init__(self, crisis_region: str = "other", keys: Sequence[str] = ()) -> None:
        super().__init__()
        self.crisis_region = crisis_region
        self.keys = keys

    @property
    def safeplace(self) -> SafeplaceApp:
        return cast("SafeplaceApp", self.app)

    def compose(self) -> ComposeResult:
        lines = "\n".join(f"  • {line}" for line in crisis_lines(self.crisis_region))
        with VerticalScroll(id="help"):
            yield Static("Help & safety", id="help-title")
            yield Static(safety_words(self.crisis_region), id="help-emergency")
            yield Static(id="help-plan")
            yield Static(id="help-plan-edit")
            yield Static(Content.assemble(("Crisis lines", "bold"), "\n", lines), id="help-safety")
            yield Static(Content.styled("Keys here", "bold"), id="help-keys-title")
            yield Static("\n".join(self.keys), id="help-keys", markup=False)  # a keymap is data
            yield Static("Press escape to go back.", id="help-close")

    def on_mount(self) -> None:
        self._show_plan()

    def on_screen_resume(self) -> None:
        self._show_plan()  # back from the editor: the plan as saved

    def _show_plan(self) -> None:
        plan = self.safeplace.history.safety_plan()
        self.query_one("#help-plan", Static).update(plan_lines(plan))
        key = self.app.get_key_display(self._edit_binding())
        self.query_one("#help-plan-edit", Static).update(Content(edit_line(plan, key)))

    def _edit_binding(self) -> Binding:
        for active in self.app.active_bindings.values():
            if active.binding.id == "help.edit_plan":
                return active.binding
        return Binding("e", "edit_plan")

    def action_edit_plan(self) -> None:
        from safeplace.ui.screens.safety_plan import SafetyPlanScreen

        self.app.push_screen(SafetyPlanScreen())
