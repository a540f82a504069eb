"""An exercise laid out in time: the segments a session plays, one after another.

Each part of a :class:`Playable` becomes a segment. Timed segments have a duration;
prompts and ratings have none: they wait for the person.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING

from safeplace.exercise.playable import (
    Location,
    Moment,
    Part,
    PartKind,
    Playable,
)
from safeplace.playback.breath import BreathPlan

if TYPE_CHECKING:
    from safeplace.exercise.model import Exercise


# Equality is identity: a segment is one moment of one timeline.
@dataclass(frozen=True, eq=False)
class Segment:
    index: int
    part: Part
    duration: float | None
    """Seconds; None for a segment that waits for the person (prompt, rate)."""
    breath: BreathPlan | None = None
    moment: Moment | None = None
    """For ratings: before / during / after, resolved from the position when unset."""

    @property
    def kind(self) -> PartKind:
        return self.part.kind

    @property
    def path(self) -> Location:
        return self.part.path

    @property
    def text(self) -> str:
        return self.part.text

    @property
    def intro(self) -> str | None:
        return self.part.intro

    @property
    def item_number(self) -> int | None:
        return self.part.item_number

    @property
    def item_count(self) -> int | None:
        return self.part.item_count

    @property
    def is_waiting(self) -> bool:
        return self.duration is None

    def __repr__(self) -> str:
        return f"Segment({self.index}, {self.kind!r}, path={self.path!r})"


@dataclass(frozen=True)
class Timeline:
    exercise: Playable
    segments: tuple[Segment, ...]
    holds: bool
    step_starts: tuple[float, ...]
    """Seconds of timed playing before each segment starts (waiting segments take none)."""
    timed_seconds: float
    """Sum of all timed durations."""
    weighted_starts: tuple[float, ...]
    """Like step_starts, but waiting segments count their estimate: the axis for progress."""
    estimated_seconds: float

    def __len__(self) -> int:
        return len(self.segments)


def build_timeline(exercise: Playable | Exercise, *, holds: bool = True) -> Timeline:
    """Lay out ``exercise`` in time; with ``holds=False`` breath holds are left out.
    A validated model is compiled first (tests and tools use that convenience)."""
    if not isinstance(exercise, Playable):
        exercise = exercise.playable()
    parts = exercise.parts
    rated = [index for index, part in enumerate(parts) if part.kind == "rate"]
    segments = tuple(
        _segment(part, index, _moment(part, index, rated, len(parts)), holds=holds)
        for index, part in enumerate(parts)
    )
    timed = list(accumulate((s.duration or 0.0 for s in segments), initial=0.0))
    weighted = list(accumulate((p.estimated_seconds(holds=holds) for p in parts), initial=0.0))
    return Timeline(
        exercise=exercise,
        segments=segments,
        holds=holds,
        step_starts=tuple(timed[:-1]),
        timed_seconds=timed[-1],
        weighted_starts=tuple(weighted[:-1]),
        estimated_seconds=weighted[-1],
    )


def _segment(part: Part, index: int, moment: Moment | None, *, holds: bool) -> Segment:
    if part.breath is not None:
        plan = BreathPlan.from_breathing(part.breath, holds=holds)
        return Segment(index, part, plan.total_seconds, breath=plan)
    return Segment(index, part, part.seconds, moment=moment)


def _moment(part: Part, index: int, rated: list[int], count: int) -> Moment | None:
    """The first rating is 'before', the last 'after'; a lone one goes by its position."""
    if part.kind != "rate":
        return None
    if part.moment is not None:
        return part.moment
    if len(rated) == 1:
        return "before" if index < count / 2 else "after"
    if index == rated[0]:
        return "before"
    return "after" if index == rated[-1] else "during"
