"""The exercise format: strict pydantic models whose docstrings become the JSON Schema.

An exercise reads like a script: metadata, then steps (``steps.py`` defines each kind). Times
are seconds. Durations are computed from the steps, never written by hand.

Checks that span several fields (placeholders, cautions, sizes) raise
:class:`ExerciseProblems`, which carries a location per problem so the loader can point at
the line. It is deliberately not a ``ValueError``: pydantic lets it through untouched.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Annotated

from msgspec.structs import replace
from pydantic import Field, PrivateAttr, model_validator

from safeplace.exercise.choices import When
from safeplace.exercise.fields import Line, Name, Slug, Strict, Title
from safeplace.exercise.playable import (
    Category,
    Caution,
    Location,
    Part,
    Playable,
    State,
    minutes_for,
)
from safeplace.exercise.steps import (
    BreatheStep,
    ChooseStep,
    PromptStep,
    RateStep,
    SectionStep,
    Step,
    StepModel,
    played_steps,
    steps_parts,
    walk,
)
from safeplace.text import (
    WHEN_DEFAULT,
    PlaceholderError,
    find_control_character,
    placeholders,
    when_name,
)

MAX_TOTAL_SECONDS = 2 * 3600.0
MAX_PLAYED_STEPS = 2000
MAX_REPEAT_DEPTH = 3
CONTROL_CHARACTER = "contains a control character; remove it (texts are shown literally)"


# A problem with the data path it concerns, and the words it is about when they sit inside a
# longer text (so that the loader can name their own line within a passage).
WholeProblem = tuple[Location, str, str | None]


class ExerciseProblems(Exception):
    """Problems that span fields."""

    def __init__(self, problems: list[WholeProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{'.'.join(map(str, p[0]))}: {p[1]}" for p in problems))


class Exercise(Strict):
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

    _parts: tuple[Part, ...] = PrivateAttr(default=())

    @model_validator(mode="after")
    def _check_whole(self) -> Exercise:
        problems = list(_whole_exercise_problems(self))
        if problems:
            raise ExerciseProblems(problems)
        return self

    # -- derived facts --

    def walk(self) -> Iterator[tuple[Location, StepModel]]:
        """Every step with its data path, repeat blocks included (each once)."""
        yield from walk(self.steps, ("steps",))

    @property
    def parts(self) -> tuple[Part, ...]:
        """Every moment it plays, in order (repeats unrolled): timing, length and the player
        all read these."""
        if not self._parts:
            # Painful words are kept for the session only unless the author says otherwise.
            unset = "session" if "recalls-pain" in self.cautions else "history"
            settled: dict[int, Part] = {}  # a repeated part stays one part
            self._parts = tuple(
                settled.setdefault(id(part), replace(part, keep=unset))
                if part.kind in ("prompt", "choose") and part.keep is None
                else part
                for part in steps_parts(self.steps, ("steps",))
            )
        return self._parts

    def estimated_seconds(self, *, holds: bool = True) -> float:
        return sum(part.estimated_seconds(holds=holds) for part in self.parts)

    @property
    def minutes(self) -> int:
        return minutes_for(self.estimated_seconds())

    @property
    def remembered_names(self) -> dict[str, str]:
        """Names this exercise can fill, with their defaults: remembered ones (each with its
        {name_when}, when it was given), then this session's named answers."""
        names = dict(self.recall)
        for _, step in self.walk():
            if isinstance(step, PromptStep | ChooseStep) and step.remember and step.default:
                names.setdefault(step.remember, step.default)
        for name in list(names):
            names.setdefault(when_name(name), WHEN_DEFAULT)
        for _, step in self.walk():  # this session's names: their words until answered
            if isinstance(step, PromptStep | ChooseStep) and step.name and step.default:
                names.setdefault(step.name, step.default)
        return names

    def sections(self) -> dict[str, int]:
        """Each section's first part (its first time, with repeats unrolled), by name."""
        firsts: dict[str, int] = {}
        for path, step in self.walk():
            if isinstance(step, SectionStep):
                inside = (*path, "steps")
                firsts[step.section] = next(
                    i for i, p in enumerate(self.parts) if p.path[: len(inside)] == inside
                )
        return firsts

    def content_hash(self) -> str:
        """A short fingerprint of what the exercise says, for history (16 hex characters)."""
        canonical = json.dumps(
            self.model_dump(mode="json", by_alias=True),
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]

    def playable(self) -> Playable:
        """The plain form the app plays."""
        return Playable(
            id=self.id,
            title=self.title,
            summary=self.summary,
            category=self.category,
            minutes=self.minutes,
            estimated_seconds=self.estimated_seconds(),
            content_hash=self.content_hash(),
            parts=self.parts,
            tags=tuple(self.tags),
            suits=tuple(self.suits),
            cautions=tuple(self.cautions),
            remembered_names=self.remembered_names,
            sections=self.sections(),
        )


