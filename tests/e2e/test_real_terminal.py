"""The real CLI in a real terminal: tmux runs `safeplace`, we send keys and read the screen.

Each test starts its own tmux server and its own SAFEPLACE_HOME (tests/tmux_terminal.py);
tests that need tmux are skipped when it is not installed.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tmux_terminal import Terminal, opened, person_env, safeplace

pytestmark = pytest.mark.e2e

TIMEOUT = 10.0
ORB = ("█", "▐", "▌")

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


def history(home: Path) -> list[dict[str, object]]:
    done = subprocess.run(
        [*safeplace(), "history", "--json"],
        env=person_env(home),
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
    with opened(home, tmp_path) as terminal:
        yield terminal


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
        env=person_env(home),
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
            env=person_env(home),
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
