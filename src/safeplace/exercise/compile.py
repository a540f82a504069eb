"""A validated :class:`Exercise` -> the plain :class:`Playable` the app plays."""

from __future__ import annotations

from safeplace.exercise.loader import content_hash
from safeplace.exercise.model import (
    AnyStep,
    BreatheStep,
    Exercise,
    ItemsStep,
    PromptStep,
    RateStep,
    RepeatStep,
    SayStep,
    SilenceStep,
)
from safeplace.exercise.playable import Location, Part, Playable


def compile_exercise(exercise: Exercise) -> Playable:
    return Playable(
        id=exercise.id,
        title=exercise.title,
        summary=exercise.summary,
        category=exercise.category,
        minutes=exercise.minutes,
        estimated_seconds=exercise.estimated_seconds(),
        content_hash=content_hash(exercise),
        parts=tuple(_flatten(exercise.steps, ("steps",))),
        tags=tuple(exercise.tags),
        suits=tuple(exercise.suits),
        cautions=tuple(exercise.cautions),
        remembered_names=exercise.remembered_names,
    )


def _flatten(steps: list[AnyStep], base: Location) -> list[Part]:
    parts: list[Part] = []
    for position, step in enumerate(steps):
        path = (*base, position)
        if isinstance(step, RepeatStep):
            parts.extend(_flatten(step.steps, (*path, "steps")) * step.repeat)
        else:
            parts.extend(_parts_for(step, path))
    return parts


def _parts_for(step: AnyStep, path: Location) -> list[Part]:
    if isinstance(step, SayStep):
        return [Part("say", path, step.say, seconds=step.duration)]
    if isinstance(step, BreatheStep):
        return [Part("breathe", path, step.note or "", breath=step.breathing.spec)]
    if isinstance(step, SilenceStep):
        return [Part("silence", path, step.note or "", seconds=step.silence)]
    if isinstance(step, ItemsStep):
        return [
            Part(
                "item",
                path,
                item,
                seconds=step.seconds_each,
                item_number=number,
                item_count=len(step.items),
                intro=step.intro,
            )
            for number, item in enumerate(step.items, start=1)
        ]
    if isinstance(step, PromptStep):
        return [Part("prompt", path, step.prompt, remember=step.remember, hint=step.hint)]
    assert isinstance(step, RateStep)
    return [Part("rate", path, step.rate, moment=step.moment, low=step.low, high=step.high)]
