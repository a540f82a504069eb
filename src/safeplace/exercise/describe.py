"""A readable plain-text description of an exercise, for ``safeplace show``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from safeplace.exercise.steps import BLOCK_MODELS, StepModel, clock

if TYPE_CHECKING:
    from safeplace.exercise.model import Exercise


def describe_exercise(exercise: Exercise, *, source: str | None = None) -> str:
    lines = [exercise.title, "=" * len(exercise.title), exercise.summary, ""]
    facts = [
        ("id", exercise.id),
        ("category", exercise.category),
        ("about", f"{exercise.minutes} min ({clock(exercise.estimated_seconds())})"),
    ]
    for name, values in (("suits", exercise.suits), ("cautions", exercise.cautions)):
        if values:
            facts.append((name, ", ".join(values)))
    if exercise.tags:
        facts.append(("tags", ", ".join(exercise.tags)))
    if source:
        facts.append(("file", source))
    width = max(len(name) for name, _ in facts)
    lines += [f"{name:<{width}}  {value}" for name, value in facts]
    lines += ["", "Steps:", *_steps(exercise.steps, indent="  ")]
    if exercise.sources:
        lines += ["", "Sources:"] + [f"  - {source_line}" for source_line in exercise.sources]
    if exercise.author or exercise.license:
        credit = " · ".join(part for part in (exercise.author, exercise.license) if part)
        lines += ["", credit]
    return "\n".join(lines)


def _steps(steps: list[StepModel], *, indent: str) -> list[str]:
    lines: list[str] = []
    for number, step in enumerate(steps, start=1):
        condition = f"[{step.when.describe()}] " if step.when is not None else ""
        lines.append(f"{indent}{number:>2}. {condition}{step.describe()}")
        if isinstance(step, BLOCK_MODELS):
            lines += _steps(step.steps, indent=indent + "      ")
    return lines
