"""Hearing that the process goes on after being stopped (SIGSTOP, or ctrl+z then fg).

The stopped time is no practice; the session decides what it was (a pause, see
``Session.continued``). This only tells it when, on the event loop's thread. A handler that was
there before (Textual's, which restores the terminal) keeps running first.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable
from types import FrameType
from typing import Any


class ContinueWatch:
    """At each SIGCONT between start and stop, calls ``at_signal`` at once (in the handler,
    before any timer runs) and then ``on_continue`` with its result on the event loop."""

    def __init__(self, at_signal: Callable[[], Any], on_continue: Callable[[Any], None]) -> None:
        self._at_signal = at_signal
        self._on_continue = on_continue
        self._installed: tuple[Any, Any] | None = None  # (the handler before, ours)

    def start(self) -> None:
        sigcont = getattr(signal, "SIGCONT", None)
        if sigcont is None:
            return  # Windows: no stopping and going on
        loop = asyncio.get_running_loop()
        before = signal.getsignal(sigcont)

        def continued(number: int, frame: FrameType | None) -> None:
            if callable(before):
                before(number, frame)
            noted = self._at_signal()
            with contextlib.suppress(RuntimeError):  # the loop is closing
                loop.call_soon_threadsafe(self._on_continue, noted)

        try:
            signal.signal(sigcont, continued)
        except ValueError:
            return  # not the main thread: signals cannot be heard here
        self._installed = (before, continued)

    def stop(self) -> None:
        if self._installed is None:
            return
        before, ours = self._installed
        self._installed = None
        with contextlib.suppress(ValueError):
            if signal.getsignal(signal.SIGCONT) is ours:
                signal.signal(signal.SIGCONT, before)
