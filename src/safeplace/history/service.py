"""The app's one way into the history: one writer thread, the history opened once, and a
typed handle for each practice (:class:`PracticeRecord`).

Writes run in order on one thread, so a slow disk or a locked database never stalls a breath.
The thread starts on hold: the first frame is drawn before the history is imported and opened
(both would compete with drawing for the interpreter). :meth:`HistoryService.release` ends the
hold, and it ends by itself after ``HOLD_SECONDS``. The store, recorder and database modules
are imported on that thread, at the first write.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from safeplace.history.recorder import SessionRecorder
    from safeplace.history.records import Moment
    from safeplace.history.store import HistoryStore
    from safeplace.paths import Paths
    from safeplace.settings import Settings

# How long the writer waits for the first frame before it starts anyway.
HOLD_SECONDS = 1.0


class HistoryService:
    """The history of one run of the app. ``store``: an open history to use (tests); without
    one it is opened from ``paths`` at the first need. ``say`` gets sentences about the
    history (a damaged file moved aside), from whichever thread opened it."""

    def __init__(
        self,
        paths: Paths | None,
        store: HistoryStore | None,
        *,
        now: Callable[[], datetime],
        say: Callable[[str], object],
    ) -> None:
        self._paths = paths
        self._store = store
        self._opened_here = False
        self._tried = store is not None
        self._opening = threading.Lock()
        self._now = now
        self._say = say
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="safeplace-history")
        self._released = threading.Event()
        self._writer.submit(self._released.wait, HOLD_SECONDS)

    def release(self) -> None:
        """The first frame is drawn: writes may go, and the history opens now rather than at
        the first need, so sessions waiting in the pending file merge, and a damaged file is
        said, at every start."""
        if not self._released.is_set():
            self._released.set()
            self._writer.submit(self.store)

    def store(self) -> HistoryStore | None:
        """The history, opened on first use from any thread; None if it cannot be opened."""
        with self._opening:
            if not self._tried and self._paths is not None:
                self._tried = True
                self._store, notice = open_history(self._paths)
                self._opened_here = self._store is not None
                if notice:
                    self._say(notice)
            return self._store

    def remembered(self) -> dict[str, str]:
        """Named answers for an exercise's placeholders, without waiting for the history:
        the open history's, else a peek at its file (the first frame needs them)."""
        store, paths = self._store, self._paths
        try:
            if store is not None:
                return store.remembered()
            from safeplace.history.words import peek_remembered

            return {} if paths is None else peek_remembered(paths.history_db)
        except Exception:  # history trouble (even a Python without sqlite3) never stops practice
            return {}

    def begin(
        self,
        settings: Settings,
        exercise_id: str,
        title: str,
        content_hash: str,
        planned_seconds: float,
    ) -> PracticeRecord:
        """Start recording a practice. Without an open history the recorder still tries: it
        opens the history itself, and keeps the session in the pending file if that fails."""
        paths, now = self._paths, self._now

        def make() -> SessionRecorder:
            from safeplace.history.recorder import SessionRecorder
            from safeplace.history.store import HistoryStore

            source: HistoryStore | Callable[[], HistoryStore] | None = self.store()
            if source is None and paths is not None:
                history_db = paths.history_db
                source = lambda: HistoryStore.open(history_db)  # noqa: E731
            pending = None if paths is None else paths.pending_file
            recorder = SessionRecorder(source, settings, pending, clock=lambda: now().astimezone())
            recorder.start(exercise_id, title, content_hash, planned_seconds)
            return recorder

        return PracticeRecord(self._writer, make)

    def flush(self, timeout: float | None = 30.0) -> None:
        """Wait until everything asked so far is written."""
        self._writer.submit(lambda: None).result(timeout)

    def close(self) -> None:
        """Write what is queued, then close the history if this service opened it."""
        self._released.set()
        self._writer.shutdown(wait=True)
        if self._opened_here and self._store is not None:
            self._store.close()


class PracticeRecord:
    """One practice's way into the history: begun by :meth:`HistoryService.begin`, then
    progress, answers and ratings, then its end. Each call returns at once; the recorder
    (history/recorder.py) makes the writes, in order, on the service's thread."""

    def __init__(self, writer: ThreadPoolExecutor, make: Callable[[], SessionRecorder]) -> None:
        self._writer = writer
        self._recorder: SessionRecorder | None = None
        self._failure: str | None = None
        self._over = False
        writer.submit(self._make, make)

    @property
    def problem(self) -> str | None:
        """One sentence while this practice is not saved as it goes; None once it is."""
        recorder = self._recorder
        return self._failure if recorder is None else recorder.problem

    def progress(self, steps_reached: int, practised_seconds: float) -> None:
        self._do(lambda recorder: recorder.step_reached(steps_reached, practised_seconds))

    def answer(self, question: str, text: str, remember_as: str | None, unfinished: bool) -> None:
        self._do(
            lambda recorder: recorder.answer(question, text, remember_as, unfinished=unfinished)
        )

    def rate(self, moment: Moment, value: int) -> None:
        """A rating, also after the end (the closing screen asks again)."""
        self._do(lambda recorder: recorder.rating(moment, value))
        if self._over:
            self._do(lambda recorder: recorder.close())

    def finish(self, practised_seconds: float, steps_reached: int) -> None:
        """The practice ran to its end."""
        self._end(lambda recorder: recorder.finish(practised_seconds, steps_reached))

    def end_early(self, practised_seconds: float, steps_reached: int) -> None:
        """The person left before the end (or a signal, or a closed terminal, ended it)."""
        self._end(lambda recorder: recorder.end_early(practised_seconds, steps_reached))

    def _end(self, end: Callable[[SessionRecorder], object]) -> None:
        self._over = True
        self._do(end)
        self._do(lambda recorder: recorder.close())

    def _make(self, make: Callable[[], SessionRecorder]) -> None:
        try:
            self._recorder = make()
        except Exception as error:  # e.g. a Python built without sqlite3
            self._failure = (
                f"This practice cannot be saved ({type(error).__name__}); it goes on all the same."
            )

    def _do(self, change: Callable[[SessionRecorder], object]) -> None:
        self._writer.submit(self._apply, change)

    def _apply(self, change: Callable[[SessionRecorder], object]) -> None:
        if self._recorder is not None:
            change(self._recorder)


def open_history(paths: Paths) -> tuple[HistoryStore | None, str | None]:
    """Open the history and merge what waits for it; practice goes on without it when it
    cannot be opened."""
    from safeplace.history.database import HistoryUnavailable
    from safeplace.history.pending import merge_pending
    from safeplace.history.store import HistoryStore

    try:
        store = HistoryStore.open(paths.history_db)
    except Exception as error:  # any failure here must not stop practice
        why = (
            str(error)
            if isinstance(error, HistoryUnavailable)
            else (f"Your history could not be opened ({error.__class__.__name__}).")
        )
        return None, f"{why} Your practice can go on, and safeplace keeps trying to save it."
    merge_pending(store, paths.pending_file)  # sessions that waited join the history now
    return store, store.notice
