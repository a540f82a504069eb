"""The safety plan and the favourites are kept with the history: stored, exported, imported
(newest wins), erased with it, and read safely whatever a row holds. A history from before
they existed gains their tables."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import get_args

import pytest

from safeplace.history.database import MIGRATIONS, HistoryUnavailable
from safeplace.history.exchange import ImportProblem, export_json, read_export
from safeplace.history.plan import (
    CRISIS_LINES,
    MAX_ENTRIES,
    MAX_ENTRY_CHARS,
    SafetyPlan,
    crisis_text,
    emergency_sentence,
)
from safeplace.history.store import HistoryStore
from safeplace.history.words import FAVOURITES, SAFETY_PLAN, favourite_ids, peek_rows
from safeplace.settings import Region

START = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)


class Clock:
    """A clock that moves a second at each reading, as real time moves between saves."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    opened = HistoryStore.open(tmp_path / "one" / "history.db", clock=Clock())
    yield opened
    opened.close()


@pytest.fixture
def other(tmp_path: Path) -> Iterator[HistoryStore]:
    opened = HistoryStore.open(
        tmp_path / "two" / "history.db", clock=Clock(START.replace(year=2027))
    )
    yield opened
    opened.close()


def a_plan(**parts: list[str]) -> SafetyPlan:
    return SafetyPlan.of(parts)


def export_and_read(store: HistoryStore, tmp_path: Path) -> Path:
    file = tmp_path / "export.json"
    file.write_text(export_json(store.dump(), 4), encoding="utf-8")
    return file


def test_a_plan_is_kept_and_read_back_as_written(store: HistoryStore) -> None:
    plan = a_plan(
        people=["Sam – 07700 900123", "My sister, by text"], warning_signs=["Not sleeping"]
    )
    store.save_safety_plan(plan)
    assert store.safety_plan() == plan
    assert store.safety_plan().entries("people") == ("Sam – 07700 900123", "My sister, by text")
    store.save_safety_plan(a_plan(warning_signs=["Not sleeping"]))
    assert store.safety_plan().entries("people") == ()  # emptied parts stay empty


def test_the_editor_text_becomes_one_entry_a_line_without_control_characters() -> None:
    plan = SafetyPlan.from_texts({"people": "Sam\r\n\n  Alex \x1b[31mred\x1b[0m \n\t\n", "x": "?"})
    assert plan.entries("people") == ("Sam", "Alex [31mred[0m")
    too_much = "\n".join(["a" * (MAX_ENTRY_CHARS + 5)] * (MAX_ENTRIES + 3))
    kept = SafetyPlan.from_texts({"people": too_much}).entries("people")
    assert len(kept) == MAX_ENTRIES and {len(entry) for entry in kept} == {MAX_ENTRY_CHARS}


def test_the_plan_as_text_lists_what_it_holds_in_order() -> None:
    plan = a_plan(professionals=["Dr Ahmed 01632 960000"], warning_signs=["Pacing at night"])
    text = plan.as_text()
    assert text.index("Signs that a hard time is starting") < text.index("Pacing at night")
    assert text.index("Pacing at night") < text.index("Professionals and crisis lines")
    assert "  - Dr Ahmed 01632 960000\n" in text
    assert "Making my surroundings safer" not in text  # nothing written there


@pytest.mark.parametrize(
    ("region", "number"),
    [("us", "911"), ("ca", "911"), ("uk", "999"), ("ie", "112 or 999")],
)
def test_the_emergency_number_follows_the_region(region: str, number: str) -> None:
    assert emergency_sentence(region) == f"If you are in danger right now, call {number}."
    assert crisis_text(region).startswith(emergency_sentence(region))


def test_elsewhere_the_emergency_number_is_the_local_one() -> None:
    assert emergency_sentence("other").endswith("call your local emergency number.")
    assert set(CRISIS_LINES) == set(get_args(Region))  # every region has its lines


def test_favourites_are_kept_and_can_be_taken_off(store: HistoryStore) -> None:
    store.set_favourite("box-breathing", True)
    store.set_favourite("calm-place", True)
    store.set_favourite("calm-place", False)
    assert store.favourites() == {"box-breathing"}
    added = {record.exercise_id: record.added_at for record in store.favourite_records()}
    store.set_favourite("box-breathing", True)  # again: it keeps the day it was added
    assert store.favourite_records()[0].added_at == added["box-breathing"]


def test_export_and_import_carry_the_plan_and_favourites(
    store: HistoryStore, other: HistoryStore, tmp_path: Path
) -> None:
    store.save_safety_plan(a_plan(people=["Sam"], what_matters=["My cat"]))
    store.set_favourite("box-breathing", True)
    store.set_favourite("calm-place", True)
    store.set_favourite("calm-place", False)
    other.merge(*read_export(export_and_read(store, tmp_path)))
    assert other.safety_plan() == store.safety_plan()
    assert other.favourites() == {"box-breathing"}


