"""The clock a session reads: any callable returning monotonic seconds.

The app passes ``time.monotonic``; tests and snapshots pass a :class:`FakeClock` so that
time moves only when they say so.
"""

from __future__ import annotations

from collections.abc import Callable

Clock = Callable[[], float]


class FakeClock:
    """A hand-driven monotonic clock: ``clock()`` reads it, ``advance``/``set`` move it."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a monotonic clock cannot go back")
        self.now += seconds

    def set(self, t: float) -> None:
        if t < self.now:
            raise ValueError("a monotonic clock cannot go back")
        self.now = t

    def __repr__(self) -> str:
        return f"FakeClock({self.now!r})"
