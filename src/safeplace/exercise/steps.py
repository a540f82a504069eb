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
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Union

from msgspec.structs import replace
from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from safeplace.exercise.breathing import Breathing, PatternName
from safeplace.exercise.choices import ChoiceOption, When, option_value
from safeplace.exercise.fields import Line, Name, Passage, Seconds, Slug, Strict
from safeplace.exercise.patterns import NAMED_PATTERNS
from safeplace.exercise.playable import (
    MAX_OPTIONS,
    Better,
    Keep,
    Location,
    Moment,
    Option,
    Part,
)

# Calm narration pace: about two words a second, plus a moment to let it land.
WORDS_PER_SECOND = 2.0
SETTLE_SECONDS = 3.0
MIN_SAY_SECONDS = 4.0


class StepModel(Strict):
    """What every step kind defines."""

    KIND: ClassVar[str]
    when: When | None = Field(
        default=None,
        json_schema_extra={
            "examples": [
                {"chose": "feeling", "is": "too-much"},
                {"rated": "tension", "at_least": 7},
                {"remembered": "small_step"},
            ]
        },
    )
    """Play this step only when the condition holds, e.g. {chose: feeling, is: too-much}."""

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
                for i, entry in enumerate(value):
                    if isinstance(entry, str):
                        yield (name, i), entry
                    elif isinstance(text := getattr(entry, "text", None), str):
                        yield (name, i, "text"), text


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
    countdown: bool = False
    """Show the time left of the quiet."""

    def parts(self, path: Location) -> list[Part]:
        return [
            Part("silence", path, self.note or "", seconds=self.silence, countdown=self.countdown)
        ]

    def describe(self) -> str:
        shown = ", counted down" if self.countdown else ""
        note = f": {short(self.note)}" if self.note else ""
        return f"silence ({clock(self.silence)}{shown}){note}"


class TimedItem(Strict):
    """An item with its own time: {text: Name five things you can see., seconds: 30}."""

    text: Line
    """The item."""
    seconds: Seconds
    """How long this item stays, in seconds."""


class ItemsStep(StepModel):
    """A list walked one item at a time, e.g. 5-4-3-2-1 grounding."""

    KIND = "items"
    items: Annotated[list[Line | TimedItem], Field(min_length=1, max_length=50)]
    """The items, shown one by one: text, or {text, seconds} for an item with its own time."""
    seconds_each: Seconds = 15.0
    """How long each item stays, in seconds (unless it gives its own)."""
    intro: Line | None = None
    """A line shown above every item."""
    countdown: bool = False
    """Show the time left of each item."""

    def _timed(self) -> list[tuple[str, float]]:
        return [
            (item, self.seconds_each) if isinstance(item, str) else (item.text, item.seconds)
            for item in self.items
        ]

    def parts(self, path: Location) -> list[Part]:
        count = len(self.items)
        return [
            Part(
                "item",
                path,
                text,
                seconds=seconds,
                item_number=number,
                item_count=count,
                intro=self.intro,
                countdown=self.countdown,
            )
            for number, (text, seconds) in enumerate(self._timed(), start=1)
        ]

    def describe(self) -> str:
        timed = self._timed()
        listed = "; ".join(
            short(text, 30) + ("" if seconds == self.seconds_each else f" ({clock(seconds)})")
            for text, seconds in timed
        )
        return f"{len(timed)} items, {clock(self.seconds_each)} each: {listed}"


