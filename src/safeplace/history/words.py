"""What the app reads without opening the history: the player's first frame needs remembered
words, the library's the favourites, and the help screen may come before the history opens.

One read of one table; the history proper (migrations, repairs, writing) opens later on its
own thread. No file yet, a damaged or busy file, a history from before a table existed: no
rows, and the app shows what it shows with nothing kept (an exercise its defaults). Rows are
data, whatever wrote them (an import, another program): a name that is not a name is left
out, and words are printable. The queries are the store's too, so both read the same rows.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from safeplace.text import one_line

REMEMBERED_WORDS = "SELECT name, text FROM remembered WHERE text IS NOT NULL ORDER BY name"
REMEMBERED_DATED = (
    "SELECT name, text, updated_ms FROM remembered WHERE text IS NOT NULL ORDER BY name"
)
FAVOURITES = "SELECT exercise_id FROM favourites WHERE added_ms IS NOT NULL ORDER BY exercise_id"
SAFETY_PLAN = "SELECT section, entries, updated_ms FROM safety_plan ORDER BY section"
PEEK_TIMEOUT_SECONDS = 0.25


def peek_rows(history_db: Path, query: str) -> list[tuple[object, ...]]:
    """The rows ``query`` finds in ``history_db``; none when it cannot be read. Never raises,
    never creates the file."""
    try:
        uri = f"{history_db.resolve().as_uri()}?mode=rw"  # rw: never create the file here
        connection = sqlite3.connect(uri, uri=True, timeout=PEEK_TIMEOUT_SECONDS)
    except (sqlite3.Error, OSError, ValueError):
        return []
    with contextlib.closing(connection):
        try:
            return [tuple(row) for row in connection.execute(query).fetchall()]
        except sqlite3.Error:
            return []


def favourite_ids(rows: Iterable[Sequence[object]]) -> frozenset[str]:
    """Favourite ids from (exercise_id,) rows: only what could be an id."""
    return frozenset(
        row[0] for row in rows if isinstance(row[0], str) and row[0] and one_line(row[0]) == row[0]
    )
