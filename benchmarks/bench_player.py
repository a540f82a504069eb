"""The player in a real pseudo-terminal: time to its first frame, and CPU while it plays.

First frame: from process start to the moment the PTY output shows a marker of the first frame,
for ``safeplace play box-breathing`` (marker: "left", the time-left line) against a minimal
Textual app (one Label with a marker and a Footer), interleaved runs, medians. The timed starts
reuse the remembered result of checking the exercise files (safeplace.checked); the very first
start, which checks them all, is printed for reference, as is a start with the garbage
collector left running (safeplace's __main__ pauses it until the first frame). Both apps run
from compiled bytecode, as installed packages do: safeplace's is compiled first (see
compile_safeplace), since a checkout run with PYTHONDONTWRITEBYTECODE=1 never caches it.
CPU: utime+stime from /proc/<pid>/stat over a fixed window while the player plays one long
breathing step at motion full and none, next to the idle minimal app over the same window
(and, for reference, the minimal app repainting a 13-row block at 10 Hz, like motion full).
Every figure and baseline is measured in this run. Exits 1 when a target is missed.

    python benchmarks/bench_player.py
"""

from __future__ import annotations

import compileall
import fcntl
import importlib.util
import os
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

ROUNDS = 15
CPU_WINDOW = 10.0
SETTLE = 1.0  # after the first frame, before the CPU window opens
TIMEOUT = 15.0
SIZE = (30, 100)  # rows, columns
TARGET_FIRST_FRAME_RATIO = 1.3
TARGET_CPU_PERCENT = {"full": 5.0, "none": 1.0}

MINIMAL_APP = """\
import sys

from rich.text import Text
from textual.app import App
from textual.widget import Widget
from textual.widgets import Footer, Label


class Block(Widget):
    \"\"\"A 13-row block that changes 10 times a second, like a breathing orb.\"\"\"

    DEFAULT_CSS = "Block { height: 1fr; }"
    size_now = 0

    def render(self):
        rows = ("█" * 2 * max(0, self.size_now - abs(row - 6)) for row in range(13))
        return Text("\\n".join(row.center(self.size.width) for row in rows))

    def on_mount(self):
        self.set_interval(0.1, self.grow)

    def grow(self):
        self.size_now = (self.size_now + 1) % 14
        self.refresh()


class Minimal(App):
    BINDINGS = [("q", "quit", "quit")]

    def compose(self):
        yield Label("minimal-ready")
        if "--repaint" in sys.argv:  # the reference for motion full; else Label + Footer only
            yield Block()
        yield Footer()


Minimal().run()
"""

LONG_BREATHING = """\
id: bench-long-breathing
title: Long breathing
summary: One long breathing step, so a measuring window stays inside it.
category: breathing
steps:
  - breathe: {pattern: slow, cycles: 30}
"""


