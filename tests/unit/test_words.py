"""Remembered words are read for the first frame without opening the history: the peek the
history service makes before it opens it."""

from __future__ import annotations

from pathlib import Path

from safeplace.history.records import remembered_words_from_row
from safeplace.history.store import HistoryStore
from safeplace.history.words import REMEMBERED_DATED, peek_rows


def peek_remembered(db: Path) -> dict[str, str]:
    return {
        e.name: e.words for e in map(remembered_words_from_row, peek_rows(db, REMEMBERED_DATED))
    }


def test_the_peek_reads_what_the_history_keeps(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    store = HistoryStore.open(db)
    try:
        store.set_remembered("cue_word", "harbour")
        store.set_remembered("kind_words", "soft")
        store.forget("kind_words")
        assert peek_remembered(db) == store.remembered() == {"cue_word": "harbour"}
    finally:
        store.close()
    assert peek_remembered(db) == {"cue_word": "harbour"}  # and with the history closed


def test_no_history_yet_gives_no_words_and_creates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    assert peek_remembered(db) == {}
    assert not db.exists()


def test_a_damaged_history_gives_no_words(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    db.write_bytes(b"not a database at all" * 100)
    assert peek_remembered(db) == {}
    assert db.read_bytes() == b"not a database at all" * 100  # left for the history to repair
