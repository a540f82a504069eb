"""Nothing is lost: SIGKILL at random points, two writers at once, damaged files, full and
read-only disks."""

from __future__ import annotations

import functools
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import history_seed
from safeplace.history.database import HistoryUnavailable
from safeplace.history.recorder import SessionRecorder
from safeplace.history.store import HistoryStore
from safeplace.settings import Settings

pytestmark = pytest.mark.skipif(os.name != "posix", reason="fork and SIGKILL are POSIX")
KILLS = 60
SESSIONS_PER_WRITER = 500
SAVED_LATER = ", and safeplace will add it to your history next time."


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.db"


@pytest.fixture
def pending(tmp_path: Path) -> Path:
    return tmp_path / "state" / "pending-sessions.jsonl"


def integrity(path: Path) -> str:
    db = sqlite3.connect(path)
    try:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        db.close()


def rows(path: Path, query: str) -> list[tuple[object, ...]]:
    db = sqlite3.connect(path)
    try:
        return db.execute(query).fetchall()
    finally:
        db.close()


def fork(child: Callable[[], None]) -> int:
    pid = os.fork()
    if pid == 0:  # the child never returns into pytest
        code = 1
        try:
            child()
            code = 0
        finally:
            os._exit(code)
    return pid


# --- S1: SIGKILL at random points ---------------------------------------------------------


def _write_until_killed(db_path: Path, ack_fd: int, seed: int) -> None:
    def ack(*words: object) -> None:
        os.write(ack_fd, (" ".join(map(str, words)) + "\n").encode())

    rng = random.Random(seed)
    store = HistoryStore.open(db_path)
    ack("opened")
    while True:
        session_id = history_seed.begin(
            store, "box", "Box breathing", "hash", 300, day_start_hour=4
        )
        ack("begin", session_id)
        for step in range(1, 4):
            history_seed.progress(store, session_id, step * 10.0, step)
            ack("progress", session_id, step)
        name = "cue_word" if rng.random() < 0.3 else None
        history_seed.add_answer(store, session_id, "A word?", f"answer-{session_id}", name)
        ack("answer", session_id)
        history_seed.finish(store, session_id, "completed", 40.0, 4)
        ack("finish", session_id)


def _read_lines(fd: int, count: int) -> bytes:
    """Bytes from ``fd`` up to and including its ``count``-th newline (or its end)."""
    seen = b""
    while seen.count(b"\n") < count:
        chunk = os.read(fd, 1)
        if not chunk:
            break
        seen += chunk
    return seen


@pytest.mark.slow
def test_sigkill_at_random_points_loses_no_acknowledged_session(db_path: Path) -> None:
    rng = random.Random(20260302)
    steps: dict[str, int] = {}  # acknowledged progress per session
    answered: set[str] = set()
    finished: set[str] = set()
    for kill in range(KILLS):
        read_fd, write_fd = os.pipe()
        pid = fork(functools.partial(_write_until_killed, db_path, write_fd, kill))
        os.close(write_fd)
        seen = b""
        if kill % 4:  # most kills land while sessions are written, some while opening
            # Wait for a random number of acknowledgements (a slow disk must not turn the
            # test into kills while opening), then kill a moment later.
            seen = _read_lines(read_fd, rng.randint(1, 14))
        time.sleep(rng.uniform(0.0, 0.01 if kill % 4 else 0.04))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        with os.fdopen(read_fd, "rb") as acks:
            for line in (seen + acks.read()).decode().splitlines():
                what, *about = line.split()
                if what not in ("begin", "progress", "answer", "finish"):
                    continue  # the "opened" line (its first byte was read above)
                session_id, *more = about
                steps.setdefault(session_id, 0)
                if what == "progress":
                    steps[session_id] = int(more[0])
                elif what == "answer":
                    answered.add(session_id)
                elif what == "finish":
                    finished.add(session_id)

        if not steps:  # killed while opening: the schema may not be there yet
            continue
        assert integrity(db_path) == "ok", f"after kill {kill}"
        stored: dict[object, tuple[object, int]] = {}
        for row_id, outcome, steps_reached in rows(
            db_path, "SELECT id, outcome, steps_reached FROM sessions"
        ):
            assert isinstance(steps_reached, int)
            stored[row_id] = (outcome, steps_reached)
        answers = rows(db_path, "SELECT session_id, count(*) FROM answers GROUP BY session_id")
        assert set(steps) <= set(stored), "an acknowledged session is missing"
        assert all(stored[s][1] >= n for s, n in steps.items()), "acknowledged progress lost"
        assert all(stored[s][0] == "completed" for s in finished)
        assert answered <= {s for s, _ in answers}
        assert all(count == 1 for _, count in answers), "an answer was written twice"

    assert len(finished) >= KILLS // 4, "the writer hardly got going: the test proves little"
    with HistoryStore.open(db_path) as store:  # the next start closes what the kills left open
        mine = history_seed.begin(store, "box", "Box breathing", "hash", 300, day_start_hour=4)
        outcomes = {s.id: s for s in store.sessions()}
    assert [s for s in outcomes.values() if s.outcome == "open"] == [outcomes[mine]]
    for session_id, reached in steps.items():
        if session_id not in finished and outcomes[session_id].outcome == "interrupted":
            assert outcomes[session_id].steps_reached >= reached


