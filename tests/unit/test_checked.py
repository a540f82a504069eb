"""Remembered checks: a warm start reuses results, and any change or damage means "check again"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest

import safeplace.exercise.loader as loader_module
from safeplace.checked import CheckedCache, code_key, fingerprint
from safeplace.exercise.library import Library, load_library
from safeplace.exercise.loader import load_exercise_file
from safeplace.exercise.playable import Playable
from safeplace.exercise.problem import Problem
from safeplace.paths import Paths, bundled_exercises_dir
from safeplace.playback.timeline import Timeline, build_timeline

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "exercises"
PREFIX = "exercise:"
BROKEN = "id: broken\ntitle: [\n"


def exercise_yaml(
    exercise_id: str, *, title: str | None = None, fields: str = "", extra: str = ""
) -> str:
    """A minimal valid exercise; ``fields`` go before the steps, ``extra`` steps after."""
    return (
        f"id: {exercise_id}\ntitle: {title or exercise_id.replace('-', ' ').title()}\n"
        f"summary: A short calm practice.\ncategory: breathing\n{fields}"
        f"steps:\n  - say: Hello there.\n{extra}"
    )


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def key_for(path: Path) -> str:
    return PREFIX + os.path.abspath(path)


def read_cache(paths: Paths) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(paths.checked_cache.read_text(encoding="utf-8"))
    return document


def write_cache(paths: Paths, document: dict[str, Any]) -> None:
    paths.checked_cache.write_text(json.dumps(document), encoding="utf-8")


@pytest.fixture
def bundled(tmp_path: Path) -> Path:
    """A small bundled folder, so most tests check three files rather than every exercise."""
    folder = tmp_path / "bundled"
    write(folder / "breathing" / "slow-breath.yaml", exercise_yaml("slow-breath"))
    write(
        folder / "breathing" / "box.yaml",
        exercise_yaml(
            "box",
            fields="cautions: [breath-holds]\n",
            extra=(
                "  - breathe:\n      pattern: {in: 4, hold: 4, out: 4, rest: 4}\n      cycles: 2\n"
            ),
        ),
    )
    write(folder / "kind.yaml", exercise_yaml("kind", extra="  - prompt: What helps?\n"))
    return folder


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files each load really checks (reads and validates), in order."""
    seen: list[Path] = []
    real = loader_module.check_exercise_file

    def counting(path: Path) -> Playable | list[Problem]:
        seen.append(path)
        return real(path)

    monkeypatch.setattr(loader_module, "check_exercise_file", counting)
    return seen


Loader = Callable[[], Library]


@pytest.fixture
def load(paths: Paths, bundled: Path) -> Loader:
    """Load the library as a start does: a fresh CheckedCache on paths.checked_cache."""

    def run() -> Library:
        return load_library(paths, bundled_dir=bundled, cache=CheckedCache(paths.checked_cache))

    return run


@pytest.fixture
def load_uncached(paths: Paths, bundled: Path, checked: list[Path]) -> Loader:
    """Load without a cache, for comparison; its checks are not counted in ``checked``."""

    def run() -> Library:
        before = len(checked)
        library = load_library(paths, bundled_dir=bundled)
        del checked[before:]
        return library

    return run


# 1. The same results, warm or cold.


def test_a_warm_load_gives_the_same_library_as_a_cold_one(
    paths: Paths, load: Loader, load_uncached: Loader, checked: list[Path]
) -> None:
    write(paths.user_exercises / "box.yaml", exercise_yaml("box", title="My box"))
    write(paths.user_exercises / "mine.yaml", exercise_yaml("mine"))
    broken = write(paths.user_exercises / "broken.yaml", BROKEN)

    cold = load()
    assert len(checked) == 6 and paths.checked_cache.is_file()
    assert list(cold.exercises) == ["box", "slow-breath", "kind", "mine"]
    assert cold.notices == [f"your {Path('exercises/box.yaml')} replaces the bundled 'box'"]
    assert [p.path for p in cold.problems] == [str(broken)]
    assert cold.bundled_ids == {"box", "slow-breath", "kind"}

    checked.clear()
    warm = load()
    assert checked == []  # nothing checked again
    assert list(warm.exercises) == list(cold.exercises)
    for exercise_id, loaded in cold.exercises.items():
        assert warm.exercises[exercise_id] == loaded  # Playable, path and origin by value
    assert warm.problems == cold.problems
    assert warm.notices == cold.notices
    assert warm.bundled_ids == cold.bundled_ids
    assert warm == cold == load_uncached()


