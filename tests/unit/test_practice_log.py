"""The history writer: it waits for the first frame, never longer than its hold, and a log
that cannot make its recorder says so instead of failing silently."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from safeplace.exercise.library import Library
from safeplace.history.recorder import SessionRecorder
from safeplace.history.store import HistoryStore
from safeplace.playback.clock import FakeClock
from safeplace.playback.session import Session
from safeplace.settings import Settings
from safeplace.ui import practice_log
from safeplace.ui.practice_log import SAVE_EVERY_SECONDS, HistoryWriter, PracticeLog


def test_writes_wait_for_the_first_frame() -> None:
    writer = HistoryWriter()
    try:
        written = threading.Event()
        done = writer.submit(written.set)
        assert not written.wait(0.2)  # held: the first frame is not drawn yet
        writer.release()
        done.result(timeout=5)
        assert written.is_set()
    finally:
        writer.shutdown(wait=True)


def test_the_hold_ends_by_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(practice_log, "HOLD_SECONDS", 0.05)
    writer = HistoryWriter()  # nobody releases it (the first frame never came)
    try:
        writer.submit(lambda: None).result(timeout=5)
    finally:
        writer.shutdown(wait=True)


def test_a_recorder_that_cannot_be_made_is_reported(library: Library) -> None:
    loaded = library.get("every-kind")
    assert loaded is not None
    session = Session(loaded.exercise, FakeClock(0.0))

    def no_sqlite() -> SessionRecorder:
        raise ImportError("No module named '_sqlite3'")

    log = PracticeLog(no_sqlite, loaded, writer=None)
    assert log.problem is None
    log.record(session, session.start())  # must not raise
    assert log.problem is not None and "cannot be saved" in log.problem
    assert "goes on" in log.problem


def test_the_history_is_opened_on_the_writer_thread(library: Library) -> None:
    """The recorder, and with it the history modules, are made by the first write."""
    loaded = library.get("every-kind")
    assert loaded is not None
    made_on: list[str] = []

    def make() -> SessionRecorder:
        made_on.append(threading.current_thread().name)
        raise OSError("no disk today")

    writer = HistoryWriter()
    writer.release()
    try:
        session = Session(loaded.exercise, FakeClock(0.0))
        log = PracticeLog(make, loaded, writer)
        log.record(session, session.start())
        writer.flush()
        assert len(made_on) == 1 and made_on[0].startswith("safeplace-history")
        assert log.problem is not None and "OSError" in log.problem
    finally:
        writer.shutdown(wait=True)


def test_practised_time_is_written_every_few_seconds_of_a_long_step(
    library: Library, store: HistoryStore
) -> None:
    loaded = library.get("every-kind")  # its first step waits for a rating: a long step
    assert loaded is not None
    clock = FakeClock(0.0)
    session = Session(loaded.exercise, clock)
    pending = Path(store.path).parent / "pending.jsonl"
    log = PracticeLog(lambda: SessionRecorder(store, Settings(), pending), loaded, writer=None)
    log.record(session, session.start())
    clock.advance(SAVE_EVERY_SECONDS - 1)
    log.record(session, session.advance())  # within one step: nothing new to say yet
    [record] = store.sessions()
    assert record.practised_seconds == 0.0
    clock.advance(1.5)
    log.record(session, session.advance())
    assert store.session(record.id).practised_seconds == SAVE_EVERY_SECONDS + 0.5
    assert SAVE_EVERY_SECONDS <= 10  # a kill loses at most that much, plus one repaint


def test_words_left_in_a_prompt_are_kept_as_an_unfinished_answer(
    library: Library, store: HistoryStore
) -> None:
    loaded = library.get("every-kind")
    assert loaded is not None
    clock = FakeClock(0.0)
    session = Session(loaded.exercise, clock)
    pending = Path(store.path).parent / "pending.jsonl"
    log = PracticeLog(lambda: SessionRecorder(store, Settings(), pending), loaded, writer=None)
    log.record(session, session.start())
    while session.view().segment.kind != "prompt":
        log.record(session, session.next())
    session.keep_draft("you are doing")
    log.record(session, session.end())
    [record] = store.sessions()
    [answer] = store.answers(record.id)
    assert answer.prompt == "What would you say to a friend who felt like this? (unfinished)"
    assert (answer.answer, answer.remember_as) == ("you are doing", None)
    assert store.remembered() == {}
