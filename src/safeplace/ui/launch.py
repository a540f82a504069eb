"""Build the real dependencies (library, history, clock) and run the app."""

from __future__ import annotations

import os
import select
import signal
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from safeplace.paths import Paths
from safeplace.settings import Settings

if TYPE_CHECKING:
    from safeplace.exercise.playable import Playable


def launch(
    *,
    paths: Paths,
    settings: Settings,
    extra_dirs: Sequence[Path],
    exercise_id: str | None,
    quick: Playable | None = None,
    speed: float,
    bell: bool,
    motion: str | None,
    theme: str | None,
    settings_notices: Sequence[str] = (),
) -> int:
    from safeplace.checked import CheckedCache
    from safeplace.exercise.library import load_library
    from safeplace.text import one_line
    from safeplace.ui.app import make_app

    library = load_library(paths, extra_dirs=extra_dirs, cache=CheckedCache(paths.checked_cache))
    if exercise_id is not None and library.get(exercise_id) is None:
        print(one_line(library.unknown_id(exercise_id)), file=sys.stderr)
        return 1
    notices = [*settings_notices, *library.notices]
    if library.problems:
        notices.append(
            f"{len({p.path for p in library.problems})} exercise file(s) could not be read; "
            "run `safeplace validate` to see why."
        )
    app = make_app(
        settings,
        time.monotonic,
        None,  # the app opens the history once the first frame is drawn
        library,
        paths=paths,
        exercise_id=exercise_id,
        quick=quick,
        speed=speed,
        bell=bell,
        motion=motion,
        theme=theme,
        notices=notices,
    )
    done = threading.Event()
    threading.Thread(target=_watch_terminal, args=(done,), name="hang-up", daemon=True).start()
    try:
        result = app.run()  # the history closes with the app
    finally:
        done.set()
    return result if isinstance(result, int) else (app.return_code or 0)


LOOK_EVERY = 0.25  # seconds between looks at the terminal
LAST_RESORT = 10.0  # seconds after a hang-up; the app's own handler takes at most about 6


def _watch_terminal(done: threading.Event) -> None:
    """End the app when its terminal goes, whoever started it.

    A closed terminal sends SIGHUP to its session leader only; the rest of the session gets one
    when that leader exits. A leader that waits for us instead (make, for `make run`) means no
    SIGHUP ever comes: reads return at once with nothing, and Textual's input thread spins on
    them forever. A hung-up terminal says so to poll(), so look, and hang up ourselves."""
    poller = select.poll()
    for fd in (0, 1, 2):
        poller.register(fd, 0)  # no events asked for: hang-ups and errors are always told
    while not done.wait(LOOK_EVERY):
        gone = [fd for fd, flags in poller.poll(0) if flags & (select.POLLHUP | select.POLLERR)]
        if 0 in gone or 2 in gone:  # Textual reads stdin and draws on stderr
            break
    else:
        return
    _let_go_of(gone)
    os.kill(os.getpid(), signal.SIGHUP)  # the app's handler ends the practice, recorded
    if not done.wait(LAST_RESORT):  # its event loop is stuck: go anyway (reads "interrupted")
        os._exit(128 + signal.SIGHUP)


def _let_go_of(fds: list[int]) -> None:
    """Writes to a hung-up terminal fail, and one failure ends Textual's writer thread, after
    which a full queue blocks the app; reads return at once. So writes go to /dev/null and
    reads wait on a pipe that nobody writes to (its other end stays open on purpose)."""
    reader, _ = os.pipe()
    nothing = os.open(os.devnull, os.O_WRONLY)
    for fd in fds:
        os.dup2(reader if fd == 0 else nothing, fd)