def _playables() -> list[Path]:
    return sorted(bundled_exercises_dir().rglob("*.yaml")) + sorted(FIXTURES.glob("*.yaml"))


def _shape(timeline: Timeline) -> list[tuple[Any, ...]]:
    return [
        (s.index, s.kind, s.text, s.duration, s.moment, s.breath, s.item_number, s.item_count)
        for s in timeline.segments
    ]


@pytest.mark.parametrize("path", _playables(), ids=lambda path: path.stem)
def test_a_playable_survives_json_and_plays_the_same(path: Path) -> None:
    original = load_exercise_file(path).playable()
    again = msgspec.json.decode(msgspec.json.encode(original), type=Playable)
    assert again == original
    assert msgspec.json.encode(again) == msgspec.json.encode(original)
    for holds in (True, False):
        before = build_timeline(original, holds=holds)
        after = build_timeline(again, holds=holds)
        assert _shape(after) == _shape(before)
        assert after.step_starts == before.step_starts
        assert after.timed_seconds == before.timed_seconds
        assert after.estimated_seconds == before.estimated_seconds


def test_every_bundled_exercise_is_found_in_the_round_trip_list() -> None:
    """Guards the parametrized test above against an empty or moved bundled folder."""
    assert len([p for p in _playables() if p.is_relative_to(bundled_exercises_dir())]) >= 10


# 2. A warm start (settings, then the library, as cli.run does) reads no exercise file and
# imports neither PyYAML nor pydantic.

LOAD_IN_A_FRESH_PROCESS = """
import json, sys
from safeplace.checked import CheckedCache
from safeplace.exercise.library import load_library
from safeplace.paths import resolve_paths
from safeplace.settings import load_settings
paths = resolve_paths()
settings, _ = load_settings(paths.config_file, CheckedCache(paths.checked_cache))
library = load_library(paths, cache=CheckedCache(paths.checked_cache))
print(json.dumps({
    "bell": settings.bell,
    "titles": {key: loaded.exercise.title for key, loaded in library.exercises.items()},
    "problems": [str(problem) for problem in library.problems],
    "notices": library.notices,
    "modules": {
        name: name in sys.modules
        for name in ("pydantic", "yaml", "safeplace.exercise.loader")
    },
}))
"""


def _load_in_a_fresh_process(home: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", LOAD_IN_A_FRESH_PROCESS],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "SAFEPLACE_HOME": str(home)},
        check=True,
    )
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def test_a_warm_start_imports_neither_the_loader_nor_yaml_nor_pydantic(
    paths: Paths, isolated_home: Path
) -> None:
    mine = write(paths.user_exercises / "mine.yaml", exercise_yaml("mine", title="Mine"))
    write(paths.user_exercises / "broken.yaml", BROKEN)

    cold = _load_in_a_fresh_process(isolated_home)
    assert cold["modules"]["safeplace.exercise.loader"] is True
    assert cold["modules"]["pydantic"] is True and cold["modules"]["yaml"] is True
    assert cold["titles"]["mine"] == "Mine" and "box-breathing" in cold["titles"]
    assert len(cold["problems"]) == 1 and "broken.yaml" in cold["problems"][0]

    warm = _load_in_a_fresh_process(isolated_home)
    assert warm["modules"] == {"pydantic": False, "yaml": False, "safeplace.exercise.loader": False}
    assert (warm["titles"], warm["problems"], warm["notices"]) == (
        cold["titles"],
        cold["problems"],
        cold["notices"],
    )

    write(mine, exercise_yaml("mine", title="Mine, edited"))
    edited = _load_in_a_fresh_process(isolated_home)
    assert edited["modules"]["safeplace.exercise.loader"] is True
    assert edited["titles"]["mine"] == "Mine, edited"


# 3. A changed file is checked again.


def _bump_mtime(path: Path, seconds: int = 10) -> None:
    """Move the modification time on explicitly, so no clock granularity can hide an edit."""
    found = path.stat()
    os.utime(path, ns=(found.st_atime_ns, found.st_mtime_ns + seconds * 1_000_000_000))


