"""CPU while the player plays, in a real pseudo-terminal, against an idle minimal Textual app.

utime+stime from /proc/<pid>/stat over a fixed window while the player plays one long
breathing step at motion full and none, next to the idle minimal app over the same window
(and, for reference, the minimal app repainting a 13-row block at 10 Hz, like motion full).
Every figure and baseline is measured in this run; the first frames are bench_start.py's.
Exits 1 when a target is missed.

    python benchmarks/bench_player.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from terminal import (
    MINIMAL_MARKER,
    Case,
    Running,
    compile_safeplace,
    environment,
    minimal_app,
    safeplace_command,
)

CPU_WINDOW = 10.0
SETTLE = 1.0  # after the first frame, before the CPU window opens
TARGET_CPU_PERCENT = {"full": 5.0, "none": 1.0}

LONG_BREATHING = """\
id: bench-long-breathing
title: Long breathing
summary: One long breathing step, so a measuring window stays inside it.
category: breathing
steps:
  - breathe: {pattern: slow, cycles: 30}
"""


def cpu_percent(case: Case, env: dict[str, str]) -> float:
    command, marker = case
    running = Running(command, env)
    try:
        running.wait_for(marker)
        running.read(SETTLE)
        before, start = running.cpu_seconds(), time.perf_counter()
        running.read(CPU_WINDOW)
        used, elapsed = running.cpu_seconds() - before, time.perf_counter() - start
        return 100 * used / elapsed
    finally:
        running.stop()


def main() -> int:
    compile_safeplace()
    with tempfile.TemporaryDirectory(prefix="bench-player-") as name:
        folder = Path(name)
        script = minimal_app(folder)
        exercises = folder / "exercises"
        exercises.mkdir()
        (exercises / "long.yaml").write_text(LONG_BREATHING, encoding="utf-8")
        env = environment(folder / "home")
        idle = cpu_percent(([sys.executable, str(script)], MINIMAL_MARKER), env)
        repainting = cpu_percent(([sys.executable, str(script), "--repaint"], MINIMAL_MARKER), env)
        play = [*safeplace_command(), "play", "bench-long-breathing", "--exercises", str(exercises)]
        cpu = {
            motion: cpu_percent(([*play, "--motion", motion], b"left"), env)
            for motion in ("full", "none")
        }

    failed = False
    print(f"CPU over {CPU_WINDOW:.0f} s, % of one core (after {SETTLE:.0f} s to settle):")
    print(f"  minimal Textual app, idle             {idle:6.2f} %")
    print(f"  minimal app, 13-row block at 10 Hz    {repainting:6.2f} %  (reference, no target)")
    for motion, percent in cpu.items():
        target = TARGET_CPU_PERCENT[motion]
        verdict = "ok" if percent <= target else "MISSED"
        versus = f"{percent / idle:.1f}x idle" if idle > 0 else "idle: no measurable CPU"
        if motion == "full" and repainting > 0:
            versus += f", {percent / repainting:.2f}x the 10 Hz block"
        print(
            f"  player, breathing, motion {motion:<4}      {percent:6.2f} %  ({versus}; "
            f"target <= {target:g} %): {verdict}"
        )
        failed |= percent > target
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
