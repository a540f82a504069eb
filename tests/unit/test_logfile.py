"""The opt-in log: off unless asked; when asked, it says why a session could not be saved."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from safeplace.logfile import take_log_option

# A practice whose history and pending file both refuse it (their folder is a plain file).
RECORD = """
import sys
from pathlib import Path
from safeplace.history.recorder import SessionRecorder
from safeplace.history.store import HistoryStore
from safeplace.logfile import start_log
from safeplace.settings import Settings

assert start_log(sys.argv[1]) is None
blocked = Path(sys.argv[2])
blocked.write_text("not a folder")
recorder = SessionRecorder(
    lambda: HistoryStore.open(blocked / "history.db"), Settings(), blocked / "pending.jsonl"
)
recorder.start("long-say", "Long say", "hash", 180)
recorder.answer("What is on your mind?", "the sea at dusk", "on_my_mind")
recorder.finish(180.0, 3)
"""


def test_the_log_says_why_a_session_could_not_be_saved_and_keeps_no_words(
    tmp_path: Path,
) -> None:
    log = tmp_path / "safeplace.log"
    old = os.umask(0o022)
    try:
        subprocess.run(
            [sys.executable, "-c", RECORD, str(log), str(tmp_path / "blocked")],
            check=True,
            timeout=60,
        )
    finally:
        os.umask(old)
    text = log.read_text(encoding="utf-8")
    assert "history not saved" in text and "pending session not kept" in text
    assert "the sea at dusk" not in text  # what people write never goes to a log
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_no_log_unless_asked_and_the_option_stands_anywhere() -> None:
    assert take_log_option(["history", "--json"]) == (["history", "--json"], None)
    assert take_log_option(["--log", "f.log", "play", "x"]) == (["play", "x"], "f.log")
    assert take_log_option(["history", "--log=f.log"]) == (["history"], "f.log")


def test_a_log_that_is_not_a_file_is_one_sentence_and_the_command_goes_on(
    tmp_path: Path,
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    script = Path(sys.executable).with_name("safeplace")
    done = subprocess.run(
        [str(script), "--log", str(fifo), "list"],
        env={**os.environ, "SAFEPLACE_HOME": str(tmp_path / "home")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "box-breathing" in done.stdout
    assert done.stderr.count("\n") == 1 and "nothing is logged" in done.stderr