def test_an_edited_title_is_picked_up(paths: Paths, load: Loader, checked: list[Path]) -> None:
    mine = write(paths.user_exercises / "mine.yaml", exercise_yaml("mine", title="First"))
    assert load().exercises["mine"].exercise.title == "First"

    checked.clear()
    write(mine, exercise_yaml("mine", title="A much longer second title"))
    _bump_mtime(mine)
    assert load().exercises["mine"].exercise.title == "A much longer second title"
    assert checked == [mine]  # only the edited file is checked again


def test_a_same_size_edit_with_a_new_mtime_is_picked_up(
    paths: Paths, load: Loader, checked: list[Path]
) -> None:
    mine = write(paths.user_exercises / "mine.yaml", exercise_yaml("mine", title="Title A"))
    load()
    size = mine.stat().st_size
    write(mine, exercise_yaml("mine", title="Title B"))
    assert mine.stat().st_size == size
    _bump_mtime(mine)
    checked.clear()
    assert load().exercises["mine"].exercise.title == "Title B"
    assert checked == [mine]


def test_breaking_and_fixing_a_file_is_picked_up(
    paths: Paths, load: Loader, load_uncached: Loader
) -> None:
    mine = write(paths.user_exercises / "mine.yaml", exercise_yaml("mine"))
    first = load()
    assert "mine" in first.exercises and first.problems == []

    write(mine, "id: mine\ntitle: [\n")
    _bump_mtime(mine)
    broken = load()
    assert "mine" not in broken.exercises
    assert [p.path for p in broken.problems] == [str(mine)]
    assert broken == load_uncached()
    assert load() == broken  # the problem itself is remembered

    write(mine, exercise_yaml("mine", title="Fixed again"))
    _bump_mtime(mine, 20)
    fixed = load()
    assert fixed.exercises["mine"].exercise.title == "Fixed again"
    assert fixed.problems == []
    assert fixed == load_uncached()


# 4. A deleted file leaves the library and the cache.


def test_a_deleted_exercise_leaves_the_library_and_the_cache(
    paths: Paths, bundled: Path, load: Loader
) -> None:
    mine = write(paths.user_exercises / "mine.yaml", exercise_yaml("mine"))
    broken = write(paths.user_exercises / "broken.yaml", BROKEN)
    load()
    keys = set(read_cache(paths)["entries"])
    assert {key_for(mine), key_for(broken)} <= keys
    assert key_for(bundled / "kind.yaml") in keys

    mine.unlink()
    broken.unlink()
    library = load()
    assert "mine" not in library.exercises and library.problems == []
    left = set(read_cache(paths)["entries"])
    assert key_for(mine) not in left and key_for(broken) not in left
    assert left == keys - {key_for(mine), key_for(broken)}
    assert all(key.startswith(PREFIX) for key in left)


# 5. A damaged cache is only a reason to check again.


def _assert_next_load_is_warm(load: Loader, checked: list[Path], expected: Library) -> None:
    checked.clear()
    assert load() == expected
    assert checked == []


@pytest.mark.parametrize(
    "damage",
    [
        bytes(range(255, -1, -1)),
        b"",
        b"[1, 2, 3]",
        b'"just a string"',
        b"null",
        b'{"entries": {}}',
        b'{"code": 1, "entries": {}}',
    ],
    ids=["bytes", "empty", "list", "string", "null", "no-code", "wrong-code-type"],
)
def test_a_damaged_cache_file_changes_nothing(
    paths: Paths, load: Loader, load_uncached: Loader, checked: list[Path], damage: bytes
) -> None:
    write(paths.user_exercises / "broken.yaml", BROKEN)
    paths.state_dir.mkdir(parents=True)
    paths.checked_cache.write_bytes(damage)

    library = load()
    assert library == load_uncached()
    assert len(checked) == 4  # everything checked again...
    assert read_cache(paths)["code"] == code_key()  # ...and the cache rewritten usable
    _assert_next_load_is_warm(load, checked, library)


