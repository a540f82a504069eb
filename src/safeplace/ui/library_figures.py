"""What the library shows of the person's history: favourites, what they practised lately, and
how often and with what change each exercise was practised. Read off the UI thread, after the
library's first frame; no Textual here.

The figures are the History screen's (history/stats.py): counted practice only, the change
being the mean of (after - before) over the sessions rated both times.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from safeplace.history.service import HistoryService
    from safeplace.history.stats import ExerciseStats
    from safeplace.ui.app import SafeplaceApp

RECENT_COUNT = 3  # distinct exercises in "Recently practised"


@dataclass(frozen=True)
class LibraryFigures:
    favourites: frozenset[str] = frozenset()
    recent: tuple[str, ...] = ()
    """Exercise ids, the one practised last first."""
    practice: dict[str, ExerciseStats] = field(default_factory=dict)


def read_figures(app: SafeplaceApp) -> LibraryFigures:
    """The figures as the history has them now; none when it cannot be read (practice goes
    on without them). Blocks while the history opens: call it from a worker thread."""
    favourites = app.history.favourites()
    try:
        recent, practice = _practice(app.history, app)
    except Exception:  # a damaged history must not take the library down
        recent, practice = (), {}
    return LibraryFigures(favourites, recent, practice)


def _practice(
    history: HistoryService, app: SafeplaceApp
) -> tuple[tuple[str, ...], dict[str, ExerciseStats]]:
    from safeplace.history.days import today as practice_today
    from safeplace.history.stats import stats_from_totals, summarize

    store = history.store()
    if store is None:
        return (), {}
    hour = app.settings.day_start_hour
    now = app.now()
    today = practice_today(hour, now, zone=now.tzinfo)
    # Summed by SQLite; days are not needed here (recent_from=today keeps that part small).
    totals, others = store.practice_totals(hour, through=today, recent_from=today)
    more = summarize(others, hour, through=today, recent_from=today)
    last: dict[str, int] = {}
    for part in (totals, more):
        for total in part.exercises:
            last[total.exercise_id] = max(last.get(total.exercise_id, 0), total.last_started_ms)
    recent = sorted(last, key=lambda exercise_id: last[exercise_id], reverse=True)
    stats = stats_from_totals(
        [totals, more], today=today, rest_days_per_week=app.settings.rest_days_per_week
    )
    return tuple(recent), {row.exercise_id: row for row in stats.per_exercise}


def practice_words(row: ExerciseStats | None) -> list[str]:
    """How often this person practised an exercise and how their rating changed, in plain
    words; nothing when they never practised it."""
    if row is None or row.count == 0:
        return []
    lines = [f"Practised {_times(row.count)}, {round(row.minutes)} min in all."]
    if row.average_change is not None:
        change = row.average_change
        if abs(change) < 0.05:
            how = "about the same afterwards"
        else:
            how = f"{abs(change):.1f} {'lower' if change < 0 else 'higher'} afterwards"
        lines.append(f"On average your rating was {how} (rated {_times(row.rated_pairs)}).")
    return lines


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"
