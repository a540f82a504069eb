"""The screens' common base: typed access to the app that owns them."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from safeplace.ui.app import SafeplaceApp

ResultType = TypeVar("ResultType")


class SafeplaceScreen(Screen[ResultType]):
    @property
    def safeplace(self) -> SafeplaceApp:
        return cast("SafeplaceApp", self.app)

    def on_mount(self) -> None:
        """Textual runs this after a screen's own ``on_mount`` (handlers run up the classes)."""
        self.call_after_refresh(self.safeplace.first_frame_drawn)
