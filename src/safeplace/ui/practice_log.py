"""Forwarding a session's events to the history, off the UI thread.

The UI is the glue between playback and history (DESIGN: the layers). Writes go through one
worker thread, in order, so a slow disk or a locked database never stalls a breath.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING, Any

from safeplace.history.database import HistoryUnavailable
from safeplace.history.recorder import SessionRecorder
from safeplace.history.store import HistoryStore
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
    from safeplace.paths import Paths
    from safeplace.settings import Settings


class PracticeLog:
    """Turns session events into recorder calls, run in order on a writer thread."""

    def __init__(
        self,
        recorder: SessionRecorder | None,
        loaded: LoadedExercise,
        writer: Executor | None,
    ) -> None:
        self._recorder = recorder
        self._loaded = loaded
        self._writer = writer

    @property
    def problem(self) -> str | None:
        return None if self._recorder is None else self._recorder.problem

    def record(self, session: Session, events: list[Any]) -> None:
        recorder = self._recorder
        if recorder is None:
            return
        # Arguments are read now, on the UI thread; only the writing happens later.
        practised, reached = session.practised_seconds, session.steps_reached
        for event in events:
            if isinstance(event, Started):
                exercise = self._loaded.exercise
                self._submit(
                    recorder.start,
                    exercise.id,
                    exercise.title,
                    exercise.content_hash,
                    session.timeline.timed_seconds / session.speed,
                )
            elif isinstance(event, StepStarted):
                self._submit(recorder.step_reached, reached, practised)
            elif isinstance(event, Answered):
                remember = event.segment.part.remember
                question = session.render(event.segment.text)
                self._submit(recorder.answer, question, event.text, remember)
            elif isinstance(event, Rated) and event.moment in ("before", "after"):
                self._submit(recorder.rating, event.moment, event.value)
            elif isinstance(event, Finished):
                self._submit(recorder.finish, practised, reached)
                self._submit(recorder.close)
            elif isinstance(event, EndedEarly):
                self._submit(recorder.end_early, practised, reached)
                self._submit(recorder.close)

    def rate_after(self, value: int) -> None:
        """The closing screen's rating; the recorder accepts it after the end."""
        if self._recorder is not None:
            self._submit(self._recorder.rating, "after", value)
            self._submit(self._recorder.close)

    def _submit(self, call: Callable[..., object], *args: object) -> None:
        if self._writer is None:
            call(*args)
        else:
            self._writer.submit(call, *args)


class HistoryWriter(ThreadPoolExecutor):
    """One thread, so writes land in the order they were made."""

    def __init__(self) -> None:
        super().__init__(max_workers=1, thread_name_prefix="safeplace-history")

    def flush(self, timeout: float | None = 30.0) -> None:
        """Wait until everything submitted so far is written."""
        self.submit(lambda: None).result(timeout)


def open_practice_log(
    store: HistoryStore | None,
    settings: Settings,
    paths: Paths | None,
    loaded: LoadedExercise,
    writer: Executor | None,
    now: Callable[[], datetime],
) -> PracticeLog:
    """A log for one practice. Without an open store it still tries to record: the recorder
    opens the history itself, and keeps the session in the pending file if that fails too."""
    source: HistoryStore | Callable[[], HistoryStore] | None = store
    if store is None and paths is not None:
        history_db = paths.history_db
        source = lambda: HistoryStore.open(history_db)  # noqa: E731
    if source is None:
        return PracticeLog(None, loaded, writer)
    pending = paths.pending_file if paths is not None else None
    recorder = SessionRecorder(source, settings, pending, clock=lambda: now().astimezone())
    return PracticeLog(recorder, loaded, writer)


def open_history(paths: Paths) -> tuple[HistoryStore | None, str | None]:
    """Open the history; practice goes on without it when it cannot be opened."""
    try:
        store = HistoryStore.open(paths.history_db)
    except Exception as error:  # any failure here must not stop practice
        why = (
            str(error)
            if isinstance(error, HistoryUnavailable)
            else (f"Your history could not be opened ({error.__class__.__name__}).")
        )
        return None, (
            f"{why} Your practice can go on; sessions wait in a small file until they can be saved."
        )
    return store, store.notice
