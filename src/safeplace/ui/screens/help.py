"""Help & safety: the keys, and where to find a person when this is not enough."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

CRISIS_LINES = {
    "us": "United States: call or text 988 (Suicide & Crisis Lifeline), or text HOME to 741741.",
    "ca": "Canada: call or text 988.",
    "uk": "UK: call Samaritans free on 116 123, any time.",
    "ie": "Ireland: call Samaritans free on 116 123, any time.",
    "other": "Elsewhere: findahelpline.com lists free, confidential lines in many countries.",
}

SAFETY = """\
[b]If this is more than an exercise can hold[/b]
safeplace is a companion for self-care. It is not therapy, and it is not an emergency service.
If you are in danger right now, call your local emergency number (112 or 911 in many places).
"""


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


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "dialog.tcss"  # loaded when first shown

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1,q", "dismiss", "close", id="help.close"),
    ]

    def __init__(self, crisis_region: str = "other", keys: Sequence[str] = ()) -> None:
        super().__init__()
        self.crisis_region = crisis_region
        self.keys = keys

    def compose(self) -> ComposeResult:
        first = CRISIS_LINES.get(self.crisis_region, CRISIS_LINES["other"])
        others = [line for region, line in CRISIS_LINES.items() if line != first]
        lines = "\n".join(f"  • {line}" for line in [first, *others])
        with VerticalScroll(id="help"):
            yield Static("Help & safety", id="help-title")
            yield Static(SAFETY + "\n" + lines + "\n", id="help-safety")
            yield Static("[b]Keys here[/b]", id="help-keys-title")
            yield Static("\n".join(self.keys), id="help-keys", markup=False)  # a keymap is data
            yield Static("Press escape to go back.", id="help-close")
