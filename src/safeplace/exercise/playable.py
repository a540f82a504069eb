"""An exercise ready to play: plain data made from a validated exercise (``Exercise.playable``).

The player, the library and history read exercises in this form. It needs neither pydantic
nor PyYAML: these are frozen ``msgspec`` structs, so the bundled catalog (``catalog.py``) and
the remembered result of checking a file (``safeplace.checked``) decode straight into them,
with the types and the bounds below checked on the way in. Repeat blocks are already unrolled
and an items step is one part per item.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, get_args

from msgspec import Meta, Struct

# Written in the library's order: CATEGORY_ORDER below is the one list of categories.
Category = Literal[
    "check-in", "breathing", "grounding", "visualization", "compassion", "journaling", "body"
]
State = Literal["wound-up", "shut-down", "steady"]
Caution = Literal["breath-holds", "fast-breathing", "eyes-closed", "body-focus", "recalls-pain"]
Moment = Literal["before", "after", "during"]
PartKind = Literal["say", "breathe", "silence", "item", "prompt", "rate", "choose"]
TIMED_KINDS: frozenset[PartKind] = frozenset(("say", "silence", "item"))
Better = Literal["low", "high"]
Keep = Literal["session", "history"]
Subject = Literal["chose", "rated", "answered", "remembered"]
Location = tuple[str | int, ...]

# Bounds: generous for authors, tight enough that a typo cannot make a 9-hour pause. Stated
# here once: the format (model.py) derives its fields from these types, and a decoded
# playable is held to them (a cache edited by hand is checked again, never played).
MAX_STEP_SECONDS = 3600.0
MAX_PHASE_SECONDS = 30.0
MAX_HOLD_SECONDS = 20.0
MAX_CYCLES = 300
MAX_LENGTHEN_BY = 2
MAX_LENGTHEN_EVERY = 50
StepSeconds = Annotated[float, Meta(gt=0, le=MAX_STEP_SECONDS)]
PhaseSeconds = Annotated[float, Meta(gt=0, le=MAX_PHASE_SECONDS)]
HoldSeconds = Annotated[float, Meta(ge=0, le=MAX_HOLD_SECONDS)]
Cycles = Annotated[int, Meta(ge=1, le=MAX_CYCLES)]
LengthenEvery = Annotated[int, Meta(ge=1, le=MAX_LENGTHEN_EVERY)]
# Untimed steps wait for the person; these only feed estimates and the progress line.
ESTIMATED_PROMPT_SECONDS = 60.0
ESTIMATED_RATE_SECONDS = 10.0
ESTIMATED_CHOOSE_SECONDS = 15.0
MAX_OPTIONS = 8
CATEGORY_ORDER: tuple[Category, ...] = get_args(Category)


def minutes_for(seconds: float) -> int:
    """The whole minutes shown for an exercise of ``seconds`` (the library, show, the player)."""
    return max(1, math.ceil(seconds / 60 - 0.2))


class _Plain(Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    """Immutable; decoding refuses unknown fields; encoding leaves defaults out. (Each
    subclass says frozen again for mypy, which does not see it inherited.)"""


class BreathSpec(_Plain, frozen=True):
    """A breathing step's pattern (seconds per phase) and how long to follow it."""

    inhale: PhaseSeconds
    exhale: PhaseSeconds
    top_up: HoldSeconds = 0.0
    hold: HoldSeconds = 0.0
    rest: HoldSeconds = 0.0
    cycles: Cycles | None = None
    seconds: StepSeconds | None = None
    default_cycles: Cycles = 6
    """Breaths when neither cycles nor seconds is given."""
    lengthen_by: Annotated[float, Meta(ge=0, le=MAX_LENGTHEN_BY)] = 0.0
    """Seconds added to the out-breath every ``lengthen_every`` breaths; 0 = never."""
    lengthen_every: LengthenEvery = 1
    lengthen_until: Annotated[float, Meta(ge=0, le=MAX_PHASE_SECONDS)] = 0.0

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


