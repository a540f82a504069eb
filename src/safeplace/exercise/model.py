"""The exercise format: strict pydantic models whose docstrings become the JSON Schema.

An exercise reads like a script. Each step is a mapping whose *kind key* says what it is:
``say``, ``breathe``, ``silence``, ``items``, ``prompt``, ``rate`` or ``repeat``. Times are
seconds. Durations are computed from the steps, never written by hand.

Checks that span several fields (placeholders, cautions, sizes) raise
:class:`ExerciseProblems`, which carries a location per problem so the loader can point at
the line. It is deliberately not a ``ValueError``: pydantic lets it through untouched.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

from safeplace.exercise.playable import (
    ESTIMATED_PROMPT_SECONDS,
    ESTIMATED_RATE_SECONDS,
    MAX_CYCLES,
    MAX_HOLD_SECONDS,
    MAX_LENGTHEN_BY,
    MAX_LENGTHEN_EVERY,
    MAX_PHASE_SECONDS,
    MAX_STEP_SECONDS,
    BreathSpec,
    Category,
    Caution,
    Location,
    Moment,
    Playable,
    State,
)
from safeplace.text import (
    NAME_PATTERN,
    PlaceholderError,
    find_control_character,
    placeholders,
)

# Bounds beyond those shared with the plain form (playable.py).
MAX_TOTAL_SECONDS = 2 * 3600.0
MAX_PLAYED_STEPS = 2000
MAX_REPEAT_DEPTH = 3

# Calm narration pace: about two words a second, plus a moment to let it land.
WORDS_PER_SECOND = 2.0
SETTLE_SECONDS = 3.0
MIN_SAY_SECONDS = 4.0

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
Name = Annotated[str, StringConstraints(pattern=rf"^{NAME_PATTERN}$")]
Title = Annotated[str, StringConstraints(min_length=1, max_length=80, strip_whitespace=True)]
Line = Annotated[str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True)]
Passage = Annotated[str, StringConstraints(min_length=1, max_length=2000, strip_whitespace=True)]
Seconds = Annotated[float, Field(gt=0, le=MAX_STEP_SECONDS)]
PhaseSeconds = Annotated[float, Field(gt=0, le=MAX_PHASE_SECONDS)]
HoldSeconds = Annotated[float, Field(ge=0, le=MAX_HOLD_SECONDS)]

__all__ = [  # re-exported: the format's types are defined with the plain form
    "ESTIMATED_PROMPT_SECONDS",
    "ESTIMATED_RATE_SECONDS",
    "Category",
    "Caution",
    "Location",
    "Moment",
    "State",
]


class ExerciseProblems(Exception):
    """Problems that span fields, each with the data path it concerns."""

    def __init__(self, problems: list[tuple[Location, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{'.'.join(map(str, loc))}: {msg}" for loc, msg in problems))


class _Strict(BaseModel):
    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        allow_inf_nan=False,
        use_attribute_docstrings=True,
        populate_by_name=False,
    )


# --- breathing ---------------------------------------------------------------------------


class BreathPattern(_Strict):
    """The length of each phase of one breath, in seconds. Phases at 0 are left out."""

    inhale: PhaseSeconds = Field(alias="in")
    """Breathing in."""
    top_up: HoldSeconds = 0.0
    """A short second sip of air on top of the in-breath (as in the physiological sigh)."""
    hold: HoldSeconds = 0.0
    """Holding after breathing in. Holds are optional for the person and can be turned off."""
    exhale: PhaseSeconds = Field(alias="out")
    """Breathing out."""
    rest: HoldSeconds = 0.0
    """Resting empty before the next breath."""


class Lengthen(_Strict):
    """Let the out-breath grow slowly over the cycles, a little at a time."""

    by: Annotated[float, Field(gt=0, le=MAX_LENGTHEN_BY)]
    """Seconds added to the out-breath each time."""
    every: Annotated[int, Field(ge=1, le=MAX_LENGTHEN_EVERY)] = 1
    """How many breaths between each lengthening."""
    until: PhaseSeconds
    """The longest the out-breath may become, in seconds."""


NAMED_PATTERNS: dict[str, tuple[dict[str, float], int, str]] = {
    # name: (phases, default cycles, description)
    "box": ({"in": 4, "hold": 4, "out": 4, "rest": 4}, 6, "4 in, hold 4, 4 out, rest 4"),
    "sigh": ({"in": 3, "top_up": 1, "out": 6}, 12, "in, a second sip, then a long sigh out"),
    "long-out": ({"in": 4, "out": 6}, 12, "4 in, 6 out, no holds"),
    "slow": ({"in": 5, "out": 5}, 18, "six breaths a minute, even in and out"),
    "even": ({"in": 4, "out": 4}, 10, "4 in, 4 out, an easy start"),
    "4-7-8": ({"in": 4, "hold": 7, "out": 8}, 4, "4 in, hold 7, 8 out"),
}


def named_pattern(name: str) -> BreathPattern:
    phases, _, _ = NAMED_PATTERNS[name]
    return BreathPattern.model_validate(phases)


class Breathing(_Strict):
    """A breathing pattern and how long to follow it."""

    pattern: Annotated[str, Field(pattern=r"^[a-z0-9-]+$")] | BreathPattern
    """A named pattern (box, sigh, long-out, slow, even, 4-7-8) or the phases in seconds."""
    cycles: Annotated[int, Field(ge=1, le=MAX_CYCLES)] | None = None
    """How many breaths. Give cycles or seconds, not both; neither uses the pattern's default."""
    seconds: Seconds | None = None
    """How long to breathe, in seconds: as many whole breaths as fit (at least one)."""
    lengthen: Lengthen | None = None
    """Optional gradual lengthening of the out-breath."""

    @field_validator("pattern")
    @classmethod
    def _known_name(cls, value: str | BreathPattern) -> str | BreathPattern:
        if isinstance(value, str) and value not in NAMED_PATTERNS:
            known = ", ".join(NAMED_PATTERNS)
            raise ValueError(f"unknown pattern '{value}'; known patterns: {known}")
        return value

    @model_validator(mode="after")
    def _one_length(self) -> Breathing:
        if self.cycles is not None and self.seconds is not None:
            raise ValueError("give either cycles or seconds, not both")
        if self.lengthen is not None and self.lengthen.until <= self.phases.exhale:
            raise ValueError("lengthen.until must be longer than the pattern's out-breath")
        return self

    @property
    def phases(self) -> BreathPattern:
        return named_pattern(self.pattern) if isinstance(self.pattern, str) else self.pattern

    @property
    def spec(self) -> BreathSpec:
        """The plain form that timing is computed from (the same maths plays it)."""
        phases, lengthen = self.phases, self.lengthen
        return BreathSpec(
            inhale=phases.inhale,
            exhale=phases.exhale,
            top_up=phases.top_up,
            hold=phases.hold,
            rest=phases.rest,
            cycles=self.cycles,
            seconds=self.seconds,
            default_cycles=NAMED_PATTERNS[self.pattern][1] if isinstance(self.pattern, str) else 6,
            lengthen_by=0.0 if lengthen is None else lengthen.by,
            lengthen_every=1 if lengthen is None else lengthen.every,
            lengthen_until=0.0 if lengthen is None else lengthen.until,
        )

    def cycle_count(self, *, holds: bool = True) -> int:
        return self.spec.cycle_count(holds=holds)

    def total_seconds(self, *, holds: bool = True) -> float:
        return self.spec.total_seconds(holds=holds)


