"""Time to the first frame in a real pseudo-terminal, against a minimal Textual app.

From process start to the moment the PTY output shows a marker of the first frame:
``safeplace play box-breathing`` (marker: "left", the time-left line) and ``safeplace`` alone,
which opens the library (marker: "How am I right now?", the first title in its list), against
a minimal Textual app (one Label with a marker and a Footer). All runs are interleaved, in one
home that has been started once (as every start after the first is), and the medians are
compared.

The library is also opened in a home with 1,000 exercises of the person's own (checked once
before, as any start after the first finds them), against the bundled exercises only.

The very first start after install is measured too, each run in a new home (no
state/checked.json: the person's files and settings have never been checked), against a later
start of the same command. For reference, the player is also started with the garbage
collector running throughout (safeplace pauses it from the app's start to its first frame).
Both apps run from compiled bytecode, as installed packages do (see
terminal.compile_safeplace). Every figure and baseline is measured in this run. Exits 1 when a
target is missed.

    python benchmarks/bench_start.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from terminal import (
    MINIMAL_MARKER,
    SIZE,
    Case,
    compile_safeplace,
    environment,
    first_frame,
    minimal_app,
    safeplace_command,
)

ROUNDS = 15
TARGET_FIRST_FRAME_RATIO = 1.3  # either first frame, to the minimal app's
TARGET_VERY_FIRST_RATIO = 1.2  # the very first start, to a later start
TARGET_OWN_EXERCISES_RATIO = 1.25  # the library with 1,000 of the person's own, to without
OWN_EXERCISES = 1000
CATEGORIES = ("check-in", "breathing", "grounding", "visualization", "compassion", "body")
OWN_EXERCISE = """\
id: own-{number:04d}
title: My own exercise number {number}
summary: One of a thousand exercises written by the person, to see the library cope.
category: {category}
tags: [own, test]
suits: [steady]
steps:
  - say: Let your shoulders drop.
  - breathe: {{pattern: {{in: 4, out: 6}}, cycles: 3}}
  - rate: And now?
    moment: after
"""


def write_own_exercises(home: Path) -> None:
    """OWN_EXERCISES files in the person's folder, in a few sub-folders, every category."""
    for number in range(OWN_EXERCISES):
        category = CATEGORIES[number % len(CATEGORIES)]
        file = home / "data" / "exercises" / category / f"own-{number:04d}.yaml"
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(OWN_EXERCISE.format(number=number, category=category), encoding="utf-8")


def main() -> int:
    package = compile_safeplace()
    cli = safeplace_command()
    player: Case = ([*cli, "play", "box-breathing"], b"left")
    library: Case = (cli, b"How am I right now?")
    # The same start with gc.disable made a no-op: what pausing the collector is worth.
    collector_on = (
        "import gc, sys; gc.disable = lambda: None; from safeplace.cli import run; "
        "sys.exit(run(sys.argv[1:]))"
    )
    player_collector_on: Case = (
        [sys.executable, "-c", collector_on, "play", "box-breathing"],
        b"left",
    )
    times: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-start-") as name:
        folder = Path(name)
        minimal: Case = ([sys.executable, str(minimal_app(folder))], MINIMAL_MARKER)
        warm = environment(folder / "home")
        first_frame(minimal, warm)  # warm-up: .pyc files, the OS's file cache
        first_frame(player, warm)  # the home's first start: later runs find it checked
        write_own_exercises(folder / "own")
        own = environment(folder / "own")
        # Their first check (minutes of validation), then a start that finds them checked.
        subprocess.run([*cli, "list"], env=own, check=True, stdout=subprocess.DEVNULL)
        first_frame(library, own)
        for number in range(ROUNDS):
            cases = {
                "minimal": (minimal, warm),
                "player": (player, warm),
                "library": (library, warm),
                f"library, {OWN_EXERCISES:,} of your own": (library, own),
                "player, very first start": (player, environment(folder / f"new-{number}")),
                "library, very first start": (library, environment(folder / f"lib-{number}")),
                "player, collector running": (player_collector_on, warm),
            }
            for label, (case, env) in cases.items():
                times.setdefault(label, []).append(first_frame(case, env))

    median = {label: statistics.median(runs) for label, runs in times.items()}
    print(f"first frame in a {SIZE[1]}x{SIZE[0]} PTY, median of {ROUNDS} interleaved runs")
    print(f"  (safeplace's bytecode compiled first, as an install does: {package})")
    for label, runs in times.items():
        print(f"  {label:<30} {median[label]:6.0f} ms  (min {min(runs):.0f})")
    checks = [
        ("player / minimal app", median["player"] / median["minimal"], TARGET_FIRST_FRAME_RATIO),
        ("library / minimal app", median["library"] / median["minimal"], TARGET_FIRST_FRAME_RATIO),
        (
            "player: very first / later start",
            median["player, very first start"] / median["player"],
            TARGET_VERY_FIRST_RATIO,
        ),
        (
            "library: very first / later start",
            median["library, very first start"] / median["library"],
            TARGET_VERY_FIRST_RATIO,
        ),
        (
            f"library: {OWN_EXERCISES:,} of your own / none",
            median[f"library, {OWN_EXERCISES:,} of your own"] / median["library"],
            TARGET_OWN_EXERCISES_RATIO,
        ),
    ]
    failed = False
    for label, ratio, target in checks:
        verdict = "ok" if ratio <= target else "MISSED"
        print(f"  ratio {label:<34} {ratio:.2f}x (target <= {target}x): {verdict}")
        failed |= ratio > target
    reference = median["player, collector running"] / median["player"]
    print(f"  reference: collector running / paused (the player) {reference:.2f}x")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
