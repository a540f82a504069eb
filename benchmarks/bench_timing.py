"""How late a session sees its end and its boundaries on the real clock, idle and under load.

Plays a 10-minute exercise at speed 60 (10 s of real time) on ``time.monotonic`` in an
asyncio loop that polls ``Session.advance()`` like the UI: a 0.1 s repaint tick kept on a
deadline (``loop.call_later`` to the next tick, never sleep-and-subtract), woken earlier when
``Session.next_boundary_in()`` says a boundary comes first. Measures when ``Finished`` is
observed against the scheduled end, and how late each step and breath-phase change is seen.
Runs once idle and once while another process keeps a core busy, then the same in the real
app (headless Textual, motion full), where the player's boundary timer must catch the end.
Exits 1 above the target.

    python benchmarks/bench_timing.py
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from safeplace.exercise.model import Exercise
from safeplace.playback.session import Event, Finished, PhaseChanged, Session, StepStarted
from safeplace.playback.timeline import Segment

T = TypeVar("T")
SPEED = 60.0
TICK_SECONDS = 0.1
TARGET_MS = 20.0
EXERCISE_SECONDS = 600.0


def ten_minute_exercise() -> Exercise:
    steps: list[dict[str, object]] = [
        {"say": "Find a position that feels supported.", "seconds": 20},
        {"breathe": {"pattern": "box", "cycles": 6}},  # 96 s
        {"silence": 30, "note": "Just rest."},
        {"items": ["five", "four", "three", "two", "one"], "seconds_each": 12},  # 60 s
        {"breathe": {"pattern": "long-out", "cycles": 12}},  # 120 s
        {"say": "Notice how you feel now.", "seconds": 14},
        {"silence": 60},
        {"breathe": {"pattern": "slow", "cycles": 18}},  # 180 s
        {"say": "When you are ready, open your eyes.", "seconds": 20},
    ]
    return Exercise.model_validate(
        {
            "id": "bench-timing",
            "title": "Timing benchmark",
            "summary": "Ten minutes of breathing, narration and quiet.",
            "category": "breathing",
            "cautions": ["breath-holds"],
            "steps": steps,
        }
    )


@dataclass
class Run:
    end_late_ms: float = 0.0
    boundary_late_ms: list[float] = field(default_factory=list)
    wakes: int = 0


def _due(session: Session, segment: Segment, event: Event) -> float:
    """Scheduled clock time of a step or phase change (no pauses, no waits here)."""
    assert session.started_at is not None
    offset = session.timeline.step_starts[segment.index]
    if isinstance(event, PhaseChanged) and segment.breath is not None:
        offset += next(
            p.start
            for p in segment.breath.phases
            if p.cycle_index == event.cycle_index and p.phase is event.phase
        )
    return session.started_at + offset / SPEED


async def play(exercise: Exercise) -> Run:
    loop = asyncio.get_running_loop()
    session = Session(exercise, time.monotonic, speed=SPEED)
    run = Run()
    done: asyncio.Future[None] = loop.create_future()
    session.start()
    assert session.started_at is not None
    scheduled_end = session.started_at + session.timeline.timed_seconds / SPEED
    next_tick = session.started_at + TICK_SECONDS

    def wake() -> None:
        nonlocal next_tick
        run.wakes += 1
        events = session.advance()
        now = time.monotonic()
        for event in events:
            if isinstance(event, (StepStarted, PhaseChanged)):
                late = now - _due(session, event.segment, event)
                run.boundary_late_ms.append(late * 1000)
            if isinstance(event, Finished):
                run.end_late_ms = (now - scheduled_end) * 1000
                done.set_result(None)
                return
        while next_tick <= now:  # a deadline grid: late ticks never push later ones
            next_tick += TICK_SECONDS
        wake_at = next_tick
        delay = session.next_boundary_in()
        if delay is not None:
            wake_at = min(wake_at, now + delay)
        loop.call_later(max(0.0, wake_at - time.monotonic()), wake)

    loop.call_soon(wake)
    await done
    return run


async def play_in_app(exercise: Exercise) -> float:
    """The same exercise in the real app (headless, motion full): how late the end is handled."""
    import tempfile
    from pathlib import Path

    import yaml
    from textual.screen import Screen

    from safeplace.exercise.library import load_library
    from safeplace.paths import resolve_paths
    from safeplace.settings import Settings
    from safeplace.ui.app import make_app
    from safeplace.ui.screens.closing import ClosingScreen
    from safeplace.ui.screens.player import PlayerScreen

    with tempfile.TemporaryDirectory() as home:
        folder = Path(home) / "extra"
        folder.mkdir()
        data = exercise.model_dump(mode="json", by_alias=True, exclude_none=True)
        (folder / "bench-timing.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
        paths = resolve_paths({"SAFEPLACE_HOME": home})
        library = load_library(paths, extra_dirs=[folder])
        app = make_app(
            Settings(),
            time.monotonic,
            None,
            library,
            exercise_id="bench-timing",
            speed=SPEED,
            motion="full",
            cursor_blink=False,
        )
        handled: list[float] = []
        replace_top = app.replace_top

        def stamped(screen: Screen[Any]) -> None:
            if isinstance(screen, ClosingScreen):  # the end, as the person sees it
                handled.append(time.monotonic())
            replace_top(screen)

        app.replace_top = stamped  # type: ignore[method-assign]
        async with app.run_test(size=(100, 30)) as pilot:
            assert isinstance(app.screen, PlayerScreen)
            session = app.screen.session
            assert session.started_at is not None
            scheduled_end = session.started_at + session.timeline.timed_seconds / SPEED
            while not handled:
                await pilot.pause(0.05)
        return (handled[0] - scheduled_end) * 1000


def with_busy_core(measure: Callable[[], T]) -> T:
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.2)  # let it get going
        return measure()
    finally:
        hog.kill()
        hog.wait()


def describe(name: str, run: Run) -> str:
    lateness = sorted(run.boundary_late_ms)
    return (
        f"  {name}: end late by {run.end_late_ms:.1f} ms; {len(lateness)} boundaries late by "
        f"median {statistics.median(lateness):.1f} ms, max {lateness[-1]:.1f} ms; "
        f"{run.wakes} wake-ups"
    )


def main() -> int:
    exercise = ten_minute_exercise()
    total = exercise.estimated_seconds()
    if total != EXERCISE_SECONDS:
        print(f"timing: the benchmark exercise lasts {total} s, expected {EXERCISE_SECONDS} s")
        return 1
    idle = asyncio.run(play(exercise))
    busy = with_busy_core(lambda: asyncio.run(play(exercise)))
    print(
        f"timing: end of 10-min exercise at speed {SPEED:g}: late by {idle.end_late_ms:.1f} ms "
        f"idle, {busy.end_late_ms:.1f} ms with a busy core (target <= {TARGET_MS:g} ms)"
    )
    print(describe("idle", idle))
    print(describe("busy core", busy))
    app_idle = asyncio.run(play_in_app(exercise))
    app_busy = with_busy_core(lambda: asyncio.run(play_in_app(exercise)))
    print(
        f"timing: the same in the real app (headless, motion full): end handled "
        f"{app_idle:.1f} ms late idle, {app_busy:.1f} ms with a busy core"
    )
    lateness = [idle.end_late_ms, busy.end_late_ms, app_idle, app_busy]
    if max(lateness) > TARGET_MS or min(lateness) < 0:
        print("timing: MISSED the target")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