class PromptStep(StepModel):
    """A question answered in your own words. It waits; the person may skip it."""

    KIND = "prompt"
    prompt: Passage
    """The question or invitation."""
    name: Name | None = None
    """A name for the answer in this session: {name} in later steps, and `when: {answered:
    name}`."""
    remember: Name | None = None
    """Remember the answer across sessions under this name, with the date it was given: {name}
    later and in other exercises, and {name_when} says when ('3 days ago')."""
    default: Line | None = None
    """Words used for {name} while nothing has been written yet (needed with remember)."""
    keep: Keep | None = None
    """session: the words are used in this session only and never written anywhere. history:
    kept with the session when the settings keep answers. Unset: history, except in exercises
    with the caution recalls-pain, where painful words are kept for the session only."""
    hint: Line | None = None
    """Faint text shown in the empty answer box."""
    one_line: bool = False
    """A short answer (a word, a name): one line, and Enter continues."""
    seconds: Seconds | None = None
    """Timed writing: a suggested time, counted down. When it is up the prompt still waits."""

    @model_validator(mode="after")
    def _default_with_remember(self) -> PromptStep:
        if self.remember is not None and self.default is None:
            raise ValueError(
                "a prompt with remember needs a default: the words shown for "
                f"{{{self.remember}}} until something has been written"
            )
        if self.default is not None and self.remember is None and self.name is None:
            raise ValueError("default only makes sense with name or remember")
        if self.remember is not None and self.keep == "session":
            raise ValueError("keep: session and remember cannot go together: choose one")
        return self

    @property
    def answer_name(self) -> str | None:
        return self.remember or self.name

    def parts(self, path: Location) -> list[Part]:
        return [
            Part(
                "prompt",
                path,
                self.prompt,
                remember=self.remember,
                hint=self.hint,
                name=self.answer_name,
                keep=self.keep,
                one_line=self.one_line,
                countdown=self.seconds is not None,
                writing_seconds=self.seconds,
            )
        ]

    def describe(self) -> str:
        kept = f" (remembered as {{{self.remember}}})" if self.remember else ""
        kept += " (kept for this session only)" if self.keep == "session" else ""
        timed = f", {clock(self.seconds)} counted down" if self.seconds else ""
        return f"prompt, waits for you{timed}{kept}: {short(self.prompt)}"


class RateStep(StepModel):
    """A rating from 0 to 10 (or 100). It waits; the person may skip it."""

    KIND = "rate"
    rate: Line
    """The question, e.g. 'How tense do you feel right now?'"""
    low: Line = "calm"
    """What 0 means."""
    high: Line = "very upset"
    """What the top of the scale means."""
    max: Literal[10, 100] = 10
    """The top of the scale: 10 or 100."""
    better: Better = "low"
    """Which end is the easier one: low (0 is calm, the default) or high (e.g. 'how steady
    do you feel?'). 'What helps' reads each scale its own way round."""
    name: Name | None = None
    """A name for the rating in this session, for `when: {rated: name, at_least: 7}`."""
    moment: Moment | None = None
    """before / after / during. Unset: the exercise's first rating is 'before', its last is
    'after', any other is 'during' (a lone rating goes by whether it sits in the first or the
    second half). Before and after feed 'what helps' in history."""

    def parts(self, path: Location) -> list[Part]:
        return [
            Part(
                "rate",
                path,
                self.rate,
                moment=self.moment,
                low=self.low,
                high=self.high,
                name=self.name,
                scale_max=self.max,
                better=self.better,
            )
        ]

    def describe(self) -> str:
        moment = f" {self.moment}" if self.moment else ""
        better = ", higher is better" if self.better == "high" else ""
        return f"rating 0-{self.max}{moment}{better}, waits for you: {short(self.rate)}"