# --- S2: two processes recording at once -------------------------------------------------


def _record_many(db_path: Path, pending: Path) -> None:
    def open_store() -> HistoryStore:
        return HistoryStore.open(db_path)

    recorder = SessionRecorder(open_store, Settings(), pending)
    store = None
    for number in range(SESSIONS_PER_WRITER):
        session_id = recorder.start("box", "Box breathing", "hash", 60)
        recorder.step_reached(1, 30.0)
        store = store or HistoryStore.open(db_path)
        if store.session(session_id).outcome != "open":
            raise SystemExit(f"session {number} of a live process was closed by the other one")
        recorder.finish(60.0, 2)
        if recorder.problem:
            raise SystemExit(recorder.problem)


@pytest.mark.slow
def test_two_processes_record_500_sessions_each(db_path: Path, pending: Path) -> None:
    HistoryStore.open(db_path).close()
    writers = [fork(lambda: _record_many(db_path, pending)) for _ in range(2)]
    for pid in writers:
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    assert rows(db_path, "SELECT outcome, count(*) FROM sessions GROUP BY outcome") == [
        ("completed", 2 * SESSIONS_PER_WRITER)
    ]
    assert integrity(db_path) == "ok"
    assert not pending.exists()


# --- S4/S5/S6: damaged files are moved aside, never lost ---------------------------------


def make_history(db_path: Path, sessions: int = 300) -> None:
    with HistoryStore.open(db_path) as store:
        for _ in range(sessions):
            session_id = history_seed.begin(
                store, "box", "Box breathing", "hash", 300, day_start_hour=4
            )
            history_seed.add_answer(store, session_id, "What helps?", "a long answer " * 20)
            history_seed.finish(store, session_id, "completed", 300, 4)


def garbage(path: Path) -> None:
    path.write_text("not a database at all\n" * 200, encoding="utf-8")
    path.with_name(path.name + "-wal").write_bytes(b"wal of the broken file")


def zero_header(path: Path) -> None:
    with path.open("r+b") as file:
        file.write(bytes(100))


