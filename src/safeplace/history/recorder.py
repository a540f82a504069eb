"""Record the session being practised. The player calls it; it never raises.

The session lives in memory, whole, and is written to the store as it goes (a row at the
start, progress at step boundaries and every few seconds, the outcome at the end). When the
store cannot be written (disk full, read-only folder, a file that cannot be opened, another
process holding the lock past the busy timeout) the practice goes on and ``problem`` says
truthfully what will become of the session:

- kept in the pending file (pending.py), whole after every change, for the next start to
  merge (the store is not tried again for this session);
- or, when that file cannot be written either, kept in memory only, and every change tries
  the store, then the pending file, again; the first that works has the whole session.

An erase while the session plays (its row gone from the store, or a new erase generation in
the pending file) drops the rest of the session: nothing of it is written again.

Every change saves the whole session (``HistoryStore.save``, where the newest snapshot wins),
so a write that failed is made good by the next one that works. Calls block on disk writes (a
few milliseconds; up to the busy timeout when another process holds the lock), so a UI makes
them from one worker thread (history/service.py): one thread at a time, so no lock here.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from safeplace.history import exchange, pending
from safeplace.history.database import failure_reason
from safeplace.history.days import local_offset
from safeplace.history.owners import new_owner, release_owner
from safeplace.history.records import (
    RATING_RANGE,
    AnswerRecord,
    Moment,
    RememberedRecord,
    SessionRecord,
)
from safeplace.history.store import HistoryStore, UnknownSession, utc_now

if TYPE_CHECKING:
    from safeplace.settings import Settings

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # the person sees `problem`; logs only if the app asks
StoreSource = Callable[[], HistoryStore] | HistoryStore | None
# How a prompt's question is kept when its words were still being written at the end.
UNFINISHED = " (unfinished)"
ERASED = "Your history was erased while this played, so this session is not kept."
# "saving": written to the store as it goes; "pending": kept in the pending file; "unsaved":
# in memory only, tried again at each change; "dropped": erased meanwhile, never written.
Mode = Literal["off", "saving", "pending", "unsaved", "dropped"]


@dataclasses.dataclass
class _Draft:
    """The session as it should be stored, kept whole so that it can be written anywhere."""

    record: SessionRecord
    answers: list[AnswerRecord] = dataclasses.field(default_factory=list)
    remembered: list[RememberedRecord] = dataclasses.field(default_factory=list)


class SessionRecorder:
    """Records one session at a time. ``open_store`` None means: practise without recording.
    ``clock`` says when a practice starts and ends (tests freeze it)."""

    def __init__(
        self,
        open_store: StoreSource,
        settings: Settings,
        pending_path: Path | None,
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._open_store = open_store
        self._store = open_store if isinstance(open_store, HistoryStore) else None
        self._settings = settings
        self._pending_path = pending_path
        self._clock = clock
        self._draft: _Draft | None = None
        self._mode: Mode = "off"
        self._owner = ""  # names this session's writer in pending lines (see owners.py)
        self._stored = False  # its row was written to the store once
        self._generation: str | None = None  # the erase generation when it started
        self._reason = ""
        self.problem: str | None = None
        """One sentence for the person while this session is not saved as it goes: what
        will become of it. None again once it is saved."""
        self.notice: str | None = None
        """What opening the store found: a damaged file moved aside, waiting sessions set
        aside."""

    @property
    def session_id(self) -> str | None:
        return None if self._draft is None else self._draft.record.id

    def start(
        self,
        exercise_id: str,
        title: str,
        content_hash: str,
        planned_seconds: float,
        *,
        started_at: datetime | None = None,
        speed: float = 1.0,
    ) -> str:
        """Begin recording a practice; returns its session id. ``speed`` above 1 (faster than
        written) makes it a preview: kept and listed, never counted as practice."""
        if self._draft is not None and self._draft.record.outcome == "open":
            previous = self._draft.record
            self.end_early(previous.practised_seconds, previous.steps_reached)
        start = (started_at or self._clock()).astimezone()  # a naive time is local
        record = SessionRecord.starting(
            exercise_id,
            title,
            content_hash,
            planned_seconds,
            started_at=start,
            zone_offset=local_offset(start),
            day_start_hour=self._settings.day_start_hour,
            updated_at=utc_now(),
            speed=speed,
        )
        self._draft = _Draft(record)
        self.problem = None
        self._stored = False
        release_owner(self._owner)
        self._owner = new_owner()
        self._mode = "off" if self._open_store is None else "saving"
        if self._mode == "saving":
            self._merge_pending()
            self._generation = self._erase_generation(unknown=None)
        self._save()
        return record.id

    def step_reached(self, steps_reached: int, practised_seconds: float) -> None:
        """At a step boundary: steps reached and seconds practised so far."""
        if self._change(practised_seconds=float(practised_seconds), steps_reached=steps_reached):
            self._save()

    def answer(
        self,
        prompt: str,
        answer: str,
        remember_as: str | None = None,
        *,
        unfinished: bool = False,
    ) -> None:
        """A prompt's answer: kept when the person keeps answers; a named one always is.
        ``unfinished``: words still being written when the session ended, kept (with answers
        kept) under the question marked as unfinished, and never remembered."""
        if unfinished:
            prompt, remember_as = prompt + UNFINISHED, None
        keep = self._settings.keep_answers
        if not (keep or remember_as) or not self._change(allow_closed=True):
            return
        draft = self._draft
        assert draft is not None
        now = draft.record.updated_at
        if keep:
            position = len(draft.answers)
            draft.answers.append(AnswerRecord(self._id, position, prompt, answer, remember_as, now))
        if remember_as is not None:
            draft.remembered.append(RememberedRecord(remember_as, answer, now))
        self._save()

    def rating(self, moment: Moment, value: int) -> None:
        """A 0-10 rating before or after the practice (also after it ended)."""
        if moment not in ("before", "after") or value not in RATING_RANGE:
            log.warning("ignored a rating %r=%r", moment, value)
            return
        if self._change(allow_closed=True, **{f"rating_{moment}": value}):
            self._save()

    def finish(self, practised_seconds: float, steps_reached: int) -> None:
        """The practice ran to its end."""
        self._close("completed", practised_seconds, steps_reached)

    def end_early(self, practised_seconds: float, steps_reached: int) -> None:
        """The person left before the end (it counts as practice after a minute)."""
        self._close("ended-early", practised_seconds, steps_reached)

    def remembered(self) -> dict[str, str]:
        """Named answers for placeholders: the store's, plus this session's."""
        names: dict[str, str] = {}
        if self._open_store is not None:
            try:
                names = self._connect().remembered()
            except Exception as error:  # a courtesy: practice goes on without them
                log.warning("remembered answers unavailable: %s", error)
        if self._draft is not None:
            names.update({entry.name: entry.text or "" for entry in self._draft.remembered})
        return names

    def close(self) -> None:
        """Close the store if this recorder opened it (a store it was given stays open)."""
        release_owner(self._owner)
        if self._store is not None and self._store is not self._open_store:
            self._store.close()
            self._store = None

    # --- internals -----------------------------------------------------------------------

    @property
    def _id(self) -> str:
        assert self._draft is not None
        return self._draft.record.id

    def _close(
        self, outcome: Literal["completed", "ended-early"], seconds: float, steps: int
    ) -> None:
        end = self._clock()
        if self._change(
            outcome=outcome, ended_at=end, practised_seconds=float(seconds), steps_reached=steps
        ):
            self._save()

    def _change(self, *, allow_closed: bool = False, **fields: Any) -> bool:
        """Apply a change to the draft; False when there is no session to change."""
        draft = self._draft
        if draft is None or self._mode == "dropped":
            return False
        if draft.record.outcome != "open" and not allow_closed:
            return False
        # The real time, as every reader judges a sign of life (owners.py), and strictly
        # increasing, so that the last snapshot of a session wins every save.
        updated = max(utc_now(), draft.record.updated_at + timedelta(milliseconds=1))
        draft.record = dataclasses.replace(draft.record, updated_at=updated, **fields)
        return True

    def _save(self) -> None:
        """Keep the whole session where it can be: the store (not tried again once the pending
        file holds it), else the pending file, else memory; ``problem`` says which."""
        if self._mode in ("saving", "unsaved") and self._save_to_store():
            return
        if self._mode not in ("saving", "pending", "unsaved"):
            return  # not recording, or erased meanwhile
        kept = self._keep_pending()
        if kept == "erased":
            self._drop()
        elif kept == "kept":
            self._mode = "pending"
            self.problem = (
                f"This session could not be saved: {self._reason}. Your practice goes on, "
                "and safeplace will add it to your history next time."
            )
        else:
            self._mode = "unsaved"
            assert self._draft is not None
            self.problem = (
                f"This session is not saved yet: {self._reason}. Your practice goes on, and "
                "safeplace keeps trying."
                if self._draft.record.outcome == "open"
                else f"This session could not be saved: {self._reason}, so it is not in "
                "your history."
            )

    def _save_to_store(self) -> bool:
        """Write the whole session to the store; True when that settled it (saved, or found
        erased)."""
        if self._mode == "unsaved" and self._erased_meanwhile():
            self._drop()
            return True
        draft = self._draft
        assert draft is not None
        try:
            self._connect().save(
                draft.record,
                draft.answers,
                draft.remembered,
                owner=self._owner,
                must_exist=self._stored,
            )
        except UnknownSession:
            self._drop()  # its row is gone: the history was erased meanwhile
            return True
        except Exception as error:
            self._reason = failure_reason(error)
            if self._mode == "saving":  # said once, not at every try that follows
                log.warning("history not saved: %s", self._reason, exc_info=error)
            return False
        self._mode, self._stored, self.problem = "saving", True, None
        return True

    def _drop(self) -> None:
        self._mode = "dropped"
        self.problem = ERASED
        if self._draft is not None:
            self._draft.answers.clear()
            self._draft.remembered.clear()

    def _connect(self) -> HistoryStore:
        """The store, opened on first use (and tried again until it opens); raises."""
        if self._store is None:
            if not callable(self._open_store):
                raise RuntimeError("no history to write to")
            self._store = self._open_store()
            self.notice = self._store.notice
        return self._store

    def _keep_pending(self) -> pending.Kept:
        """Append the whole session to the pending file."""
        if self._draft is None or self._pending_path is None:
            return "failed"
        draft = self._draft
        session = exchange.session_to_dict(draft.record, draft.answers, draft.record.day_start_hour)
        document = exchange.document([session], draft.remembered, indent=None)
        return pending.append(self._pending_path, document, self._owner, self._generation)

    def _merge_pending(self) -> None:
        """Sessions that waited go into the store first (a failure leaves them waiting)."""
        try:
            store = self._connect()
        except Exception:
            return  # the write that follows finds out, and says so
        if self._pending_path is not None:
            pending.merge_pending(store, self._pending_path)
            self.notice = store.notice

    def _erase_generation(self, unknown: str | None) -> str | None:
        """The pending file's erase generation; ``unknown`` when it cannot be read."""
        if self._pending_path is None:
            return None
        try:
            return pending.generation(self._pending_path)
        except OSError:
            return unknown

    def _erased_meanwhile(self) -> bool:
        """An erase came since the start (a file that cannot be read tells nothing)."""
        return self._erase_generation(unknown=self._generation) != self._generation
