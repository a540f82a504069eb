"""Remembered words, read without opening the history: the player's first frame needs them.

One read of one table; the history proper (migrations, repairs, writing) opens later on its
own thread. No file yet, a damaged or busy file: no words, and the exercise shows its
defaults, as it did before anything was remembered. Rows are data, whatever wrote them (an
import, another program): a name that is not a name is left out, and words are printable.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from pathlib import Path

from safeplace.text import NAME_PATTERN, printable

REMEMBERED_WORDS = "SELECT name, text FROM remembered WHERE text IS NOT NULL ORDER BY name"
PEEK_TIMEOUT_SECONDS = 0.25


def peek_remembered(history_db: Path) -> dict[str, str]:
    """Named answers kept in ``history_db``, e.g. {"cue_word": "harbour"}; never raises."""
    try:
        uri = f"{history_db.resolve().as_uri()}?mode=rw"  # rw: never create the file here
        connection = sqlite3.connect(uri, uri=True, timeout=PEEK_TIMEOUT_SECONDS)
    except (sqlite3.Error, OSError, ValueError):
        return {}
    with contextlib.closing(connection):
        try:
            rows = connection.execute(REMEMBERED_WORDS).fetchall()
        except sqlite3.Error:
            return {}
    return {
        name: printable(text)
        for name, text in rows
        if isinstance(name, str) and re.fullmatch(NAME_PATTERN, name) and isinstance(text, str)
    }
