"""The exercise library: bundled exercises, then the person's own, then any extra folders.

A later source replaces an earlier exercise with the same id (and says so in ``notices``).
A file that cannot be used becomes a :class:`Problem`; it never hides the others.
The bundled exercises come from the catalog, checked when safeplace was built (catalog.py).
Given a :class:`CheckedCache`, the person's file checked before and unchanged since is not
read again: its remembered result is used, so an ordinary start imports neither PyYAML nor
pydantic.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from safeplace.checked import CheckedCache, Fingerprint, fingerprint
from safeplace.exercise.catalog import bundled_catalog, encode_catalog
from safeplace.exercise.playable import Playable
from safeplace.exercise.problem import Problem
from safeplace.exercise.search import SearchIndex
from safeplace.paths import Paths, bundled_exercises_dir
from safeplace.text import close_matches

Origin = Literal["bundled", "user", "extra"]
GROUNDING_TAG = "ground-me"
EXERCISE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class LoadedExercise:
    """A valid exercise and where it came from."""

    exercise: Playable
    file: str
    """Its file, as found. A Path is made only when asked for: making one for each of a
    thousand files is a good part of a start's time with them."""
    origin: Origin

    @property
    def path(self) -> Path:
        return Path(self.file)


@dataclass
class Library:
    """Every usable exercise by id, plus what went wrong and what replaced what."""

    exercises: dict[str, LoadedExercise] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    bundled_ids: frozenset[str] = frozenset()
    _index: SearchIndex | None = field(default=None, repr=False, compare=False)
    _sources: _Sources | None = field(default=None, repr=False, compare=False)
    _seen: dict[str, Fingerprint | None] = field(default_factory=dict, repr=False, compare=False)

    def get(self, exercise_id: str) -> LoadedExercise | None:
        return self.exercises.get(exercise_id)

    def unknown_id(self, exercise_id: str) -> str:
        """The sentence for an id no exercise has: the problems of a file of that name, if one
        could not be used, else the ids that look like it."""
        broken = [p for p in self.problems if Path(p.path).stem == exercise_id]
        if broken:
            more = f" (and {len(broken) - 1} more)" if len(broken) > 1 else ""
            return (
                f"The exercise '{exercise_id}' could not be read: {broken[0]}{more}. "
                f"`safeplace validate {broken[0].path}` shows what to change."
            )
        close = close_matches(exercise_id, self.exercises, n=3)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        return f"No exercise with the id '{exercise_id}'.{hint} `safeplace list` shows them all."

    def search(self, query: str) -> list[LoadedExercise]:
        """Exercises matching every word of ``query`` in the person's words (search.py);
        those named by it come first; all of them for a query without words."""
        if not query.strip():
            return list(self.exercises.values())
        return [self.exercises[found.id] for found in self.search_index().search(query)]

    def search_index(self) -> SearchIndex:
        """The words of every exercise, worked out at the first search (or ahead of it)."""
        if self._index is None:
            self._index = SearchIndex(loaded.exercise for loaded in self.exercises.values())
        return self._index

    def shown_path(self, loaded: LoadedExercise) -> str:
        """Where an exercise of the person's own comes from, as they would look for it."""
        base = loaded.path.parent if self._sources is None else self._sources.paths.user_exercises
        return _shown_path(loaded.path, loaded.origin, base)

    def changed(self) -> bool:
        """Whether the person's files (their folder and the extra ones) differ from those this
        library was loaded from: a file new, gone or changed (by its fingerprint). Cheap: the
        folders are listed and each file's status read, nothing more."""
        return self._sources is not None and _fingerprints(self._sources.roots()) != self._seen

    def reloaded(self) -> Library:
        """The library loaded again from the same sources (unchanged files from the cache)."""
        if self._sources is None:
            return self
        return self._sources.load()

    def take(self, other: Library) -> None:
        """Become ``other`` (the app keeps one library, so it is changed in place)."""
        self.__dict__.update(other.__dict__)

    def grounding(self) -> LoadedExercise | None:
        """The routine offered by the ground-me key: the first exercise tagged ground-me,
        a bundled one (or the person's replacement of it) before the person's own."""
        tagged = [
            loaded for loaded in self.exercises.values() if GROUNDING_TAG in loaded.exercise.tags
        ]
        for loaded in tagged:
            if loaded.exercise.id in self.bundled_ids:
                return loaded
        return tagged[0] if tagged else None


