"""An opt-in log that explains "could not be saved" reports: ``--log FILE`` or ``SAFEPLACE_LOG``.

Nothing is logged unless the person asks. The log holds what went wrong (errors, file names),
never the words people wrote; the file is theirs alone (0600), and is only ever appended to.
"""

from __future__ import annotations

import os
from pathlib import Path

LOG_VARIABLE = "SAFEPLACE_LOG"
LOG_OPTION = "--log"


def take_log_option(argv: list[str]) -> tuple[list[str], str | None]:
    """``argv`` without ``--log FILE`` (or ``--log=FILE``), wherever it stands, and the FILE;
    else the one ``SAFEPLACE_LOG`` names, or None."""
    rest: list[str] = []
    chosen = os.environ.get(LOG_VARIABLE) or None
    words = iter(argv)
    for word in words:
        if word == LOG_OPTION:
            chosen = next(words, None)
        elif word.startswith(LOG_OPTION + "="):
            chosen = word.split("=", 1)[1] or None
        else:
            rest.append(word)
    return rest, chosen


def start_log(where: str) -> str | None:
    """Send safeplace's warnings to the file ``where``; a sentence if it cannot be used."""
    path = Path(where).expanduser()
    if path.exists() and not path.is_file():
        return f"The log {where} is not a regular file, so nothing is logged."
    import logging

    from safeplace.files import open_private

    try:
        stream = open_private(path, "a")
    except OSError as error:
        return f"The log {where} cannot be opened ({error.strerror}), so nothing is logged."
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("safeplace")
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return None
