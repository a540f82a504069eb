"""Build the real dependencies (library, history, clock) and run the app."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path

from safeplace.paths import Paths
from safeplace.settings import Settings


def launch(
    *,
    paths: Paths,
    settings: Settings,
    extra_dirs: Sequence[Path],
    exercise_id: str | None,
    speed: float,
    bell: bool,
    motion: str | None,
    theme: str | None,
) -> int:
    from safeplace.checked import CheckedCache
    from safeplace.exercise.library import load_library
    from safeplace.exercise.text import printable
    from safeplace.ui.app import make_app

    library = load_library(paths, extra_dirs=extra_dirs, cache=CheckedCache(paths.checked_cache))
    if exercise_id is not None and library.get(exercise_id) is None:
        closest = library.closest(exercise_id)
        hint = f" Did you mean: {', '.join(closest)}?" if closest else ""
        print(
            printable(f"No exercise with the id '{exercise_id}'.{hint}")
            + " `safeplace list` shows them all.",
            file=sys.stderr,
        )
        return 1
    notices = list(library.notices)
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
        speed=speed,
        bell=bell,
        motion=motion,
        theme=theme,
        notices=notices,
    )
    try:
        result = app.run()
    finally:
        if app.store is not None:
            app.store.close()
    return result if isinstance(result, int) else (app.return_code or 0)
