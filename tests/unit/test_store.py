"""The SQLite store: rows written at start and end, interrupted sessions, answers, merging."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

import history_seed as seed
from safeplace.history import owners
from safeplace.history.database import MIGRATIONS, HistoryUnavailable, migrate
from safeplace.history.recorder import SessionRecorder
from safeplace.history.records import RememberedRecord
from safeplace.history.store import HistoryStore, UnknownSession
from safeplace.settings import Settings

START = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)


class Clock:
    """A clock that moves only when told to."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.db"


@pytest.fixture
def store(db_path: Path, clock: Clock) -> Iterator[HistoryStore]:
    opened = HistoryStore.open(db_path, clock=clock)
    yield opened
    opened.close()


def begin(
    store: HistoryStore,
    *,
    started_at: datetime | None = None,
    zone_offset: tuple[int, str] | None = None,
) -> str:
    return seed.begin(
        store,
        "box",
        "Box breathing",
        "hash-1",
        300,
        day_start_hour=4,
        started_at=started_at,
        zone_offset=zone_offset,
    )


def test_open_creates_the_folder_and_a_versioned_schema(db_path: Path) -> None:
    with HistoryStore.open(db_path) as store:
        assert store.notice is None
    db = sqlite3.connect(db_path)
    assert db.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    db.close()


def test_importing_the_store_creates_nothing(tmp_path: Path) -> None:
    code = "import safeplace.history.store, safeplace.history.recorder, safeplace.cli_history"
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True)
    assert list(tmp_path.iterdir()) == []


def test_a_session_is_written_at_start_and_completed_at_the_end(
    store: HistoryStore, clock: Clock
) -> None:
    session_id = begin(store, zone_offset=(3600, "Europe/Berlin"))
    row = store.session(session_id)
    assert (row.outcome, row.practised_seconds, row.ended_at) == ("open", 0.0, None)
    assert (row.utc_offset_seconds, row.tz_name, row.practice_day) == (
        3600,
        "Europe/Berlin",
        date(2026, 3, 2),
    )
    clock.advance(minutes=2)
    seed.progress(store, session_id, 120.0, 2)
    seed.set_rating(store, session_id, "before", 6)
    clock.advance(minutes=3)
    seed.finish(store, session_id, "completed", 300.0, 5)
    seed.set_rating(store, session_id, "after", 3)
    row = store.session(session_id)
    assert (row.outcome, row.practised_seconds, row.steps_reached) == ("completed", 300.0, 5)
    assert (row.rating_before, row.rating_after, row.rating_change) == (6, 3, -3)
    assert row.ended_at == START + timedelta(minutes=5)
    assert row.local_started_at.hour == 8
    assert row.counts


def test_an_open_row_whose_writer_is_gone_becomes_interrupted(db_path: Path, clock: Clock) -> None:
    with HistoryStore.open(db_path, clock=clock) as first:
        killed = begin(first)
        clock.advance(minutes=4)
        seed.progress(first, killed, 240.0, 3)
        owners.release_owner(seed.owner(first))  # as the app's recorder does when it goes
    clock.advance(hours=1)
    with HistoryStore.open(db_path, clock=clock) as second:
        begin(second)
        row = second.session(killed)
    assert (row.outcome, row.practised_seconds, row.steps_reached) == ("interrupted", 240.0, 3)
    assert row.ended_at == START + timedelta(minutes=4)
    assert not row.counts


def test_a_session_of_a_live_process_is_left_open(db_path: Path, clock: Clock) -> None:
    with (
        HistoryStore.open(db_path, clock=clock) as first,
        HistoryStore.open(db_path, clock=clock) as second,
    ):
        running = begin(first)
        begin(second)
        assert second.session(running).outcome == "open"


def test_a_session_of_a_dead_process_becomes_interrupted(store: HistoryStore) -> None:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(child.stdout)
    orphan = begin(store)
    store._db.execute(
        "UPDATE sessions SET owner = ? WHERE id = ?",
        (f"{owners.HOST}:{dead_pid}:gone", orphan),
    )
    begin(store)
    assert store.session(orphan).outcome == "interrupted"


KILLED = (
    "import os, sys\nfrom pathlib import Path\n"
    "from safeplace.history.recorder import SessionRecorder\n"
    "from safeplace.history.store import HistoryStore\n"
    "from safeplace.settings import Settings\n"
    "recorder = SessionRecorder(HistoryStore.open(Path(sys.argv[1])), Settings(), None)\n"
    "print(recorder.start('box', 'Box', 'hash', 300), flush=True)\n"
    "sys.stdin.read() if sys.argv[2:] else os.kill(os.getpid(), 9)\n"
)


