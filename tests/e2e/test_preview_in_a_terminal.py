"""`safeplace play ID --speed 20` in a real terminal is kept as a preview: the History screen
and `safeplace history` list it as one, and it counts toward no streak, total or day; an export
imported elsewhere keeps it one (issue 10, point 6)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tmux_terminal import opened, person_env, safeplace

pytestmark = pytest.mark.e2e

TIMEOUT = 30.0
QUICK = """\
id: quick-preview
title: Quick preview
summary: A say, a short breathe and a say; it plays by itself.
category: breathing
steps:
  - say: Settle in.
    seconds: 3
  - breathe:
      pattern: {in: 4, out: 4}
      cycles: 5
  - say: Well done.
    seconds: 3
"""


def command(home: Path, *args: str) -> str:
    done = subprocess.run(
        [*safeplace(), *args],
        env=person_env(home),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0 and done.stderr == "", done.stdout + done.stderr
    return done.stdout


def counted(home: Path) -> dict[str, Any]:
    stats = json.loads(command(home, "stats", "--json"))
    keys = ("total_sessions", "total_minutes", "days_practised", "current_streak", "done_today")
    return {key: stats[key] for key in keys} | {"helps": stats["per_exercise"]}


NOTHING = {
    "total_sessions": 0,
    "total_minutes": 0,
    "days_practised": 0,
    "current_streak": 0,
    "done_today": False,
    "helps": [],
}


def test_a_run_at_twenty_times_is_kept_as_a_preview(tmp_path: Path) -> None:
    home = tmp_path / "home"
    folder = tmp_path / "exercises"
    folder.mkdir()
    (folder / "quick-preview.yaml").write_text(QUICK, encoding="utf-8")
    own = ["--exercises", str(folder)]

    with opened(home, tmp_path / "play") as term:
        term.start(["play", "quick-preview", *own, "--speed", "20"])
        term.wait_for("you reached the end", timeout=TIMEOUT)
        term.keys("q")
        assert term.exit_code() == 0

    [session] = json.loads(command(home, "history", "--json"))
    assert (session["exercise_id"], session["outcome"], session["speed"]) == (
        "quick-preview",
        "completed",
        20.0,
    )
    [line] = command(home, "history").splitlines()
    assert "completed (preview)" in line
    assert counted(home) == NOTHING
    assert command(home, "status").strip() == "ready when you are"

    with opened(home, tmp_path / "look") as term:
        term.start([*own])
        term.wait_for("Search exercises")
        term.keys("h")
        screen = term.wait_for("Your practice", "(preview)")
        assert "0 sessions · 0 min" in screen

    export = tmp_path / "export.json"
    command(home, "export", "-o", str(export))
    elsewhere = tmp_path / "elsewhere"
    command(elsewhere, "import", str(export))
    assert "(preview)" in command(elsewhere, "history")
    assert counted(elsewhere) == NOTHING