def load_library(
    paths: Paths,
    extra_dirs: Sequence[Path] = (),
    *,
    bundled_dir: Path | None = None,
    cache: CheckedCache | None = None,
) -> Library:
    """The bundled exercises (the catalog, or the files in ``bundled_dir`` when given), then
    ``paths.user_exercises`` (if it exists; it is never created), then each of ``extra_dirs``
    (folders or single files). Only the person's files and the extra ones use ``cache``."""
    library = Library()
    if bundled_dir is None:
        catalog = ((str(file), playable) for file, playable in bundled_catalog())
        _add_source(library, "bundled", bundled_exercises_dir(), catalog)
    else:
        checked = _Checker(cache).each(bundled_dir, library.problems)
        _add_source(library, "bundled", bundled_dir, checked)
    library.bundled_ids = frozenset(library.exercises)
    user_dir = paths.user_exercises
    check = _Checker(cache)  # the person's own files: what it sees is watched for changes
    _add_source(library, "user", user_dir, check.each(user_dir, library.problems))
    for extra in extra_dirs:
        if not os.path.lexists(extra):
            library.problems.append(Problem(str(extra), 1, 1, "no such file or folder"))
            continue
        base = extra if extra.is_dir() else extra.parent
        _add_source(library, "extra", base, check.each(extra, library.problems))
    if cache is not None:
        found = {path for path, seen in check.seen.items() if seen is not None}
        cache.forget_missing(_CACHE_PREFIX, found)
        cache.save()
    library._sources = _Sources(paths, tuple(extra_dirs), bundled_dir, cache)
    library._seen = check.seen
    return library


@dataclass(frozen=True)
class _Sources:
    """What a library was loaded from, to load it again when the person's files change."""

    paths: Paths
    extra_dirs: tuple[Path, ...]
    bundled_dir: Path | None
    cache: CheckedCache | None

    def roots(self) -> list[Path]:
        return [self.paths.user_exercises, *self.extra_dirs]

    def load(self) -> Library:
        cache = None if self.cache is None else CheckedCache(self.cache.file)
        return load_library(self.paths, self.extra_dirs, bundled_dir=self.bundled_dir, cache=cache)


def _fingerprints(roots: Iterable[Path]) -> dict[str, Fingerprint | None]:
    seen = {}
    for root in roots:
        absolute = _absolute(root)
        for path in _exercise_files(root, []):
            seen[absolute(path)] = fingerprint(path)
    return seen


def _absolute(root: Path) -> Callable[[str], str]:
    """``os.path.abspath`` for the paths found under ``root``, without working it out for
    each of a thousand files: they all start with ``root`` as given."""
    given, base = str(root), os.path.abspath(root)
    return lambda path: base + path[len(given) :]


def validate_paths(paths: Sequence[Path]) -> tuple[list[Problem], list[Problem]]:
    """Problems in the given files and folders (every *.yaml/*.yml inside, recursively), and
    warnings for files that load but probably not as meant (``advice.py``). Two files with the
    same id are a problem for the second; so is a folder with no files to check, so that
    validating the wrong folder never reads as "all valid"."""
    from safeplace.exercise.advice import advice_for
    from safeplace.exercise.loader import LoadError, load_exercise_file

    problems: list[Problem] = []
    warnings: list[Problem] = []
    first_file_by_id: dict[str, Path] = {}
    for given in paths:
        if not os.path.lexists(given):
            problems.append(Problem(str(given), 1, 1, "no such file or folder"))
            continue
        files = [Path(path) for path in _exercise_files(given, problems)]
        if not files and given.is_dir():
            problems.append(Problem(str(given), 1, 1, "no .yaml or .yml files in this folder"))
        for path in files:
            try:
                exercise = load_exercise_file(path)
            except LoadError as error:
                problems.extend(error.problems)
                continue
            warnings.extend(advice_for(path))
            earlier = first_file_by_id.setdefault(exercise.id, path)
            if earlier != path:
                problems.append(_duplicate_id(path, exercise.id, str(earlier)))
    return problems, warnings


def build_catalog(folder: Path) -> bytes:
    """The catalog of the exercises in ``folder``, checked now (see catalog.py); raises
    ``LoadError`` with every problem when a file does not check or two share an id."""
    from safeplace.exercise.loader import LoadError

    library = Library()
    _add_source(library, "bundled", folder, _Checker(None).each(folder, library.problems))
    if library.problems:
        raise LoadError(library.problems)
    return encode_catalog(
        (loaded.path.relative_to(folder), loaded.exercise) for loaded in library.exercises.values()
    )


_CACHE_PREFIX = "exercise:"
_Checked = Playable | list[Problem]
# A remembered result: the playable form, or the problems as [file or None, line, col, message].
_Remembered = Playable | list[tuple[str | None, int, int, str]]


