"""The step kinds. Each is defined once, here: its fields and bounds (which are also the schema
and the checks), the parts it plays (their timing follows from ``Part.estimated_seconds``) and
the line ``safeplace show`` gives it.

A step is a mapping whose *kind key* says what it is: ``- say: Let your shoulders drop.``
Adding a kind means a class here, listed in ``STEP_MODELS``; the engine and a widget play it.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Union

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from safeplace.exercise.breathing import Breathing, PatternName
from safeplace.exercise.fields import Line, Name, Passage, Seconds, Strict
from safeplace.exercise.patterns import NAMED_PATTERNS
from safeplace.exercise.playable import Location, Moment, Part

# Calm narration pace: about two words a second, plus a moment to let it land.
WORDS_PER_SECOND = 2.0
SETTLE_SECONDS = 3.0
MIN_SAY_SECONDS = 4.0


class StepModel(Strict):
    """What every step kind defines."""

    KIND: ClassVar[str]

    @abstractmethod  # pydantic's model class is an ABCMeta: every kind must say both
    def parts(self, path: Location) -> list[Part]:
        """The moments this step plays; ``path`` is its place in the exercise's data."""

    @abstractmethod
    def describe(self) -> str:
        """One line for ``safeplace show``."""

    def texts(self) -> Iterator[tuple[Location, str]]:
        """(place within the step, text) for each text a person will read."""
        values = self.__dict__  # the fields; getattr() through pydantic costs more
        for name in _field_names(type(self)):
            value = values[name]
            if isinstance(value, str):
                yield (name,), value
            elif isinstance(value, list):
                yield from (((name, i), v) for i, v in enumerate(value) if isinstance(v, str))


@cache
def _field_names(model: type[StepModel]) -> tuple[str, ...]:
    return tuple(model.model_fields)


class SayStep(StepModel):
    """Narration: a passage shown for a while. `- say: Let your shoulders drop.` is enough."""

    KIND = "say"
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

    def parts(self, path: Location) -> list[Part]:
        return [Part("say", path, self.say, seconds=self.duration)]

    def describe(self) -> str:
        return f"say ({clock(self.duration)}): {short(self.say)}"


class BreatheStep(StepModel):
    """A breathing pacer. `- breathe: box` uses a named pattern with its defaults."""

    KIND = "breathe"
    breathe: PatternName | Breathing
    """A named pattern, or a mapping with pattern, cycles or seconds, and lengthen."""
    note: Line | None = None
    """A line shown beside the pacer, e.g. 'Breathe softly; no need to fill up completely.'"""

    @field_validator("breathe")
    @classmethod
    def _known_name(cls, value: str | Breathing) -> Breathing:
        return Breathing(pattern=value) if isinstance(value, str) else value

    @property
    def breathing(self) -> Breathing:
        assert isinstance(self.breathe, Breathing)  # the validator always builds one
        return self.breathe

    def parts(self, path: Location) -> list[Part]:
        return [Part("breathe", path, self.note or "", breath=self.breathing.spec)]

    def describe(self) -> str:
        breathing = self.breathing
        phases, spec = breathing.phases, breathing.spec
        shown = [f"in {phases.inhale:g}"]
        shown += [f"top-up {phases.top_up:g}"] if phases.top_up else []
        shown += [f"hold {phases.hold:g}"] if phases.hold else []
        shown += [f"out {phases.exhale:g}"]
        shown += [f"rest {phases.rest:g}"] if phases.rest else []
        text = f"breathe {breathing.name} ({', '.join(shown)}) × {spec.cycle_count()}"
        if breathing.lengthen:
            text += f", out-breath growing to {breathing.lengthen.until:g} s"
        named = NAMED_PATTERNS.get(breathing.name)
        if named:
            text += f" — {named[2]}"
        return f"{text} ({clock(spec.total_seconds())})"


class SilenceStep(StepModel):
    """A quiet pause with a gentle timer."""

    KIND = "silence"
    silence: Seconds
    """How long the quiet lasts, in seconds."""
    note: Line | None = None
    """An optional line shown during the quiet."""

    def parts(self, path: Location) -> list[Part]:
        return [Part("silence", path, self.note or "", seconds=self.silence)]

    def describe(self) -> str:
        return f"silence ({clock(self.silence)})" + (f": {short(self.note)}" if self.note else "")


