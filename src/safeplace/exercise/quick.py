"""`safeplace breathe`: a pacer at once, with no introduction, made from a named pattern.

It is plain data (no pydantic, no YAML), so the first breath comes with the first frame, and it
is recorded like any exercise, under the id ``breathe-PATTERN``.
"""

from __future__ import annotations

import hashlib

from safeplace.exercise.patterns import NAMED_PATTERNS
from safeplace.exercise.playable import BreathSpec, Part, Playable, minutes_for


def quick_breathing(pattern: str, minutes: float) -> Playable:
    """Breathe ``pattern`` (a name in NAMED_PATTERNS) for as many whole breaths as fit."""
    phases, _, about = NAMED_PATTERNS[pattern]
    spec = BreathSpec(
        inhale=phases["in"],
        exhale=phases["out"],
        top_up=phases.get("top_up", 0.0),
        hold=phases.get("hold", 0.0),
        rest=phases.get("rest", 0.0),
        seconds=minutes * 60,
    )
    part = Part("breathe", ("steps", 0), "", breath=spec)
    seconds = part.estimated_seconds()
    written = f"breathe {pattern} for {minutes:g} min"
    return Playable(
        id=f"breathe-{pattern}",
        title=f"Quick {pattern} breathing",
        summary=f"A pacer straight away: {about}.",
        category="breathing",
        minutes=minutes_for(seconds),
        estimated_seconds=seconds,
        content_hash=hashlib.sha256(written.encode()).hexdigest()[:16],
        parts=(part,),
        cautions=("breath-holds",) if spec.has_holds else (),
    )