# --- steps -------------------------------------------------------------------------------


class SayStep(_Strict):
    """Narration: a passage shown for a while. `- say: Let your shoulders drop.` is enough."""

    say: Passage
    """What to show. May use {name} placeholders for remembered words."""
    seconds: Seconds | None = None
    """How long to show it; by default it follows the length of the text at a calm pace."""

    @property
    def duration(self) -> float:
        if self.seconds is not None:
            return self.seconds
        words = len(self.say.split())
        return float(max(MIN_SAY_SECONDS, round(SETTLE_SECONDS + words / WORDS_PER_SECOND)))


class BreatheStep(_Strict):
    """A breathing pacer. `- breathe: box` uses a named pattern with its defaults."""

    breathe: Annotated[str, Field(pattern=r"^[a-z0-9-]+$")] | Breathing
    """A named pattern, or a mapping with pattern, cycles or seconds, and lengthen."""
    note: Line | None = None
    """A line shown beside the pacer, e.g. 'Breathe softly; no need to fill up completely.'"""

    @field_validator("breathe")
    @classmethod
    def _known_name(cls, value: str | Breathing) -> str | Breathing:
        if isinstance(value, str):
            return Breathing(pattern=value)
        return value

    @property
    def breathing(self) -> Breathing:
        assert isinstance(self.breathe, Breathing)  # the validator always builds one
        return self.breathe


class SilenceStep(_Strict):
    """A quiet pause with a gentle timer."""

    silence: Seconds
    """How long the quiet lasts, in seconds."""
    note: Line | None = None
    """An optional line shown during the quiet."""


class ItemsStep(_Strict):
    """A list walked one item at a time, e.g. 5-4-3-2-1 grounding."""

    items: Annotated[list[Line], Field(min_length=1, max_length=50)]
    """The items, shown one by one."""
    seconds_each: Seconds = 15.0
    """How long each item stays, in seconds."""
    intro: Line | None = None
    """A line shown above every item."""