def test_a_session_of_a_killed_process_reads_as_interrupted_at_once(db_path: Path) -> None:
    HistoryStore.open(db_path).close()
    killed = subprocess.run(
        [sys.executable, "-c", KILLED, str(db_path)], capture_output=True, text=True
    )
    session_id = killed.stdout.strip()
    with HistoryStore.open(db_path) as store:  # a reader: nothing begins here
        assert store.session(session_id).outcome == "interrupted"
        assert [s.outcome for s in store.sessions()] == ["interrupted"]
        assert [s.outcome for s in store.dump().sessions] == ["interrupted"]
        record = store.session(session_id)
        assert record.ended_at == record.updated_at
    db = sqlite3.connect(db_path)  # decided when read: the file itself is not rewritten
    assert db.execute("SELECT outcome FROM sessions").fetchall() == [("open",)]
    db.close()


def test_a_session_of_another_live_process_reads_as_in_progress(db_path: Path) -> None:
    HistoryStore.open(db_path).close()
    live = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(db_path), "wait"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert live.stdout is not None
        session_id = live.stdout.readline().strip()
        with HistoryStore.open(db_path) as store:
            assert store.session(session_id).outcome == "open"
            begin(store)  # a practice here leaves the other one alone
            assert store.session(session_id).outcome == "open"
    finally:
        live.kill()
        live.wait()
    with HistoryStore.open(db_path) as store:
        assert store.session(session_id).outcome == "interrupted"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="process start times: Linux")
def test_a_reused_process_id_does_not_keep_a_dead_session_open(store: HistoryStore) -> None:
    orphan = begin(store)
    # The row names a process that is alive (our parent), but one that started at another time.
    store._db.execute(
        "UPDATE sessions SET owner = ? WHERE id = ?",
        (f"{owners.HOST}:{os.getppid()}:1-00000000:gone", orphan),
    )
    assert store.session(orphan).outcome == "interrupted"


def test_an_open_row_without_a_sign_of_life_for_a_day_becomes_interrupted(
    db_path: Path, clock: Clock
) -> None:
    with HistoryStore.open(db_path, clock=clock) as first:
        stale = begin(first)
        first._db.execute("UPDATE sessions SET owner = 'another-host:1:x' WHERE id = ?", (stale,))
        clock.advance(hours=23)
        begin(first)
        assert first.session(stale).outcome == "open"
        clock.advance(hours=2)
        begin(first)
        assert first.session(stale).outcome == "interrupted"
        seed.finish(first, stale, "completed", 300, 5)  # its owner came back: it knows better
        assert first.session(stale).outcome == "completed"


def test_answers_are_kept_in_order_and_named_ones_remembered(store: HistoryStore) -> None:
    session_id = begin(store)
    seed.add_answer(store, session_id, "Where is your calm place?", "a quiet harbour")
    seed.add_answer(store, session_id, "A cue word?", "harbour", "cue_word")
    answers = store.answers(session_id)
    assert [(a.position, a.answer, a.remember_as) for a in answers] == [
        (0, "a quiet harbour", None),
        (1, "harbour", "cue_word"),
    ]
    assert store.remembered() == {"cue_word": "harbour"}
    store.set_remembered("cue_word", "lighthouse")
    assert store.remembered() == {"cue_word": "lighthouse"}
    store.forget("cue_word")
    assert store.remembered() == {}


def test_a_forgotten_name_is_not_revived_by_an_older_import(
    store: HistoryStore, clock: Clock
) -> None:
    store.set_remembered("cue_word", "harbour")
    clock.advance(minutes=1)
    store.forget("cue_word")
    older = RememberedRecord("cue_word", "harbour", START)
    store.merge([], [older])
    assert store.remembered() == {}
    newer = RememberedRecord("cue_word", "meadow", START + timedelta(hours=1))
    store.merge([], [newer])
    assert store.remembered() == {"cue_word": "meadow"}


def test_a_session_that_must_exist_is_not_written_once_erased(store: HistoryStore) -> None:
    record = store.session(begin(store))
    store.erase_all()
    later = replace(record, practised_seconds=60.0, updated_at=record.updated_at + timedelta(1))
    with pytest.raises(UnknownSession):
        store.save(later, owner="", must_exist=True)
    assert store.sessions() == []
    assert store.save(later, owner="") == "added"  # a session that may be new is written


def test_sessions_since_a_day_and_with_another_day_start_hour(
    store: HistoryStore, clock: Clock
) -> None:
    late = begin(store, started_at=datetime(2026, 3, 2, 2, 30, tzinfo=UTC))  # counts for 1 March
    begin(store, started_at=datetime(2026, 3, 3, 9, 0, tzinfo=UTC), zone_offset=(0, "UTC"))
    assert [s.practice_day for s in store.sessions()][:1] == [date(2026, 3, 1)]
    assert len(store.sessions(since=date(2026, 3, 2))) == 1
    rebucketed = store.sessions(since=date(2026, 3, 2), day_start_hour=0)
    assert [s.id for s in rebucketed][:1] == [late]
    assert [s.practice_day for s in store.sessions(day_start_hour=0)] == [
        date(2026, 3, 2),
        date(2026, 3, 3),
    ]


