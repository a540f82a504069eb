"""The format's shared field types, with their bounds, and the strict base of every model."""

from __future__ import annotations

from typing import Annotated, Any, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from safeplace.exercise import playable
from safeplace.text import NAME_PATTERN

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Name = Annotated[str, StringConstraints(pattern=rf"^{NAME_PATTERN}$")]
Title = Annotated[str, StringConstraints(min_length=1, max_length=80, strip_whitespace=True)]
Line = Annotated[str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True)]
Passage = Annotated[str, StringConstraints(min_length=1, max_length=2000, strip_whitespace=True)]


def bounded(plain: Any) -> Any:
    """The pydantic field of a bounded type of the plain form: its bounds, stated there once."""
    meta = get_args(plain)[1]
    return Field(gt=meta.gt, ge=meta.ge, lt=meta.lt, le=meta.le)


Seconds = Annotated[float, bounded(playable.StepSeconds)]
PhaseSeconds = Annotated[float, bounded(playable.PhaseSeconds)]
HoldSeconds = Annotated[float, bounded(playable.HoldSeconds)]
Cycles = Annotated[int, bounded(playable.Cycles)]
LengthenEvery = Annotated[int, bounded(playable.LengthenEvery)]


class Strict(BaseModel):
    """No unknown fields, no coercion, no inf/nan; field docstrings become the schema."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        allow_inf_nan=False,
        use_attribute_docstrings=True,
        populate_by_name=False,
    )
