"""The format's shared field types, with their bounds, and the strict base of every model."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from safeplace.exercise.playable import MAX_STEP_SECONDS
from safeplace.text import NAME_PATTERN

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Name = Annotated[str, StringConstraints(pattern=rf"^{NAME_PATTERN}$")]
Title = Annotated[str, StringConstraints(min_length=1, max_length=80, strip_whitespace=True)]
Line = Annotated[str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True)]
Passage = Annotated[str, StringConstraints(min_length=1, max_length=2000, strip_whitespace=True)]
Seconds = Annotated[float, Field(gt=0, le=MAX_STEP_SECONDS)]


class Strict(BaseModel):
    """No unknown fields, no coercion, no inf/nan; field docstrings become the schema."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        allow_inf_nan=False,
        use_attribute_docstrings=True,
        populate_by_name=False,
    )