def test_the_store_works_from_another_thread(store: HistoryStore) -> None:
    results: list[str] = []
    worker = threading.Thread(target=lambda: results.append(begin(store)))
    worker.start()
    worker.join()
    assert store.session(results[0]).outcome == "open"


def test_two_stores_on_one_file_interleave_writes(db_path: Path) -> None:
    with HistoryStore.open(db_path) as one, HistoryStore.open(db_path) as two:
        ids = []
        for _ in range(20):
            ids.append(begin(one))
            ids.append(begin(two))
            seed.finish(one, ids[-1], "completed", 60, 1)
            seed.finish(two, ids[-2], "ended-early", 61, 1)
        assert len(one.sessions()) == 40
        assert {s.outcome for s in two.sessions()} == {"completed", "ended-early"}


def test_merge_adds_replaces_only_with_newer_and_is_idempotent(
    store: HistoryStore, clock: Clock
) -> None:
    session_id = begin(store)
    clock.advance(minutes=5)
    seed.finish(store, session_id, "completed", 300, 5)
    record = store.session(session_id)
    older = replace(record, title="old", updated_at=START)
    assert store.merge([(older, [])]) == (0, 0, 1)
    newer = replace(record, title="Box (renamed)", updated_at=clock.now + timedelta(1))
    assert store.merge([(newer, [])]) == (0, 1, 0)
    assert store.merge([(newer, [])]) == (0, 0, 1)
    assert store.session(session_id).title == "Box (renamed)"
    fresh = replace(record, id="another")
    assert store.merge([(fresh, [])]) == (1, 0, 0)


def test_erase_all_removes_everything(store: HistoryStore, db_path: Path) -> None:
    for _ in range(50):
        session_id = begin(store)
        seed.add_answer(store, session_id, "prompt", "a private answer " * 20, "name")
    store.erase_all()
    assert (store.sessions(), store.remembered(), store.remembered_records()) == ([], {}, [])
    assert b"a private answer" not in db_path.read_bytes()


