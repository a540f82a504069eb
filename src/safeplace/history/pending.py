"""The pending file: sessions waiting for the history, and the mark an erase leaves there.

Each line is an export document (see exchange.py) for one session, with the ``owner`` that
wrote it, so a merged row of a safeplace still running reads as in progress. Every access
locks the file (flock), so appends, merges and an erase never interleave.

An erase empties the file and leaves one line with a new *generation*. A recorder notes the
generation when its session starts; when it finds another one, the session was erased while
it played, and nothing more of it is written anywhere.

A merge is made at every start of the app and of every command that reads the history. A
line that cannot be read or stored is moved to a file beside this one (0600) and said once;
lines the history cannot take just now (a full disk, a busy file) stay for the next merge.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import sqlite3
import stat
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Literal

from safeplace.files import open_private, private_folder
from safeplace.history import exchange
from safeplace.history.store import HistoryStore

try:
    import fcntl
except ImportError:  # Windows: appends and merges go unlocked
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())
ERASED = "safeplace-erased"
_MARK_PREFIX = b'{"format": "' + ERASED.encode() + b'"'
# Errors that are about one line's values, not about the history: that line is set aside.
_BAD_VALUES = (
    ValueError,
    TypeError,
    OverflowError,
    sqlite3.IntegrityError,
    sqlite3.DataError,
    sqlite3.InterfaceError,
)
Kept = Literal["kept", "failed", "erased"]


def append(path: Path, document: str, owner: str, generation: str | None) -> Kept:
    """Add one session (an export document, one line) unless an erase came since
    ``generation``; "failed" when the file cannot be written (it is left as it was)."""
    line = '{"owner": ' + json.dumps(owner) + ", " + document.strip()[1:] + "\n"
    try:
        private_folder(path.parent)
        with _locked(path, "a+b") as pending:
            if _generation(pending) != generation:
                return "erased"
            pending.seek(0, os.SEEK_END)
            if pending.tell() and not _ends_with_newline(pending):
                pending.write(b"\n")  # a line torn by a crash stays apart from this one
            pending.write(line.encode("utf-8"))
            pending.flush()
            os.fsync(pending.fileno())
    except OSError as error:
        log.warning("pending session not kept: %s", error)
        return "failed"
    return "kept"


def generation(path: Path) -> str | None:
    """The generation of the last erase; None when there was none. Raises OSError when the
    file is there but cannot be read (then nobody can tell)."""
    try:
        with _locked(path, "rb") as pending:
            return _generation(pending)
    except FileNotFoundError:
        return None


def has_waiting(path: Path) -> bool:
    """Whether any line other than an erase mark waits in ``path``."""
    try:
        with _locked(path, "rb") as pending:
            return any(line.strip() and not line.startswith(_MARK_PREFIX) for line in pending)
    except OSError:
        return False


def mark_erased(path: Path) -> None:
    """Empty the file and leave the mark of this erase (raises OSError if it cannot)."""
    private_folder(path.parent)
    mark = json.dumps({"format": ERASED, "generation": uuid.uuid4().hex}) + "\n"
    with _locked(path, "a+b") as pending:
        pending.truncate(0)
        pending.write(mark.encode("ascii"))
        pending.flush()
        os.fsync(pending.fileno())


def merge_pending(store: HistoryStore, path: Path) -> None:
    """Merge what waits in ``path`` into ``store``, as every start does; lines set aside
    are said in ``store.notice``."""
    if not os.path.lexists(path):
        return
    try:
        with _locked(path, "r+b") as pending:
            mark, waiting, bad = _read(pending.read())
            later = _store(store, waiting, bad)
            aside = _set_aside(path, bad)
            if aside is None:
                later = bad + later  # nowhere to put them: they stay, as they are
            pending.seek(0)
            pending.truncate()
            pending.write(b"".join([*mark, *later]))
            pending.flush()
            os.fsync(pending.fileno())
    except OSError as error:  # they stay pending; the next start tries again
        log.warning("pending sessions not merged: %s", error)
        return
    if aside is not None:
        count = "A waiting session" if len(bad) == 1 else f"{len(bad)} waiting sessions"
        said = f"{count} could not be read, so {'it was' if len(bad) == 1 else 'they were'}"
        sentence = f"{said} kept aside in {aside}."
        store.notice = f"{store.notice} {sentence}" if store.notice else sentence


_Waiting = tuple[bytes, list[exchange.SessionWithAnswers], list[Any], str]


def _read(content: bytes) -> tuple[list[bytes], list[_Waiting], list[bytes]]:
    """The last erase mark, the sessions that can be read, and the lines that cannot."""
    mark: list[bytes] = []
    waiting: list[_Waiting] = []
    bad: list[bytes] = []
    for raw in content.splitlines(keepends=True):
        if not raw.strip():
            continue
        line = raw if raw.endswith(b"\n") else raw + b"\n"
        if line.startswith(_MARK_PREFIX) and _mark_generation(line) is not None:
            mark = [line]
            continue
        try:
            data = json.loads(line.decode("utf-8"))
            sessions, remembered = exchange.parse_document(data, "a waiting session")
        except Exception:  # anything at all: this line is set aside, the others go on
            bad.append(line)
            continue
        owner = data.get("owner") if isinstance(data.get("owner"), str) else ""
        waiting.append((line, sessions, remembered, owner))
    return mark, waiting, bad


def _store(store: HistoryStore, waiting: list[_Waiting], bad: list[bytes]) -> list[bytes]:
    """Merge line by line; a line with impossible values goes to ``bad``. Returns the lines
    to keep for later: this one and the rest, once the history itself fails."""
    for number, (line, sessions, remembered, owner) in enumerate(waiting):
        try:
            store.merge(sessions, remembered, owner=owner)
        except _BAD_VALUES:
            bad.append(line)
        except Exception as error:  # the history cannot take them now
            log.warning("pending sessions not merged: %s", error)
            return [item[0] for item in waiting[number:]]
    return []


def _set_aside(path: Path, lines: list[bytes]) -> Path | None:
    """Move ``lines`` to a new file beside ``path``; None if there are none or it fails."""
    if not lines:
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for number in range(1, 100):
        suffix = "" if number == 1 else f"-{number}"
        aside = path.with_name(f"{path.stem}.unreadable-{stamp}{suffix}{path.suffix}")
        try:
            with open_private(aside, "xb") as out:
                out.write(b"".join(lines))
                out.flush()
                os.fsync(out.fileno())
        except FileExistsError:
            continue
        except OSError as error:
            log.warning("unreadable pending lines not set aside: %s", error)
            aside.unlink(missing_ok=True)
            return None
        return aside
    return None


def _generation(pending: IO[bytes]) -> str | None:
    pending.seek(0)
    first = pending.readline(4096)
    return _mark_generation(first) if first.startswith(_MARK_PREFIX) else None


def _mark_generation(line: bytes) -> str | None:
    try:
        found = json.loads(line.decode("ascii")).get("generation")
    except (ValueError, AttributeError):
        return None
    return found if isinstance(found, str) else None


@contextmanager
def _locked(path: Path, mode: str) -> Iterator[IO[bytes]]:
    """The file opened and locked against other safeplace processes. Anything but a file
    there (a pipe would block every read for ever) raises OSError, as a missing folder does."""
    try:
        kind = os.stat(path).st_mode
    except FileNotFoundError:
        kind = stat.S_IFREG  # created by the open, if the mode creates
    if not stat.S_ISREG(kind):
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    with open_private(path, mode) as file:
        if fcntl is not None:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX)
        yield file


def _ends_with_newline(file: IO[bytes]) -> bool:
    file.seek(-1, os.SEEK_END)
    return file.read(1) == b"\n"
