"""Finding an exercise in the bundled library with the words a person would type, and the
filters for category, length and what it suits."""

from __future__ import annotations

import pytest

from safeplace.exercise.library import Library, load_library
from safeplace.exercise.search import LENGTHS, Filters
from safeplace.paths import Paths


@pytest.fixture
def bundled(paths: Paths) -> Library:
    return load_library(paths)  # the catalog only: no folder of the person's own


def ids(library: Library, query: str) -> list[str]:
    return [loaded.exercise.id for loaded in library.search(query)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("wound up", "physiological-sigh"),  # the words of a state it suits
        ("Wound-up", "physiological-sigh"),
        ("too much", "physiological-sigh"),
        ("shut down", "wake-up-grounding"),
        ("numb", "wake-up-grounding"),
        ("lonely", "kind-pause"),  # the tag says "loneliness"
        ("cant sleep", "four-seven-eight"),
        ("can't sleep", "four-seven-eight"),
        ("I can’t sleep", "four-seven-eight"),
        ("breathe", "box-breathing"),
        ("rejected", "after-rejection-journal"),
        ("calm place", "calm-place"),
        ("kindness", "circle-of-warmth"),  # the category's name in the library
        ("anxious", "physiological-sigh"),
    ],
)
def test_words_people_use_find_something(bundled: Library, query: str, expected: str) -> None:
    assert expected in ids(bundled, query)


def test_every_word_must_match_and_titles_come_first(bundled: Library) -> None:
    assert ids(bundled, "lonely sleep") == []
    found = ids(bundled, "breath")
    assert found[:2] == ["box-breathing", "four-seven-eight"]  # "breath…" in the title
    assert set(ids(bundled, "sleep")) >= {"four-seven-eight", "shoulders-and-hands"}
    assert ids(bundled, "xyzzy") == []


def test_a_word_being_typed_matches_the_start_of_a_word(bundled: Library) -> None:
    assert "five-senses" in ids(bundled, "fiv")
    assert "physiological-sigh" in ids(bundled, "wound u")


def test_filters(bundled: Library) -> None:
    exercises = [loaded.exercise for loaded in bundled.exercises.values()]

    def shown(filters: Filters) -> set[str]:
        return {exercise.id for exercise in exercises if filters.matches(exercise)}

    by_id = {exercise.id: exercise for exercise in exercises}
    assert shown(Filters()) == set(by_id)
    grounding = shown(Filters(category="grounding"))
    assert {"five-senses", "wake-up-grounding"} <= grounding
    assert {by_id[i].category for i in grounding} == {"grounding"}
    short = shown(Filters(length="short"))
    assert "five-senses" in short and all(by_id[i].minutes <= 5 for i in short)
    medium = shown(Filters(length="medium"))
    assert "calm-place" in medium and all(6 <= by_id[i].minutes <= 10 for i in medium)
    assert all(by_id[i].minutes > 10 for i in shown(Filters(length="long")))
    numb = shown(Filters(suits="shut-down"))
    assert {"wake-up-grounding", "window-check-in"} <= numb
    assert "box-breathing" not in numb and all("shut-down" in by_id[i].suits for i in numb)
    both = Filters(category="grounding", suits="shut-down")
    assert "wake-up-grounding" in shown(both) and "window-check-in" not in shown(both)
    assert not Filters().active and both.active


def test_filters_step_through_their_choices_and_back_to_all() -> None:
    filters = Filters()
    seen = []
    for _ in range(len(LENGTHS) + 1):
        filters = filters.next("length")
        seen.append(filters.length)
    assert seen == [*LENGTHS, None]
    assert Filters().next("category").category == "check-in"
    assert Filters().next("suits").suits == "wound-up"
    assert "up to 5 min" in Filters(length="short").describe()