def test_a_truncated_cache_file_changes_nothing(
    paths: Paths, load: Loader, load_uncached: Loader, checked: list[Path]
) -> None:
    load()
    text = paths.checked_cache.read_text(encoding="utf-8")
    paths.checked_cache.write_text(text[: len(text) // 2], encoding="utf-8")
    checked.clear()
    library = load()
    assert library == load_uncached() and len(checked) == 3
    _assert_next_load_is_warm(load, checked, library)


def test_entries_of_the_wrong_shape_are_ignored(
    paths: Paths, load: Loader, load_uncached: Loader, checked: list[Path]
) -> None:
    write(paths.user_exercises / "broken.yaml", BROKEN)
    load()
    paths.checked_cache.write_text(
        json.dumps({"code": code_key(), "entries": "not a mapping"}), encoding="utf-8"
    )
    checked.clear()
    library = load()
    assert library == load_uncached() and len(checked) == 4
    _assert_next_load_is_warm(load, checked, library)


@pytest.mark.parametrize(
    "value",
    [
        {"id": 3},
        {"playable": {"id": "kind"}},
        {"id": "kind", "parts": 5},
        [[1, 2]],
        [["x", "one", 1, "m"]],
        [[None, 1, 1, "m", "extra"]],
        {"neither": True},
        "a string",
        5,
        [1, 2, 3],
    ],
    ids=[
        "playable-missing-fields",
        "an-older-shape",
        "playable-bad-parts",
        "problems-short",
        "problems-bad-line",
        "problems-long",
        "neither",
        "string",
        "number",
        "list",
    ],
)
def test_a_remembered_value_of_the_wrong_shape_is_checked_again(
    paths: Paths,
    bundled: Path,
    load: Loader,
    load_uncached: Loader,
    checked: list[Path],
    value: Any,
) -> None:
    target = bundled / "kind.yaml"
    load()
    document = read_cache(paths)
    current = fingerprint(target)
    assert document["code"] == code_key() and document["entries"][key_for(target)][0] == current
    document["entries"][key_for(target)] = [current, value]
    write_cache(paths, document)

    checked.clear()
    library = load()
    assert checked == [target]  # only the damaged entry is checked again
    assert library == load_uncached()
    _assert_next_load_is_warm(load, checked, library)


@pytest.mark.parametrize(
    "entry", [None, "x", [1], [1, 2, 3], {"a": 1}], ids=["null", "str", "one", "three", "dict"]
)
def test_an_entry_that_is_not_a_fingerprint_and_value_pair_is_ignored(
    paths: Paths,
    bundled: Path,
    load: Loader,
    load_uncached: Loader,
    checked: list[Path],
    entry: Any,
) -> None:
    target = bundled / "kind.yaml"
    load()
    document = read_cache(paths)
    document["entries"][key_for(target)] = entry
    write_cache(paths, document)
    checked.clear()
    library = load()
    assert checked == [target] and library == load_uncached()
    _assert_next_load_is_warm(load, checked, library)


def test_a_remembered_result_with_a_stale_fingerprint_is_not_used(
    paths: Paths, bundled: Path, load: Loader, checked: list[Path]
) -> None:
    target = bundled / "kind.yaml"
    load()
    document = read_cache(paths)
    remembered, value = document["entries"][key_for(target)]
    value["title"] = "Stale"
    document["entries"][key_for(target)] = [[remembered[0] + 1, *remembered[1:]], value]
    write_cache(paths, document)
    checked.clear()
    assert load().exercises["kind"].exercise.title == "Kind"
    assert checked == [target]


def test_a_well_formed_remembered_result_is_what_is_used(
    paths: Paths, bundled: Path, load: Loader
) -> None:
    """The other side of the tests above: with a matching fingerprint the file is not read."""
    target = bundled / "kind.yaml"
    load()
    document = read_cache(paths)
    document["entries"][key_for(target)][1]["title"] = "Remembered"
    write_cache(paths, document)
    assert load().exercises["kind"].exercise.title == "Remembered"


# 6. A cache written by other code is ignored.


def test_a_cache_written_by_other_code_is_ignored(
    paths: Paths, bundled: Path, load: Loader, load_uncached: Loader, checked: list[Path]
) -> None:
    load()
    document = read_cache(paths)
    for _, value in document["entries"].values():
        value["title"] = "From other code"  # every bundled fixture is valid
    document["code"] = json.dumps([1, "0.0.0-other", []])
    write_cache(paths, document)

    checked.clear()
    library = load()
    assert len(checked) == 3
    assert "From other code" not in {e.exercise.title for e in library.exercises.values()}
    assert library == load_uncached()
    assert read_cache(paths)["code"] == code_key()
    _assert_next_load_is_warm(load, checked, library)


# 7. A cache that cannot be written.


def test_a_cache_under_a_file_does_not_stop_the_library(
    paths: Paths, load: Loader, load_uncached: Loader
) -> None:
    paths.state_dir.parent.mkdir(parents=True, exist_ok=True)
    paths.state_dir.write_text("a file where the state folder should be", encoding="utf-8")
    write(paths.user_exercises / "mine.yaml", exercise_yaml("mine"))
    library = load()
    assert library == load_uncached() and "mine" in library.exercises
    assert load() == library
    assert paths.state_dir.read_text(encoding="utf-8").startswith("a file")


def test_a_cache_path_that_is_a_folder_does_not_stop_the_library(
    paths: Paths, load: Loader, load_uncached: Loader
) -> None:
    paths.checked_cache.mkdir(parents=True)
    library = load()
    assert library == load_uncached()
    assert load() == library
    assert paths.checked_cache.is_dir() and list(paths.checked_cache.iterdir()) == []
    assert [p.name for p in paths.state_dir.iterdir()] == ["checked.json"]  # no temp files


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can write anywhere"
)
def test_a_read_only_state_folder_does_not_stop_the_library(
    paths: Paths, load: Loader, load_uncached: Loader
) -> None:
    paths.state_dir.mkdir(parents=True)
    paths.state_dir.chmod(0o500)
    try:
        library = load()
        assert library == load_uncached()
        assert load() == library
        assert list(paths.state_dir.iterdir()) == []
    finally:
        paths.state_dir.chmod(0o700)


# 8. CheckedCache and fingerprint on their own.


def test_fingerprint_of_a_missing_file_is_none(tmp_path: Path) -> None:
    assert fingerprint(tmp_path / "missing.yaml") is None
    assert fingerprint(tmp_path / "no-folder" / "missing.yaml") is None
    present = write(tmp_path / "present.yaml", "hello")
    found = fingerprint(present)
    assert found is not None and found[0] == 5 and found[1] == present.stat().st_mtime_ns


def test_put_with_no_fingerprint_stores_nothing(tmp_path: Path) -> None:
    cache = CheckedCache(tmp_path / "state" / "checked.json")
    cache.put("exercise:/nowhere.yaml", None, {"problems": []})
    assert cache.get("exercise:/nowhere.yaml", None) is None
    assert cache.get("exercise:/nowhere.yaml", [0, 0, 0, 0]) is None
    cache.save()
    assert not (tmp_path / "state").exists()  # nothing changed, so nothing written


def test_put_get_save_and_read_back(tmp_path: Path) -> None:
    file = tmp_path / "state" / "checked.json"
    cache = CheckedCache(file)
    cache.put("k", [1, 2, 3, 4], {"v": [1, "two"]})
    assert cache.get("k", [1, 2, 3, 4]) == {"v": [1, "two"]}
    assert cache.get("k", [1, 2, 3, 5]) is None
    assert cache.get("k", None) is None
    cache.save()
    again = CheckedCache(file)
    assert again.get("k", [1, 2, 3, 4]) == {"v": [1, "two"]}
    assert [p.name for p in file.parent.iterdir()] == ["checked.json"]


# A cache problem must never raise, however the file was damaged.


def test_a_deeply_nested_cache_file_is_ignored(paths: Paths, load: Loader) -> None:
    paths.state_dir.mkdir(parents=True)
    paths.checked_cache.write_text("[" * 200_000, encoding="utf-8")
    assert len(load().exercises) == 3


def test_an_infinite_line_number_in_a_remembered_problem_is_ignored(
    paths: Paths, load: Loader, load_uncached: Loader
) -> None:
    broken = write(paths.user_exercises / "broken.yaml", BROKEN)
    load()
    document = read_cache(paths)
    document["entries"][key_for(broken)][1] = [[str(broken), float("inf"), 1, "m"]]
    write_cache(paths, document)  # json writes Infinity, which json reads back as inf
    assert load() == load_uncached()


def test_a_remembered_playable_with_an_unhashable_id_is_ignored(
    paths: Paths, bundled: Path, load: Loader, load_uncached: Loader
) -> None:
    target = bundled / "kind.yaml"
    load()
    document = read_cache(paths)
    document["entries"][key_for(target)][1]["id"] = ["kind"]
    write_cache(paths, document)
    assert load() == load_uncached()


def test_remembered_problems_name_the_file_as_this_run_does(
    paths: Paths, bundled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "extra" / "broken.yaml", BROKEN)
    monkeypatch.chdir(tmp_path)
    cache_file = paths.checked_cache
    load_library(paths, [Path("extra")], bundled_dir=bundled, cache=CheckedCache(cache_file))
    absolute = [tmp_path / "extra"]
    warm = load_library(paths, absolute, bundled_dir=bundled, cache=CheckedCache(cache_file))
    assert warm.problems == load_library(paths, absolute, bundled_dir=bundled).problems


def _breath_part(playable: dict[str, Any]) -> dict[str, Any]:
    parts: list[dict[str, Any]] = playable["parts"]
    [part] = [part for part in parts if part["kind"] == "breathe"]
    return part


@pytest.mark.parametrize(
    "damage",
    [
        lambda part: part["breath"].update(lengthen_by=1.0, lengthen_every=0),  # would divide by 0
        lambda part: part["breath"].update(cycles=10**9),  # would lay out for ever
        lambda part: part["breath"].update(inhale=-4.0),
        lambda part: part["breath"].update(hold=600.0),
        lambda part: part.update(breath=None),  # a breathing part without a breath
        lambda part: part.update(seconds=-1.0),  # a breathing part with its own length
    ],
    ids=["lengthen-every-0", "huge-cycles", "negative-in", "long-hold", "no-breath", "seconds"],
)
def test_a_remembered_value_beyond_the_formats_bounds_is_checked_again(
    paths: Paths,
    bundled: Path,
    load: Loader,
    load_uncached: Loader,
    checked: list[Path],
    damage: Callable[[dict[str, Any]], None],
) -> None:
    """Right types, impossible values (a cache edited by hand): the file is read instead."""
    target = bundled / "breathing" / "box.yaml"
    load()
    document = read_cache(paths)
    damage(_breath_part(document["entries"][key_for(target)][1]))
    write_cache(paths, document)

    checked.clear()
    library = load()
    assert checked == [target]
    assert library == load_uncached()


def test_settings_and_exercises_stay_remembered_together(paths: Paths, isolated_home: Path) -> None:
    """A start opens the cache for the settings, then again for the library: each saves
    without losing what the other remembered, and an edit to either is seen at once."""
    config = write(paths.config_file, "bell: true\n")
    write(paths.user_exercises / "mine.yaml", exercise_yaml("mine", title="Mine"))
    _load_in_a_fresh_process(isolated_home)

    warm = _load_in_a_fresh_process(isolated_home)
    assert warm["modules"] == {"pydantic": False, "yaml": False, "safeplace.exercise.loader": False}
    assert warm["bell"] is True and warm["titles"]["mine"] == "Mine"

    write(config, "bell: false\n")
    _bump_mtime(config)
    edited = _load_in_a_fresh_process(isolated_home)
    assert edited["bell"] is False
    assert edited["modules"]["safeplace.exercise.loader"] is False  # the exercise is still known
    again = _load_in_a_fresh_process(isolated_home)
    assert again["bell"] is False and again["modules"]["yaml"] is False


def test_a_file_that_is_gone_is_forgotten_and_the_others_are_kept(
    paths: Paths, load: Loader, tmp_path: Path
) -> None:
    mine = write(paths.user_exercises / "mine.yaml", exercise_yaml("mine"))
    gone = write(paths.user_exercises / "gone.yaml", exercise_yaml("gone"))
    extra = write(tmp_path / "extra" / "other.yaml", exercise_yaml("other"))
    load_library(paths, [extra.parent], cache=CheckedCache(paths.checked_cache))
    assert {key_for(mine), key_for(gone), key_for(extra)} <= set(read_cache(paths)["entries"])
    gone.unlink()
    load()  # a start without the extra folder: its file is still there, so it is kept
    entries = set(read_cache(paths)["entries"])
    assert key_for(gone) not in entries
    assert {key_for(mine), key_for(extra)} <= entries
