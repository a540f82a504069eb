"""Breathing maths: a plan of phases laid out in time, and the pacer state at any moment.

A :class:`BreathPlan` is built once per breathing step; :func:`breath_at` is a pure lookup
(bisect over precomputed phase ends), cheap enough for every repaint.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import accumulate

from safeplace.exercise.playable import BreathSpec

# Fill of the pacer at the top of the in-breath when a top-up follows; the top-up fills the rest.
IN_FILL_BEFORE_TOP_UP = 0.85


class BreathPhase(StrEnum):
    IN = "in"
    TOP_UP = "top-up"
    HOLD = "hold"
    OUT = "out"
    REST = "rest"

    @property
    def words(self) -> str:
        """What the pacer says during this phase."""
        return _WORDS[self]


_WORDS = {
    BreathPhase.IN: "Breathe in",
    BreathPhase.TOP_UP: "A little more",
    BreathPhase.HOLD: "Hold gently",
    BreathPhase.OUT: "Breathe out",
    BreathPhase.REST: "Rest",
}


@dataclass(frozen=True)
class PlannedPhase:
    """One phase of one breath; ``start`` and ``end`` are seconds from the start of the plan."""

    phase: BreathPhase
    cycle_index: int
    phase_index: int
    seconds: float
    start: float
    end: float


@dataclass(frozen=True)
class BreathPlan:
    """Every phase of every breath of one breathing step, laid out in time."""

    phases: tuple[PlannedPhase, ...]
    cycle_starts: tuple[float, ...]
    total_seconds: float
    has_top_up: bool
    _ends: tuple[float, ...] = field(repr=False, compare=False)

    @classmethod
    def from_breathing(cls, pattern: BreathSpec, *, holds: bool = True) -> BreathPlan:
        """Lay out ``pattern``; with ``holds=False`` the hold and rest phases are left out."""
        count = pattern.cycle_count(holds=holds)
        extensions = [pattern.out_extension(index) for index in range(count)]
        lengths = [pattern.cycle_seconds(holds=holds, extra_out=extra) for extra in extensions]
        # Same summation order as BreathSpec.total_seconds, so the totals agree exactly.
        bounds = list(accumulate(lengths, initial=0.0))
        planned: list[PlannedPhase] = []
        for cycle, extra in enumerate(extensions):
            steps = [
                (BreathPhase.IN, pattern.inhale),
                (BreathPhase.TOP_UP, pattern.top_up),
                (BreathPhase.HOLD, pattern.hold if holds else 0.0),
                (BreathPhase.OUT, pattern.exhale + extra),
                (BreathPhase.REST, pattern.rest if holds else 0.0),
            ]
            steps = [(phase, seconds) for phase, seconds in steps if seconds > 0]
            start = bounds[cycle]
            for index, (phase, seconds) in enumerate(steps):
                # The last phase ends where the next breath starts, so no rounding gap opens.
                end = bounds[cycle + 1] if index == len(steps) - 1 else start + seconds
                planned.append(PlannedPhase(phase, cycle, index, seconds, start, end))
                start = end
        return cls(
            phases=tuple(planned),
            cycle_starts=tuple(bounds[:-1]),
            total_seconds=bounds[-1],
            has_top_up=pattern.top_up > 0,
            _ends=tuple(phase.end for phase in planned),
        )

    @property
    def cycles(self) -> int:
        return len(self.cycle_starts)

    def phase_at(self, t: float) -> PlannedPhase:
        """The phase playing ``t`` seconds into the plan; a boundary belongs to the next phase."""
        index = min(bisect_right(self._ends, t), len(self.phases) - 1)
        return self.phases[index]


@dataclass(frozen=True)
class BreathState:
    """The pacer at one moment."""

    phase: BreathPhase
    phase_index: int
    """Position of the phase within its breath, from 0."""
    fraction: float
    """How far through the phase, 0..1."""
    phase_remaining: float
    phase_seconds: float
    cycle_index: int
    cycles: int
    size: float
    """Pacer fill, 0 (empty) .. 1 (full)."""

    @property
    def words(self) -> str:
        return self.phase.words


def ease_in_out(x: float) -> float:
    """Sine ease-in-out: slow at both ends, like a real breath; monotonic on 0..1."""
    return (1.0 - math.cos(math.pi * x)) / 2.0


def breath_at(plan: BreathPlan, t: float) -> BreathState:
    """The pacer state ``t`` seconds into ``plan`` (clamped to the plan)."""
    t = min(max(t, 0.0), plan.total_seconds)
    current = plan.phase_at(t)
    length = current.end - current.start
    fraction = min(max((t - current.start) / length, 0.0), 1.0)
    return BreathState(
        phase=current.phase,
        phase_index=current.phase_index,
        fraction=fraction,
        phase_remaining=max(current.end - t, 0.0),
        phase_seconds=current.seconds,
        cycle_index=current.cycle_index,
        cycles=plan.cycles,
        size=_size(current.phase, fraction, top_up=plan.has_top_up),
    )


def _size(phase: BreathPhase, fraction: float, *, top_up: bool) -> float:
    eased = ease_in_out(fraction)
    if phase is BreathPhase.IN:
        return (IN_FILL_BEFORE_TOP_UP if top_up else 1.0) * eased
    if phase is BreathPhase.TOP_UP:
        return IN_FILL_BEFORE_TOP_UP + (1.0 - IN_FILL_BEFORE_TOP_UP) * eased
    if phase is BreathPhase.HOLD:
        return 1.0
    if phase is BreathPhase.OUT:
        return 1.0 - eased
    return 0.0