class ChooseStep(StepModel):
    """A choice among 2 to 8 options. It waits; the person may skip it. An option can lead
    somewhere: to a section of this exercise, to another exercise, or to help and safety."""

    KIND = "choose"
    choose: Line
    """The question, e.g. 'How is it right now?'"""
    options: Annotated[
        list[Line | ChoiceOption],
        Field(
            min_length=2,
            max_length=MAX_OPTIONS,
            json_schema_extra={
                "examples": [
                    ["Tea", "Music", "A walk"],
                    [
                        {"text": "Too much", "value": "too-much", "offer": "wound-up"},
                        {"text": "Not safe right now", "value": "not-safe", "help": True},
                    ],
                ]
            },
        ),
    ]
    """The options: text, or a mapping with text, value and where it leads (go, next, offer,
    help)."""
    several: bool = False
    """true: the person may choose several options."""
    name: Name | None = None
    """A name for the choice in this session, for `when: {chose: name, is: value}` and
    {name} (the words chosen)."""
    remember: Name | None = None
    """Remember the choice across sessions under this name, with its date ({name_when})."""
    default: Line | None = None
    """Words used for {name} until something has been chosen."""
    keep: Keep | None = None
    """session: the choice is used in this session only; history (the default): kept with the
    session when the settings keep answers."""

    @model_validator(mode="after")
    def _distinct(self) -> ChooseStep:
        values = [option_value(option, i) for i, option in enumerate(self.options)]
        repeated = sorted({value for value in values if values.count(value) > 1})
        if repeated:
            raise ValueError(
                f"two options have the value {repeated[0]}: give each option its own value"
            )
        if self.remember is not None and self.keep == "session":
            raise ValueError("keep: session and remember cannot go together: choose one")
        return self

    @property
    def answer_name(self) -> str | None:
        return self.remember or self.name

    @property
    def values(self) -> list[str]:
        return [option_value(option, i) for i, option in enumerate(self.options)]

    def parts(self, path: Location) -> list[Part]:
        options = tuple(
            Option(text=option, value=option_value(option, i))
            if isinstance(option, str)
            else option.plain(i)
            for i, option in enumerate(self.options)
        )
        return [
            Part(
                "choose",
                path,
                self.choose,
                options=options,
                several=self.several,
                name=self.answer_name,
                remember=self.remember,
                keep=self.keep,
            )
        ]

    def describe(self) -> str:
        how = "choose any" if self.several else "choose one"
        listed = "; ".join(
            short(option if isinstance(option, str) else option.describe(), 40)
            for option in self.options
        )
        kept = f" (remembered as {{{self.remember}}})" if self.remember else ""
        return f"{how}, waits for you{kept}: {short(self.choose)} — {listed}"


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


class SectionStep(StepModel):
    """A named part of the exercise: a choice's option can go to it, and with `when` it
    plays only when that holds."""

    KIND = "section"
    section: Slug
    """Its name, for an option's go."""
    steps: Annotated[list[Step], Field(min_length=1, max_length=200)]
    """The steps of the section."""

    def parts(self, path: Location) -> list[Part]:
        return steps_parts(self.steps, (*path, "steps"))

    def describe(self) -> str:
        return f"section {self.section}:"


BLOCK_MODELS = (RepeatStep, SectionStep)
STEP_MODELS: dict[str, type[StepModel]] = {
    model.KIND: model
    for model in (
        SayStep,
        BreatheStep,
        SilenceStep,
        ItemsStep,
        PromptStep,
        RateStep,
        ChooseStep,
        RepeatStep,
        SectionStep,
    )
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
SectionStep.model_rebuild()


def steps_parts(steps: list[StepModel], base: Location) -> list[Part]:
    """Every part of ``steps`` in playing order, repeats unrolled; a step's condition goes
    to each of its parts (a block's, before its own steps' conditions)."""
    parts: list[Part] = []
    for i, step in enumerate(steps):
        made = step.parts((*base, i))
        if step.when is not None:
            condition = step.when.plain()
            made = [replace(part, when=(condition, *part.when)) for part in made]
        parts.extend(made)
    return parts


def walk(steps: list[StepModel], base: Location) -> Iterator[tuple[Location, StepModel]]:
    """Every step with its data path, blocks included (each once)."""
    for index, step in enumerate(steps):
        path = (*base, index)
        yield path, step
        if isinstance(step, BLOCK_MODELS):
            yield from walk(step.steps, (*path, "steps"))


def played_steps(steps: list[StepModel]) -> int:
    return sum(
        step.repeat * played_steps(step.steps)
        if isinstance(step, RepeatStep)
        else played_steps(step.steps)
        if isinstance(step, SectionStep)
        else 1
        for step in steps
    )


def short(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
