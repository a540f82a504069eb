"""Forwarding a session's events to the history (DESIGN: the UI is the glue between playback
and history). Values are read here, on the UI thread; the history service writes them on its
own thread. Practised time is written at every step and every ``SAVE_EVERY_SECONDS`` within
a step, so a kill loses no more than that.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from safeplace.playback.session import (
    Answered,
    Chose,
    EndedEarly,
    Finished,
    Rated,
    Session,
    Started,
    StepStarted,
)

if TYPE_CHECKING:
    from safeplace.exercise.library import LoadedExercise
    from safeplace.history.service import HistoryService, PracticeRecord
    from safeplace.settings import Settings


# Practised seconds between two writes of the time within a long step.
SAVE_EVERY_SECONDS = 10.0


class PracticeLog:
    """Turns one practice's session events into calls on its history handle."""

    def __init__(self, history: HistoryService, settings: Settings, loaded: LoadedExercise) -> None:
        self._history = history
        self._settings = settings
        self._loaded = loaded
        self._record: PracticeRecord | None = None  # from the session's start
        self._saved_seconds = 0.0  # practised time as last sent
        self._over = False

    @property
    def problem(self) -> str | None:
        return None if self._record is None else self._record.problem

    def record(self, session: Session, events: list[Any]) -> None:
        """Forward ``events``, and the time practised once it has grown by a few seconds
        (the player calls this at every repaint, with or without events)."""
        practised, reached = session.practised_seconds, session.steps_reached
        if not events and (self._over or practised - self._saved_seconds < SAVE_EVERY_SECONDS):
            return
        for event in events:
            if isinstance(event, Started):
                exercise = self._loaded.exercise
                planned = session.timeline.timed_seconds / session.speed
                self._record = self._history.begin(
                    self._settings,
                    exercise.id,
                    exercise.title,
                    exercise.content_hash,
                    planned,
                    speed=session.speed,
                )
            record = self._record
            if record is None:
                continue  # nothing before the start
            if isinstance(event, StepStarted):
                self._keep_time(record, reached, practised)
            elif isinstance(event, Answered | Chose):
                self._answer(record, session, event)
            elif isinstance(event, Rated) and event.moment in ("before", "after"):
                record.rate(event.moment, event.segment.part.distress(event.value))
            elif isinstance(event, Finished):
                self._over = True
                record.finish(practised, reached)
            elif isinstance(event, EndedEarly):
                self._over = True
                record.end_early(practised, reached)
        due = practised - self._saved_seconds >= SAVE_EVERY_SECONDS
        if self._record is not None and not self._over and due:
            self._keep_time(self._record, reached, practised)

    @staticmethod
    def _answer(record: PracticeRecord, session: Session, event: Answered | Chose) -> None:
        """An answer goes to the history unless its step keeps it for the session only."""
        part = event.segment.part
        if part.keep == "session":
            return
        question = session.render(event.segment.text)
        if isinstance(event, Chose):
            words = "; ".join(session.render(option.text) for option in event.options)
            record.answer(question, words, part.remember, False)
        else:
            record.answer(question, event.text, part.remember, event.unfinished)

    def rate_after(self, value: int) -> None:
        """The closing screen's rating; the history takes it after the end."""
        if self._record is not None:
            self._record.rate("after", value)

    def _keep_time(self, record: PracticeRecord, reached: int, practised: float) -> None:
        self._saved_seconds = practised
        record.progress(reached, practised)
