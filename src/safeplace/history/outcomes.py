"""How a session ended, in words: one name per outcome, in every view a person reads.

The History screen, the session details, `safeplace history` and the Markdown journal all say
these words. Machine formats (the database, JSON and CSV) keep the stable codes of
:data:`records.OUTCOMES`, so scripts and imports never depend on wording.
"""

from __future__ import annotations

from safeplace.history.records import Outcome

OUTCOME_WORDS: dict[Outcome, str] = {
    "open": "in progress",
    "completed": "completed",
    "ended-early": "ended early",
    "interrupted": "interrupted",
}


def outcome_words(outcome: Outcome) -> str:
    """The words for ``outcome``, e.g. "ended early" for "ended-early"."""
    return OUTCOME_WORDS[outcome]
