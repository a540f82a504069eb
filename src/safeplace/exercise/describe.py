"""A readable plain-text description of an exercise, for ``safeplace show``."""

from __future__ import annotations

from safeplace.exercise.model import (
    NAMED_PATTERNS,
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


def describe_exercise(exercise: Exercise, *, source: str | None = None) -> str:
    lines = [exercise.title, "=" * len(exercise.title), exercise.summary, ""]
    facts = [
        ("id", exercise.id),
        ("category", exercise.category),
        ("about", f"{exercise.minutes} min ({_clock(exercise.estimated_seconds())})"),
    ]
    if exercise.suits:
        facts.append(("suits", ", ".join(exercise.suits)))
    if exercise.cautions:
        facts.append(("cautions", ", ".join(exercise.cautions)))
    if exercise.tags:
        facts.append(("tags", ", ".join(exercise.tags)))
    if source:
        facts.append(("file", source))
    width = max(len(name) for name, _ in facts)
    lines += [f"{name:<{width}}  {value}" for name, value in facts]
    lines += ["", "Steps:"]
    lines += _steps(exercise.steps, indent="  ")
    if exercise.sources:
        lines += ["", "Sources:"] + [f"  - {source_line}" for source_line in exercise.sources]
    if exercise.author or exercise.license:
        credit = " · ".join(part for part in (exercise.author, exercise.license) if part)
        lines += ["", credit]
    return "\n".join(lines)


def _steps(steps: list[AnyStep], *, indent: str) -> list[str]:
    lines: list[str] = []
    for number, step in enumerate(steps, start=1):
        prefix = f"{indent}{number:>2}. "
        if isinstance(step, RepeatStep):
            lines.append(f"{prefix}repeat {step.repeat} times:")
            lines += _steps(step.steps, indent=indent + "      ")
        else:
            lines.append(prefix + _one_line(step))
    return lines


def _one_line(step: AnyStep) -> str:
    if isinstance(step, SayStep):
        return f"say ({_clock(step.duration)}): {_short(step.say)}"
    if isinstance(step, BreatheStep):
        breathing = step.breathing
        phases = breathing.phases
        name = breathing.pattern if isinstance(breathing.pattern, str) else "custom"
        parts = [f"in {phases.inhale:g}"]
        if phases.top_up:
            parts.append(f"top-up {phases.top_up:g}")
        if phases.hold:
            parts.append(f"hold {phases.hold:g}")
        parts.append(f"out {phases.exhale:g}")
        if phases.rest:
            parts.append(f"rest {phases.rest:g}")
        text = f"breathe {name} ({', '.join(parts)}) × {breathing.cycle_count()}"
        if breathing.lengthen:
            text += f", out-breath growing to {breathing.lengthen.until:g} s"
        described = NAMED_PATTERNS.get(name)
        if described:
            text += f" — {described[2]}"
        return f"{text} ({_clock(breathing.total_seconds())})"
    if isinstance(step, SilenceStep):
        return f"silence ({_clock(step.silence)})" + (f": {_short(step.note)}" if step.note else "")
    if isinstance(step, ItemsStep):
        each = _clock(step.seconds_each)
        return f"{len(step.items)} items, {each} each: " + "; ".join(
            _short(i, 30) for i in step.items
        )
    if isinstance(step, PromptStep):
        kept = f" (remembered as {{{step.remember}}})" if step.remember else ""
        return f"prompt, waits for you{kept}: {_short(step.prompt)}"
    assert isinstance(step, RateStep)
    moment = f" {step.moment}" if step.moment else ""
    return f"rating 0-10{moment}, waits for you: {_short(step.rate)}"


def _short(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
