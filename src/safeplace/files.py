"""Writing the person's files safely: privately, atomically, and never over what is not ours.

Every file safeplace creates is its owner's alone (0600) and every folder too (0700), whatever
the umask; one of safeplace's files or folders found wider is tightened when it is opened.
Nothing else goes through here: the person's own exercises and the folders above safeplace's
keep the modes they have.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
_OTHERS = 0o077  # group and other permission bits


def private_folder(path: Path) -> None:
    """Make the folder (and missing parents) for the owner only, or tighten it if it exists.

    Folders that already exist above it are left as they are: they are the person's.
    """
    _make_folders(path)
    tighten(path)


def _make_folders(path: Path) -> None:
    if path.is_dir():
        return
    _make_folders(path.parent)
    try:
        os.mkdir(path, PRIVATE_FOLDER)
    except FileExistsError:
        if not path.is_dir():
            raise
        return  # made by another process meanwhile
    os.chmod(path, PRIVATE_FOLDER)  # the umask may have taken the owner's own bits


def private_file(path: Path) -> None:
    """Create an empty file for the owner only if there is none, or tighten the one there.

    Nothing is truncated or written; a pipe or a device at ``path`` is left as it is.
    """
    flags = os.O_RDONLY | os.O_CREAT | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags, PRIVATE_FILE)
    try:
        _tighten_open(fd)
    finally:
        os.close(fd)


def open_private(path: Path, mode: str) -> IO[Any]:
    """Like ``open(path, mode)``; a file it creates is 0600 and one it finds wider is tightened."""
    return open(path, mode, opener=_private_opener)


def _private_opener(path: str, flags: int) -> int:
    fd = os.open(path, flags, PRIVATE_FILE)
    _tighten_open(fd)
    return fd


def _tighten_open(fd: int) -> None:
    """Tighten an open regular file; the umask may have narrowed a new one, never widened it."""
    info = os.fstat(fd)
    if stat.S_ISREG(info.st_mode) and info.st_mode & _OTHERS:
        # Not ours to change (another owner, a read-only disk): it is still used.
        with contextlib.suppress(OSError):
            os.fchmod(fd, stat.S_IMODE(info.st_mode) & ~_OTHERS)


def tighten(*paths: Path) -> None:
    """Take group and other permissions away from files or folders of safeplace's, if any."""
    for path in paths:
        try:
            info = os.stat(path)
            kind_ok = stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)
            if kind_ok and info.st_mode & _OTHERS:
                os.chmod(path, stat.S_IMODE(info.st_mode) & ~_OTHERS)
        except OSError:
            pass  # missing, or not ours to change: it is still used


def write_atomically(path: Path, text: str) -> None:
    """Write via a synced temporary file (0600) and a rename, so a crash never leaves half a
    file. Through a symbolic link, the link's target is written and the link stays a link."""
    target = _through_links(path)
    temp = _synced_beside(target, text)
    try:
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def _synced_beside(path: Path, text: str) -> Path:
    """A new temporary file (0600) beside ``path`` holding ``text``, synced to the disk."""
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _through_links(path: Path) -> Path:
    if not path.is_symlink():
        return path
    target = Path(os.path.realpath(path))
    if target.is_symlink():  # a loop: realpath stopped on a link it could not resolve
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path))
    return target


class Refused(Exception):
    """A target that is not written to; the message is the sentence to show."""


def write_to_target(
    path: Path, text: str, *, replace: bool, own: Iterable[Path], what: str = "export"
) -> bool:
    """Write ``text`` where the person asked, destroying nothing that is there; True when it
    was written through to a terminal, a device or a pipe (a stream, not a file).

    A terminal, a character device or a pipe is written through, never replaced (a pipe
    waits for its reader, as the shell's ``>`` does). A new name
    gets a new file (0600), atomically. An existing file is replaced (atomically, 0600) only
    with ``replace``. A symbolic link is never followed to a file: the person names the file
    itself (it could point anywhere, and a link is not replaced either). Nothing under
    ``own`` (safeplace's files and folders, found through links and hard links) is written
    to, even with ``replace``. Raises :class:`Refused` with the sentence to show.
    """
    if _is_own(path, own):
        raise Refused(
            f"{path} is where safeplace keeps your history and settings, so {what} never "
            "writes there, even with --force. Choose a file outside safeplace's folders."
        )
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        _write_new(path, text)
        return False
    if stat.S_ISLNK(info.st_mode):
        _write_through_link(path, text)
        return True
    if stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
        _write_through(path, text)
        return True
    if stat.S_ISDIR(info.st_mode):
        raise Refused(f"{path} is a folder. Give a file name, such as {path / what}.json.")
    if not stat.S_ISREG(info.st_mode):
        raise Refused(f"{path} is not a file, a terminal or a pipe, so nothing was written.")
    if not replace:
        raise Refused(
            f"{path} already exists, and nothing was written. Add --force to replace it, "
            "or choose another name."
        )
    write_atomically(path, text)
    return False


def _write_through_link(path: Path, text: str) -> None:
    try:
        info = os.stat(path)
    except OSError:
        info = None
    if info is not None and (stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
        _write_through(path, text)  # /dev/stdout and friends: nothing is replaced
        return
    target = os.path.realpath(path)
    raise Refused(
        f"{path} is a link (to {target}), and nothing was written: give the file "
        "itself, or choose another name."
    )


def _write_through(path: Path, text: str) -> None:
    """Open a device or pipe for writing, check it still is one, and write; never truncate."""
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
        kind = os.fstat(fd).st_mode
        if not (stat.S_ISCHR(kind) or stat.S_ISFIFO(kind)):  # swapped for a file meanwhile
            raise Refused(f"{path} changed while it was opened, so nothing was written.")
        out.write(text)


def _write_new(path: Path, text: str) -> None:
    """A complete new file or none: written aside, then linked in only if the name is free."""
    temp = _synced_beside(path, text)
    try:
        os.link(temp, path)  # unlike a rename, fails if the name was taken meanwhile
    except OSError:
        if os.path.lexists(path):
            raise Refused(f"{path} appeared meanwhile, and was left as it is.") from None
        os.replace(temp, path)  # a filesystem without hard links
    finally:
        temp.unlink(missing_ok=True)


def _is_own(path: Path, own: Iterable[Path]) -> bool:
    """Whether ``path`` is, or is inside, one of ``own``: by name, through links, or as a hard
    link of one of them."""
    real = Path(os.path.realpath(path))
    lexical = Path(os.path.abspath(path))
    try:
        found = os.stat(path)
    except OSError:
        found = None
    for place in own:
        if real.is_relative_to(os.path.realpath(place)):
            return True
        if lexical.is_relative_to(os.path.abspath(place)):
            return True
        try:
            if found is not None and os.path.samestat(found, os.stat(place)):
                return True
        except OSError:
            pass
    return False
