"""What the terminal benchmarks share: a command on its own pseudo-terminal, a minimal
Textual app to measure against, and safeplace's bytecode compiled as an install compiles it.

Not a benchmark itself (run_all.py runs only bench_*.py).
"""

from __future__ import annotations

import compileall
import fcntl
import importlib.util
import os
import select
import signal
import struct
import sys
import termios
import time
from pathlib import Path

TIMEOUT = 15.0
SIZE = (30, 100)  # rows, columns

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
MINIMAL_MARKER = b"minimal-ready"

Case = tuple[list[str], bytes]  # a command, and what its output shows once the frame is drawn


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


def first_frame(case: Case, env: dict[str, str]) -> float:
    """Milliseconds from process start to the case's marker on its PTY."""
    command, marker = case
    running = Running(command, env)
    try:
        return 1000 * running.wait_for(marker)
    finally:
        running.stop()


def environment(home: Path) -> dict[str, str]:
    env = dict(os.environ, SAFEPLACE_HOME=str(home), TERM="xterm-256color")
    for name in ("TEXTUAL_ANIMATIONS", "NO_COLOR"):
        env.pop(name, None)
    return env


def minimal_app(folder: Path) -> Path:
    script = folder / "minimal_app.py"
    script.write_text(MINIMAL_APP, encoding="utf-8")
    return script


def safeplace_command() -> list[str]:
    """The installed console script (what a person runs), else ``python -m safeplace``."""
    installed = Path(sys.executable).with_name("safeplace")
    return [str(installed)] if installed.exists() else [sys.executable, "-m", "safeplace"]


def compile_safeplace() -> Path:
    """Write safeplace's bytecode caches, as installing a wheel does (pip and uv compile), so
    both apps load compiled modules: Textual's were compiled when it was installed, but a
    source checkout run with PYTHONDONTWRITEBYTECODE=1 would compile safeplace on every start."""
    spec = importlib.util.find_spec("safeplace")
    assert spec is not None and spec.origin is not None
    package = Path(spec.origin).parent
    compileall.compile_dir(str(package), quiet=1)
    return package
