"""What to offer for a state of the window of tolerance: two or three exercises that suit it,
the ones that helped this person before first, then in the library's order, each with a line
on why it is offered. No history here: the person's own changes come in as plain numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from safeplace.exercise.playable import CATEGORY_ORDER, Playable, State

OFFERED = 3
_MADE_FOR: dict[State, str] = {
    "wound-up": "For moments of too much",
    "shut-down": "For moments of too little, when things feel far away",
    "steady": "For a fairly steady moment",
}


@dataclass(frozen=True)
class Offer:
    exercise: Playable
    why: str


@dataclass(frozen=True)
class Helped:
    """This person's own figures for one exercise: the mean of (after - before) ratings on
    the history's axis (0 calm to 10 upset), over ``pairs`` sessions rated both times."""

    average_change: float
    pairs: int


def offers_for(
    state: State,
    exercises: Iterable[Playable],
    helped: Mapping[str, Helped],
    *,
    leave_out: Iterable[str] = (),
) -> list[Offer]:
    """Up to three exercises that suit ``state``: those that lowered this person's ratings,
    most first; then the rest in the library's order; those after which ratings rose, last."""
    skipped = set(leave_out)
    suiting = [
        e
        for e in exercises
        if state in e.suits and e.id not in skipped and e.category != "check-in"
    ]
    order = {exercise.id: index for index, exercise in enumerate(_library_order(suiting))}

    def rank(exercise: Playable) -> tuple[int, float, int]:
        figures = helped.get(exercise.id)
        if figures is None or figures.pairs == 0 or figures.average_change == 0:
            return (1, 0.0, order[exercise.id])
        group = 0 if figures.average_change < 0 else 2
        return (group, figures.average_change, order[exercise.id])

    chosen = sorted(suiting, key=rank)[:OFFERED]
    return [Offer(exercise, _why(exercise, state, helped.get(exercise.id))) for exercise in chosen]


def _library_order(exercises: list[Playable]) -> list[Playable]:
    return sorted(exercises, key=lambda e: CATEGORY_ORDER.index(e.category))


def _why(exercise: Playable, state: State, figures: Helped | None) -> str:
    if figures is not None and figures.pairs and figures.average_change < 0:
        times = "once" if figures.pairs == 1 else f"{figures.pairs} times"
        return (
            f"It has helped you before: your rating was {-figures.average_change:.1f} lower "
            f"afterwards, on average ({times})."
        )
    return f"{_MADE_FOR[state]} · about {exercise.minutes} min"
