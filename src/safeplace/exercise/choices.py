"""What a step can depend on (``when``) and the options of a choice, in the format.

Conditions name an answer of this session (a choice, a rating, a prompt) or a remembered
answer from an earlier one; ``model.py`` checks that each name is given before it is tested.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, model_validator

from safeplace.exercise.fields import Line, Name, Slug, Strict
from safeplace.exercise.playable import Condition, Option, State

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


class When(Strict):
    """A condition: exactly one of chose, rated, answered, remembered, with its test."""

    chose: Name | None = None
    """The name of a choice made earlier in this session."""
    rated: Name | None = None
    """The name of a rating given earlier in this session (with at_least and/or at_most)."""
    answered: Name | None = None
    """The name of a prompt or choice answered earlier in this session."""
    remembered: Name | None = None
    """The name of an answer remembered from an earlier session."""
    is_: Slug | list[Slug] | None = Field(default=None, alias="is")
    """With chose: the option value (or any of a list of values) that must have been chosen."""
    at_least: Annotated[int, Field(ge=0, le=100)] | None = None
    """With rated: the rating is this or more."""
    at_most: Annotated[int, Field(ge=0, le=100)] | None = None
    """With rated: the rating is this or less."""
    exists: bool = True
    """With answered or remembered: false means 'when there is no such answer'."""

    @model_validator(mode="after")
    def _one_subject(self) -> When:
        subjects = [s for s in ("chose", "rated", "answered", "remembered") if getattr(self, s)]
        if len(subjects) != 1:
            raise ValueError(
                "a condition names exactly one of chose, rated, answered or remembered, "
                "e.g. {chose: feeling, is: too-much}"
            )
        subject = subjects[0]
        if self.is_ is not None and subject != "chose":
            raise ValueError("is goes with chose: {chose: feeling, is: too-much}")
        ranged = self.at_least is not None or self.at_most is not None
        if ranged != (subject == "rated"):
            raise ValueError("rated goes with at_least or at_most: {rated: tension, at_least: 7}")
        if not self.exists and subject not in ("answered", "remembered"):
            raise ValueError("exists goes with answered or remembered")
        return self

    @property
    def subject(self) -> str:
        return next(s for s in ("chose", "rated", "answered", "remembered") if getattr(self, s))

    @property
    def name(self) -> str:
        value = getattr(self, self.subject)
        assert isinstance(value, str)  # the validator saw exactly one subject
        return value

    @property
    def values(self) -> tuple[str, ...]:
        if self.is_ is None:
            return ()
        return (self.is_,) if isinstance(self.is_, str) else tuple(self.is_)

    def plain(self) -> Condition:
        return Condition(
            subject=self.subject,  # type: ignore[arg-type]  # one of the four, as checked
            name=self.name,
            values=self.values,
            at_least=self.at_least,
            at_most=self.at_most,
            exists=self.exists,
        )

    def describe(self) -> str:
        if self.is_ is not None:
            return f"when {self.name} is {' or '.join(self.values)}"
        if self.subject == "rated":
            bounds = [f"at least {self.at_least}"] if self.at_least is not None else []
            bounds += [f"at most {self.at_most}"] if self.at_most is not None else []
            return f"when {self.name} is rated {' and '.join(bounds)}"
        verb = {"chose": "was chosen", "answered": "was answered", "remembered": "is remembered"}
        negation = "" if self.exists else "not "
        return f"when {self.name} {negation}{verb[self.subject]}".replace("not was", "was not")


class ChoiceOption(Strict):
    """An option with a value and, at most, one place it leads."""

    text: Line
    """What the person reads."""
    value: Slug | None = None
    """What conditions test (`is: too-much`); by default made from the text."""
    go: Slug | None = None
    """Go on at the section of this name, in this exercise."""
    next: Slug | None = None
    """The id of an exercise to offer next, at the end."""
    offer: State | None = None
    """Offer, at the end, two or three exercises that suit this state (wound-up, shut-down,
    steady), the ones that helped this person first."""
    help: bool = False
    """true: open help and safety (the person's safety plan and the crisis lines)."""
    when: When | None = None
    """Show this option only when the condition holds."""

    @model_validator(mode="after")
    def _one_way(self) -> ChoiceOption:
        ways = [w for w in ("go", "next", "offer") if getattr(self, w)] + (
            ["help"] if self.help else []
        )
        if len(ways) > 1:
            raise ValueError(f"an option leads one way; this one has {' and '.join(ways)}")
        return self

    def plain(self, index: int) -> Option:
        return Option(
            text=self.text,
            value=option_value(self, index),
            go=self.go,
            next=self.next,
            offer=self.offer,
            help=self.help,
            when=() if self.when is None else (self.when.plain(),),
        )

    def describe(self) -> str:
        lead = (
            f" → {self.go}"
            if self.go
            else f" → then {self.next}"
            if self.next
            else f" → offers {self.offer}"
            if self.offer
            else " → help & safety"
            if self.help
            else ""
        )
        return self.text + lead


def option_value(option: str | ChoiceOption, index: int) -> str:
    """An option's value: as written, or made from its text (`Too much` → too-much)."""
    if isinstance(option, ChoiceOption) and option.value is not None:
        return option.value
    text = option if isinstance(option, str) else option.text
    made = _NOT_SLUG.sub("-", text.lower()).strip("-")[:40].rstrip("-")
    return made or f"option-{index + 1}"
