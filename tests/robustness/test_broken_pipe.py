"""Output into a pipe whose reader has gone (`safeplace history | head -1`) ends quietly.

The reader here is gone before the command writes anything, as `head -1` is once it has its
line, so every command meets the closed pipe whatever the size of its output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import history_seed as seed
from safeplace.history.store import HistoryStore

COMMANDS = [
    ["history"],
    ["history", "--json"],
    ["stats"],
    ["export", "--format", "csv"],
    ["export", "--format", "json"],
    ["export", "--format", "markdown"],
    ["remembered"],
    ["list"],
    ["list", "--json"],
    ["show", "box-breathing"],
    ["schema"],
]


def safeplace() -> list[str]:
    script = Path(sys.executable).with_name("safeplace")
    return [str(script)] if script.exists() else [sys.executable, "-m", "safeplace"]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A history with a few sessions, an answer and a remembered word."""
    home = tmp_path_factory.mktemp("home")
    db = home / "data" / "history.db"
    db.parent.mkdir(mode=0o700)
    with HistoryStore.open(db) as store:
        for _ in range(3):
            session_id = seed.begin(
                store, "box-breathing", "Box breathing", "hash", 300, day_start_hour=4
            )
            seed.add_answer(store, session_id, "What helps?", "a walk")
            seed.finish(store, session_id, "completed", 300, 4)
        store.set_remembered("cue_word", "steady")
    return home


def run_into_closed_pipe(home: Path, argv: list[str]) -> subprocess.CompletedProcess[str]:
    reader, writer = os.pipe()
    os.close(reader)
    try:
        return subprocess.run(
            [*safeplace(), *argv],
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ, SAFEPLACE_HOME=str(home)),
            timeout=30,
        )
    finally:
        os.close(writer)


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_a_closed_pipe_ends_quietly(home: Path, argv: list[str]) -> None:
    done = run_into_closed_pipe(home, argv)
    # Nothing on stderr: no traceback, no "Exception ignored", no sentence about the history.
    assert done.stderr == ""
    assert done.returncode == 141  # 128 + SIGPIPE, as a command ended by a closed pipe gives
    listed = subprocess.run(
        [*safeplace(), "history", "--json"],
        capture_output=True,
        text=True,
        env=dict(os.environ, SAFEPLACE_HOME=str(home)),
        timeout=30,
        check=True,
    )
    assert len(json.loads(listed.stdout)) == 3  # nothing lost