class Running:
    """A command on its own PTY; its output is drained so it never blocks on a full buffer."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.started = time.perf_counter()
        self.pid, self.fd = os.forkpty()
        if self.pid == 0:  # the child: size its terminal, then become the command
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", *SIZE, 0, 0))
                os.execvpe(command[0], command, env)
            finally:
                os._exit(127)
        self.output = b""

    def read(self, seconds: float) -> None:
        deadline = time.perf_counter() + seconds
        while (left := deadline - time.perf_counter()) > 0:
            if select.select([self.fd], [], [], left)[0]:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:  # EIO: the child has gone
                    return
                if not chunk:
                    return
                self.output += chunk

    def wait_for(self, marker: bytes) -> float:
        """Seconds from the start until MARKER has appeared in the output."""
        deadline = self.started + TIMEOUT
        while marker not in self.output:
            if time.perf_counter() > deadline:
                tail = self.output[-400:].decode(errors="replace")
                raise RuntimeError(f"no {marker!r} after {TIMEOUT} s; output ends {tail!r}")
            self.read(0.002)
        return time.perf_counter() - self.started

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
        return (utime + stime) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        os.kill(self.pid, signal.SIGTERM)
        self.read(3.0)  # until the child closes the PTY
        deadline = time.perf_counter() + 3.0
        while os.waitpid(self.pid, os.WNOHANG) == (0, 0):
            if time.perf_counter() > deadline:
                os.kill(self.pid, signal.SIGKILL)
            time.sleep(0.01)
        os.close(self.fd)


class Bench:
    def __init__(self, folder: Path) -> None:
        script = folder / "minimal_app.py"
        script.write_text(MINIMAL_APP, encoding="utf-8")
        exercises = folder / "exercises"
        exercises.mkdir()
        (exercises / "long.yaml").write_text(LONG_BREATHING, encoding="utf-8")
        self.env = dict(os.environ, SAFEPLACE_HOME=str(folder / "home"), TERM="xterm-256color")
        for name in ("TEXTUAL_ANIMATIONS", "NO_COLOR"):
            self.env.pop(name, None)
        installed = Path(sys.executable).with_name("safeplace")
        cli = [str(installed)] if installed.exists() else [sys.executable, "-m", "safeplace"]
        self.minimal = ([sys.executable, str(script)], b"minimal-ready")
        self.repainting = ([sys.executable, str(script), "--repaint"], b"minimal-ready")
        self.player = ([*cli, "play", "box-breathing"], b"left")
        # The same without __main__, so the garbage collector runs throughout start-up:
        # shows what pausing it is worth (a reference, no target).
        collector_on = "import sys; from safeplace.cli import run; sys.exit(run(sys.argv[1:]))"
        self.player_collector_on = (
            [sys.executable, "-c", collector_on, "play", "box-breathing"],
            b"left",
        )
        long_play = [*cli, "play", "bench-long-breathing", "--exercises", str(exercises)]
        self.breathing = {
            motion: ([*long_play, "--motion", motion], b"left") for motion in ("full", "none")
        }

    def first_frame(self, case: tuple[list[str], bytes]) -> float:
        command, marker = case
        running = Running(command, self.env)
        try:
            return running.wait_for(marker)
        finally:
            running.stop()

    def cpu_percent(self, case: tuple[list[str], bytes]) -> float:
        command, marker = case
        running = Running(command, self.env)
        try:
            running.wait_for(marker)
            running.read(SETTLE)
            before, start = running.cpu_seconds(), time.perf_counter()
            running.read(CPU_WINDOW)
            used, elapsed = running.cpu_seconds() - before, time.perf_counter() - start
            return 100 * used / elapsed
        finally:
            running.stop()


def compile_safeplace() -> Path:
    """Write safeplace's bytecode caches, as installing a wheel does (pip compiles), so both
    apps load compiled modules: Textual's were compiled when it was installed, but a source
    checkout run with PYTHONDONTWRITEBYTECODE=1 would compile safeplace on every start."""
    spec = importlib.util.find_spec("safeplace")
    assert spec is not None and spec.origin is not None
    package = Path(spec.origin).parent
    compileall.compile_dir(str(package), quiet=1)
    return package


def main() -> int:
    package = compile_safeplace()
    with tempfile.TemporaryDirectory(prefix="bench-player-") as folder:
        bench = Bench(Path(folder))
        bench.first_frame(bench.minimal)  # warm-up: .pyc files, the OS's file cache
        # The very first start checks every exercise file (later starts reuse the result).
        first_start = 1000 * bench.first_frame(bench.player)
        minimal_ms: list[float] = []
        player_ms: list[float] = []
        collector_on_ms: list[float] = []
        for _ in range(ROUNDS):
            minimal_ms.append(1000 * bench.first_frame(bench.minimal))
            player_ms.append(1000 * bench.first_frame(bench.player))
            collector_on_ms.append(1000 * bench.first_frame(bench.player_collector_on))
        idle = bench.cpu_percent(bench.minimal)
        repainting = bench.cpu_percent(bench.repainting)
        cpu = {motion: bench.cpu_percent(case) for motion, case in bench.breathing.items()}

    minimal, player = statistics.median(minimal_ms), statistics.median(player_ms)
    ratio = player / minimal
    failed = False
    print(f"first frame in a {SIZE[1]}x{SIZE[0]} PTY, median of {ROUNDS} interleaved runs")
    print(f"  (safeplace's bytecode compiled first, as an install does: {package})")
    print(f"  minimal Textual app (Label + Footer)  {minimal:6.0f} ms  (min {min(minimal_ms):.0f})")
    print(f"  safeplace play box-breathing          {player:6.0f} ms  (min {min(player_ms):.0f})")
    verdict = "ok" if ratio <= TARGET_FIRST_FRAME_RATIO else "MISSED"
    print(f"  ratio {ratio:.2f}x (target <= {TARGET_FIRST_FRAME_RATIO}x): {verdict}")
    print(f"  reference: the very first start, checking every exercise file {first_start:6.0f} ms")
    collector_on = statistics.median(collector_on_ms)
    print(
        f"  reference: the player with the collector running during start-up "
        f"{collector_on:6.0f} ms ({collector_on / minimal:.2f}x)"
    )
    failed |= ratio > TARGET_FIRST_FRAME_RATIO

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
