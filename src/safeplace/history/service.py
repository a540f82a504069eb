"""The app's one way into the history: one writer thread, the history opened once, a typed
handle for each practice (:class:`PracticeRecord`), and the safety plan, favourites and
remembered answers (a change shows at once and is written on that thread).

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
    from safeplace.history.plan import SafetyPlan
    from safeplace.history.recorder import SessionRecorder
    from safeplace.history.records import Moment, RememberedWords
    from safeplace.history.store import HistoryStore
    from safeplace.paths import Paths
    from safeplace.settings import Settings

# How long the writer waits for the first frame before it starts anyway.
HOLD_SECONDS = 1.0
# What a failed write of each kind says, once until one works again.
PLAN = (
    "Your safety plan could not be saved ({}). It shows here until you quit, and each "
    "change tries again."
)
FAVOURITE = "Your favourites could not be saved ({}); they show as you chose until you quit."
FORGET = (
    "What you forgot could not be removed from your history ({}); it is left out until you quit."
)


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
        # What this run changed, shown at once, before (or whether or not) it is written:
        self._plan: SafetyPlan | None = None  # also the plan read from the history, once
        self._plan_unwritten: SafetyPlan | None = None
        self._plan_lock = threading.Lock()
        self._favourites: frozenset[str] | None = None  # as read from the history, once
        self._favourite_changes: dict[str, bool] = {}
        self._forgetting: set[str] = set()  # forgotten names until the history says so
        self._failing: set[str] = set()  # kinds of write whose failure was said

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

    def remembered_records(self) -> list[RememberedWords]:
        """What is remembered across sessions, with the day each was given."""
        store, paths = self._store, self._paths
        try:  # the imports too: a Python without sqlite3 still practises
            from safeplace.history.records import remembered_words_from_row
            from safeplace.history.words import REMEMBERED_DATED, peek_rows

            if store is not None:
                found = store.remembered_with_dates()
            else:
                rows = [] if paths is None else peek_rows(paths.history_db, REMEMBERED_DATED)
                found = [remembered_words_from_row(row) for row in rows]
        except Exception:  # history trouble never stops the app: nothing to show
            found = []
        forgetting = set(self._forgetting)
        return [entry for entry in found if entry.name not in forgetting]

    def forget(self, name: str) -> None:
        """Forget a remembered answer; it is gone from every read at once, and written on the
        writer thread."""
        self._forgetting.add(name)

        def write(store: HistoryStore) -> None:
            store.forget(name)
            self._forgetting.discard(name)  # not if it failed: then left out until the end

        self._writer.submit(self._write, write, FORGET)

    def safety_plan(self) -> SafetyPlan:
        """The person's safety plan: as last saved in this run, else as the history keeps it
        (a peek at its file while it is not open yet). Never raises."""
        if self._plan is not None:
            return self._plan
        from safeplace.history.plan import SafetyPlan

        store, paths = self._store, self._paths
        try:  # the imports too: without sqlite3 the crisis lines still show
            from safeplace.history.records import plan_from_records, plan_section_from_row
            from safeplace.history.words import SAFETY_PLAN, peek_rows

            if store is not None:
                self._plan = store.safety_plan()
                return self._plan
            rows = [] if paths is None else peek_rows(paths.history_db, SAFETY_PLAN)
            return plan_from_records(map(plan_section_from_row, rows))
        except Exception:  # history trouble never hides the crisis lines: an empty plan
            return SafetyPlan()

    def save_safety_plan(self, plan: SafetyPlan) -> None:
        """Keep ``plan``: shown at once, written on the writer thread (saves made faster
        than it writes become one write, of the newest)."""
        self._plan = plan
        with self._plan_lock:
            self._plan_unwritten = plan
        self._writer.submit(self._write, self._write_plan, PLAN)

    def _write_plan(self, store: HistoryStore) -> None:
        with self._plan_lock:
            plan, self._plan_unwritten = self._plan_unwritten, None
        if plan is not None:
            try:
                store.save_safety_plan(plan)
            except BaseException:
                with self._plan_lock:  # the next save, or the close, tries it again
                    self._plan_unwritten = self._plan_unwritten or plan
                raise

    def favourites(self) -> frozenset[str]:
        """The ids of the person's favourite exercises, this run's changes included; quick
        enough for a first frame (a peek while the history is not open). Never raises."""
        base = self._favourites
        if base is None:
            store, paths = self._store, self._paths
            try:
                from safeplace.history.words import FAVOURITES, favourite_ids, peek_rows

                if store is not None:
                    base = self._favourites = store.favourites()
                else:
                    rows = [] if paths is None else peek_rows(paths.history_db, FAVOURITES)
                    base = favourite_ids(rows)
            except Exception:
                base = frozenset()
        changes = dict(self._favourite_changes)
        added = {exercise_id for exercise_id, on in changes.items() if on}
        return frozenset((base - changes.keys()) | added)

    def set_favourite(self, exercise_id: str, on: bool) -> None:
        """Add an exercise to the favourites or take it off: shown at once, written on the
        writer thread."""
        self._favourite_changes[exercise_id] = on
        self._writer.submit(
            self._write, lambda store: store.set_favourite(exercise_id, on), FAVOURITE
        )

    def _write(self, change: Callable[[HistoryStore], object], what: str) -> None:
        """Run ``change`` on the history (on the writer thread). A failure is said in one
        sentence (``what``, with the reason), once until a write of the same kind works."""
        store = self.store()
        try:
            if store is None:
                raise RuntimeError("the history cannot be opened")
            change(store)
        except Exception as error:
            from safeplace.history.database import failure_reason

            reason = str(error) if store is None else failure_reason(error)
            if what not in self._failing:
                self._failing.add(what)
                self._say(what.format(reason))
            return
        self._failing.discard(what)

    def begin(
        self,
        settings: Settings,
        exercise_id: str,
        title: str,
        content_hash: str,
        planned_seconds: float,
        *,
        speed: float = 1.0,
    ) -> PracticeRecord:
        """Start recording a practice, played at ``speed`` (above 1 it is a preview, which
        counts as no practice). Without an open history the recorder still tries: it opens
        the history itself, and keeps the session in the pending file if that fails."""
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
            recorder.start(exercise_id, title, content_hash, planned_seconds, speed=speed)
            return recorder

        return PracticeRecord(self._writer, make)

    def flush(self, timeout: float | None = 30.0) -> None:
        """Wait until everything asked so far is written."""
        self._writer.submit(lambda: None).result(timeout)

    def close(self) -> None:
        """Write what is queued (a plan a failed write left unwritten is tried once more),
        then close the history if this service opened it."""
        self._released.set()
        if self._plan_unwritten is not None:
            self._writer.submit(self._write, self._write_plan, PLAN)
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
