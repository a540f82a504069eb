"""Histories for tests, written as the app writes them: whole sessions through
``HistoryStore.save``, the one save (the recorder in history/recorder.py builds them the same
way).

Each function takes the store first and keeps the call shape the store's old row methods had.
Times come from the store's clock. A store's sessions are written under one writer name of
this process (:func:`owner`), so they read as open, in progress, until that name is released
(``owners.release_owner``), as the app's recorder releases its own. Every change is a newer
snapshot (``updated_at`` grows by at least a millisecond, even on a frozen clock), so the save
keeps it.
"""

from __future__ import annotations

import dataclasses
import weakref
from datetime import datetime, timedelta
from typing import Any, Literal

from safeplace.history.days import local_offset
from safeplace.history.owners import new_owner
from safeplace.history.records import AnswerRecord, Moment, RememberedRecord, SessionRecord
from safeplace.history.store import HistoryStore

_OWNERS: weakref.WeakKeyDictionary[HistoryStore, str] = weakref.WeakKeyDictionary()


def owner(store: HistoryStore) -> str:
    """The writer name of the sessions written here to ``store``."""
    if store not in _OWNERS:
        _OWNERS[store] = new_owner()
    return _OWNERS[store]


def begin(
    store: HistoryStore,
    exercise_id: str,
    title: str,
    content_hash: str,
    planned_seconds: float,
    *,
    day_start_hour: int,
    started_at: datetime | None = None,
    zone_offset: tuple[int, str] | None = None,
    session_id: str | None = None,
) -> str:
    """An open session that starts now (or at ``started_at``); returns its id.

    ``zone_offset`` (UTC offset in seconds, zone name) defaults to the system zone then.
    """
    start = started_at or store._clock()
    record = SessionRecord.starting(
        exercise_id,
        title,
        content_hash,
        planned_seconds,
        started_at=start,
        zone_offset=zone_offset or local_offset(start),
        day_start_hour=day_start_hour,
        updated_at=store._clock(),
        session_id=session_id,
    )
    store.save(record, owner=owner(store))
    return record.id


def progress(
    store: HistoryStore, session_id: str, practised_seconds: float, steps_reached: int
) -> None:
    _change(
        store, session_id, practised_seconds=float(practised_seconds), steps_reached=steps_reached
    )


def set_rating(store: HistoryStore, session_id: str, moment: Moment, value: int) -> None:
    rating: dict[str, Any] = {f"rating_{moment}": value}
    _change(store, session_id, **rating)


def add_answer(
    store: HistoryStore,
    session_id: str,
    prompt: str,
    answer: str,
    remember_as: str | None = None,
) -> None:
    """Keep a prompt's answer after the others; a named one is also remembered."""
    now = store._clock()
    answers = store.answers(session_id)
    position = answers[-1].position + 1 if answers else 0
    added = AnswerRecord(session_id, position, prompt, answer, remember_as, now)
    remembered = [] if remember_as is None else [RememberedRecord(remember_as, answer, now)]
    _change(store, session_id, [*answers, added], remembered)


def finish(
    store: HistoryStore,
    session_id: str,
    outcome: Literal["completed", "ended-early"],
    practised_seconds: float,
    steps_reached: int,
    ended_at: datetime | None = None,
) -> None:
    """Close a session (also one already read as interrupted: its owner knows better)."""
    _change(
        store,
        session_id,
        outcome=outcome,
        practised_seconds=float(practised_seconds),
        steps_reached=steps_reached,
        ended_at=ended_at or store._clock(),
    )


def practised(
    store: HistoryStore,
    exercise_id: str,
    title: str,
    started_at: datetime,
    before: int,
    after: int,
) -> str:
    """A completed five-minute session (in UTC) rated ``before`` and ``after``; its id."""
    session_id = begin(
        store,
        exercise_id,
        title,
        "0" * 16,
        300.0,
        day_start_hour=4,
        started_at=started_at,
        zone_offset=(0, "UTC"),
    )
    set_rating(store, session_id, "before", before)
    set_rating(store, session_id, "after", after)
    finish(store, session_id, "completed", 300.0, 5, ended_at=started_at + timedelta(minutes=5))
    return session_id


def _change(
    store: HistoryStore,
    session_id: str,
    answers: list[AnswerRecord] | None = None,
    remembered: list[RememberedRecord] | None = None,
    **fields: Any,
) -> None:
    """Save the stored session with ``fields`` changed (raises UnknownSession without it)."""
    record = store.session(session_id)
    updated = max(store._clock(), record.updated_at + timedelta(milliseconds=1))
    store.save(
        dataclasses.replace(record, updated_at=updated, **fields),
        store.answers(session_id) if answers is None else answers,
        remembered or [],
        owner=owner(store),
        must_exist=True,
    )
