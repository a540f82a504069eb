"""One practice in the UI: the exercise, its session, how it is shown and where it is logged."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from safeplace.exercise.library import LoadedExercise
    from safeplace.exercise.playable import State
    from safeplace.playback.session import Session
    from safeplace.ui.practice_log import PracticeLog

Origin = Literal["library", "shell"]

# Never a thank-you: the exercises end with their own, and a second one reads as a formula.
GENTLE_LINES = (
    "You can come back to this whenever you like.",
    "Whatever you felt just now was allowed to be there.",
    "You showed up for yourself. That matters.",
    "Be easy with yourself for the rest of the day.",
)


@dataclass(frozen=True)
class Summary:
    headline: str
    detail: str
    invite_rating: bool
    change_line: str
    gentle_line: str


@dataclass
class Practice:
    loaded: LoadedExercise
    session: Session
    log: PracticeLog
    motion: str = "full"
    bell: bool = False
    origin: Origin = "library"
    after_rating: int | None = field(default=None)

    def record(self, events: list[Any]) -> None:
        """Called at every repaint: the log keeps the time even when nothing happened."""
        self.log.record(self.session, events)

    def rate_after(self, value: int) -> None:
        self.after_rating = value
        self.log.rate_after(value)

    def ratings(self) -> tuple[int | None, int | None]:
        before = after = None
        for segment, raw, moment in self.session.ratings:
            value = segment.part.distress(raw)  # the history's axis: 0 calm to 10 upset
            if moment == "before" and before is None:
                before = value
            elif moment == "after":
                after = value
        return before, self.after_rating if self.after_rating is not None else after

    def leads(self) -> tuple[State | None, tuple[str, ...]]:
        """Where the choices made lead at the end: a state to offer exercises for (the
        latest chosen), and exercises named to come next."""
        state: State | None = None
        named: list[str] = []
        for _, options in self.session.choices:
            for option in options:
                state = option.offer or state
                if option.next is not None and option.next not in named:
                    named.append(option.next)
        return state, tuple(named)

    def rating_labels(self) -> tuple[str, str]:
        """The words for 0 and 10 that this exercise's own ratings used."""
        for segment in self.session.timeline.segments:
            part = segment.part
            same_axis = part.scale_max == 10 and part.better == "low"  # the closing's scale
            if part.low is not None and part.high is not None and same_axis:
                return self.session.render(part.low), self.session.render(part.high)
        return "calm", "very upset"

    def summary(self) -> Summary:
        exercise = self.loaded.exercise
        minutes = self.session.practised_seconds / 60
        amount = "less than a minute" if minutes < 1 else f"{round(minutes)} min"
        if self.session.view().ended_early:
            headline = f"{exercise.title}: you stopped after {amount}."
            detail = "Stopping is fine. You made time for yourself."
        else:
            headline = f"{exercise.title}: you reached the end."
            detail = f"{amount[0].upper()}{amount[1:]} of practice."
        before, after = self.ratings()
        invite = before is not None and after is None and self.after_rating is None
        gentle = GENTLE_LINES[len(exercise.id) % len(GENTLE_LINES)]
        return Summary(headline, detail, invite, _change_line(before, after), gentle)


# A high rating after, or a clear rise, gets the way to people, not only to another exercise.
HIGH_DISTRESS = 9
CLEAR_RISE = 3


def _change_line(before: int | None, after: int | None) -> str:
    if after is None:
        return ""
    line = f"Now: {after}." if before is None else _compared(before, after)
    if after >= HIGH_DISTRESS or (before is not None and after - before >= CLEAR_RISE):
        line += (
            " If this feels like too much to hold alone, press ? to see who you can reach"
            " right now. You deserve support."
        )
    return line


def _compared(before: int, after: int) -> str:
    change = after - before
    if not change:
        return f"Before and now: {after}."
    line = f"Before {before}, now {after} ({change:+d})."
    if change > 0:
        line += " Sometimes it goes this way. Press g for a short eyes-open grounding if you like."
    return line