def test_an_import_keeps_the_newest_part_and_favourite(
    store: HistoryStore, other: HistoryStore, tmp_path: Path
) -> None:
    """``other`` writes a year later: its parts and favourites are newer than the export's."""
    store.save_safety_plan(a_plan(people=["Sam"], warning_signs=["Old sign"]))
    store.set_favourite("box-breathing", True)
    store.set_favourite("calm-place", True)
    old_export = export_and_read(store, tmp_path)
    other.save_safety_plan(a_plan(people=["Alex"]))
    other.set_favourite("calm-place", True)
    other.set_favourite("calm-place", False)
    other.merge(*read_export(old_export))
    plan = other.safety_plan()
    assert plan.entries("people") == ("Alex",)  # the newer part stays
    assert plan.entries("warning_signs") == ("Old sign",)  # the one only the export had joins
    assert other.favourites() == {"box-breathing"}  # taken off later: it stays off


def test_an_export_from_before_the_plan_imports(other: HistoryStore, tmp_path: Path) -> None:
    file = tmp_path / "v1.json"
    file.write_text(
        json.dumps({"format": "safeplace-history", "version": 1, "sessions": [], "remembered": []}),
        encoding="utf-8",
    )
    assert other.merge(*read_export(file)) == (0, 0, 0)
    assert other.safety_plan().is_empty and other.favourites() == frozenset()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"section": "secrets"}, "safety_plan[0].section"),
        ({"entries": "Sam"}, "safety_plan[0].entries"),
        ({"entries": [3]}, "safety_plan[0].entries[0]"),
        ({"entries": ["x" * (MAX_ENTRY_CHARS + 1)]}, "safety_plan[0].entries[0]"),
        ({"entries": ["x"] * (MAX_ENTRIES + 1)}, "safety_plan[0].entries"),
        ({"updated_at": "yesterday"}, "safety_plan[0].updated_at"),
    ],
)
def test_a_bad_plan_in_an_import_is_one_sentence_and_nothing_is_imported(
    store: HistoryStore, tmp_path: Path, change: dict[str, object], field: str
) -> None:
    store.save_safety_plan(a_plan(people=["Sam"]))
    file = export_and_read(store, tmp_path)
    document = json.loads(file.read_text(encoding="utf-8"))
    document["safety_plan"][0].update(change)
    file.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ImportProblem) as refused:
        read_export(file)
    assert str(refused.value).startswith(f"{file}: {field}: ")


def test_a_bad_favourite_in_an_import_is_refused(store: HistoryStore, tmp_path: Path) -> None:
    store.set_favourite("box-breathing", True)
    file = export_and_read(store, tmp_path)
    document = json.loads(file.read_text(encoding="utf-8"))
    document["favourites"][0]["exercise_id"] = "box\nbreathing"
    file.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ImportProblem, match=r"favourites\[0\]\.exercise_id"):
        read_export(file)


def test_erase_takes_the_plan_and_favourites_too(store: HistoryStore) -> None:
    store.save_safety_plan(a_plan(people=["Sam"]))
    store.set_favourite("box-breathing", True)
    store.erase_all()
    assert store.safety_plan().is_empty and store.favourites() == frozenset()
    assert store.dump().safety_plan == [] and store.dump().favourites == []


def test_a_strange_row_never_stops_a_reader(store: HistoryStore) -> None:
    """Rows written by hand or another program: the plan shows what can be read of them."""
    rows = [
        ("people", '["Sam", 3, null, "Alex\\u001b[2J"]', 5),
        ("warning_signs", "Not JSON at all\nsecond line", "soon"),
        ("on_my_own", '{"a": 1}', 2.5),
        ("distractions", b"\xff\xfe bytes", 7),
        ("what_matters", "[[[[", 8),
        ("secrets", '["never shown"]', 9),
    ]
    path = store.path
    db = sqlite3.connect(path)
    db.executemany("INSERT INTO safety_plan VALUES (?, ?, ?)", rows)
    db.executemany(
        "INSERT INTO favourites VALUES (?, ?, ?)",
        [("calm\nplace", 1, 1), (b"blob", 1, 1), ("box-breathing", "x", 1), ("grounding", 5, "x")],
    )
    db.commit()
    db.close()
    plan = store.safety_plan()
    assert plan.entries("people") == ("Sam", "Alex[2J")
    assert plan.entries("warning_signs") == ("Not JSON at all", "second line")
    assert plan.entries("on_my_own") == ()
    assert plan.entries("what_matters") == ("[[[[",)
    assert "never shown" not in plan.as_text()
    assert store.favourites() == {"box-breathing", "grounding"}  # what could be an id
    assert export_json(store.dump(), 4)  # and the export still writes


def test_a_history_from_before_the_plan_gains_its_tables(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    db = sqlite3.connect(path, isolation_level=None)
    for statement in MIGRATIONS[0]:
        db.execute(statement)
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO remembered VALUES ('cue_word', 'harbour', 0)")
    db.close()
    assert peek_rows(path, SAFETY_PLAN) == []  # no table yet: nothing, and no failure
    with HistoryStore.open(path) as store:
        assert store.remembered() == {"cue_word": "harbour"}
        store.save_safety_plan(a_plan(people=["Sam"]))
        store.set_favourite("box-breathing", True)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone() == (2,)
    db.close()
    assert favourite_ids(peek_rows(path, FAVOURITES)) == {"box-breathing"}


def test_a_history_of_a_newer_safeplace_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    HistoryStore.open(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    before = path.read_bytes()
    with pytest.raises(HistoryUnavailable, match="newer safeplace"):
        HistoryStore.open(path)
    assert path.read_bytes() == before