class _Checker:
    """Checks exercise files, or recalls the result of checking one unchanged before."""

    def __init__(self, cache: CheckedCache | None) -> None:
        self._cache = cache
        self.seen: dict[str, Fingerprint | None] = {}
        """Each file checked, by absolute path, with its fingerprint before it was read."""

    def each(self, root: Path, problems: list[Problem]) -> Iterator[tuple[str, _Checked]]:
        absolute = _absolute(root)
        for name in _exercise_files(root, problems):
            yield name, self(name, absolute(name))

    def __call__(self, name: str, absolute: str) -> _Checked:
        current = self.seen[absolute] = fingerprint(name)
        cache = self._cache
        if cache is None:
            return _check(name)
        key = _CACHE_PREFIX + absolute
        remembered = cache.get(key, current, _Remembered)
        if isinstance(remembered, Playable):
            return remembered
        if remembered is not None:
            return [
                Problem(name if where is None else where, line, col, message)
                for where, line, col, message in remembered
            ]
        result = _check(name)
        cache.put(key, current, _remembered(result, name))
        return result


def _check(name: str) -> _Checked:
    from safeplace.exercise import loader  # PyYAML and pydantic: only when a file is checked

    return loader.check_exercise_file(Path(name))


def _remembered(result: _Checked, named: str) -> _Remembered:
    if isinstance(result, Playable):
        return result
    # The file itself is kept as None: each run names it as it was given (relative or not).
    return [(None if p.path == named else p.path, p.line, p.col, p.message) for p in result]


def _add_source(
    library: Library, origin: Origin, base: Path, checked: Iterable[tuple[str, _Checked]]
) -> None:
    seen_here: dict[str, str] = {}
    for name, result in checked:
        if isinstance(result, list):
            library.problems.extend(result)
            continue
        exercise = result
        if exercise.id in seen_here:
            shown = _shown_path(Path(seen_here[exercise.id]), origin, base)
            library.problems.append(_duplicate_id(Path(name), exercise.id, shown))
            continue
        seen_here[exercise.id] = name
        earlier = library.exercises.get(exercise.id)
        if earlier is not None:
            library.notices.append(_replacement_notice(Path(name), origin, base, earlier))
        library.exercises[exercise.id] = LoadedExercise(exercise, name, origin)


def _replacement_notice(path: Path, origin: Origin, base: Path, earlier: LoadedExercise) -> str:
    replaced = {"bundled": "the bundled", "user": "your", "extra": "the extra"}[earlier.origin]
    who = "your " if origin == "user" else ""
    return f"{who}{_shown_path(path, origin, base)} replaces {replaced} '{earlier.exercise.id}'"


def _shown_path(path: Path, origin: Origin, base: Path) -> str:
    if origin == "user":
        try:
            return str(Path("exercises") / path.relative_to(base))
        except ValueError:
            pass
    return str(path)


def _duplicate_id(path: Path, exercise_id: str, earlier: str) -> Problem:
    line, col = _id_position(path)
    return Problem(
        str(path),
        line,
        col,
        f"id: '{exercise_id}' is already used by {earlier}; give each exercise its own id",
    )


def _id_position(path: Path) -> tuple[int, int]:
    from safeplace.yamlsafe import YamlProblem, load_yaml_with_positions, read_text_safely

    try:
        _, positions = load_yaml_with_positions(read_text_safely(path), str(path))
    except YamlProblem:
        return 1, 1
    return positions.get(("id",), (1, 1))


def _exercise_files(root: Path, problems: list[Problem]) -> Iterator[str]:
    """Every *.yaml / *.yml under ``root`` (or ``root`` itself), sorted, without following
    symlinked folders or entering hidden ones. Pipes and devices are listed too: the safe
    reader turns them into a quick "not a regular file" instead of a hang. A folder that
    cannot be listed is a problem; a missing ``root`` is not (callers decide)."""
    try:
        info = root.stat()
    except OSError:
        return
    if not stat.S_ISDIR(info.st_mode):
        yield str(root)
        return
    found: list[tuple[tuple[str, ...], str]] = []  # (parts below root, path), to sort by parts
    folders: list[tuple[str, tuple[str, ...]]] = [(str(root), ())]
    while folders:
        folder, parts = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as error:
            message = f"this folder cannot be read ({error.strerror}); its exercises are skipped"
            problems.append(Problem(folder, 1, 1, message))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_folder = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_folder:
                folders.append((entry.path, (*parts, entry.name)))
            elif entry.name.endswith(EXERCISE_SUFFIXES):
                found.append(((*parts, entry.name), entry.path))
    found.sort()
    for _, path in found:
        yield path
