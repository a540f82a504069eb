"""Results of checking files, remembered between runs so a start needs no validation.

Validating an exercise needs PyYAML and pydantic, and reading the settings file needs PyYAML;
they take longer to import than the whole player takes to draw. Like Python's own ``.pyc``
files, a result is kept with the file's fingerprint (size, modification time, inode, change
time) and reused only while that fingerprint, safeplace's version and the code that shapes
the results are unchanged. Anything else (a missing, damaged or foreign cache) simply means
"check again": the cache can be deleted at any time and is never a source of truth.

Values are plain JSON, never pickle: a cache file is data, not code.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from safeplace import __version__

FORMAT = 1
Fingerprint = list[int]

# The modules whose code decides what a remembered result looks like; editing one of them
# (in a checkout, without a version bump) must not let old results through.
_SHAPING_MODULES = (
    "checked.py",
    "settings.py",
    "exercise/model.py",
    "exercise/playable.py",
    "exercise/compile.py",
    "exercise/loader.py",
    "exercise/explain.py",
    "yamlsafe.py",
    "text.py",
    "exercise/problem.py",
    "exercise/library.py",
)
# The installed validators too (an upgrade may accept or refuse differently); found without
# importing them, which is the point of this module.
_SHAPING_PACKAGES = ("pydantic", "pydantic_core", "yaml")


def fingerprint(path: Path) -> Fingerprint | None:
    """What identifies this version of a file without reading it; None if it cannot be seen."""
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return None
    return [found.st_size, found.st_mtime_ns, found.st_ino, found.st_ctime_ns]


@cache  # the code does not change while it runs
def code_key() -> str:
    """safeplace's version plus the fingerprints of the modules that shape the results."""
    package = Path(__file__).resolve().parent
    prints = [fingerprint(package / name) for name in _SHAPING_MODULES]
    prints += [fingerprint(Path(origin)) for origin in map(_origin, _SHAPING_PACKAGES) if origin]
    return json.dumps([FORMAT, __version__, prints], separators=(",", ":"))


def _origin(package: str) -> str | None:
    from importlib.util import find_spec

    try:
        spec = find_spec(package)
    except (ImportError, ValueError):
        return None
    return None if spec is None else spec.origin


# Cache files parsed in this process, with the fingerprint they had: the settings and the
# library each open the cache at start, and the second reuses the first one's reading.
_PARSED: dict[Path, tuple[Fingerprint, dict[str, Any]]] = {}


class CheckedCache:
    """One JSON file of ``key -> (fingerprint, value)``, read once per change and written
    once.

    Never raises for a cache problem: an unreadable file starts empty, a failed write is
    dropped (the next run checks again).
    """

    def __init__(self, file: Path) -> None:
        self.file = file
        self._code = code_key()
        self._entries: dict[str, Any] = {}
        self._changed = False
        self._read()

    def get(self, key: str, current: Fingerprint | None) -> Any:
        """The value remembered for ``key`` at fingerprint ``current``, else None."""
        entry = self._entries.get(key)
        if current is None or not isinstance(entry, list) or len(entry) != 2:
            return None
        remembered, value = entry
        return value if remembered == current else None

    def put(self, key: str, current: Fingerprint | None, value: Any) -> None:
        if current is None:
            return
        self._entries[key] = [current, value]
        self._changed = True

    def forget_missing(self, prefix: str) -> None:
        """Drop entries under ``prefix`` (followed by a path) whose file is gone, so the
        cache does not grow forever."""
        gone = [
            key
            for key in self._entries
            if key.startswith(prefix) and not os.path.lexists(key[len(prefix) :])
        ]
        for key in gone:
            del self._entries[key]
        self._changed |= bool(gone)

    def save(self) -> None:
        if not self._changed:
            return
        from safeplace.files import private_folder, write_atomically

        document = {"code": self._code, "entries": self._entries}
        text = json.dumps(document, ensure_ascii=True, separators=(",", ":"))
        try:
            private_folder(self.file.parent)
            write_atomically(self.file, text)
        except OSError:
            return  # a read-only or full disk: the next start checks the files again
        self._changed = False
        written = fingerprint(self.file)
        if written is not None:  # as a reader would find them: JSON has no tuples
            _PARSED[self.file] = (written, json.loads(text)["entries"])

    def _read(self) -> None:
        current = fingerprint(self.file)
        if current is None:
            return
        parsed = _PARSED.get(self.file)
        if parsed is not None and parsed[0] == current:
            self._entries = dict(parsed[1])  # values are replaced by put(), never changed
            return
        try:
            document = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):  # RecursionError: absurdly deep nesting
            return
        if not isinstance(document, dict) or document.get("code") != self._code:
            return
        entries = document.get("entries")
        if isinstance(entries, dict):
            self._entries = entries
            _PARSED[self.file] = (current, dict(entries))
