"""Record the session being practised. The player calls it; it never raises.

The session lives in memory and is written to the store as it goes (a row at the start,
progress at step boundaries, the outcome at the end). When the store cannot be written (disk
full, read-only folder, a file that cannot be opened, another process holding the lock past
the busy timeout) the practice goes on: ``problem`` gets one warm sentence, the store is not
tried again for this session, and after every change the whole session is appended to the
pending file (JSON lines, each an export document). The next :meth:`SessionRecorder.start`
merges pending sessions into the store; a merge keeps the newest version of each session.

Calls block on disk writes (a few milliseconds; up to the busy timeout when another process
holds the lock), so a UI should make them from a worker thread.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from safeplace.history import exchange
from safeplace.history.database import failure_reason
from safeplace.history.days import local_offset
from safeplace.history.records import (
    RATING_RANGE,
    AnswerRecord,
    Moment,
    RememberedRecord,
    SessionRecord,
)
from safeplace.history.store import HistoryStore, utc_now

if TYPE_CHECKING:
    from safeplace.settings import Settings

try:
    import fcntl
except ImportError:  # Windows: appends and merges go unlocked
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # the person sees `problem`; logs only if the app asks
StoreSource = Callable[[], HistoryStore] | HistoryStore | None


@dataclasses.dataclass
class _Draft:
    """The session as it should be stored, kept whole so that it can be written anywhere."""

    record: SessionRecord
    answers: list[AnswerRecord] = dataclasses.field(default_factory=list)
    remembered: list[RememberedRecord] = dataclasses.field(default_factory=list)


class SessionRecorder:
    """Records one session at a time. ``open_store`` None means: practise without recording."""

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
        self._lock = threading.RLock()
        self._draft: _Draft | None = None
        # "saving": written to the store as it goes; "pending": kept in the pending file.
        self._mode: Literal["off", "saving", "pending"] = "off"
        self.problem: str | None = None
        """One sentence for the person when this session could not be saved."""
        self.notice: str | None = None
        """One sentence from opening the store (a damaged file was moved aside)."""

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
    ) -> str:
        """Begin recording a practice; returns its session id."""
        with self._lock:
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
                updated_at=self._clock(),
            )
            self._draft = _Draft(record)
            self.problem = None
            self._mode = "off" if self._open_store is None else "saving"
            store = self._connect() if self._mode == "saving" else None
            if store is not None:
                self._merge_pending(store)
            self._write(
                lambda store: store.begin(
                    exercise_id,
                    title,
                    content_hash,
                    planned_seconds,
                    day_start_hour=record.day_start_hour,
                    started_at=start,
                    zone_offset=(record.utc_offset_seconds, record.tz_name),
                    session_id=record.id,
                )
            )
            return record.id

    def step_reached(self, steps_reached: int, practised_seconds: float) -> None:
        """At a step boundary: steps reached and seconds practised so far."""
        with self._lock:
            seconds = float(practised_seconds)
            if self._change(practised_seconds=seconds, steps_reached=steps_reached):
                self._write(lambda store: store.progress(self._id, seconds, steps_reached))

    def answer(self, prompt: str, answer: str, remember_as: str | None = None) -> None:
        """A prompt's answer: kept when the person keeps answers; a named one always is."""
        with self._lock:
            keep = self._settings.keep_answers
            if not (keep or remember_as) or not self._change(allow_closed=True):
                return
            assert self._draft is not None
            now = self._draft.record.updated_at
            if keep:
                position = len(self._draft.answers)
                self._draft.answers.append(
                    AnswerRecord(self._id, position, prompt, answer, remember_as, now)
                )
                self._write(lambda store: store.add_answer(self._id, prompt, answer, remember_as))
            if remember_as is not None:
                self._draft.remembered.append(RememberedRecord(remember_as, answer, now))
                if not keep:
                    self._write(lambda store: store.set_remembered(remember_as, answer))

    def rating(self, moment: Moment, value: int) -> None:
        """A 0-10 rating before or after the practice (also after it ended)."""
        with self._lock:
            if moment not in ("before", "after") or value not in RATING_RANGE:
                log.warning("ignored a rating %r=%r", moment, value)
                return
            if self._change(allow_closed=True, **{f"rating_{moment}": value}):
                self._write(lambda store: store.set_rating(self._id, moment, value))

    def finish(self, practised_seconds: float, steps_reached: int) -> None:
        """The practice ran to its end."""
        self._close("completed", practised_seconds, steps_reached)

    def end_early(self, practised_seconds: float, steps_reached: int) -> None:
        """The person left before the end (it counts as practice after a minute)."""
        self._close("ended-early", practised_seconds, steps_reached)

    def remembered(self) -> dict[str, str]:
        """Named answers for placeholders: the store's, plus this session's."""
        with self._lock:
            names: dict[str, str] = {}
            store = self._connect()
            if store is not None:
                try:
                    names = store.remembered()
                except Exception as error:  # a courtesy: practice goes on without them
                    log.warning("remembered answers unavailable: %s", error)
            if self._draft is not None:
                names.update({entry.name: entry.text or "" for entry in self._draft.remembered})
            return names

    def close(self) -> None:
        """Close the store if this recorder opened it (a store it was given stays open)."""
        with self._lock:
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
        with self._lock:
            end = self._clock()
            if self._change(
                outcome=outcome, ended_at=end, practised_seconds=float(seconds), steps_reached=steps
            ):
                self._write(lambda store: store.finish(self._id, outcome, seconds, steps, end))

    def _change(self, *, allow_closed: bool = False, **fields: Any) -> bool:
        """Apply a change to the draft; False when there is no session to change."""
        draft = self._draft
        if draft is None or (draft.record.outcome != "open" and not allow_closed):
            return False
        # Strictly increasing, so that the last snapshot of a session wins every merge.
        updated = max(self._clock(), draft.record.updated_at + timedelta(milliseconds=1))
        draft.record = dataclasses.replace(draft.record, updated_at=updated, **fields)
        return True

    def _write(self, operation: Callable[[HistoryStore], object]) -> None:
        if self._mode == "pending":
            self._keep_pending()
        if self._mode != "saving":
            return
        store = self._connect()
        if store is None:
            return  # opening failed: _connect has switched to the pending file
        try:
            operation(store)
        except Exception as error:
            self._give_up(error)

    def _give_up(self, error: Exception) -> None:
        reason = failure_reason(error)
        log.warning("history not saved: %s", reason, exc_info=error)
        self._mode = "pending"
        kept = self._keep_pending()
        later = ", and safeplace will add it to your history next time" if kept else ""
        self.problem = f"This session could not be saved: {reason}. Your practice goes on{later}."

    def _connect(self) -> HistoryStore | None:
        """The store, opened on first use (and tried again at each start after a failure)."""
        if self._store is None and callable(self._open_store):
            try:
                self._store = self._open_store()
            except Exception as error:
                if self._mode == "saving":
                    self._give_up(error)
                return None
            self.notice = self._store.notice
        return self._store

    def _keep_pending(self) -> bool:
        """Append the whole session to the pending file; False when that fails too."""
        if self._draft is None or self._pending_path is None:
            return False
        draft = self._draft
        session = exchange.session_to_dict(draft.record, draft.answers, draft.record.day_start_hour)
        line = exchange.document([session], draft.remembered, indent=None)
        try:
            self._pending_path.parent.mkdir(parents=True, exist_ok=True)
            with _locked(self._pending_path, "a+b") as pending:
                pending.seek(0, os.SEEK_END)
                if pending.tell() and not _ends_with_newline(pending):
                    pending.write(b"\n")  # a line torn by a crash stays apart from this one
                pending.write(line.encode("utf-8"))
                pending.flush()
                os.fsync(pending.fileno())
        except OSError as error:
            log.warning("pending session not kept: %s", error)
            return False
        return True

    def _merge_pending(self, store: HistoryStore) -> None:
        """Merge waiting sessions; lines that cannot be read stay in the file, as they are."""
        path = self._pending_path
        if path is None or not path.exists():
            return
        try:
            with _locked(path, "r+b") as pending:
                readable, unreadable = _read_pending(pending.read().decode("utf-8", "replace"))
                if not readable:
                    return
                sessions = [session for found, _ in readable for session in found]
                store.merge(sessions, [entry for _, names in readable for entry in names])
                pending.seek(0)
                pending.truncate()
                pending.write("".join(unreadable).encode("utf-8"))
                pending.flush()
                os.fsync(pending.fileno())
        except Exception as error:  # they stay pending; the next start tries again
            log.warning("pending sessions not merged: %s", error)


@contextmanager
def _locked(path: Path, mode: str) -> Iterator[IO[bytes]]:
    """The file opened and locked against other safeplace processes."""
    with path.open(mode) as file:
        if fcntl is not None:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX)
        yield file


def _ends_with_newline(file: IO[bytes]) -> bool:
    file.seek(-1, os.SEEK_END)
    last = file.read(1)
    return last == b"\n"


def _read_pending(
    text: str,
) -> tuple[list[tuple[list[exchange.SessionWithAnswers], list[RememberedRecord]]], list[str]]:
    readable, unreadable = [], []
    for line in text.splitlines(keepends=True):
        if not line.strip():
            continue
        try:
            readable.append(exchange.parse_document(json.loads(line), "pending session"))
        except (ValueError, exchange.ImportProblem):
            unreadable.append(line if line.endswith("\n") else line + "\n")
    return readable, unreadable
