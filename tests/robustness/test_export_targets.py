"""`safeplace export -o TARGET` never destroys what is at its target: a device or a pipe is
written through, an existing file is kept unless --force is given, a link is never replaced,
and safeplace's own files are never written over, whatever the options."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="devices, pipes and links are POSIX")
SAFEPLACE = Path(sys.executable).with_name("safeplace")


def safeplace(home: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SAFEPLACE_HOME": str(home)}
    return subprocess.run(
        [str(SAFEPLACE), *argv], env=env, umask=0o022, capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A home with one remembered answer, so a history file exists to protect."""
    home = tmp_path / "home"
    assert safeplace(home, "remembered", "cue_word", "harbour").returncode == 0
    return home


def assert_refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and "\x1b" not in result.stderr
    for word in words:
        assert word in lines[0]


def assert_history_intact(home: Path) -> None:
    db = sqlite3.connect(home / "data" / "history.db")
    try:
        assert db.execute("SELECT name, text FROM remembered").fetchall() == [
            ("cue_word", "harbour")
        ]
    finally:
        db.close()


def exported(text: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(text)
    assert data["format"] == "safeplace-history"
    return data


# --- what is not safeplace's: written through, or kept ------------------------------------


def character_device(path: Path) -> Path:
    """A node like /dev/null (major 1, minor 3), made in the test's own folder."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, OSError) as error:
        pytest.skip(f"cannot make a device node here ({error.strerror})")
    return path


@pytest.mark.parametrize("through_link", [False, True], ids=["device", "link-to-device"])
def test_a_character_device_is_written_through(
    home: Path, tmp_path: Path, through_link: bool
) -> None:
    device = character_device(tmp_path / "null")
    target = device
    if through_link:
        target = tmp_path / "stdout-like"
        target.symlink_to(device)
    result = safeplace(home, "export", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(os.lstat(device).st_mode)
    assert os.lstat(device).st_rdev == os.makedev(1, 3)
    assert target.is_symlink() == through_link


@pytest.mark.parametrize("through_link", [False, True], ids=["fifo", "link-to-fifo"])
def test_a_pipe_is_written_through(home: Path, tmp_path: Path, through_link: bool) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    target = fifo
    if through_link:
        target = tmp_path / "link"
        target.symlink_to(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    try:
        result = safeplace(home, "export", "-o", str(target))
        still_a_pipe = stat.S_ISFIFO(os.lstat(fifo).st_mode)
    finally:
        if stat.S_ISFIFO(os.lstat(fifo).st_mode):  # let the reader end, written to or not
            with contextlib.suppress(OSError):  # ENXIO: it has ended already
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        else:
            reader.kill()
        out, _ = reader.communicate()
    assert result.returncode == 0, result.stderr
    assert still_a_pipe and target.is_symlink() == through_link
    assert exported(out.decode())["remembered"]


@pytest.mark.skipif(not Path("/proc/self/fd/1").exists(), reason="needs /proc")
def test_a_link_to_standard_output_gets_the_export_and_nothing_else(
    home: Path, tmp_path: Path
) -> None:
    """Like `-o /dev/stdout`, through a link of the test's own (never the system's)."""
    stdout = tmp_path / "stdout"
    stdout.symlink_to("/proc/self/fd/1")
    result = safeplace(home, "export", "-o", str(stdout))
    assert (result.returncode, result.stderr) == (0, "")
    assert exported(result.stdout)["remembered"]
    assert stdout.is_symlink()


def test_an_existing_file_is_kept_without_force(home: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my own notes\n", encoding="utf-8")
    assert_refused(safeplace(home, "export", "-o", str(notes)), str(notes), "--force")
    assert notes.read_text(encoding="utf-8") == "my own notes\n"


def test_force_replaces_an_existing_file_atomically_and_privately(
    home: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old-export.json"
    old.write_text("an older export\n", encoding="utf-8")
    old.chmod(0o644)
    result = safeplace(home, "export", "-o", str(old), "--force")
    assert result.returncode == 0, result.stderr
    assert exported(old.read_text(encoding="utf-8"))["remembered"]
    assert stat.S_IMODE(old.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_new_file_is_written_privately(home: Path, tmp_path: Path) -> None:
    new = tmp_path / "export.json"
    result = safeplace(home, "export", "--format", "csv", "-o", str(new))
    assert result.returncode == 0 and result.stdout.startswith("Exported 0 sessions")
    assert stat.S_IMODE(new.stat().st_mode) == 0o600


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["plain", "force"])
def test_a_link_to_a_file_is_not_followed_or_replaced(
    home: Path, tmp_path: Path, force: list[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my own notes\n", encoding="utf-8")
    link = tmp_path / "export.json"
    link.symlink_to(notes)
    assert_refused(safeplace(home, "export", "-o", str(link), *force), str(link), "link")
    assert link.is_symlink() and os.readlink(link) == str(notes)
    assert notes.read_text(encoding="utf-8") == "my own notes\n"


def test_a_dangling_link_is_not_followed(home: Path, tmp_path: Path) -> None:
    link = tmp_path / "export.json"
    link.symlink_to(tmp_path / "elsewhere" / "nothing-here.json")
    assert_refused(safeplace(home, "export", "-o", str(link)), "link")
    assert link.is_symlink() and not (tmp_path / "elsewhere").exists()


def test_a_folder_is_refused(home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "kept.txt").write_text("kept", encoding="utf-8")
    assert_refused(safeplace(home, "export", "-o", str(folder), "--force"), "folder")
    assert [p.name for p in folder.iterdir()] == ["kept.txt"]


def test_a_socket_is_refused(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "s"
    server = socket.socket(socket.AF_UNIX)
    try:
        try:
            server.bind(str(target))
        except OSError as error:  # a path too long for a socket
            pytest.skip(f"cannot bind a socket here ({error.strerror})")
        assert_refused(safeplace(home, "export", "-o", str(target), "--force"), str(target))
        assert stat.S_ISSOCK(os.lstat(target).st_mode)
    finally:
        server.close()


def test_a_missing_folder_is_one_sentence(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "export.json"
    assert_refused(safeplace(home, "export", "-o", str(target)), "could not be written")
    assert not target.parent.exists()


def test_a_name_with_escapes_is_shown_without_them(home: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes\x1b]0;owned\x07.txt"
    notes.write_text("kept", encoding="utf-8")
    assert_refused(safeplace(home, "export", "-o", str(notes)), "already exists")
    assert notes.read_text(encoding="utf-8") == "kept"


# --- safeplace's own files: never, even with --force --------------------------------------

OWN: dict[str, Callable[[Path], Path]] = {
    "history": lambda home: home / "data" / "history.db",
    "history-wal": lambda home: home / "data" / "history.db-wal",
    "history-shm": lambda home: home / "data" / "history.db-shm",
    "config": lambda home: home / "config" / "config.yaml",
    "pending": lambda home: home / "state" / "pending-sessions.jsonl",
    "checked": lambda home: home / "state" / "checked.json",
    "new-file-in-data": lambda home: home / "data" / "export.json",
    "new-file-in-state": lambda home: home / "state" / "export.json",
    "own-exercises": lambda home: home / "data" / "exercises" / "mine.yaml",
    "data-folder": lambda home: home / "data",
}


@pytest.mark.parametrize("name", OWN)
def test_safeplace_own_files_are_never_written_over(home: Path, name: str) -> None:
    target = OWN[name](home)
    before = {p: p.read_bytes() for p in home.rglob("*") if p.is_file()}
    result = safeplace(home, "export", "-o", str(target), "--force")
    assert_refused(result, "safeplace", "--force")
    assert {p: p.read_bytes() for p in home.rglob("*") if p.is_file()} == before
    assert_history_intact(home)


def test_a_link_to_the_history_is_refused(home: Path, tmp_path: Path) -> None:
    link = tmp_path / "export.json"
    link.symlink_to(home / "data" / "history.db")
    assert_refused(safeplace(home, "export", "-o", str(link), "--force"), "safeplace")
    assert link.is_symlink()
    assert_history_intact(home)


def test_a_hard_link_to_the_history_is_refused(home: Path, tmp_path: Path) -> None:
    twin = tmp_path / "export.json"
    os.link(home / "data" / "history.db", twin)
    assert_refused(safeplace(home, "export", "-o", str(twin), "--force"), "safeplace")
    assert_history_intact(home)
    assert os.path.samefile(twin, home / "data" / "history.db")


def test_the_history_through_a_linked_folder_is_refused(home: Path, tmp_path: Path) -> None:
    door = tmp_path / "door"
    door.symlink_to(home / "data")
    assert_refused(safeplace(home, "export", "-o", str(door / "history.db"), "--force"))
    assert_history_intact(home)


def test_export_without_a_history_creates_none(tmp_path: Path) -> None:
    home = tmp_path / "home"
    out = tmp_path / "export.json"
    result = safeplace(home, "export", "-o", str(out))
    assert result.returncode == 0 and exported(out.read_text(encoding="utf-8"))["sessions"] == []
    assert safeplace(home, "export").returncode == 0
    assert not home.exists()
