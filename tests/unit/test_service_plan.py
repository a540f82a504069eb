"""The app's way to the plan, the favourites and what is remembered (history/service.py):
what it is given shows at once, is written on the writer thread, and a failure is said once."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from safeplace.history.plan import SafetyPlan
from safeplace.history.service import HistoryService
from safeplace.history.store import HistoryStore
from safeplace.paths import Paths

NOW = datetime(2026, 11, 20, 20, 30, tzinfo=UTC)


@pytest.fixture
def said() -> list[str]:
    return []


@pytest.fixture
def service(paths: Paths, said: list[str]) -> Iterator[HistoryService]:
    history = HistoryService(paths, None, now=lambda: NOW, say=said.append)
    yield history
    history.close()


def test_before_the_history_opens_a_peek_gives_favourites_plan_and_dates(
    paths: Paths, service: HistoryService
) -> None:
    with HistoryStore.open(paths.history_db) as store:
        store.set_favourite("box-breathing", True)
        store.save_safety_plan(SafetyPlan.of({"people": ["Sam"]}))
        store.set_remembered("cue_word", "harbour")
    assert service.favourites() == {"box-breathing"}  # not released: the history is not open
    assert service.safety_plan().entries("people") == ("Sam",)
    assert [(e.name, e.words) for e in service.remembered_records()] == [("cue_word", "harbour")]


def test_changes_show_at_once_and_are_written(paths: Paths, service: HistoryService) -> None:
    service.release()
    service.set_favourite("calm-place", True)
    service.set_favourite("box-breathing", True)
    service.set_favourite("box-breathing", False)
    plan = SafetyPlan.of({"people": ["Alex"]})
    service.save_safety_plan(plan)
    assert service.favourites() == {"calm-place"}
    assert service.safety_plan() == plan
    service.flush()
    with HistoryStore.open(paths.history_db) as store:
        assert store.favourites() == {"calm-place"}
        assert store.safety_plan() == plan


def test_a_forgotten_answer_is_gone_at_once(paths: Paths, service: HistoryService) -> None:
    with HistoryStore.open(paths.history_db) as store:
        store.set_remembered("cue_word", "harbour")
        store.set_remembered("kind_words", "soft")
    service.forget("cue_word")  # the writer is still on hold: nothing written yet
    assert [entry.name for entry in service.remembered_records()] == ["kind_words"]
    service.release()
    service.flush()
    with HistoryStore.open(paths.history_db) as store:
        assert store.remembered() == {"kind_words": "soft"}


def test_the_last_plan_is_written_when_the_app_closes(paths: Paths, said: list[str]) -> None:
    service = HistoryService(paths, None, now=lambda: NOW, say=said.append)
    for words in ("S", "Sa", "Sam"):  # typed faster than the writer writes
        service.save_safety_plan(SafetyPlan.of({"people": [words]}))
    service.close()
    with HistoryStore.open(paths.history_db) as store:
        assert store.safety_plan().entries("people") == ("Sam",)
    assert said == []


def test_a_plan_that_cannot_be_saved_is_said_once(paths: Paths, said: list[str]) -> None:
    paths.data_dir.mkdir(parents=True)
    other = sqlite3.connect(paths.history_db)  # another program's file: never written
    other.execute("CREATE TABLE notes (body TEXT)")
    other.commit()
    other.close()
    service = HistoryService(paths, None, now=lambda: NOW, say=said.append)
    service.release()
    for words in ("Sam", "Sam and Alex"):
        service.save_safety_plan(SafetyPlan.of({"people": [words]}))
        service.flush()
    assert service.safety_plan().entries("people") == ("Sam and Alex",)  # still shown
    service.close()
    plan_sentences = [sentence for sentence in said if "safety plan" in sentence]
    assert len(plan_sentences) == 1, said
    assert plan_sentences[0].startswith("Your safety plan could not be saved (")
