"""Forwarding a session's events to the history, off the UI thread.

The UI is the glue between playback and history (DESIGN: the layers). Writes go through one
worker thread, in order, so a slow disk or a locked database never stalls a breath. Practised
time is written at every step and every ``SAVE_EVERY_SECONDS`` within a step, so a kill loses
no more than that.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING, Any

from safeplace.playback.session import (
    Answered,
    EndedEarly,
    Finished,
    Rated,
    Session,
    Started,
    StepStarted,
)

if TYPE_CHECKING:
    from safeplace.exercise.library import LoadedExercise
    from safeplace.history.recorder import SessionRecorder
    from safeplace.history.store import HistoryStore
    from safeplace.paths import Paths
    from safeplace.settings import Settings

# How long the writer waits for the first frame before it starts anyway.
HOLD_SECONDS = 1.0
# Practised seconds between two writes of the time within a long step.
SAVE_EVERY_SECONDS = 10.0


class PracticeLog:
    """Turns session events into recorder calls, run in order on a writer thread.

    The recorder (and with it the history modules and the database) is made by the first
    write, on the writer thread: the player's first frame never waits for the history.
    """

    def __init__(
        self,
        make_recorder: Callable[[], SessionRecorder],
        loaded: LoadedExercise,
        writer: Executor | None,
    ) -> None:
        self._make_recorder: Callable[[], SessionRecorder] | None = make_recorder
        self._recorder: SessionRecorder | None = None
        self._failure: str | None = None
        self._loaded = loaded
        self._writer = writer
        self._saved_seconds = 0.0  # practised time as last sent to the recorder
        self._over = False

    @property
    def problem(self) -> str | None:
        recorder = self._recorder
        return self._failure if recorder is None else recorder.problem

    def record(self, session: Session, events: list[Any]) -> None:
        """Forward ``events``, and the time practised once it has grown by a few seconds
        (the player calls this at every repaint, with or without events)."""
        # Arguments are read now, on the UI thread; only the writing happens later.
        practised, reached = session.practised_seconds, session.steps_reached
        if not events and (self._over or practised - self._saved_seconds < SAVE_EVERY_SECONDS):
            return
        for event in events:
            if isinstance(event, Started):
                exercise = self._loaded.exercise
                self._submit(
                    "start",
                    exercise.id,
                    exercise.title,
                    exercise.content_hash,
                    session.timeline.timed_seconds / session.speed,
                )
            elif isinstance(event, StepStarted):
                self._keep_time(reached, practised)
            elif isinstance(event, Answered):
                remember = event.segment.part.remember
                question = session.render(event.segment.text)
                self._submit("answer", question, event.text, remember, unfinished=event.unfinished)
            elif isinstance(event, Rated) and event.moment in ("before", "after"):
                self._submit("rating", event.moment, event.value)
            elif isinstance(event, Finished):
                self._over = True
                self._submit("finish", practised, reached)
                self._submit("close")
            elif isinstance(event, EndedEarly):
                self._over = True
                self._submit("end_early", practised, reached)
                self._submit("close")
        if not self._over and practised - self._saved_seconds >= SAVE_EVERY_SECONDS:
            self._keep_time(reached, practised)

    def rate_after(self, value: int) -> None:
        """The closing screen's rating; the recorder accepts it after the end."""
        self._submit("rating", "after", value)
        self._submit("close")

    def _keep_time(self, reached: int, practised: float) -> None:
        self._saved_seconds = practised
        self._submit("step_reached", reached, practised)

    def _submit(self, method: str, *args: object, **options: object) -> None:
        if self._writer is None:
            self._call(method, args, options)
        else:
            self._writer.submit(self._call, method, args, options)

    def _call(self, method: str, args: tuple[object, ...], options: dict[str, object]) -> None:
        """Runs on the writer thread, one call at a time."""
        if self._make_recorder is not None:
            make, self._make_recorder = self._make_recorder, None
            try:
                self._recorder = make()
            except Exception as error:  # e.g. a Python built without sqlite3
                self._failure = (
                    f"This practice cannot be saved ({type(error).__name__}); "
                    "it goes on all the same."
                )
        if self._recorder is not None:
            getattr(self._recorder, method)(*args, **options)


class HistoryWriter(ThreadPoolExecutor):
    """One thread, so writes land in the order they were made.

    It starts on hold: the first frame is drawn before the history is imported and opened
    (both would compete with drawing for the interpreter). :meth:`release` ends the hold,
    and it ends by itself after ``HOLD_SECONDS``.
    """

    def __init__(self) -> None:
        super().__init__(max_workers=1, thread_name_prefix="safeplace-history")
        self._released = threading.Event()
        self.submit(self._released.wait, HOLD_SECONDS)

    def release(self) -> None:
        self._released.set()

    def flush(self, timeout: float | None = 30.0) -> None:
        """Wait until everything submitted so far is written."""
        self.submit(lambda: None).result(timeout)


def open_practice_log(
    store: Callable[[], HistoryStore | None],
    settings: Settings,
    paths: Paths | None,
    loaded: LoadedExercise,
    writer: Executor | None,
    now: Callable[[], datetime],
) -> PracticeLog:
    """A log for one practice. ``store`` gives the open history, if it can be opened; it is
    called on the writer thread. Without one the log still tries to record: the recorder
    opens the history itself, and keeps the session in the pending file if that fails too."""

    def make_recorder() -> SessionRecorder:
        from safeplace.history.recorder import SessionRecorder
        from safeplace.history.store import HistoryStore

        source: HistoryStore | Callable[[], HistoryStore] | None = store()
        if source is None and paths is not None:
            history_db = paths.history_db
            source = lambda: HistoryStore.open(history_db)  # noqa: E731
        pending = paths.pending_file if paths is not None else None
        return SessionRecorder(source, settings, pending, clock=lambda: now().astimezone())

    return PracticeLog(make_recorder, loaded, writer)


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
