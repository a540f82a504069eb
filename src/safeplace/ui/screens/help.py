"""Help & safety: the keys, and where to find a person when this is not enough."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = """\
[b]In an exercise[/b]
  space        pause and go on
  →  ←         next step / back
  escape       stop (you will be asked once)
  g            ground me: a short eyes-open routine, right now
  ctrl+s       continue after writing an answer
  s            skip a question
  0-9, ← →     choose a rating, enter to keep it

[b]Anywhere[/b]
  ? or f1      this help
  h            your history (from the library or after an exercise)
  o            settings (from the library)
  ctrl+p       find anything: start an exercise by name, history, settings
  ctrl+q       quit
"""

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


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "dialog.tcss"  # loaded when first shown

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1,q", "dismiss", "close", id="help.close"),
    ]

    def __init__(self, crisis_region: str = "other") -> None:
        super().__init__()
        self.crisis_region = crisis_region

    def compose(self) -> ComposeResult:
        first = CRISIS_LINES.get(self.crisis_region, CRISIS_LINES["other"])
        others = [line for region, line in CRISIS_LINES.items() if line != first]
        lines = "\n".join(f"  • {line}" for line in [first, *others])
        with VerticalScroll(id="help"):
            yield Static("Help & safety", id="help-title")
            yield Static(SAFETY + "\n" + lines + "\n", id="help-safety")
            yield Static(KEYS, id="help-keys")
            yield Static("Press escape to go back.", id="help-close")