def truncate(path: Path) -> None:
    with path.open("r+b") as file:
        file.truncate(path.stat().st_size // 2)


def zero_a_late_page(path: Path) -> None:
    page_size = 4096
    pages = path.stat().st_size // page_size
    with path.open("r+b") as file:
        file.seek(page_size * (pages * 3 // 4))
        file.write(bytes(page_size))


def directory(path: Path) -> None:
    path.unlink()
    path.mkdir()
    (path / "something.txt").write_text("kept", encoding="utf-8")


@pytest.mark.parametrize("damage", [garbage, zero_header, truncate, zero_a_late_page, directory])
def test_a_damaged_history_is_moved_aside_and_a_new_one_started(
    db_path: Path, pending: Path, damage: Callable[[Path], None]
) -> None:
    make_history(db_path)
    damage(db_path)
    kept = {p.name: _content(p) for p in db_path.parent.iterdir()}

    recorder = SessionRecorder(lambda: HistoryStore.open(db_path), Settings(), pending)
    session_id = recorder.start("box", "Box breathing", "hash", 300)
    recorder.finish(300.0, 4)

    assert recorder.problem is None
    assert recorder.notice is not None
    assert recorder.notice.startswith("Your history file could not be read (")
    assert recorder.notice.endswith("and a new history was started.")
    aside = next(p for p in db_path.parent.iterdir() if p.name.endswith(".db") and "corr" in p.name)
    assert str(aside) in recorder.notice
    # Every byte of the damaged file and its companions is still there, under the new name.
    for name, content in kept.items():
        assert _content(aside.with_name(aside.name + name.removeprefix(db_path.name))) == content
    recorder.close()
    assert rows(db_path, "SELECT id, outcome FROM sessions") == [(session_id, "completed")]
    assert integrity(db_path) == "ok"


def _content(path: Path) -> object:
    if path.is_dir():
        return sorted((p.name, p.read_bytes()) for p in path.iterdir())
    return path.read_bytes()


def test_a_zero_length_history_is_simply_empty(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.touch()
    with HistoryStore.open(db_path) as store:
        assert store.notice is None
        assert store.sessions() == []
    assert [p.name for p in db_path.parent.iterdir() if ".corrupt-" in p.name] == []


# --- S7/S8: full disk, read-only history, busy history: practice goes on ------------------


def practise(recorder: SessionRecorder, title: str = "Box breathing") -> str:
    session_id = recorder.start("box", title, "hash", 300)
    recorder.rating("before", 7)
    recorder.step_reached(1, 60.0)
    recorder.answer("A word to keep?", "harbour", "cue_word")
    recorder.answer("Anything else?", "a long answer " * 2000)
    recorder.step_reached(2, 120.0)
    recorder.finish(300.0, 3)
    recorder.rating("after", 2)
    return session_id


def assert_saved_later(db_path: Path, pending: Path, session_id: str) -> None:
    """The next start, with a working store, adds the waiting session in full."""
    with HistoryStore.open(db_path) as store:
        recorder = SessionRecorder(store, Settings(), pending)
        recorder.start("scan", "Body scan", "hash", 60)
        saved = store.session(session_id)
        assert (saved.outcome, saved.practised_seconds, saved.steps_reached) == (
            "completed",
            300.0,
            3,
        )
        assert (saved.rating_before, saved.rating_after) == (7, 2)
        assert [a.answer for a in store.answers(session_id)][:1] == ["harbour"]
        assert store.remembered() == {"cue_word": "harbour"}
    assert pending.read_text(encoding="utf-8") == ""


def filling_store(db_path: Path) -> Callable[[], HistoryStore]:
    """A store whose file may not grow: SQLite answers SQLITE_FULL, as on a full disk."""

    def open_store() -> HistoryStore:
        store = HistoryStore.open(db_path)
        pages = store._db.execute("PRAGMA page_count").fetchone()[0]
        store._db.execute(f"PRAGMA max_page_count = {pages}")
        return store

    return open_store


@pytest.mark.parametrize(
    "title",
    ["Box breathing", "A title that fills the disk " * 400],
    ids=["mid-session", "at-start"],
)
def test_a_full_disk_never_stops_practice(db_path: Path, pending: Path, title: str) -> None:
    make_history(db_path, sessions=20)
    recorder = SessionRecorder(filling_store(db_path), Settings(), pending)
    session_id = practise(recorder, title)
    assert recorder.problem == (
        "This session could not be saved: the disk is full. Your practice goes on" + SAVED_LATER
    )
    recorder.close()
    assert integrity(db_path) == "ok"
    assert len(rows(db_path, "SELECT id FROM sessions WHERE outcome = 'completed'")) == 20
    with HistoryStore.open(db_path) as store:  # a long title fills it at the start
        store._db.execute("UPDATE sessions SET title = 'Box breathing'")
    assert_saved_later(db_path, pending, session_id)


def test_a_read_only_history_never_stops_practice(db_path: Path, pending: Path) -> None:
    make_history(db_path, sessions=5)

    def read_only_store() -> HistoryStore:
        store = HistoryStore.open(db_path)
        store._db.execute("PRAGMA query_only = ON")  # writes fail with SQLITE_READONLY
        return store

    recorder = SessionRecorder(read_only_store, Settings(), pending)
    session_id = practise(recorder)
    assert recorder.problem == (
        "This session could not be saved: the history file or its folder is read-only. "
        "Your practice goes on" + SAVED_LATER
    )
    recorder.close()
    assert_saved_later(db_path, pending, session_id)


def test_a_history_folder_that_cannot_be_created(tmp_path: Path, pending: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be", encoding="utf-8")
    db_path = blocker / "history.db"
    recorder = SessionRecorder(lambda: HistoryStore.open(db_path), Settings(), pending)
    session_id = practise(recorder)
    assert recorder.problem is not None
    assert recorder.problem.startswith(
        "This session could not be saved: the history folder cannot be created ("
    )
    assert recorder.problem.endswith(SAVED_LATER)
    blocker.unlink()
    assert_saved_later(db_path, pending, session_id)


NOT_YET = "Your practice goes on, and safeplace keeps trying."


def test_when_even_the_pending_file_cannot_be_written(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("", encoding="utf-8")
    recorder = SessionRecorder(
        lambda: HistoryStore.open(blocker / "data" / "history.db"),
        Settings(),
        blocker / "state" / "pending.jsonl",
    )
    session_id = recorder.start("box", "Box breathing", "hash", 300)
    recorder.rating("before", 7)
    assert recorder.problem is not None
    assert recorder.problem.startswith("This session is not saved yet: ")
    assert recorder.problem.endswith(NOT_YET)
    recorder.finish(300.0, 3)
    assert recorder.problem is not None
    assert recorder.problem.endswith(", so it is not in your history.")
    blocker.unlink()
    recorder.rating("after", 2)  # still held in memory: the first change with room saves it
    assert recorder.problem is None
    recorder.close()
    with HistoryStore.open(blocker / "data" / "history.db") as store:
        saved = store.session(session_id)
        assert (saved.outcome, saved.rating_before, saved.rating_after) == ("completed", 7, 2)


class FillingStore:
    """Opens the history with a file that may not grow (SQLITE_FULL), until ``make_room``."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.opened: list[HistoryStore] = []

    def __call__(self) -> HistoryStore:
        store = HistoryStore.open(self.db_path)
        pages = store._db.execute("PRAGMA page_count").fetchone()[0]
        store._db.execute(f"PRAGMA max_page_count = {pages}")
        self.opened.append(store)
        return store

    def make_room(self) -> None:
        for store in self.opened:
            store._db.execute("PRAGMA max_page_count = 1073741823")


def test_a_disk_full_before_the_start_keeps_the_session_and_saves_it_when_there_is_room(
    db_path: Path, tmp_path: Path
) -> None:
    make_history(db_path, sessions=3)
    blocker = tmp_path / "state"
    blocker.write_text("the pending file cannot be written either", encoding="utf-8")
    history = FillingStore(db_path)
    recorder = SessionRecorder(history, Settings(), blocker / "pending-sessions.jsonl")
    session_id = recorder.start("box", "A title that fills the disk " * 400, "hash", 300)
    recorder.rating("before", 7)
    recorder.answer("A word to keep?", "harbour", "cue_word")
    assert recorder.problem == "This session is not saved yet: the disk is full. " + NOT_YET
    history.make_room()
    recorder.step_reached(2, 120.0)
    assert recorder.problem is None
    recorder.answer("Anything else?", "the tide")
    recorder.finish(300.0, 3)
    recorder.close()
    with HistoryStore.open(db_path) as store:
        saved = store.session(session_id)
        assert (saved.outcome, saved.rating_before, saved.steps_reached) == ("completed", 7, 3)
        assert [a.answer for a in store.answers(session_id)] == ["harbour", "the tide"]
        assert store.remembered() == {"cue_word": "harbour"}


def test_when_the_pending_file_can_be_written_again_the_session_waits_there(
    db_path: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("", encoding="utf-8")
    pending = blocker / "pending-sessions.jsonl"
    recorder = SessionRecorder(FillingStore(db_path), Settings(), pending)
    session_id = recorder.start("box", "A title that fills the disk " * 400, "hash", 300)
    assert recorder.problem is not None and recorder.problem.endswith(NOT_YET)
    blocker.unlink()
    recorder.rating("before", 7)
    recorder.answer("A word to keep?", "harbour", "cue_word")
    recorder.step_reached(1, 60.0)
    recorder.answer("Anything else?", "a long answer " * 2000)
    recorder.step_reached(2, 120.0)
    recorder.finish(300.0, 3)
    recorder.rating("after", 2)
    assert recorder.problem == (
        "This session could not be saved: the disk is full. Your practice goes on" + SAVED_LATER
    )
    recorder.close()
    with HistoryStore.open(db_path) as store:  # a long title fills it at the start
        store._db.execute("UPDATE sessions SET title = 'Box breathing'")
    assert_saved_later(db_path, pending, session_id)


def test_erase_while_a_session_waits_in_the_pending_file_keeps_nothing_of_it(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    db_path = home / "data" / "history.db"
    pending = home / "state" / "pending-sessions.jsonl"
    make_history(db_path, sessions=2)

    def read_only_store() -> HistoryStore:
        store = HistoryStore.open(db_path)
        store._db.execute("PRAGMA query_only = ON")
        return store

    recorder = SessionRecorder(read_only_store, Settings(), pending)
    recorder.start("box", "Box breathing", "hash", 300)
    recorder.answer("A word to keep?", "harbour", "cue_word")
    assert b"harbour" in pending.read_bytes()
    erase = [sys.executable, "-m", "safeplace", "erase", "--yes"]
    subprocess.run(erase, env={**os.environ, "SAFEPLACE_HOME": str(home)}, check=True)
    recorder.answer("Anything else?", "lighthouse")
    recorder.finish(300.0, 3)
    recorder.close()
    assert recorder.problem is not None and "erased" in recorder.problem
    for file in pending.parent.iterdir():
        assert b"harbour" not in file.read_bytes() and b"lighthouse" not in file.read_bytes()
    with HistoryStore.open(db_path) as store:
        SessionRecorder(store, Settings(), pending).start("scan", "Body scan", "hash", 60)
        assert [s.exercise_id for s in store.sessions()] == ["scan"]
        assert store.remembered() == {}


def test_a_history_kept_busy_by_another_process(db_path: Path, pending: Path) -> None:
    make_history(db_path, sessions=2)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    recorder = SessionRecorder(
        lambda: HistoryStore.open(db_path, busy_timeout=0.05), Settings(), pending
    )
    session_id = practise(recorder)
    assert recorder.problem == (
        "This session could not be saved: another safeplace kept the history busy. "
        "Your practice goes on" + SAVED_LATER
    )
    holder.execute("ROLLBACK")
    holder.close()
    recorder.close()
    assert_saved_later(db_path, pending, session_id)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_folder_never_stops_practice(db_path: Path, pending: Path) -> None:
    make_history(db_path, sessions=2)
    db_path.parent.chmod(0o555)
    try:
        recorder = SessionRecorder(lambda: HistoryStore.open(db_path), Settings(), pending)
        session_id = practise(recorder)
        assert recorder.problem is not None and recorder.problem.endswith(SAVED_LATER)
    finally:
        db_path.parent.chmod(0o755)
    assert_saved_later(db_path, pending, session_id)


def test_a_newer_history_is_refused_without_touching_it(db_path: Path, pending: Path) -> None:
    make_history(db_path, sessions=2)
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA user_version = 7")
    db.close()
    before = db_path.read_bytes()
    with pytest.raises(HistoryUnavailable, match="newer safeplace"):
        HistoryStore.open(db_path)
    recorder = SessionRecorder(lambda: HistoryStore.open(db_path), Settings(), pending)
    practise(recorder)
    assert recorder.problem is not None and "newer safeplace" in recorder.problem
    assert db_path.read_bytes() == before


def test_a_torn_pending_line_is_set_aside_and_later_lines_still_merge(
    db_path: Path, pending: Path
) -> None:
    pending.parent.mkdir(parents=True)
    pending.write_text('{"format": "safeplace-history", "sess', encoding="utf-8")
    recorder = SessionRecorder(filling_store(db_path), Settings(), pending)
    session_id = practise(recorder, "A title that fills the disk " * 400)
    recorder.close()
    [aside] = pending.parent.glob("pending-sessions.unreadable-*.jsonl")  # at that start
    assert aside.read_text(encoding="utf-8") == '{"format": "safeplace-history", "sess\n'
    assert recorder.notice is not None and str(aside) in recorder.notice
    with HistoryStore.open(db_path) as store:
        SessionRecorder(store, Settings(), pending).start("scan", "Body scan", "hash", 60)
        assert store.session(session_id).outcome == "completed"
    assert pending.read_text(encoding="utf-8") == ""


def test_a_pending_line_with_impossible_values_never_blocks_the_others(
    db_path: Path, pending: Path
) -> None:
    recorder = SessionRecorder(filling_store(db_path), Settings(), pending)
    first = practise(recorder, "A title that fills the disk " * 400)
    second = practise(recorder, "And another one " * 700)
    recorder.close()
    lines = pending.read_text(encoding="utf-8").splitlines(keepends=True)
    impossible = lines[0].replace('"steps_reached": 0', '"steps_reached": 99999999999999999999')
    assert impossible != lines[0]
    pending.write_text(impossible + "".join(lines[1:]), encoding="utf-8")
    with HistoryStore.open(db_path) as store:
        store._db.execute("UPDATE sessions SET title = 'Box breathing'")
        SessionRecorder(store, Settings(), pending).start("scan", "Body scan", "hash", 60)
        assert store.session(first).outcome == "completed"  # its later lines were fine
        assert store.session(second).outcome == "completed"
    [aside] = pending.parent.glob("pending-sessions.unreadable-*.jsonl")
    assert aside.read_text(encoding="utf-8") == impossible


@pytest.fixture(autouse=True)
def _no_leftover_children() -> Iterator[None]:
    yield
    try:
        while os.waitpid(-1, os.WNOHANG) != (0, 0):
            pass
    except ChildProcessError:
        pass


# --- the same on a real filesystem: a tiny tmpfs that fills up, or is made read-only -------


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 160 KiB tmpfs (root with mount rights only; skipped elsewhere)."""
    mount_point = tmp_path / "tmpfs"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=160k", "tmpfs", str(mount_point)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def remount(mount_point: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(mount_point)], check=True)


def test_a_really_full_disk(tmpfs: Path, pending: Path) -> None:
    db_path = tmpfs / "data" / "history.db"
    kept = 0
    with HistoryStore.open(db_path) as store:
        try:
            while True:
                session_id = history_seed.begin(
                    store, "box", "Box breathing", "hash", 300, day_start_hour=4
                )
                history_seed.add_answer(store, session_id, "What helps?", "a long answer " * 100)
                history_seed.finish(store, session_id, "completed", 300, 4)
                kept += 1
        except sqlite3.OperationalError as error:
            assert error.sqlite_errorname == "SQLITE_FULL"
        recorder = SessionRecorder(store, Settings(), pending)
        session_id = practise(recorder)
        assert recorder.problem == (
            "This session could not be saved: the disk is full. Your practice goes on" + SAVED_LATER
        )
    assert integrity(db_path) == "ok"
    assert len(rows(db_path, "SELECT id FROM sessions WHERE outcome = 'completed'")) == kept
    remount(tmpfs, "size=8m")  # space freed
    assert_saved_later(db_path, pending, session_id)


def test_a_really_read_only_filesystem(tmpfs: Path, pending: Path) -> None:
    remount(tmpfs, "size=8m")
    db_path = tmpfs / "data" / "history.db"
    make_history(db_path, sessions=3)
    remount(tmpfs, "ro")
    recorder = SessionRecorder(lambda: HistoryStore.open(db_path), Settings(), pending)
    session_id = practise(recorder)
    assert recorder.problem == (
        "This session could not be saved: the history folder is read-only. "
        "Your practice goes on" + SAVED_LATER
    )
    remount(tmpfs, "rw")
    assert_saved_later(db_path, pending, session_id)
    assert len(rows(db_path, "SELECT id FROM sessions")) == 5
