"""Private by default: every file safeplace creates is 0600 and every folder 0700, whatever the
umask, and files or folders it finds wider are tightened when it opens them."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
SAFEPLACE = Path(sys.executable).with_name("safeplace")
UMASKS = [0o022, 0o000]


def safeplace(home: Path, umask: int, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SAFEPLACE_HOME": str(home)}
    return subprocess.run(
        [str(SAFEPLACE), *argv], env=env, umask=umask, capture_output=True, text=True, timeout=60
    )


def python(home: Path, umask: int, code: str) -> subprocess.Popen[str]:
    """safeplace's own code in a child process, for what no headless command reaches."""
    env = {**os.environ, "SAFEPLACE_HOME": str(home)}
    return subprocess.Popen(
        [sys.executable, "-c", code],
        env=env,
        umask=umask,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def mode(path: Path) -> str:
    return oct(stat.S_IMODE(os.stat(path).st_mode))


def modes(home: Path) -> dict[str, str]:
    """Every file and folder under home, by relative name."""
    found = {".": mode(home)}
    for path in home.rglob("*"):
        found[str(path.relative_to(home))] = mode(path)
    return found


def assert_private(home: Path) -> None:
    found = modes(home)
    wide = {
        name: value
        for name, value in found.items()
        if value != ("0o700" if (home / name).is_dir() else "0o600")
    }
    assert not wide, f"not private: {wide}"


# A store kept open mid-session, so the -wal and -shm files exist while it is looked at.
HOLD_OPEN = """
from safeplace.history.recorder import SessionRecorder
from safeplace.history.store import HistoryStore
from safeplace.paths import resolve_paths
from safeplace.settings import Settings
store = HistoryStore.open(resolve_paths().history_db)
recorder = SessionRecorder(store, Settings(), None)
recorder.start("box", "Box breathing", "hash", 300)
recorder.answer("A word to keep?", "harbour", "cue_word")
print("open", flush=True)
input()
store.close()
"""

# A session practised while the history cannot be opened: it waits in the pending file.
PENDING = """
from pathlib import Path
from safeplace.history.recorder import SessionRecorder
from safeplace.paths import resolve_paths
from safeplace.settings import Settings
def unavailable():
    raise OSError(28, "No space left on device")
paths = resolve_paths()
recorder = SessionRecorder(unavailable, Settings(), paths.pending_file)
recorder.start("box", "Box breathing", "hash", 300)
recorder.answer("A word to keep?", "harbour", "cue_word")
recorder.finish(300.0, 3)
assert recorder.problem is not None
"""

SAVE_SETTINGS = """
from safeplace.checked import CheckedCache
from safeplace.paths import resolve_paths
from safeplace.settings import Settings, save_settings
paths = resolve_paths()
save_settings(Settings(), paths.config_file, cache=CheckedCache(paths.checked_cache))
"""


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.mark.parametrize("umask", UMASKS, ids=["umask022", "umask000"])
def test_the_history_its_folders_and_an_export_are_private(
    home: Path, tmp_path: Path, umask: int
) -> None:
    assert safeplace(home, umask, "remembered", "cue_word", "harbour").returncode == 0
    assert (home / "data" / "history.db").is_file()
    assert_private(home)
    out = tmp_path / "export.json"
    assert safeplace(home, umask, "export", "-o", str(out)).returncode == 0
    assert mode(out) == "0o600"


@pytest.mark.parametrize("umask", UMASKS, ids=["umask022", "umask000"])
def test_the_write_ahead_log_and_shared_memory_are_private(home: Path, umask: int) -> None:
    child = python(home, umask, HOLD_OPEN)
    try:
        assert child.stdout is not None and child.stdout.readline() == "open\n"
        db = home / "data" / "history.db"
        assert db.with_name("history.db-wal").exists() and db.with_name("history.db-shm").exists()
        assert_private(home)
    finally:
        child.kill()
        child.wait()


@pytest.mark.parametrize("umask", UMASKS, ids=["umask022", "umask000"])
def test_the_pending_file_and_its_folder_are_private(home: Path, umask: int) -> None:
    child = python(home, umask, PENDING)
    assert child.wait(timeout=60) == 0
    pending = home / "state" / "pending-sessions.jsonl"
    assert "harbour" in pending.read_text(encoding="utf-8")
    assert_private(home)


@pytest.mark.parametrize("umask", UMASKS, ids=["umask022", "umask000"])
def test_settings_and_the_checked_cache_are_private(home: Path, umask: int) -> None:
    assert python(home, umask, SAVE_SETTINGS).wait(timeout=60) == 0
    assert (home / "config" / "config.yaml").is_file()
    assert (home / "state" / "checked.json").is_file()
    assert_private(home)


MINE = """\
id: mine
title: Mine
summary: A short pause of my own.
category: breathing
steps:
  - say: Let your shoulders drop.
"""


def test_a_library_listing_keeps_its_cache_private(home: Path) -> None:
    own = home / "data" / "exercises"  # the bundled ones need no cache: the person's own do
    for folder in (home, home / "data", own):
        folder.mkdir(mode=0o700, exist_ok=True)
    mine = own / "mine.yaml"
    mine.write_text(MINE, encoding="utf-8")
    mine.chmod(0o600)
    assert safeplace(home, 0o022, "list").returncode == 0
    assert (home / "state" / "checked.json").is_file()
    assert_private(home)


def test_wide_files_left_by_a_killed_session_are_tightened(home: Path) -> None:
    child = python(home, 0o022, HOLD_OPEN)
    assert child.stdout is not None and child.stdout.readline() == "open\n"
    child.send_signal(signal.SIGKILL)
    child.wait()
    data = home / "data"
    for path in [home, data]:
        path.chmod(0o755)
    for name in ["history.db", "history.db-wal", "history.db-shm"]:
        (data / name).chmod(0o644)
    shown = safeplace(home, 0o022, "history")
    assert shown.returncode == 0 and "Box breathing" in shown.stdout
    assert {name: modes(home)[name] for name in ["data", "data/history.db"]} == {
        "data": "0o700",
        "data/history.db": "0o600",
    }
    for name in ["history.db-wal", "history.db-shm"]:  # gone, or tightened
        assert not (data / name).exists() or mode(data / name) == "0o600"


def test_a_wide_pending_file_is_tightened_when_it_is_written(home: Path) -> None:
    state = home / "state"
    state.mkdir(parents=True, mode=0o755)
    state.chmod(0o755)
    pending = state / "pending-sessions.jsonl"
    pending.write_text("", encoding="utf-8")
    pending.chmod(0o644)
    assert python(home, 0o022, PENDING).wait(timeout=60) == 0
    assert (mode(state), mode(pending)) == ("0o700", "0o600")


def test_wide_settings_are_tightened_when_they_are_read(home: Path) -> None:
    config = home / "config"
    config.mkdir(parents=True)
    (config / "config.yaml").write_text("day_start_hour: 5\n", encoding="utf-8")
    config.chmod(0o755)
    (config / "config.yaml").chmod(0o644)
    assert safeplace(home, 0o022, "status").returncode == 0
    assert (mode(config), mode(config / "config.yaml")) == ("0o700", "0o600")


def test_a_history_moved_aside_is_private(home: Path) -> None:
    data = home / "data"
    data.mkdir(parents=True)
    (data / "history.db").write_text("not a database at all\n" * 200, encoding="utf-8")
    (data / "history.db").chmod(0o644)
    result = safeplace(home, 0o022, "remembered", "cue_word", "harbour")
    assert result.returncode == 0 and "was kept as" in result.stderr
    aside = [path for path in data.iterdir() if ".corrupt-" in path.name]
    assert len(aside) == 1 and aside[0].read_text(encoding="utf-8").startswith("not a database")
    assert_private(data)


def test_an_existing_home_folder_of_the_person_is_left_as_it_is(tmp_path: Path) -> None:
    """Only safeplace's own folders are tightened, never the folders above them."""
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    home.chmod(0o755)
    assert safeplace(home, 0o022, "remembered", "cue_word", "harbour").returncode == 0
    assert (mode(home), mode(home / "data")) == ("0o755", "0o700")


SAVE_THEME = """
from safeplace.paths import resolve_paths
from safeplace.settings import Settings, save_settings
try:
    save_settings(Settings(theme="textual-light"), resolve_paths().config_file)
except OSError as error:
    print(error.strerror)
"""


def test_settings_saved_through_a_link_write_the_file_it_points_to(
    home: Path, tmp_path: Path
) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    kept = dotfiles / "safeplace.yaml"
    kept.write_text("day_start_hour: 5\n", encoding="utf-8")
    config = home / "config" / "config.yaml"
    config.parent.mkdir(parents=True)
    config.symlink_to(kept)
    child = python(home, 0o022, SAVE_THEME)
    out, _ = child.communicate(timeout=60)
    assert (child.returncode, out) == (0, "")
    assert config.is_symlink() and os.readlink(config) == str(kept)
    assert "theme: textual-light" in kept.read_text(encoding="utf-8")
    assert mode(kept) == "0o600"
    assert sorted(p.name for p in dotfiles.iterdir()) == ["safeplace.yaml"]


def test_settings_saved_through_a_link_loop_leave_the_links_alone(home: Path) -> None:
    config = home / "config" / "config.yaml"
    config.parent.mkdir(parents=True)
    other = config.with_name("other.yaml")
    config.symlink_to(other)
    other.symlink_to(config)
    child = python(home, 0o022, SAVE_THEME)
    out, _ = child.communicate(timeout=60)
    assert child.returncode == 0 and out.strip()  # one reason, for the settings screen to show
    assert config.is_symlink() and other.is_symlink()
