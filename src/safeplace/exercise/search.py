"""Finding exercises in a person's words, and the library's filters.

A query is words, not a substring: "lonely" finds the tag "loneliness", "can't sleep" the tag
"sleep", "wound up" an exercise that suits that state. Each word matches a word of the
exercise's title, id, summary, tags, category (and its name in the library) or the words for
the states it suits when the two share a stem (a few English endings cut off), or when the
exercise's word starts with it (a word being typed, or "breath" for "breathing"). Every
word must match, save the small words of a sentence ("I", "can't", "feel"). Matches in the
title or id come first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Literal, TypeVar, get_args

from safeplace.exercise.playable import CATEGORY_ORDER, Category, Playable, State

CATEGORY_NAMES: dict[Category, str] = {
    "check-in": "Check in",
    "breathing": "Breathing",
    "grounding": "Grounding",
    "visualization": "Calm place",
    "compassion": "Kindness",
    "journaling": "Writing",
    "body": "Body",
}
STATE_WORDS: dict[State, str] = {
    "wound-up": "when wound up",
    "shut-down": "when shut down",
    "steady": "when steady",
}
# What people say of each state (the window of tolerance: too much, too little, steady).
_STATE_SEARCH_WORDS: dict[State, str] = {
    "wound-up": "wound up too much anxious anxiety stressed panic overwhelmed restless on edge "
    "tense agitated racing angry worried scared",
    "shut-down": "shut down too little numb flat foggy far away empty frozen tired heavy "
    "disconnected low",
    "steady": "steady fairly settled okay",
}
# Everyday words for what the tags say.
_ALIASES = {
    "insomnia": "sleep",
    "awake": "sleep",
    "alone": "lonely",
    "isolated": "lonely",
    "lonesome": "lonely",
    "dumped": "rejection",
}
# The small words of a sentence: left out of a query unless it has nothing else.
_SMALL_WORDS = frozenset(
    re.findall(
        r"\w+",
        "i im am me my myself a an the to and or of for in on at with about is it its be been "
        "feel feeling feels so very really just can cant cannot dont not no get want need help "
        "some something bit like this that when what how do",
    )
)
_ENDINGS = ("liness", "iness", "ness", "ings", "ing", "ion", "ies", "ied", "ed", "ly", "es")
_ENDINGS_LAST = ("s", "y", "e")
_WORD = re.compile(r"[^\W_]+")
_APOSTROPHES = re.compile(r"['’‘`]")

Length = Literal["short", "medium", "long"]
LENGTHS: dict[Length, str] = {"short": "up to 5 min", "medium": "6–10 min", "long": "over 10 min"}
_LENGTH_MINUTES: dict[Length, tuple[int, int]] = {
    "short": (0, 5),
    "medium": (6, 10),
    "long": (11, 10**6),
}
FilterName = Literal["category", "length", "suits"]
_Choice = TypeVar("_Choice", bound=str)


def words(text: str) -> list[str]:
    """The words of ``text``, lower-case, with apostrophes dropped ("can't" is "cant")."""
    return _WORD.findall(_APOSTROPHES.sub("", text.casefold()))


@cache  # a library has a few hundred distinct words
def stem(word: str) -> str:
    """``word`` with common English endings cut off while at least three letters stay
    ("loneliness" and "lonely" are both "lon", "steadying" is "stead")."""
    while len(word) > 3:
        for ending in _ENDINGS if len(word) > 4 else ():
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                word = word[: -len(ending)]
                break
        else:
            if word.endswith(_ENDINGS_LAST):
                word = word[:-1]
                continue
            return word
    return word


class _Words:
    """One exercise's words, looked up by stem and by their beginnings."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.words = sorted({word for text in texts for word in words(text)})
        self.stems = frozenset(map(stem, self.words))

    def begins(self, word: str) -> bool:
        return any(known.startswith(word) for known in self.words)

    def has(self, word: str, alternatives: Sequence[str]) -> bool:
        return any(stem(w) in self.stems for w in (word, *alternatives)) or self.begins(word)


@dataclass(frozen=True)
class _Indexed:
    name: _Words
    about: _Words


class SearchIndex:
    """The words of each exercise, worked out once per library (searches run per keystroke)."""

    def __init__(self, exercises: Iterable[Playable]) -> None:
        self._exercises = list(exercises)
        self._index = [_index(exercise) for exercise in self._exercises]

    def search(self, query: str) -> list[Playable]:
        """Exercises matching every word of ``query``; those named by it first. An empty
        query matches everything."""
        wanted = [word for word in words(query) if word not in _SMALL_WORDS] or words(query)
        if not wanted:
            return list(self._exercises)
        asked = [(word, _alternatives(word)) for word in wanted]
        named: list[Playable] = []
        described: list[Playable] = []
        for exercise, indexed in zip(self._exercises, self._index, strict=True):
            if all(indexed.name.begins(word) for word, _ in asked):
                named.append(exercise)
            elif all(
                indexed.name.has(word, more) or indexed.about.has(word, more)
                for word, more in asked
            ):
                described.append(exercise)
        return named + described


def _index(exercise: Playable) -> _Indexed:
    about = [exercise.summary, exercise.category, CATEGORY_NAMES[exercise.category]]
    about += exercise.tags
    about += [_STATE_SEARCH_WORDS[state] for state in exercise.suits]
    return _Indexed(_Words([exercise.id, exercise.title]), _Words(about))


def _alternatives(word: str) -> tuple[str, ...]:
    alias = _ALIASES.get(word)
    return () if alias is None else (alias,)


@dataclass(frozen=True)
class Filters:
    """What the library shows: one category, one length, what suits one state (None: all)."""

    category: Category | None = None
    length: Length | None = None
    suits: State | None = None

    @property
    def active(self) -> bool:
        return self != Filters()

    def matches(self, exercise: Playable) -> bool:
        if self.category is not None and exercise.category != self.category:
            return False
        if self.suits is not None and self.suits not in exercise.suits:
            return False
        if self.length is not None:
            low, high = _LENGTH_MINUTES[self.length]
            return low <= exercise.minutes <= high
        return True

    def next(self, name: FilterName) -> Filters:
        """The same filters with ``name`` moved on to its next choice (after the last: all)."""
        if name == "category":
            return replace(self, category=_following(CATEGORY_ORDER, self.category))
        if name == "length":
            return replace(self, length=_following(tuple(LENGTHS), self.length))
        return replace(self, suits=_following(get_args(State), self.suits))

    def describe(self) -> list[str]:
        """The filters in use, in words ("Breathing", "up to 5 min", "when wound up")."""
        shown = []
        if self.category is not None:
            shown.append(CATEGORY_NAMES[self.category])
        if self.length is not None:
            shown.append(LENGTHS[self.length])
        if self.suits is not None:
            shown.append(STATE_WORDS[self.suits])
        return shown


def _following(choices: Sequence[_Choice], current: _Choice | None) -> _Choice | None:
    if current is None:
        return choices[0]
    at = choices.index(current) + 1
    return choices[at] if at < len(choices) else None
