"""The bundled exercises, checked when safeplace is built and shipped as plain data.

``catalog.json`` (beside this module, so it is inside the wheel) holds each bundled file's
playable form, in the library's order. ``tools/build_catalog.py`` writes it with
``library.build_catalog``, which fails on any problem in a bundled file, and a test keeps it
in step with ``exercises/``. A start decodes it with msgspec, typed and bounded: no file is
looked at, no cache consulted, and neither PyYAML nor pydantic imported.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import msgspec

from safeplace.exercise.playable import Playable
from safeplace.paths import bundled_exercises_dir

CATALOG_FILE = Path(__file__).with_name("catalog.json")


class Entry(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    file: str
    """The exercise file, relative to the bundled folder, with / between folders."""
    playable: Playable


def bundled_catalog() -> Iterator[tuple[Path, Playable]]:
    """Each bundled exercise, with the file it was made from."""
    folder = bundled_exercises_dir()
    for entry in msgspec.json.decode(CATALOG_FILE.read_bytes(), type=tuple[Entry, ...]):
        yield folder / entry.file, entry.playable


def encode_catalog(exercises: Iterable[tuple[Path, Playable]]) -> bytes:
    """The catalog of ``exercises`` (each with its file, relative), one exercise a line."""
    lines = [msgspec.json.encode(Entry(file.as_posix(), playable)) for file, playable in exercises]
    return b"[\n" + b",\n".join(lines) + b"\n]\n"
