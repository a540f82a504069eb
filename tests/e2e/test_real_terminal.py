"""The real CLI in a real terminal: tmux runs `safeplace`, we send keys and read the screen.

Each test starts its own tmux server (a private socket) and its own SAFEPLACE_HOME; tests that
need tmux are skipped when it is not installed. Waits poll the screen until the text shows up,
with a generous timeout; every screen read fails at once if a traceback or an error is on it.
"""

from __future__ import annotations

import json
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
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

TIMEOUT = 10.0
EXIT_MARK = "EXIT="
FORBIDDEN = ("Traceback", "Error")
ORB = ("█", "▐", "▌")
HANG_WARNING = (
    "safeplace was still running 10 s after its terminal closed, so it was killed (its watchdog "
    "should have ended it: after a hang-up Textual's LinuxDriver.close() can block forever)"
)

TINY = """\
id: tiny-e2e
title: Tiny e2e
summary: A say, a short breathe and a say; it plays by itself.
category: breathing
steps:
  - say: Settle in.
    seconds: 3
  - breathe:
      pattern: {in: 4, out: 4}
      cycles: 10
  - say: Well done.
    seconds: 3
"""


def safeplace() -> list[str]:
    """The console script beside this interpreter, else `python -m safeplace`."""
    script = Path(sys.executable).with_name("safeplace")
    return [str(script)] if script.exists() else [sys.executable, "-m", "safeplace"]


def app_env(home: Path) -> dict[str, str]:
    """A person's environment: no test-only animation, colour or size overrides (pytest-xdist
    sets COLUMNS and LINES, which Textual prefers to the real size), a UTF-8 locale."""
    env = dict(os.environ, SAFEPLACE_HOME=str(home))
    for name in ("TEXTUAL_ANIMATIONS", "NO_COLOR", "TMUX", "TMUX_PANE", "COLUMNS", "LINES"):
        env.pop(name, None)
    if "utf" not in (env.get("LC_ALL") or env.get("LANG") or "").lower():
        env["LANG"] = "C.UTF-8"
    return env


def history(home: Path) -> list[dict[str, object]]:
    done = subprocess.run(
        [*safeplace(), "history", "--json"],
        env=app_env(home),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    )
    sessions: list[dict[str, object]] = json.loads(done.stdout)
    return sessions


def time_left(screen: str) -> int:
    match = re.search(r"(\d+):(\d\d) left", screen)
    assert match, f"no time left on screen:\n{screen}"
    return int(match.group(1)) * 60 + int(match.group(2))


class Terminal:
    """A private tmux server with one window running one shell command."""

    def __init__(self, home: Path, folder: Path) -> None:
        self.socket = f"safeplace-e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.socket_path: str | None = None
        self.env = app_env(home)  # the server, and so the window, inherits it
        self.pidfile = folder / "app.pid"
        self.screens: list[str] = []

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
        self, args: list[str], size: tuple[int, int] = (100, 30), *, keeps_hang_up: bool = False
    ) -> None:
        """Run `safeplace ARGS`; when it ends the shell prints EXIT=<code> and stays open.

        With keeps_hang_up the window's shell is like `make run`: it takes the SIGHUP of a
        closed terminal and waits for the app, so the app never gets one (only the session
        leader does, and the rest get theirs when it exits)."""
        # A child shell notes its pid, then becomes the app (same pid); the outer shell stays.
        app = shlex.join([*safeplace(), *args])
        note_pid = shlex.quote(f"echo $$ > {shlex.quote(str(self.pidfile))}; exec {app}")
        width, height = (str(n) for n in size)
        keep = "trap 'exit 0' HUP; " if keeps_hang_up else ""  # a trap waits for the child
        shell = f"{keep}sh -c {note_pid}; echo {EXIT_MARK}$?; sleep 600"
        self.tmux("new-session", "-d", "-x", width, "-y", height, shell)
        self.socket_path = self.tmux("display-message", "-p", "#{socket_path}").strip()

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

    def wait_until(self, check: Callable[[str], bool], what: str) -> str:
        deadline = time.monotonic() + TIMEOUT
        while True:
            text = self.screen()
            if check(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"waited {TIMEOUT:.0f} s for {what}; the screen:\n{text}")
            time.sleep(0.05)

    def wait_for(self, *texts: str) -> str:
        return self.wait_until(lambda screen: all(t in screen for t in texts), repr(texts))

    def exit_code(self) -> int:
        text = self.wait_until(lambda screen: EXIT_MARK in screen, "the app to exit")
        match = re.search(rf"{EXIT_MARK}(\d+)", text)
        assert match, text
        return int(match.group(1))

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", *keys)

    def resize(self, width: int, height: int) -> None:
        self.tmux("resize-window", "-x", str(width), "-y", str(height))

    def alternate_screen_on(self) -> bool:
        return self.tmux("display-message", "-p", "#{alternate_on}").strip() == "1"

    def hang_up(self) -> None:
        """Close the terminal, as closing its window would: the app gets SIGHUP."""
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
        if self.socket_path:  # tmux 3.3 leaves its socket file behind
            Path(self.socket_path).unlink(missing_ok=True)

    def wait_gone(self, after: str) -> None:
        """The app ends by itself; the limit is generous (the watchdog acts within seconds)."""
        deadline = time.monotonic() + 20
        while self.app_running():
            assert time.monotonic() < deadline, f"safeplace outlived {after}"
            time.sleep(0.1)

    def close(self) -> None:
        """Hang up, and never leave an app behind, even one that does not exit."""
        self.hang_up()
        deadline = time.monotonic() + 10
        while self.pidfile.exists() and self.app_running():
            if time.monotonic() > deadline:
                warnings.warn(HANG_WARNING, stacklevel=1)
                os.kill(self.pid, signal.SIGKILL)
            time.sleep(0.05)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def tiny(tmp_path: Path) -> list[str]:
    """CLI arguments that load the tiny exercise from a temporary folder."""
    folder = tmp_path / "exercises"
    folder.mkdir()
    (folder / "tiny-e2e.yaml").write_text(TINY, encoding="utf-8")
    return ["tiny-e2e", "--exercises", str(folder)]


