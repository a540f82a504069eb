"""Results of checking files, remembered between runs so a start needs no validation.

Validating an exercise needs PyYAML and pydantic, and reading the settings file needs PyYAML;
they take longer to import than the whole player takes to draw. Like Python's own ``.pyc``
files, a result is kept with the file's fingerprint (size, modification time, inode, change
time) and reused only while that fingerprint and the code that made it are unchanged: every
module of the installed package and the validators it uses (``code_key``). Anything else (a
missing, damaged or foreign cache, an entry of the wrong shape) simply means "check again":
the cache can be deleted at any time and is never a source of truth.

Values are JSON (msgspec), never pickle: a cache file is data, not code. Each entry stays
undecoded until it is asked for, with the type it must have.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from functools import cache
from pathlib import Path
from typing import Any

import msgspec

from safeplace import __version__

FORMAT = 2
Fingerprint = list[int]
# The installed validators: an upgrade may accept or refuse differently. Found without
# importing them, which is the point of this module.
_VALIDATORS = ("pydantic", "pydantic_core", "yaml", "msgspec")


class _Document(msgspec.Struct):
    code: str
    entries: dict[str, msgspec.Raw]
    """key -> the JSON of [fingerprint, value]"""


def fingerprint(path: str | Path) -> Fingerprint | None:
    """What identifies this version of a file without reading it; None if it cannot be seen."""
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return None
    return [found.st_size, found.st_mtime_ns, found.st_ino, found.st_ctime_ns]


@cache  # the code does not change while it runs
def code_key() -> str:
    """safeplace's version and the fingerprint of each of its modules and of the validators."""
    modules = sorted(_modules(Path(__file__).resolve().parent))
    prints = [[str(path), fingerprint(path)] for path in modules]
    prints += [[name, fingerprint(Path(origin))] for name, origin in _validators()]
    return msgspec.json.encode([FORMAT, __version__, prints]).decode()


def _modules(folder: Path) -> list[Path]:
    """Every .py file of the package, found by walking it, so a new module counts at once."""
    found = []
    for root, folders, files in os.walk(folder):
        # Not __pycache__ nor _bundled (exercises and the schema, for show and locate).
        folders[:] = [name for name in folders if not name.startswith(("_", "."))]
        found += [Path(root, name) for name in files if name.endswith(".py")]
    return found


def _validators() -> list[tuple[str, str]]:
    from importlib.util import find_spec

    found = []
    for name in _VALIDATORS:
        try:
            spec = find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is not None and spec.origin is not None:
            found.append((name, spec.origin))
    return found


@cache
def _decoder(shape: Any) -> msgspec.json.Decoder[tuple[Fingerprint, Any]]:
    """One decoder per shape: making one per entry is most of the cost of 1,000 entries."""
    return msgspec.json.Decoder(tuple[Fingerprint, shape])


class CheckedCache:
    """One JSON file of ``key -> (fingerprint, value)``, read when opened, written by save().

    Never raises for a cache problem: an unreadable file starts empty, a failed write is
    dropped (the next run checks again).
    """

    def __init__(self, file: Path) -> None:
        self.file = file
        self._entries: dict[str, msgspec.Raw] = {}
        self._changed = False
        try:
            document = msgspec.json.decode(file.read_bytes(), type=_Document)
        except (OSError, msgspec.DecodeError, RecursionError):  # ValidationError included
            return
        if document.code == code_key():  # computed only when there is something to trust
            self._entries = document.entries

    def get(self, key: str, current: Fingerprint | None, shape: Any = Any) -> Any:
        """The value remembered for ``key`` at fingerprint ``current``, decoded as ``shape``
        (plain JSON values by default); None if there is none or it does not fit."""
        raw = self._entries.get(key)
        if current is None or raw is None:
            return None
        try:
            remembered, value = _decoder(shape).decode(raw)
        except (msgspec.DecodeError, RecursionError):
            return None
        return value if remembered == current else None

    def put(self, key: str, current: Fingerprint | None, value: Any) -> None:
        if current is None:
            return
        try:
            key.encode()  # a name that is not UTF-8 cannot be kept: that file is checked each time
            self._entries[key] = msgspec.Raw(msgspec.json.encode([current, value]))
        except (UnicodeEncodeError, msgspec.EncodeError, TypeError):
            return
        self._changed = True

    def forget_missing(self, prefix: str, seen: Collection[str] = ()) -> None:
        """Drop entries under ``prefix`` (followed by a path) whose file is gone, so the
        cache does not grow forever. Paths in ``seen`` were just found, so only the others
        are looked for (a thousand look-ups less at a start with a thousand files)."""
        gone = [
            key
            for key in self._entries
            if key.startswith(prefix)
            and (path := key[len(prefix) :]) not in seen
            and not os.path.lexists(path)
        ]
        for key in gone:
            del self._entries[key]
        self._changed |= bool(gone)

    def save(self) -> None:
        if not self._changed:
            return
        from safeplace.files import private_folder, write_atomically

        text = msgspec.json.encode(_Document(code_key(), self._entries)).decode()
        try:
            private_folder(self.file.parent)
            write_atomically(self.file, text)
        except OSError:
            return  # a read-only or full disk: the next start checks the files again
        self._changed = False
