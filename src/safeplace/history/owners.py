"""Who wrote an open session row, and whether that writer is still there.

An owner is ``host:pid:start:token``: ``start`` (when the process started, on Linux) tells a
process from a later one that got the same pid, and ``token`` one writer of a process from
another. A row whose writer is gone reads as interrupted; one of another running safeplace
reads as open. Rows of older versions are ``host:pid:token``, and imported ones have none.
"""

from __future__ import annotations

import functools
import os
import socket
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

# An open row whose owner cannot be checked (another host, Windows) counts as abandoned after
# a day without a sign of life; the owner may still finish it later.
ABANDONED_AFTER = timedelta(hours=24)
HOST = socket.gethostname()
# Writers open in this process, so a row of ours is not mistaken for one left by a dead process.
_LIVE_OWNERS: set[str] = set()


def new_owner() -> str:
    """A name for one writer of this process, live until :func:`release_owner`:
    ``host:pid:start:token``, where ``start`` tells this process from a later one that
    happens to get the same pid."""
    pid = os.getpid()
    facts = _process(pid)
    owner = f"{HOST}:{pid}:{facts[1] if facts else ''}:{uuid.uuid4().hex[:8]}"
    _LIVE_OWNERS.add(owner)
    return owner


def release_owner(owner: str) -> None:
    _LIVE_OWNERS.discard(owner)


def abandoned_rule(now_ms: int) -> Callable[[str, int], bool]:
    """Whether an open row (owner, last sign of life) was left by a writer that is gone;
    each owner is looked up once."""
    alive: dict[str, bool] = {}
    limit = ABANDONED_AFTER // timedelta(milliseconds=1)

    def abandoned(owner: str, updated_ms: int) -> bool:
        if owner not in alive:
            alive[owner] = _owner_alive(owner)
        return not alive[owner] or now_ms - updated_ms >= limit

    return abandoned


def _owner_alive(owner: str) -> bool:
    parts = owner.split(":")
    if len(parts) < 3 or parts[0] != HOST or not parts[1].isdigit():
        return bool(owner)  # not ours to check: only the age rule applies
    pid = int(parts[1])
    start = parts[2] if len(parts) >= 4 else ""  # rows of older versions: host:pid:token
    if pid == os.getpid():
        return owner in _LIVE_OWNERS
    if os.name != "posix":
        return True  # os.kill(pid, 0) would terminate the process on Windows
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process: /proc still tells whether it is the one
    facts = _process(pid)
    if facts is None:
        return True
    state, started = facts
    return state != "Z" and (not start or started == start)


def _process(pid: int) -> tuple[str, str] | None:
    """State and start ('<clock ticks after boot>-<boot>') of a process, where /proc tells."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return fields[0], f"{fields[19]}-{_boot_id()}"
    except (OSError, IndexError):
        return None


@functools.cache
def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()[:8]
    except OSError:
        return ""