class PromptStep(_Strict):
    """A question answered in your own words. It waits; the person may skip it."""

    prompt: Passage
    """The question or invitation."""
    remember: Name | None = None
    """Keep the answer under this name, to reuse as {name} later and in other exercises."""
    default: Line | None = None
    """Words used for {name} while nothing has been written yet (needed with remember)."""
    hint: Line | None = None
    """Faint text shown in the empty answer box."""

    @model_validator(mode="after")
    def _default_with_remember(self) -> PromptStep:
        if self.remember is not None and self.default is None:
            raise ValueError(
                "a prompt with remember needs a default: the words shown for "
                f"{{{self.remember}}} until something has been written"
            )
        if self.default is not None and self.remember is None:
            raise ValueError("default only makes sense with remember")
        return self


class RateStep(_Strict):
    """A 0-10 rating. It waits; the person may skip it."""

    rate: Line
    """The question, e.g. 'How tense do you feel right now?'"""
    low: Line = "calm"
    """What 0 means."""
    high: Line = "very upset"
    """What 10 means."""
    moment: Moment | None = None
    """before / after / during. Unset: the exercise's first rating is 'before', its last is
    'after', any other is 'during' (a lone rating goes by whether it sits in the first or the
    second half). Before and after feed 'what helps' in history."""


class RepeatStep(_Strict):
    """A block of steps played several times."""

    repeat: Annotated[int, Field(ge=1, le=50)]
    """How many times to play the block."""
    steps: Annotated[list[Step], Field(min_length=1, max_length=200)]
    """The steps of the block."""


StepKind = Literal["say", "breathe", "silence", "items", "prompt", "rate", "repeat"]
STEP_KINDS: tuple[StepKind, ...] = (
    "say",
    "breathe",
    "silence",
    "items",
    "prompt",
    "rate",
    "repeat",
)


def step_kind(value: Any) -> str | None:
    """The kind of a raw or validated step: the one kind key it holds."""
    if isinstance(value, BaseModel):
        value = value.model_dump(by_alias=True)
    if not isinstance(value, dict):
        return None
    present = [kind for kind in STEP_KINDS if kind in value]
    if len(present) == 1:
        return present[0]
    return None


Step = Annotated[
    Annotated[SayStep, Tag("say")]
    | Annotated[BreatheStep, Tag("breathe")]
    | Annotated[SilenceStep, Tag("silence")]
    | Annotated[ItemsStep, Tag("items")]
    | Annotated[PromptStep, Tag("prompt")]
    | Annotated[RateStep, Tag("rate")]
    | Annotated[RepeatStep, Tag("repeat")],
    Discriminator(
        step_kind,
        custom_error_type="step_kind",
        custom_error_message=(
            "each step needs exactly one of: say, breathe, silence, items, prompt, rate, repeat"
        ),
    ),
]
RepeatStep.model_rebuild()

AnyStep = SayStep | BreatheStep | SilenceStep | ItemsStep | PromptStep | RateStep | RepeatStep


# --- the exercise ------------------------------------------------------------------------


class Exercise(_Strict):
    """One guided exercise."""

    id: Slug
    """Unique id: lower-case letters, digits and dashes, e.g. box-breathing."""
    title: Title
    """The name people see."""
    summary: Line
    """One calm sentence on what it is and when it may help."""
    category: Category
    """Where it sits in the library."""
    tags: Annotated[list[Slug], Field(max_length=12)] = Field(default_factory=list)
    """Free keywords for search. The tag ground-me marks a routine offered by the g key."""
    suits: Annotated[list[State], Field(max_length=3)] = Field(default_factory=list)
    """Which states it suits: wound-up (too much), shut-down (too little), steady."""
    cautions: Annotated[list[Caution], Field(max_length=5)] = Field(default_factory=list)
    """What a person may want to know first. Patterns with holds must list breath-holds."""
    sources: Annotated[list[Line], Field(max_length=10)] = Field(default_factory=list)
    """Citations for the technique."""
    author: Line | None = None
    """Who wrote this text."""
    license: Line | None = None
    """Licence of the text, e.g. CC-BY-4.0."""
    version: Annotated[int, Field(ge=1, le=10_000)] = 1
    """Raise it when the text changes meaningfully."""
    recall: dict[Name, Line] = Field(default_factory=dict)
    """Words remembered by other exercises that this one reuses, with the default shown
    until they exist, e.g. {cue_word: 'still'}."""
    steps: Annotated[list[Step], Field(min_length=1, max_length=500)]
    """The steps, played in order."""

    @model_validator(mode="after")
    def _check_whole(self) -> Exercise:
        problems = list(_whole_exercise_problems(self))
        if problems:
            raise ExerciseProblems(problems)
        return self

    # -- derived facts --

    def walk(self) -> Iterator[tuple[Location, AnyStep]]:
        """Every step with its data path, repeat blocks included (each once)."""
        yield from _walk(self.steps, ("steps",))

    def playable(self) -> Playable:
        """The plain form the app plays."""
        from safeplace.exercise.compile import compile_exercise

        return compile_exercise(self)

    def estimated_seconds(self, *, holds: bool = True) -> float:
        return _estimate(self.steps, holds=holds)

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.estimated_seconds() / 60 - 0.2))

    @property
    def remembered_names(self) -> dict[str, str]:
        """Names this exercise can fill, with their defaults."""
        names = dict(self.recall)
        for _, step in self.walk():
            if isinstance(step, PromptStep) and step.remember and step.default:
                names.setdefault(step.remember, step.default)
        return names