def _whole_exercise_problems(exercise: Exercise) -> Iterator[WholeProblem]:
    for field in ("title", "summary", "author", "license"):
        value = getattr(exercise, field)
        if isinstance(value, str) and find_control_character(value) is not None:
            yield (field,), CONTROL_CHARACTER, None

    # A remembered answer may come from an earlier session: it is known from the first step.
    known = exercise.remembered_names
    given = _Given(remembered={*exercise.recall, *_remembers(exercise)})
    sections = [step.section for _, step in exercise.walk() if isinstance(step, SectionStep)]
    depth_limit_reported = False
    for path, step in exercise.walk():
        if not depth_limit_reported and path.count("steps") > MAX_REPEAT_DEPTH + 1:
            depth_limit_reported = True
            yield path, f"blocks (repeat, section) may nest at most {MAX_REPEAT_DEPTH} deep", None
        if step.when is not None:
            yield from given.problems(step.when, (*path, "when"))
        if isinstance(step, SectionStep) and sections.count(step.section) > 1:
            yield (*path, "section"), f"two sections are named {step.section}", None
        for place, text in step.texts():
            yield from _text_problems((*path, *place), text, known)
        if isinstance(step, ChooseStep):
            yield from _choice_problems(step, path, given, sections)
        given.add(step, known)
        if isinstance(step, BreatheStep):
            yield from _breath_problems(step, (*path, "breathe"), exercise.cautions)

    played = played_steps(exercise.steps)
    if played > MAX_PLAYED_STEPS:  # then the length is not worth computing
        yield (
            ("steps",),
            f"plays {played} steps with repeats; the limit is {MAX_PLAYED_STEPS}",
            None,
        )
        return
    total = exercise.estimated_seconds()
    if total > MAX_TOTAL_SECONDS:
        yield (
            ("steps",),
            (
                f"lasts about {total / 60:.0f} minutes; the limit is {MAX_TOTAL_SECONDS / 60:.0f}. "
                "Split it into shorter exercises"
            ),
            None,
        )


def _remembers(exercise: Exercise) -> Iterator[str]:
    for _, step in exercise.walk():
        if isinstance(step, PromptStep | ChooseStep) and step.remember is not None:
            yield step.remember


class _Given:
    """The names given so far in playing order, by what gives them: conditions may only
    test what an earlier step can have said."""

    def __init__(self, remembered: set[str]) -> None:
        self.chose: dict[str, list[str]] = {}
        self.rated: set[str] = set()
        self.answered: set[str] = set()
        self.remembered = remembered

    def add(self, step: StepModel, known: dict[str, str]) -> None:
        if isinstance(step, ChooseStep | PromptStep):
            name = step.answer_name
            if name is not None:
                self.answered.add(name)
                if step.default is not None:
                    known.setdefault(name, step.default)
            if isinstance(step, ChooseStep) and name is not None:
                self.chose[name] = step.values
        elif isinstance(step, RateStep) and step.name is not None:
            self.rated.add(step.name)

    def problems(self, when: When, loc: Location) -> Iterator[WholeProblem]:
        subject, name = when.subject, when.name
        gives = {
            "chose": (f"a choice before it `name: {name}`", self.chose),
            "rated": (f"a rating before it `name: {name}`", self.rated),
            "answered": (f"a prompt or choice before it `name: {name}`", self.answered),
            "remembered": (
                f"a prompt or choice before it `remember: {name}` (or add it to recall)",
                self.remembered,
            ),
        }
        fix, names = gives[subject]
        if name not in names:
            yield (*loc, subject), f"nothing before this step gives {name}: give {fix}", None
            return
        if subject == "chose":
            offered = self.chose[name]
            for value in when.values:
                if value not in offered:
                    yield (
                        (*loc, "is"),
                        f"the choice {name} has no option {value}; its values are "
                        + ", ".join(offered),
                        None,
                    )


def _choice_problems(
    step: ChooseStep, path: Location, given: _Given, sections: list[str]
) -> Iterator[WholeProblem]:
    for index, option in enumerate(step.options):
        if isinstance(option, str):
            continue
        at = (*path, "options", index)
        if option.when is not None:
            yield from given.problems(option.when, (*at, "when"))
        if option.go is not None and option.go not in sections:
            known = ", ".join(sections) or "none yet"
            yield (
                (*at, "go"),
                f"no section is named {option.go} (sections: {known}); add "
                f"`- section: {option.go}` with its steps",
                None,
            )


def _text_problems(loc: Location, text: str, known: dict[str, str]) -> Iterator[WholeProblem]:
    if find_control_character(text) is not None:
        yield loc, CONTROL_CHARACTER, None
        return
    try:
        names = placeholders(text)
    except PlaceholderError as error:
        yield loc, str(error), error.fragment
        return
    for name in names:
        if name not in known:
            yield (
                loc,
                f"unknown placeholder {{{name}}}: give an earlier prompt or choice this name "
                f"and a default (name: {name} or remember: {name}, with default: ...), or "
                "declare it under recall with a default",
                f"{{{name}}}",
            )


def _breath_problems(
    step: BreatheStep, loc: Location, cautions: list[Caution]
) -> Iterator[WholeProblem]:
    if step.breathing.spec.has_holds and "breath-holds" not in cautions:
        yield (
            loc,
            "this pattern holds the breath: add breath-holds to cautions so that "
            "people who avoid holds are told first",
            None,
        )
    phases = step.breathing.phases
    if phases.top_up > 0 and phases.top_up >= phases.inhale:
        yield loc, "top_up should be shorter than the in-breath", None