class ItemsStep(StepModel):
    """A list walked one item at a time, e.g. 5-4-3-2-1 grounding."""

    KIND = "items"
    items: Annotated[list[Line], Field(min_length=1, max_length=50)]
    """The items, shown one by one."""
    seconds_each: Seconds = 15.0
    """How long each item stays, in seconds."""
    intro: Line | None = None
    """A line shown above every item."""

    def parts(self, path: Location) -> list[Part]:
        count = len(self.items)
        return [
            Part(
                "item",
                path,
                item,
                seconds=self.seconds_each,
                item_number=number,
                item_count=count,
                intro=self.intro,
            )
            for number, item in enumerate(self.items, start=1)
        ]

    def describe(self) -> str:
        listed = "; ".join(short(item, 30) for item in self.items)
        return f"{len(self.items)} items, {clock(self.seconds_each)} each: {listed}"


class PromptStep(StepModel):
    """A question answered in your own words. It waits; the person may skip it."""

    KIND = "prompt"
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

    def parts(self, path: Location) -> list[Part]:
        return [Part("prompt", path, self.prompt, remember=self.remember, hint=self.hint)]

    def describe(self) -> str:
        kept = f" (remembered as {{{self.remember}}})" if self.remember else ""
        return f"prompt, waits for you{kept}: {short(self.prompt)}"


class RateStep(StepModel):
    """A 0-10 rating. It waits; the person may skip it."""

    KIND = "rate"
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

    def parts(self, path: Location) -> list[Part]:
        return [Part("rate", path, self.rate, moment=self.moment, low=self.low, high=self.high)]

    def describe(self) -> str:
        moment = f" {self.moment}" if self.moment else ""
        return f"rating 0-10{moment}, waits for you: {short(self.rate)}"


class RepeatStep(StepModel):
    """A block of steps played several times."""

    KIND = "repeat"
    repeat: Annotated[int, Field(ge=1, le=50)]
    """How many times to play the block."""
    steps: Annotated[list[Step], Field(min_length=1, max_length=200)]
    """The steps of the block."""

    def parts(self, path: Location) -> list[Part]:
        return steps_parts(self.steps, (*path, "steps")) * self.repeat

    def describe(self) -> str:
        return f"repeat {self.repeat} times:"


STEP_MODELS: dict[str, type[StepModel]] = {
    model.KIND: model
    for model in (SayStep, BreatheStep, SilenceStep, ItemsStep, PromptStep, RateStep, RepeatStep)
}
STEP_KINDS: tuple[str, ...] = tuple(STEP_MODELS)


def step_kind(value: Any) -> str | None:
    """The kind of a raw or validated step: the one kind key it holds."""
    if isinstance(value, StepModel):
        return value.KIND
    present = [kind for kind in STEP_KINDS if kind in value] if isinstance(value, dict) else []
    return present[0] if len(present) == 1 else None


if TYPE_CHECKING:
    Step = StepModel
else:  # a union tagged by kind key, built from the one list of kinds
    Step = Annotated[
        Union[tuple(Annotated[model, Tag(kind)] for kind, model in STEP_MODELS.items())],  # noqa: UP007
        Discriminator(
            step_kind,
            custom_error_type="step_kind",
            custom_error_message=f"each step needs exactly one of: {', '.join(STEP_KINDS)}",
        ),
    ]
RepeatStep.model_rebuild()


def steps_parts(steps: list[StepModel], base: Location) -> list[Part]:
    """Every part of ``steps`` in playing order, repeats unrolled."""
    return [part for i, step in enumerate(steps) for part in step.parts((*base, i))]


def walk(steps: list[StepModel], base: Location) -> Iterator[tuple[Location, StepModel]]:
    """Every step with its data path, repeat blocks included (each once)."""
    for index, step in enumerate(steps):
        path = (*base, index)
        yield path, step
        if isinstance(step, RepeatStep):
            yield from walk(step.steps, (*path, "steps"))


def played_steps(steps: list[StepModel]) -> int:
    return sum(
        step.repeat * played_steps(step.steps) if isinstance(step, RepeatStep) else 1
        for step in steps
    )


def short(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