@pytest.fixture
def term(home: Path, tmp_path: Path) -> Iterator[Terminal]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (`make tmux` installs it with apt-get)")
    terminal = Terminal(home, tmp_path)
    yield terminal
    terminal.close()


def test_pause_resume_finish_and_quit(term: Terminal, home: Path, tiny: list[str]) -> None:
    term.start(["play", *tiny, "--speed", "20"])
    before = time_left(term.wait_for("Tiny e2e", "left"))
    term.keys("space")
    paused = term.wait_for("Paused")
    time.sleep(1.5)  # 30 s of exercise time at speed 20, if the pause did not hold
    assert term.screen() == paused
    term.keys("space")
    after = time_left(term.wait_until(lambda s: "Paused" not in s and " left" in s, "resume"))
    assert before - after < 15, f"{before} s left before the pause, {after} s after it"

    term.wait_for("you reached the end")
    assert any(mark in screen for screen in term.screens for mark in ORB), "no orb at motion full"
    term.keys("q")
    assert term.exit_code() == 0
    assert not term.alternate_screen_on()
    sessions = history(home)
    assert [(s["exercise_id"], s["outcome"]) for s in sessions] == [("tiny-e2e", "completed")]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_signal_ends_the_session_early(
    term: Terminal, home: Path, tiny: list[str], sig: signal.Signals
) -> None:
    term.start(["play", *tiny])
    term.wait_for("Settle in.", "left")
    os.kill(term.pid, sig)
    # A shell reports 128+N for death by signal too: the screen and history tell them apart.
    assert term.exit_code() == 128 + sig
    assert not term.alternate_screen_on()
    sessions = history(home)
    assert [(s["exercise_id"], s["outcome"]) for s in sessions] == [("tiny-e2e", "ended-early")]


# How to reach each screen: the start, the keys, and a text that shows it is up.
PLAY = ["play", "tiny-e2e"]
SCREENS: dict[str, tuple[list[str], tuple[str, ...], str]] = {
    "library": ([], (), "Search exercises"),
    "history": ([], ("h",), "Your practice"),
    "settings": ([], ("o",), "Pacer motion"),
    "help": ([], ("?",), "Help & safety"),
    "player": (PLAY, (), "Settle in."),
    "confirm": (PLAY, ("Escape",), "Stop here?"),
    "closing": ([*PLAY, "--speed", "20"], (), "you reached the end"),
}


@pytest.mark.parametrize("parent", ["hang-up-passed-on", "hang-up-kept-by-parent"])
@pytest.mark.parametrize("where", SCREENS)
def test_closing_the_terminal_ends_the_app(
    term: Terminal, home: Path, tiny: list[str], where: str, parent: str
) -> None:
    args, keys, shown = SCREENS[where]
    term.start([*args, *tiny[1:]], keeps_hang_up=parent == "hang-up-kept-by-parent")
    term.wait_for("Settle in." if args else "Search exercises")
    if keys:
        term.keys(*keys)
    term.wait_for(shown)
    term.hang_up()
    # Reads from a closed terminal return at once; without an exit the app spun on them forever.
    term.wait_gone("its closed terminal")
    outcomes = [s["outcome"] for s in history(home)]
    if not args:
        assert outcomes == []  # the library, and nothing played
    else:
        assert outcomes == (["completed"] if where == "closing" else ["ended-early"])


def test_no_terminal_stdin(home: Path) -> None:
    done = subprocess.run(
        [*safeplace(), "play", "box-breathing"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=app_env(home),
        timeout=TIMEOUT,  # without the check the app would draw blind forever
    )
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "terminal" in lines[0], done.stderr


def test_no_terminal_stderr(home: Path) -> None:
    leader, follower = os.openpty()  # a terminal for stdin and stdout, a pipe for stderr
    try:
        done = subprocess.run(
            safeplace(),
            stdin=follower,
            stdout=follower,
            stderr=subprocess.PIPE,
            text=True,
            env=app_env(home),
            timeout=TIMEOUT,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "terminal" in lines[0], done.stderr


def test_small_terminal_then_larger(term: Terminal, tiny: list[str]) -> None:
    term.start(["play", *tiny], size=(20, 6))
    term.wait_for("larger")
    term.resize(100, 30)
    term.wait_until(lambda s: "Settle in." in s and "larger" not in s, "the player")
    term.resize(20, 6)
    term.wait_for("larger")
    term.resize(100, 30)
    term.wait_until(lambda s: " left" in s and "larger" not in s, "the player again")


def test_motion_none_shows_words_and_no_orb(term: Terminal, tiny: list[str]) -> None:
    term.start(["play", *tiny, "--motion", "none", "--speed", "2"])
    term.wait_for("Breathe in")
    term.wait_for("Breathe out")
    orb = [screen for screen in term.screens if any(mark in screen for mark in ORB)]
    assert not orb, f"orb characters at motion none:\n{orb[0]}"
