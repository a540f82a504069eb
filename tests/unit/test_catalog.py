"""The bundled catalog: in step with exercises/, refused when a bundled file has a problem, and
the same library as checking the bundled files at start."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from safeplace.exercise.catalog import CATALOG_FILE, Entry
from safeplace.exercise.library import build_catalog, load_library
from safeplace.exercise.loader import LoadError
from safeplace.paths import Paths, bundled_exercises_dir

GOOD = (
    "id: {id}\ntitle: A title\nsummary: A short calm practice.\ncategory: breathing\n"
    "steps:\n  - say: Let your shoulders drop.\n"
)


def decoded(catalog: bytes) -> tuple[Entry, ...]:
    return msgspec.json.decode(catalog, type=tuple[Entry, ...])


def test_the_catalog_is_the_one_built_from_the_bundled_files() -> None:
    """If this fails, an exercise or the format changed: run `make catalog`."""
    built = decoded(build_catalog(bundled_exercises_dir()))
    assert decoded(CATALOG_FILE.read_bytes()) == built
    in_repo = {path.stem for path in bundled_exercises_dir().rglob("*.yaml")}
    assert {entry.playable.id for entry in built} == in_repo


def test_the_catalog_gives_the_library_that_checking_the_files_gives(paths: Paths) -> None:
    from_catalog = load_library(paths)
    from_files = load_library(paths, bundled_dir=bundled_exercises_dir())
    assert from_catalog == from_files
    assert from_catalog.problems == [] and len(from_catalog.exercises) >= 10


def test_a_bundled_file_with_a_problem_is_not_built(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(GOOD.format(id="good"), encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\ntitle: [\n", encoding="utf-8")
    with pytest.raises(LoadError) as raised:
        build_catalog(tmp_path)
    assert [problem.path for problem in raised.value.problems] == [str(broken)]


def test_two_bundled_files_with_one_id_are_not_built(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD.format(id="twin"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD.format(id="twin"), encoding="utf-8")
    with pytest.raises(LoadError) as raised:
        build_catalog(tmp_path)
    [problem] = raised.value.problems
    assert problem.path == str(tmp_path / "b.yaml") and "twin" in problem.message


def test_the_catalog_keeps_the_library_order_and_each_file(tmp_path: Path) -> None:
    for name in ("b/two.yaml", "a/one.yml", "three.yaml"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(GOOD.format(id=Path(name).stem), encoding="utf-8")
    entries = decoded(build_catalog(tmp_path))
    assert [entry.file for entry in entries] == ["a/one.yml", "b/two.yaml", "three.yaml"]
