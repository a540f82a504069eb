"""An exercise flattened into the segments a session plays, one after another.

Repeat blocks are unrolled and an items step becomes one segment per item. Timed segments
have a duration; prompts and ratings have none: they wait for the person.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import accumulate
from typing import Literal

from safeplace.exercise.model import (
    ESTIMATED_PROMPT_SECONDS,
    ESTIMATED_RATE_SECONDS,
    AnyStep,
    BreatheStep,
    Exercise,
    ItemsStep,
    Location,
    Moment,
    PromptStep,
    RateStep,
    RepeatStep,
    SayStep,
    SilenceStep,
)
from safeplace.playback.breath import BreathPlan

SegmentKind = Literal["say", "breathe", "silence", "item", "prompt", "rate"]
PlayedStep = SayStep | BreatheStep | SilenceStep | ItemsStep | PromptStep | RateStep


# Equality is identity: a segment is one moment of one timeline (and model steps are unhashable).
@dataclass(frozen=True, eq=False)
class Segment:
    index: int
    kind: SegmentKind
    step: PlayedStep
    path: Location
    """Data path of the step in the exercise, e.g. ("steps", 2, "steps", 0) inside a repeat."""
    duration: float | None
    """Seconds; None for a segment that waits for the person (prompt, rate)."""
    text: str
    """Raw text with {name} placeholders: say text, note, item, prompt or rate question."""
    breath: BreathPlan | None = None
    item_number: int | None = None
    """1-based position of the item within its items step."""
    item_count: int | None = None
    intro: str | None = None
    moment: Moment | None = None
    """For ratings: before / during / after, resolved from the position when unset."""

    @property
    def is_waiting(self) -> bool:
        return self.duration is None

    @property
    def estimated_seconds(self) -> float:
        """The duration, or the model's estimate for a waiting segment."""
        if self.duration is not None:
            return self.duration
        return ESTIMATED_PROMPT_SECONDS if self.kind == "prompt" else ESTIMATED_RATE_SECONDS

    def __repr__(self) -> str:
        return f"Segment({self.index}, {self.kind!r}, path={self.path!r})"


@dataclass(frozen=True)
class Timeline:
    exercise: Exercise
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


def build_timeline(exercise: Exercise, *, holds: bool = True) -> Timeline:
    """Flatten ``exercise``; with ``holds=False`` breath holds are left out."""
    drafts = _flatten(exercise.steps, ("steps",), holds=holds)
    rated = [index for index, draft in enumerate(drafts) if draft.kind == "rate"]
    segments = tuple(
        replace(draft, index=index, moment=_moment(draft.step, index, rated, len(drafts)))
        for index, draft in enumerate(drafts)
    )
    timed = list(accumulate((s.duration or 0.0 for s in segments), initial=0.0))
    weighted = list(accumulate((s.estimated_seconds for s in segments), initial=0.0))
    return Timeline(
        exercise=exercise,
        segments=segments,
        holds=holds,
        step_starts=tuple(timed[:-1]),
        timed_seconds=timed[-1],
        weighted_starts=tuple(weighted[:-1]),
        estimated_seconds=weighted[-1],
    )


# Drafts are segments whose index and moment are filled in once the whole order is known.
_UNPLACED = -1


def _flatten(steps: list[AnyStep], base: Location, *, holds: bool) -> list[Segment]:
    drafts: list[Segment] = []
    for position, step in enumerate(steps):
        path = (*base, position)
        if isinstance(step, RepeatStep):
            drafts.extend(_flatten(step.steps, (*path, "steps"), holds=holds) * step.repeat)
        else:
            drafts.extend(_drafts_for(step, path, holds=holds))
    return drafts


def _drafts_for(step: PlayedStep, path: Location, *, holds: bool) -> list[Segment]:
    def draft(kind: SegmentKind, duration: float | None, text: str) -> Segment:
        return Segment(_UNPLACED, kind, step, path, duration, text)

    if isinstance(step, SayStep):
        return [draft("say", step.duration, step.say)]
    if isinstance(step, BreatheStep):
        plan = BreathPlan.from_breathing(step.breathing, holds=holds)
        return [replace(draft("breathe", plan.total_seconds, step.note or ""), breath=plan)]
    if isinstance(step, SilenceStep):
        return [draft("silence", step.silence, step.note or "")]
    if isinstance(step, ItemsStep):
        return [
            replace(
                draft("item", step.seconds_each, item),
                item_number=number,
                item_count=len(step.items),
                intro=step.intro,
            )
            for number, item in enumerate(step.items, start=1)
        ]
    if isinstance(step, PromptStep):
        return [draft("prompt", None, step.prompt)]
    return [draft("rate", None, step.rate)]


def _moment(step: PlayedStep, index: int, rated: list[int], count: int) -> Moment | None:
    """The first rating is 'before', the last 'after'; a lone one goes by its position."""
    if not isinstance(step, RateStep):
        return None
    if step.moment is not None:
        return step.moment
    if len(rated) == 1:
        return "before" if index < count / 2 else "after"
    if index == rated[0]:
        return "before"
    return "after" if index == rated[-1] else "during"
