"""The installed `safeplace` in a real terminal: tmux runs it, tests send keys and read the screen.

Each :class:`Terminal` is its own tmux server (a private socket) with one window, in a
person's environment; :func:`opened` skips the test when tmux is not installed. Waits poll
the screen until the text shows up, with a generous timeout (a guard against a hang, not a
measure of speed); every screen read fails at once if a traceback or an error is on it.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

TIMEOUT = 15.0
EXIT_MARK = "EXIT="
FORBIDDEN = ("Traceback", "Error")
HANG_WARNING = (
    "safeplace was still running 10 s after its terminal closed, so it was killed (its watchdog "
    "should have ended it: after a hang-up Textual's LinuxDriver.close() can block forever)"
)


def safeplace() -> list[str]:
    """The console script beside this interpreter, else `python -m safeplace`."""
    script = Path(sys.executable).with_name("safeplace")
    return [str(script)] if script.exists() else [sys.executable, "-m", "safeplace"]


def person_env(home: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """A person's environment (``base``, else this one): no test-only animation, colour or size
    overrides (pytest-xdist sets COLUMNS and LINES, which Textual prefers to the real size), no
    outer tmux, a UTF-8 locale."""
    env = dict(os.environ if base is None else base, SAFEPLACE_HOME=str(home))
    for name in ("TEXTUAL_ANIMATIONS", "NO_COLOR", "TMUX", "TMUX_PANE", "COLUMNS", "LINES"):
        env.pop(name, None)
    if "utf" not in (env.get("LC_ALL") or env.get("LANG") or "").lower():
        env["LANG"] = "C.UTF-8"
    return env


class Terminal:
    """A private tmux server with one window running `safeplace` (its pid noted in
    ``folder``); with ``log``, everything the app writes to the terminal is kept raw."""

    def __init__(
        self,
        home: Path,
        folder: Path,
        *,
        env: Mapping[str, str] | None = None,
        log: bool = False,
    ) -> None:
        self.socket = f"safeplace-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.socket_path = ""
        self.env = person_env(home, env)  # the server, and so the window, inherits it
        self.pidfile = folder / "app.pid"
        self.log = folder / "pane.raw" if log else None
        self.screens: list[str] = []
        """Every screen read, in order."""

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=True,
        )
        return done.stdout

    def start(
        self,
        args: list[str],
        size: tuple[int, int] = (100, 30),
        *,
        before: str = "",
        keeps_hang_up: bool = False,
    ) -> None:
        """Run `safeplace ARGS`; when it ends the shell prints EXIT=<code> and stays open.

        ``before``: shell words run first in the app's own process (e.g. a ulimit). With
        ``keeps_hang_up`` the window's shell is like `make run`: it takes the SIGHUP of a
        closed terminal and waits for the app, so the app never gets one (only the session
        leader does, and the rest get theirs when it exits)."""
        # A child shell notes its pid, then becomes the app (same pid); the outer shell stays.
        app = shlex.join([*safeplace(), *args])
        note_pid = shlex.quote(f"echo $$ > {shlex.quote(str(self.pidfile))}; {before} exec {app}")
        keep = "trap 'exit 0' HUP; " if keeps_hang_up else ""  # a trap waits for the child
        # With a log, the app starts only once the log is attached, so it misses no byte.
        wait = "tmux wait-for logged; " if self.log else ""
        shell = f"{wait}{keep}sh -c {note_pid}; echo {EXIT_MARK}$?; sleep 600"
        width, height = (str(n) for n in size)
        self.tmux("new-session", "-d", "-x", width, "-y", height, shell)
        self.socket_path = self.tmux("display-message", "-p", "#{socket_path}").strip()
        if self.log:
            self.tmux("pipe-pane", "-o", f"cat > {shlex.quote(str(self.log))}")
            self.tmux("wait-for", "-S", "logged")

    @property
    def pid(self) -> int:
        return int(self.pidfile.read_text())

    def app_running(self) -> bool:
        try:
            state = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ValueError):
            return False
        return state != "Z"

    def screen(self) -> str:
        text = self.tmux("capture-pane", "-p")
        self.screens.append(text)
        for word in FORBIDDEN:
            assert word not in text, f"{word!r} on screen:\n{text}"
        return text

    def wait_until(self, check: Callable[[str], bool], what: str, timeout: float = TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            if check(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"waited {timeout:.0f} s for {what}; the screen:\n{text}")
            time.sleep(0.05)

    def wait_for(self, *texts: str, timeout: float = TIMEOUT) -> str:
        return self.wait_until(lambda screen: all(t in screen for t in texts), repr(texts), timeout)

    def exit_code(self) -> int:
        text = self.wait_until(lambda screen: EXIT_MARK in screen, "the app to exit")
        match = re.search(rf"{EXIT_MARK}(\d+)", text)
        assert match, text
        return int(match.group(1))

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-l", text)

    def resize(self, width: int, height: int) -> None:
        self.tmux("resize-window", "-x", str(width), "-y", str(height))

    def alternate_screen_on(self) -> bool:
        return self.tmux("display-message", "-p", "#{alternate_on}").strip() == "1"

    def title(self) -> str:
        return self.tmux("display-message", "-p", "#{pane_title}").strip()

    def written(self) -> bytes:
        """Every byte the app wrote to the terminal so far (needs ``log``)."""
        assert self.log is not None, "this terminal keeps no log"
        return self.log.read_bytes()

    def hang_up(self) -> None:
        """Close the terminal, as closing its window would: the app gets SIGHUP."""
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
        if self.socket_path:  # tmux 3.3 leaves its socket file behind
            Path(self.socket_path).unlink(missing_ok=True)

    def wait_gone(self, after: str = "20 s of waiting for it to end") -> None:
        """The app ends by itself; the limit is generous (the watchdog acts within seconds)."""
        deadline = time.monotonic() + 20
        while self.app_running():
            assert time.monotonic() < deadline, f"safeplace outlived {after}"
            time.sleep(0.05)

    def close(self) -> None:
        """Hang up, and never leave an app behind, even one that does not exit."""
        self.hang_up()
        deadline = time.monotonic() + 10
        while self.pidfile.exists() and self.app_running():
            if time.monotonic() > deadline:
                warnings.warn(HANG_WARNING, stacklevel=1)
                os.kill(self.pid, signal.SIGKILL)
            time.sleep(0.05)


@contextmanager
def opened(
    home: Path, folder: Path, *, env: Mapping[str, str] | None = None, log: bool = False
) -> Iterator[Terminal]:
    """A :class:`Terminal` for one test (skipped without tmux), closed after it."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (`make tmux` installs it with apt-get)")
    terminal = Terminal(home, folder, env=env, log=log)
    try:
        yield terminal
    finally:
        terminal.close()