class Condition(_Plain, frozen=True):
    """A test on what this person said: a choice made, a rating given or an answer written
    in this session, or a remembered answer from an earlier one."""

    subject: Subject
    name: str
    values: tuple[str, ...] = ()
    """For a choice: true when any of these was chosen (none listed: anything was)."""
    at_least: int | None = None
    at_most: int | None = None
    exists: bool = True
    """False: true when there is no such answer."""


class Option(_Plain, frozen=True):
    """One option of a choice, and where it leads."""

    text: str
    value: str
    go: str | None = None
    """A section of this exercise to go to."""
    next: str | None = None
    """An exercise offered next."""
    offer: State | None = None
    """Exercises that suit this state are offered at the end."""
    help: bool = False
    """Opens help and safety: the person's safety plan and the crisis lines."""
    when: tuple[Condition, ...] = ()


class Part(_Plain, frozen=True):
    """One moment of the exercise as written; the timeline adds times and positions."""

    kind: PartKind
    path: Location
    """Data path of the step in the exercise, e.g. ("steps", 2, "steps", 0) inside a repeat."""
    text: str
    """Raw text with {name} placeholders: say text, note, item, prompt or rate question."""
    seconds: StepSeconds | None = None
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
    name: str | None = None
    """The name of a prompt's, rating's or choice's answer, for conditions and {name}."""
    keep: Keep | None = None
    """session: the answer is never written anywhere; history: kept as settings allow.
    The exercise settles an unset one (``Exercise.parts``); a part made by hand reads as
    history."""
    scale_max: int = 10
    better: Better = "low"
    options: tuple[Option, ...] = ()
    several: bool = False
    one_line: bool = False
    countdown: bool = False
    """Show the time left (a silence, an item, a timed prompt)."""
    writing_seconds: StepSeconds | None = None
    """A prompt's suggested writing time, counted down; it still waits for the person."""
    when: tuple[Condition, ...] = ()
    """All must hold for the part to play (its step's and its sections' conditions)."""

    def __post_init__(self) -> None:
        """What the types cannot say; a decoded part that breaks it is not played."""
        if (self.breath is not None) != (self.kind == "breathe"):
            raise ValueError("a breathing part, and only one, has a breath")
        if (self.seconds is not None) != (self.kind in TIMED_KINDS):
            raise ValueError("a timed part, and only one, has its own length")

    def estimated_seconds(self, *, holds: bool = True) -> float:
        """How long this part lasts: the one length rule, summed by the model and the timeline.
        A part that waits for the person counts a typical answer."""
        if self.breath is not None:
            return self.breath.total_seconds(holds=holds)
        if self.seconds is not None:
            return self.seconds
        if self.writing_seconds is not None:
            return self.writing_seconds
        return _ESTIMATED_WAIT[self.kind]

    def distress(self, value: int) -> int:
        """A rating on the history's one axis: 0 calm to 10 most upset, whatever the scale
        and its direction, so that before and after compare the right way."""
        scaled = round(value * 10 / self.scale_max)
        return 10 - scaled if self.better == "high" else scaled


_ESTIMATED_WAIT = {
    "prompt": ESTIMATED_PROMPT_SECONDS,
    "rate": ESTIMATED_RATE_SECONDS,
    "choose": ESTIMATED_CHOOSE_SECONDS,
}


class Playable(_Plain, frozen=True):
    """What the app needs of one exercise."""

    id: str
    title: str
    summary: str
    category: Category
    minutes: int
    estimated_seconds: float
    content_hash: str
    """A short fingerprint of what the exercise says, for history."""
    parts: Annotated[tuple[Part, ...], Meta(min_length=1)]
    tags: tuple[str, ...] = ()
    suits: tuple[State, ...] = ()
    cautions: tuple[Caution, ...] = ()
    remembered_names: dict[str, str] = {}
    """Names this exercise can fill, with the words shown until something is written."""
    sections: dict[str, int] = {}
    """Each section's first part, by name: where a choice's ``go`` leads."""