def _walk(steps: list[Any], base: Location) -> Iterator[tuple[Location, AnyStep]]:
    for index, step in enumerate(steps):
        path = (*base, index)
        yield path, step
        if isinstance(step, RepeatStep):
            yield from _walk(step.steps, (*path, "steps"))


def _estimate(steps: list[Any], *, holds: bool) -> float:
    total = 0.0
    for step in steps:
        if isinstance(step, SayStep):
            total += step.duration
        elif isinstance(step, BreatheStep):
            total += step.breathing.total_seconds(holds=holds)
        elif isinstance(step, SilenceStep):
            total += step.silence
        elif isinstance(step, ItemsStep):
            total += step.seconds_each * len(step.items)
        elif isinstance(step, PromptStep):
            total += ESTIMATED_PROMPT_SECONDS
        elif isinstance(step, RateStep):
            total += ESTIMATED_RATE_SECONDS
        elif isinstance(step, RepeatStep):
            total += step.repeat * _estimate(step.steps, holds=holds)
    return total


def _played_steps(steps: list[Any]) -> int:
    return sum(
        step.repeat * _played_steps(step.steps) if isinstance(step, RepeatStep) else 1
        for step in steps
    )


def _texts(step: AnyStep) -> Iterator[tuple[str, str]]:
    """(field name, text) for each text a person will read in ``step``."""
    fields = type(step).model_fields  # getattr() on a missing field is slow in pydantic
    for field in ("say", "note", "intro", "prompt", "rate", "low", "high", "hint", "default"):
        value = getattr(step, field) if field in fields else None
        if isinstance(value, str):
            yield field, value
    if isinstance(step, ItemsStep):
        for index, item in enumerate(step.items):
            yield f"items.{index}", item


def _whole_exercise_problems(exercise: Exercise) -> Iterator[tuple[Location, str]]:
    for field in ("title", "summary", "author", "license"):
        value = getattr(exercise, field)
        if isinstance(value, str) and find_control_character(value) is not None:
            yield (field,), "contains a control character; remove it (texts are shown literally)"

    known = dict(exercise.recall)
    depth_limit_reported = False
    for path, step in exercise.walk():
        if not depth_limit_reported and path.count("steps") > MAX_REPEAT_DEPTH + 1:
            depth_limit_reported = True
            yield path, f"repeat blocks may nest at most {MAX_REPEAT_DEPTH} deep"
        for field, text in _texts(step):
            loc: Location = (*path, *(int(p) if p.isdigit() else p for p in field.split(".")))
            if find_control_character(text) is not None:
                yield loc, "contains a control character; remove it (texts are shown literally)"
                continue
            try:
                names = placeholders(text)
            except PlaceholderError as error:
                yield loc, str(error)
                continue
            for name in names:
                if name not in known:
                    yield (
                        loc,
                        (
                            f"unknown placeholder {{{name}}}: remember it in an earlier prompt "
                            f"(remember: {name}) or declare it under recall with a default"
                        ),
                    )
        if isinstance(step, PromptStep) and step.remember and step.default:
            known.setdefault(step.remember, step.default)
        if isinstance(step, BreatheStep):
            phases = step.breathing.phases
            if step.breathing.spec.has_holds and "breath-holds" not in exercise.cautions:
                yield (
                    (*path, "breathe"),
                    (
                        "this pattern holds the breath: add breath-holds to cautions so that "
                        "people who avoid holds are told first"
                    ),
                )
            if phases.top_up > 0 and phases.top_up >= phases.inhale:
                yield (*path, "breathe"), "top_up should be shorter than the in-breath"

    played = _played_steps(exercise.steps)
    if played > MAX_PLAYED_STEPS:
        yield ("steps",), f"plays {played} steps with repeats; the limit is {MAX_PLAYED_STEPS}"
    total = exercise.estimated_seconds()
    if total > MAX_TOTAL_SECONDS:
        yield (
            ("steps",),
            (
                f"lasts about {total / 60:.0f} minutes; the limit is {MAX_TOTAL_SECONDS / 60:.0f}. "
                "Split it into shorter exercises"
            ),
        )