def test_a_zero_length_file_is_an_empty_history(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.touch()
    with HistoryStore.open(db_path) as store:
        assert store.notice is None
        begin(store)
        assert len(store.sessions()) == 1


def test_a_newer_schema_is_refused_and_left_untouched(db_path: Path) -> None:
    HistoryStore.open(db_path).close()  # safeplace's own file, then a newer safeplace's
    db = sqlite3.connect(db_path)
    db.execute("CREATE TABLE future (x)")
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    before = db_path.read_bytes()
    with pytest.raises(HistoryUnavailable, match="newer safeplace"):
        HistoryStore.open(db_path)
    assert db_path.read_bytes() == before


def test_a_failing_migration_leaves_schema_and_version_unchanged(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "m.db", isolation_level=None)
    steps: list[tuple[str, ...]] = [
        ("CREATE TABLE a (x)",),
        ("ALTER TABLE a ADD COLUMN y", "UPDATE a SET y = nosuchfunction(x)"),
    ]
    migrate(db, steps[:1])
    db.execute("INSERT INTO a VALUES (1)")
    with pytest.raises(sqlite3.OperationalError):
        migrate(db, steps)
    assert db.execute("PRAGMA user_version").fetchone() == (1,)
    assert [row[1] for row in db.execute("PRAGMA table_info(a)")] == ["x"]
    db.close()


def test_stores_from_one_path_share_remembered_answers(db_path: Path) -> None:
    with HistoryStore.open(db_path) as one:
        one.set_remembered("cue_word", "harbour")
    with HistoryStore.open(db_path) as two:
        assert two.remembered() == {"cue_word": "harbour"}


def test_rows_hold_the_practice_day_and_counting_flag(store: HistoryStore) -> None:
    night = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    session_id = begin(store, started_at=night, zone_offset=(0, "UTC"))
    seed.finish(store, session_id, "ended-early", 75, 2)
    row = store._db.execute(
        "SELECT date(day_ordinal + 1721424.5), counts FROM sessions WHERE id = ?", (session_id,)
    ).fetchone()
    assert row == ("2026-03-01", 1)


# --- the recorder: what the player calls ----------------------------------------------------


def recorder_for(
    store: HistoryStore | None, tmp_path: Path, settings: Settings | None = None
) -> SessionRecorder:
    chosen = Settings() if settings is None else settings
    return SessionRecorder(store, chosen, tmp_path / "state" / "pending.jsonl")


def test_the_recorder_writes_a_whole_session(store: HistoryStore, tmp_path: Path) -> None:
    recorder = recorder_for(store, tmp_path)
    session_id = recorder.start("calm-place", "Calm place", "hash", 600)
    assert store.session(session_id).outcome == "open"
    recorder.rating("before", 7)
    recorder.step_reached(2, 95.0)
    assert store.session(session_id).practised_seconds == 95.0
    recorder.answer("Describe your calm place", "A beach at dawn")
    recorder.answer("A word to bring it back?", "dawn", "cue_word")
    recorder.finish(600.0, 6)
    recorder.rating("after", 3)  # the check-in after the end still belongs to the session
    row = store.session(session_id)
    assert (row.outcome, row.practised_seconds, row.steps_reached) == ("completed", 600.0, 6)
    assert (row.rating_before, row.rating_after) == (7, 3)
    assert [a.answer for a in store.answers(session_id)] == ["A beach at dawn", "dawn"]
    assert recorder.remembered() == {"cue_word": "dawn"}
    assert recorder.problem is None
    assert not (tmp_path / "state" / "pending.jsonl").exists()


def test_with_answers_off_only_named_answers_are_kept(store: HistoryStore, tmp_path: Path) -> None:
    recorder = recorder_for(store, tmp_path, Settings(keep_answers=False))
    session_id = recorder.start("calm-place", "Calm place", "hash", 600)
    recorder.answer("Describe your calm place", "A beach at dawn")
    recorder.answer("A word to bring it back?", "dawn", "cue_word")
    recorder.end_early(120.0, 3)
    assert store.answers(session_id) == []
    assert store.remembered() == {"cue_word": "dawn"}
    assert store.session(session_id).outcome == "ended-early"


def test_starting_again_ends_the_previous_session_early(
    store: HistoryStore, tmp_path: Path
) -> None:
    recorder = recorder_for(store, tmp_path)
    first = recorder.start("box", "Box", "hash", 300)
    recorder.step_reached(3, 150.0)
    recorder.start("scan", "Scan", "hash", 300)
    assert (store.session(first).outcome, store.session(first).practised_seconds) == (
        "ended-early",
        150.0,
    )


def test_calls_without_a_session_and_bad_ratings_are_ignored(
    store: HistoryStore, tmp_path: Path
) -> None:
    recorder = recorder_for(store, tmp_path)
    recorder.step_reached(1, 5.0)
    recorder.finish(5.0, 1)
    recorder.answer("prompt", "answer")
    session_id = recorder.start("box", "Box", "hash", 300)
    recorder.rating("before", 11)
    recorder.rating("during", 3)  # type: ignore[arg-type]
    recorder.finish(300.0, 4)
    recorder.end_early(10.0, 1)  # already finished: nothing changes
    row = store.session(session_id)
    assert (row.rating_before, row.outcome) == (None, "completed")
    assert recorder.problem is None


def test_without_a_store_practice_is_not_recorded(tmp_path: Path) -> None:
    recorder = recorder_for(None, tmp_path)
    recorder.start("box", "Box", "hash", 300)
    recorder.answer("A cue word?", "dawn", "cue_word")
    recorder.finish(300.0, 4)
    assert recorder.problem is None
    assert recorder.remembered() == {"cue_word": "dawn"}
    assert not (tmp_path / "state").exists()


def test_a_store_factory_is_opened_on_first_use(db_path: Path, tmp_path: Path) -> None:
    opened: list[HistoryStore] = []

    def open_store() -> HistoryStore:
        opened.append(HistoryStore.open(db_path))
        return opened[-1]

    recorder = SessionRecorder(open_store, Settings(), tmp_path / "pending.jsonl")
    assert opened == []
    session_id = recorder.start("box", "Box", "hash", 300)
    recorder.finish(300.0, 4)
    recorder.start("box", "Box", "hash", 300)
    assert len(opened) == 1
    assert opened[0].session(session_id).outcome == "completed"
    recorder.close()


def test_closing_the_recorder_keeps_a_store_it_was_given(
    store: HistoryStore, tmp_path: Path
) -> None:
    recorder = recorder_for(store, tmp_path)
    recorder.close()
    session_id = recorder.start("box", "Box", "hash", 300)
    recorder.finish(300.0, 4)
    assert store.session(session_id).outcome == "completed"


def test_a_naive_start_time_is_taken_as_local_time(store: HistoryStore, tmp_path: Path) -> None:
    recorder = recorder_for(store, tmp_path)
    naive = datetime(2026, 3, 2, 9, 30)
    session_id = recorder.start("box", "Box", "hash", 300, started_at=naive)
    assert store.session(session_id).started_at == naive.astimezone()
    assert recorder.problem is None
