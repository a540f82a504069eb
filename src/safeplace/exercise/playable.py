"""An exercise ready to play: plain data made from a validated exercise (see ``compile.py``).

The player, the library and history read exercises in this form. It needs neither pydantic
nor PyYAML, so starting to play costs no validation, and it round-trips through JSON, so the
result of checking a file can be remembered between runs (``safeplace.checked``).
Repeat blocks are already unrolled and an items step is one part per item.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from functools import cache
from typing import Any, Literal, get_args

# Written in the library's order: CATEGORY_ORDER below is the one list of categories.
Category = Literal[
    "check-in", "breathing", "grounding", "visualization", "compassion", "journaling", "body"
]
State = Literal["wound-up", "shut-down", "steady"]
Caution = Literal["breath-holds", "fast-breathing", "eyes-closed", "body-focus", "recalls-pain"]
Moment = Literal["before", "after", "during"]
PartKind = Literal["say", "breathe", "silence", "item", "prompt", "rate"]
Location = tuple[str | int, ...]

# Bounds: generous for authors, tight enough that a typo cannot make a 9-hour pause.
# The format enforces them (model.py); a remembered playable is held to them too.
MAX_STEP_SECONDS = 3600.0
MAX_PHASE_SECONDS = 30.0
MAX_HOLD_SECONDS = 20.0
MAX_CYCLES = 300
MAX_LENGTHEN_BY = 2
MAX_LENGTHEN_EVERY = 50
# Untimed steps wait for the person; these only feed estimates and the progress line.
ESTIMATED_PROMPT_SECONDS = 60.0
ESTIMATED_RATE_SECONDS = 10.0
CATEGORY_ORDER: tuple[Category, ...] = get_args(Category)


def minutes_for(seconds: float) -> int:
    """The whole minutes shown for an exercise of ``seconds`` (the library, show, the player)."""
    return max(1, math.ceil(seconds / 60 - 0.2))


@dataclass(frozen=True)
class BreathSpec:
    """A breathing step's pattern (seconds per phase) and how long to follow it."""

    inhale: float
    exhale: float
    top_up: float = 0.0
    hold: float = 0.0
    rest: float = 0.0
    cycles: int | None = None
    seconds: float | None = None
    default_cycles: int = 6
    """Breaths when neither cycles nor seconds is given."""
    lengthen_by: float = 0.0
    """Seconds added to the out-breath every ``lengthen_every`` breaths; 0 = never."""
    lengthen_every: int = 1
    lengthen_until: float = 0.0

    @property
    def has_holds(self) -> bool:
        return self.hold > 0 or self.rest > 0

    def cycle_seconds(self, *, holds: bool = True, extra_out: float = 0.0) -> float:
        held = (self.hold + self.rest) if holds else 0.0
        return self.inhale + self.top_up + self.exhale + extra_out + held

    def out_extension(self, cycle_index: int) -> float:
        """Seconds added to the out-breath of breath number ``cycle_index`` (from 0)."""
        if self.lengthen_by <= 0:
            return 0.0
        grown = (cycle_index // self.lengthen_every) * self.lengthen_by
        return min(grown, self.lengthen_until - self.exhale)

    def cycle_count(self, *, holds: bool = True) -> int:
        if self.cycles is not None:
            return self.cycles
        if self.seconds is None:
            return self.default_cycles
        elapsed, count = 0.0, 0
        while count < MAX_CYCLES:
            length = self.cycle_seconds(holds=holds, extra_out=self.out_extension(count))
            if count > 0 and elapsed + length > self.seconds + 1e-9:
                break
            elapsed += length
            count += 1
        return count

    def total_seconds(self, *, holds: bool = True) -> float:
        return sum(
            self.cycle_seconds(holds=holds, extra_out=self.out_extension(index))
            for index in range(self.cycle_count(holds=holds))
        )


@dataclass(frozen=True)
class Part:
    """One moment of the exercise as written; the timeline adds times and positions."""

    kind: PartKind
    path: Location
    """Data path of the step in the exercise, e.g. ("steps", 2, "steps", 0) inside a repeat."""
    text: str
    """Raw text with {name} placeholders: say text, note, item, prompt or rate question."""
    seconds: float | None = None
    """Fixed length; None for breathing (it depends on holds) and for waiting parts."""
    breath: BreathSpec | None = None
    item_number: int | None = None
    """1-based position of the item within its items step."""
    item_count: int | None = None
    intro: str | None = None
    moment: Moment | None = None
    """A rating's moment as written; unset ones are resolved by their position."""
    remember: str | None = None
    """A prompt's name for its answer."""
    hint: str | None = None
    low: str | None = None
    high: str | None = None

    def estimated_seconds(self, *, holds: bool = True) -> float:
        """How long this part lasts: the one length rule, summed by the model and the timeline.
        A part that waits for the person counts a typical answer."""
        if self.breath is not None:
            return self.breath.total_seconds(holds=holds)
        if self.seconds is not None:
            return self.seconds
        return ESTIMATED_PROMPT_SECONDS if self.kind == "prompt" else ESTIMATED_RATE_SECONDS


@dataclass(frozen=True)
class Playable:
    """What the app needs of one exercise."""

    id: str
    title: str
    summary: str
    category: Category
    minutes: int
    estimated_seconds: float
    content_hash: str
    """A short fingerprint of what the exercise says, for history."""
    parts: tuple[Part, ...]
    tags: tuple[str, ...] = ()
    suits: tuple[State, ...] = ()
    cautions: tuple[Caution, ...] = ()
    remembered_names: dict[str, str] = field(default_factory=dict)
    """Names this exercise can fill, with the words shown until something is written."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> Playable:
        """The inverse of :meth:`to_json`. Data that does not have the shape it writes (a
        cache edited by hand, say) raises TypeError, KeyError or ValueError."""
        _check_fields(cls, data)
        names = data["remembered_names"]
        if not isinstance(names, dict) or not all(_is(v, str) for v in (*names, *names.values())):
            raise TypeError("remembered_names must map words to words")
        for name in ("tags", "suits", "cautions"):
            if not isinstance(data[name], list) or not all(_is(v, str) for v in data[name]):
                raise TypeError(f"{name} must be a list of words")
        if data["category"] not in _CATEGORIES:
            raise ValueError(f"unknown category {data['category']!r}")
        if not isinstance(data["parts"], list) or not data["parts"]:
            raise TypeError("parts must be a non-empty list")
        return cls(
            **{
                **data,
                "parts": tuple(_part_from_json(part) for part in data["parts"]),
                "tags": tuple(data["tags"]),
                "suits": tuple(data["suits"]),
                "cautions": tuple(data["cautions"]),
                "remembered_names": dict(names),
            }
        )


def _part_from_json(data: Any) -> Part:
    _check_fields(Part, data)
    if data["kind"] not in _PART_KINDS:
        raise ValueError(f"unknown part kind {data['kind']!r}")
    if data["moment"] not in _MOMENTS:
        raise ValueError(f"unknown moment {data['moment']!r}")
    if not isinstance(data["path"], list) or not all(_is(v, str | int) for v in data["path"]):
        raise TypeError("path must be a list of keys and positions")
    breath = data["breath"]
    if (breath is None) == (data["kind"] == "breathe"):
        raise ValueError("a breathing part, and only one, has a breath")
    if breath is not None:
        _check_fields(BreathSpec, breath)
        breath = BreathSpec(**breath)
        _check_breath(breath)
    timed = data["kind"] in ("say", "silence", "item")
    seconds = data["seconds"]
    if timed != (seconds is not None) or (timed and not 0 < seconds <= MAX_STEP_SECONDS):
        raise ValueError("a timed part needs a length within bounds, and only a timed part")
    return Part(**{**data, "path": tuple(data["path"]), "breath": breath})


def _check_breath(spec: BreathSpec) -> None:
    """The bounds the format enforces: a remembered value outside them is not played."""
    within = (
        0 < spec.inhale <= MAX_PHASE_SECONDS
        and 0 < spec.exhale <= MAX_PHASE_SECONDS
        and all(0 <= hold <= MAX_HOLD_SECONDS for hold in (spec.top_up, spec.hold, spec.rest))
        and (spec.cycles is None or 1 <= spec.cycles <= MAX_CYCLES)
        and (spec.seconds is None or 0 < spec.seconds <= MAX_STEP_SECONDS)
        and 1 <= spec.default_cycles <= MAX_CYCLES
        and 0 <= spec.lengthen_by <= MAX_LENGTHEN_BY
        and 1 <= spec.lengthen_every <= MAX_LENGTHEN_EVERY
        and 0 <= spec.lengthen_until <= MAX_PHASE_SECONDS
    )
    if not within:
        raise ValueError("a breath outside the format's bounds")


# What each scalar field may hold; containers and nested parts are checked by the callers.
_SCALARS: dict[str, type | Any] = {
    "str": str,
    "int": int,
    "float": float | int,
    "str | None": str | None,
    "int | None": int | None,
    "float | None": float | int | None,
    "Moment | None": str | None,
}


_CATEGORIES = frozenset(get_args(Category))
_PART_KINDS = frozenset(get_args(PartKind))
_MOMENTS = frozenset((None, *get_args(Moment)))


@cache
def _field_kinds(cls: type) -> tuple[frozenset[str], tuple[tuple[str, Any], ...]]:
    """The field names of dataclass ``cls``, and the scalar ones with what they may hold."""
    known = fields(cls)
    scalars = tuple(
        (spec.name, _SCALARS[str(spec.type)]) for spec in known if str(spec.type) in _SCALARS
    )
    return frozenset(spec.name for spec in known), scalars


def _check_fields(cls: type, data: Any) -> None:
    """``data`` has exactly the fields of dataclass ``cls``, scalars of the right type."""
    if not isinstance(data, dict):
        raise TypeError(f"{cls.__name__} data must be a mapping")
    names, scalars = _field_kinds(cls)
    if data.keys() != names:
        raise KeyError(f"{cls.__name__} data has other fields than {cls.__name__}")
    for name, kind in scalars:
        if not _is(data[name], kind):
            raise TypeError(f"{cls.__name__}.{name} has the wrong type")


def _is(value: Any, kind: Any) -> bool:
    """isinstance, except that a bool is not a number and numbers must be finite."""
    if isinstance(value, bool) or not isinstance(value, kind):
        return False
    return not isinstance(value, float) or math.isfinite(value)
