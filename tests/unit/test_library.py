"""The library: sources, overrides, problems that hide nothing, search and filters."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from safeplace.exercise.library import Library, load_library, validate_paths
from safeplace.paths import Paths, bundled_exercises_dir


def exercise_yaml(
    exercise_id: str,
    *,
    title: str | None = None,
    category: str = "breathing",
    tags: str = "[]",
    suits: str = "[]",
    summary: str = "A short calm practice.",
) -> str:
    return (
        f"id: {exercise_id}\ntitle: {title or exercise_id.replace('-', ' ').title()}\n"
        f"summary: {summary}\ncategory: {category}\ntags: {tags}\nsuits: {suits}\n"
        "steps:\n  - say: Let your shoulders drop.\n"
    )


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def home(tmp_path: Path) -> Paths:
    return Paths(
        config_dir=tmp_path / "config", data_dir=tmp_path / "data", state_dir=tmp_path / "state"
    )


@pytest.fixture
def bundled(tmp_path: Path) -> Path:
    folder = tmp_path / "bundled"
    write(folder / "breathing" / "box-breathing.yaml", exercise_yaml("box-breathing"))
    write(
        folder / "grounding" / "five-senses.yml",
        exercise_yaml("five-senses", category="grounding", tags="[ground-me]", suits="[wound-up]"),
    )
    write(
        folder / "compassion" / "kind-words.yaml",
        exercise_yaml("kind-words", category="compassion", summary="Words for a friend."),
    )
    return folder


def test_bundled_exercises_load_in_path_order(home: Paths, bundled: Path) -> None:
    library = load_library(home, bundled_dir=bundled)
    assert list(library.exercises) == ["box-breathing", "kind-words", "five-senses"]
    loaded = library.get("five-senses")
    assert loaded is not None
    assert loaded.origin == "bundled"
    assert loaded.path == bundled / "grounding" / "five-senses.yml"
    assert len(loaded.exercise.content_hash) == 16
    assert library.problems == []
    assert library.notices == []


def test_missing_user_folder_is_fine_and_never_created(home: Paths, bundled: Path) -> None:
    load_library(home, bundled_dir=bundled)
    assert not home.user_exercises.exists()
    assert not home.data_dir.exists()


def test_user_exercises_override_bundled_ones(home: Paths, bundled: Path) -> None:
    write(home.user_exercises / "mine" / "box.yaml", exercise_yaml("box-breathing", title="Mine"))
    write(home.user_exercises / "new-one.yaml", exercise_yaml("new-one"))
    library = load_library(home, bundled_dir=bundled)
    replaced = library.get("box-breathing")
    assert replaced is not None
    assert (replaced.origin, replaced.exercise.title) == ("user", "Mine")
    assert library.notices == [
        f"your {Path('exercises/mine/box.yaml')} replaces the bundled 'box-breathing'"
    ]
    assert next(iter(library.exercises)) == "box-breathing"  # keeps its place
    assert library.get("new-one") is not None


def test_extra_folders_and_files_come_last(home: Paths, bundled: Path, tmp_path: Path) -> None:
    write(home.user_exercises / "kind.yaml", exercise_yaml("kind-words", title="User kind"))
    extra_file = write(tmp_path / "elsewhere" / "kind.yaml", exercise_yaml("kind-words"))
    extra_dir = tmp_path / "more"
    write(extra_dir / "box.yaml", exercise_yaml("box-breathing", title="Extra box"))
    library = load_library(home, [extra_file, extra_dir], bundled_dir=bundled)
    assert library.exercises["kind-words"].origin == "extra"
    assert library.exercises["box-breathing"].exercise.title == "Extra box"
    assert library.notices == [
        f"your {Path('exercises/kind.yaml')} replaces the bundled 'kind-words'",
        f"{extra_file} replaces your 'kind-words'",
        f"{extra_dir / 'box.yaml'} replaces the bundled 'box-breathing'",
    ]


def test_missing_extra_path_is_a_problem(home: Paths, bundled: Path, tmp_path: Path) -> None:
    library = load_library(home, [tmp_path / "nowhere"], bundled_dir=bundled)
    assert [str(p) for p in library.problems] == [
        f"{tmp_path / 'nowhere'}:1:1: no such file or folder"
    ]
    assert len(library.exercises) == 3


def test_one_bad_file_hides_nothing(home: Paths, bundled: Path) -> None:
    bad = write(home.user_exercises / "broken.yaml", "id: broken\ntitle: [\n")
    typo = write(
        home.user_exercises / "typo.yaml", exercise_yaml("typo").replace("title:", "titel:")
    )
    write(home.user_exercises / "fine.yaml", exercise_yaml("fine"))
    write(home.user_exercises / "notes.txt", "not an exercise")
    library = load_library(home, bundled_dir=bundled)
    assert "fine" in library.exercises
    assert len(library.exercises) == 4
    assert [p.path for p in library.problems] == [str(bad), str(typo)]
    assert library.problems[1].message == "unknown field 'titel'; did you mean 'title'?"


def test_same_id_twice_in_one_source_is_a_problem_for_the_second(
    home: Paths, bundled: Path
) -> None:
    first = write(home.user_exercises / "a.yaml", exercise_yaml("twin", title="First"))
    second = write(home.user_exercises / "b.yaml", "# a comment\n" + exercise_yaml("twin"))
    library = load_library(home, bundled_dir=bundled)
    assert library.exercises["twin"].exercise.title == "First"
    [problem] = library.problems
    assert (problem.path, problem.line, problem.col) == (str(second), 2, 5)
    assert f"already used by {Path('exercises/a.yaml')}" in problem.message
    assert first.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")
@pytest.mark.timeout(5)
def test_pipes_and_hidden_or_linked_folders_do_not_stall_a_scan(
    home: Paths, bundled: Path, tmp_path: Path
) -> None:
    write(home.user_exercises / "fine.yaml", exercise_yaml("fine"))
    os.mkfifo(home.user_exercises / "pipe.yaml")
    write(home.user_exercises / ".hidden" / "secret.yaml", exercise_yaml("secret"))
    (home.user_exercises / "loop").symlink_to(home.user_exercises)
    library = load_library(home, bundled_dir=bundled)
    assert "fine" in library.exercises
    assert "secret" not in library.exercises
    [problem] = library.problems
    assert problem.path == str(home.user_exercises / "pipe.yaml")
    assert "not a regular file" in problem.message


def test_real_bundled_exercises_are_all_valid() -> None:
    folder = bundled_exercises_dir()
    if not any(folder.rglob("*.yaml")):
        pytest.skip("no bundled exercises yet")
    problems, warnings = validate_paths([folder])
    assert [str(p) for p in [*problems, *warnings]] == []


# --- finding exercises --------------------------------------------------------------------------


@pytest.fixture
def library(home: Paths, bundled: Path) -> Library:
    write(
        home.user_exercises / "evening.yaml",
        exercise_yaml(
            "evening-wind-down",
            title="Evening wind-down",
            category="body",
            tags="[sleep, calming]",
            suits="[wound-up, steady]",
        ),
    )
    write(
        home.user_exercises / "my-ground.yaml",
        exercise_yaml("my-ground", category="grounding", tags="[ground-me]"),
    )
    return load_library(home, bundled_dir=bundled)


def test_an_unknown_id_gets_one_sentence_with_the_close_ones(library: Library) -> None:
    assert library.get("nope") is None
    assert library.unknown_id("box-breath") == (
        "No exercise with the id 'box-breath'. Did you mean: box-breathing? "
        "`safeplace list` shows them all."
    )
    assert "Did you mean" not in library.unknown_id("zzzzzzzz")


def test_search(library: Library) -> None:
    def ids(query: str) -> list[str]:
        return [loaded.exercise.id for loaded in library.search(query)]

    assert ids("BOX") == ["box-breathing"]
    assert ids("sleep") == ["evening-wind-down"]  # a tag
    assert ids("friend") == ["kind-words"]  # the summary
    assert ids("evening calming") == ["evening-wind-down"]  # every word must match
    assert ids("grounding") == ["five-senses", "my-ground"]  # the category
    assert ids("") == list(library.exercises)
    assert ids("nothing-like-this") == []


def test_grounding_prefers_the_bundled_routine(library: Library) -> None:
    chosen = library.grounding()
    assert chosen is not None
    assert chosen.exercise.id == "five-senses"


def test_grounding_follows_an_override_and_falls_back(home: Paths, bundled: Path) -> None:
    write(
        home.user_exercises / "five.yaml",
        exercise_yaml("five-senses", title="My senses", category="grounding", tags="[ground-me]"),
    )
    chosen = load_library(home, bundled_dir=bundled).grounding()
    assert chosen is not None
    assert (chosen.origin, chosen.exercise.title) == ("user", "My senses")

    write(home.user_exercises / "five.yaml", exercise_yaml("five-senses", category="grounding"))
    write(home.user_exercises / "mine.yaml", exercise_yaml("mine", tags="[ground-me]"))
    chosen = load_library(home, bundled_dir=bundled).grounding()
    assert chosen is not None
    assert chosen.exercise.id == "mine"

    (home.user_exercises / "mine.yaml").unlink()
    assert load_library(home, bundled_dir=bundled).grounding() is None


# --- validate -------------------------------------------------------------------------------------


def test_validate_paths(tmp_path: Path) -> None:
    good = write(tmp_path / "set" / "good.yaml", exercise_yaml("good"))
    bad = write(tmp_path / "set" / "deeper" / "bad.yml", exercise_yaml("bad").replace("say", "sya"))
    twin = write(tmp_path / "single.yaml", exercise_yaml("good"))
    missing = tmp_path / "missing.yaml"
    problems, warnings = validate_paths([tmp_path / "set", twin, missing])
    assert [str(p) for p in problems] == [
        f"{bad}:8:5: steps.1: unknown step kind 'sya'; did you mean 'say'?",
        f"{twin}:1:5: id: 'good' is already used by {good}; give each exercise its own id",
        f"{missing}:1:1: no such file or folder",
    ]
    assert [str(p) for p in warnings] == [
        f"{twin}:1:5: warning: the id 'good' differs from the file name 'single.yaml'; "
        "naming the file good.yaml makes it easy to find"
    ]
    assert validate_paths([good]) == ([], [])
    (tmp_path / "empty").mkdir()
    assert [str(p) for p in validate_paths([tmp_path / "empty"])[0]] == [
        f"{tmp_path / 'empty'}:1:1: no .yaml or .yml files in this folder"
    ]


def test_an_id_whose_file_is_broken_gets_that_files_problem(tmp_path: Path, paths: Paths) -> None:
    broken = write(
        tmp_path / "mine" / "evening.yaml", exercise_yaml("evening").replace("say", "sya")
    )
    library = load_library(paths, extra_dirs=[tmp_path / "mine"])
    sentence = library.unknown_id("evening")
    assert sentence.startswith(f"The exercise 'evening' could not be read: {broken}:8:5: ")
    assert sentence.endswith(f"`safeplace validate {broken}` shows what to change.")
