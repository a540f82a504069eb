"""Breathing patterns as authors write them: named ones, phases in seconds, lengthening."""

from __future__ import annotations

from functools import cache
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from safeplace.exercise.fields import (
    Cycles,
    HoldSeconds,
    LengthenEvery,
    PhaseSeconds,
    Seconds,
    Strict,
)
from safeplace.exercise.patterns import CUSTOM_DEFAULT_CYCLES, NAMED_PATTERNS
from safeplace.exercise.playable import MAX_LENGTHEN_BY, BreathSpec

PATTERN_NAME_PATTERN = r"^[a-z0-9-]+$"
# The schema lists the names, so an editor can offer them; the check says which are known.
PatternName = Annotated[
    str,
    Field(
        pattern=PATTERN_NAME_PATTERN,
        json_schema_extra={"enum": list(NAMED_PATTERNS), "examples": ["box", "long-out"]},
    ),
]


class BreathPattern(Strict):
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


class Lengthen(Strict):
    """Let the out-breath grow slowly over the cycles, a little at a time."""

    by: Annotated[float, Field(gt=0, le=MAX_LENGTHEN_BY)]
    """Seconds added to the out-breath each time."""
    every: LengthenEvery = 1
    """How many breaths between each lengthening."""
    until: PhaseSeconds
    """The longest the out-breath may become, in seconds."""


class Breathing(Strict):
    """A breathing pattern and how long to follow it."""

    pattern: PatternName | BreathPattern
    """A named pattern (box, sigh, long-out, slow, even, 4-7-8) or the phases in seconds."""
    cycles: Cycles | None = None
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
    def name(self) -> str:
        return self.pattern if isinstance(self.pattern, str) else "custom"

    @property
    def phases(self) -> BreathPattern:
        if isinstance(self.pattern, BreathPattern):
            return self.pattern
        return _named_phases(self.pattern)

    @property
    def spec(self) -> BreathSpec:
        """The plain form that timing is computed from (the same maths plays it)."""
        phases, lengthen = self.phases, self.lengthen
        named = NAMED_PATTERNS.get(self.name)
        return BreathSpec(
            inhale=phases.inhale,
            exhale=phases.exhale,
            top_up=phases.top_up,
            hold=phases.hold,
            rest=phases.rest,
            cycles=self.cycles,
            seconds=self.seconds,
            default_cycles=CUSTOM_DEFAULT_CYCLES if named is None else named[1],
            lengthen_by=0.0 if lengthen is None else lengthen.by,
            lengthen_every=1 if lengthen is None else lengthen.every,
            lengthen_until=0.0 if lengthen is None else lengthen.until,
        )


@cache  # read, never changed: one model per name, not one per step
def _named_phases(name: str) -> BreathPattern:
    return BreathPattern.model_validate(NAMED_PATTERNS[name][0])
