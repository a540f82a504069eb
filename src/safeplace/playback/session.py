"""A practice session: where in the timeline we are, computed from the clock and the pauses.

Nothing here counts ticks. The session keeps one *active axis*: clock seconds since
:meth:`Session.start`, minus paused seconds, times the speed factor, so that it is measured in
exercise seconds. Each segment has a start on that axis. A timed segment ends at start +
duration and the next one starts exactly there, so a late repaint never shifts later
boundaries. A waiting segment (prompt, rate) holds the axis until it is answered or skipped;
the next segment then starts at that moment.

:meth:`Session.advance` brings the session up to the clock and reports what happened since
the last call as plain events; every operation returns its events the same way. After the
session has finished or ended, operations do nothing and return ``[]``.

Two things the person did not say out loud are kept too: words being written into a prompt
(:meth:`Session.keep_draft`), reported as an unfinished answer if the session ends there, and
time while the process was stopped (:meth:`Session.continued`), which is a pause, not practice.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from msgspec.structs import replace

from safeplace.exercise.playable import Condition, Moment, Option, Playable
from safeplace.playback.breath import BreathPhase, BreathState, breath_at
from safeplace.playback.clock import Clock
from safeplace.playback.timeline import Segment, Timeline, build_timeline
from safeplace.text import fill, printable

if TYPE_CHECKING:
    from safeplace.exercise.model import Exercise

# Like a music player: "back" restarts the current segment once this far into it (real seconds).
BACK_RESTARTS_AFTER_SECONDS = 2.0
MIN_RATING = 0
# Floor for next_boundary_in(): a wake-up a rounding error early must still let time move on.
MIN_WAKE_SECONDS = 1e-6

_NO_NAMES: Mapping[str, str] = MappingProxyType({})


# --- events ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Started:
    pass


@dataclass(frozen=True)
class StepStarted:
    segment: Segment


@dataclass(frozen=True)
class PhaseChanged:
    """The breath phase now playing (for the bell). After a stall only the current phase is
    reported, not every phase missed: a burst of bells would help no one."""

    segment: Segment
    phase: BreathPhase
    cycle_index: int


@dataclass(frozen=True)
class Paused:
    pass


@dataclass(frozen=True)
class Resumed:
    pass


@dataclass(frozen=True)
class Answered:
    segment: Segment
    text: str
    unfinished: bool = False
    """Words still being written when the session ended: kept, but never remembered."""


@dataclass(frozen=True)
class Rated:
    segment: Segment
    value: int
    moment: Moment


@dataclass(frozen=True)
class Chose:
    segment: Segment
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Finished:
    pass


@dataclass(frozen=True)
class EndedEarly:
    reason: str


Event = (
    Started
    | StepStarted
    | PhaseChanged
    | Paused
    | Resumed
    | Answered
    | Rated
    | Chose
    | Finished
    | EndedEarly
)


# --- snapshot ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionView:
    """Everything a screen needs to draw the session at one moment.

    Times are exercise seconds (the timeline's units; at speed 2 they pass twice as fast).
    """

    segment: Segment
    """The segment playing; after a natural finish, the last one."""
    text: str
    """The segment's text with placeholders filled."""
    intro: str | None
    hint: str | None
    low: str | None
    high: str | None
    options: tuple[Option, ...]
    """A choice's options that apply now (an option's own condition may hide it)."""
    breath: BreathState | None
    elapsed: float
    """Active time since the start (pauses excluded)."""
    segment_start: float
    """Where the segment started on the active axis."""
    segment_elapsed: float
    segment_remaining: float | None
    """None while waiting for the person."""
    remaining_seconds: float
    """About how long is left: the rest of the exercise's estimated length (a wait counts
    a typical answer until it is given), as the library and ``show`` count it."""
    progress: float
    """0..1: timed seconds played plus, for each prompt or rating already passed, the model's
    estimate for it, over the exercise's estimated length. It never goes back while playing
    forward (only ``back()`` lowers it) and stands still while waiting."""
    is_started: bool
    is_paused: bool
    is_waiting: bool
    is_finished: bool
    """Over, either naturally or ended early."""
    ended_early: bool
    step_number: int
    """1-based position of the segment."""
    step_count: int


@dataclass(frozen=True)
class _Cursor:
    index: int
    """The segment playing; ``len(segments)`` once the last one has ended."""
    start: float
    """Its start on the active axis (the finish time once past the end)."""


# --- the session -------------------------------------------------------------------------


class Session:
    def __init__(
        self,
        exercise_or_timeline: Playable | Exercise | Timeline,
        clock: Clock,
        *,
        speed: float = 1.0,
        holds: bool = True,
        remembered: Mapping[str, str] = _NO_NAMES,
    ) -> None:
        """``holds`` applies when given an exercise (a timeline already made that choice);
        ``remembered`` are words kept from earlier sessions, filling {name} placeholders (and
        {name_when}: when they were given, in words)."""
        if not (math.isfinite(speed) and speed > 0):
            raise ValueError(f"speed must be a positive number, not {speed!r}")
        if isinstance(exercise_or_timeline, Timeline):
            self.timeline = exercise_or_timeline
        else:
            self.timeline = build_timeline(exercise_or_timeline, holds=holds)
        self.exercise = self.timeline.exercise
        self.speed = speed
        self._clock = clock
        self._segments = self.timeline.segments
        self._known = {**self.exercise.remembered_names, **remembered}
        self._remembered_before = frozenset(remembered)
        self._remembered: dict[str, str] = {}
        self._named: dict[str, str] = {}  # this session's answers by name, remembered or not
        self._chosen: dict[str, tuple[str, ...]] = {}
        self._rated: dict[str, int] = {}
        self._choices: list[tuple[Segment, tuple[Option, ...]]] = []
        self._answers: list[tuple[Segment, str]] = []
        self._ratings: list[tuple[Segment, int, Moment]] = []
        self._started_at: float | None = None
        self._paused_seconds = 0.0
        self._paused_at: float | None = None
        self._final_active: float | None = None
        self._ended_early = False
        self._cursor = _Cursor(0, 0.0)
        self._reached = 0
        self._reported_phase: tuple[int, int, int] | None = None
        self._draft: tuple[int, str] | None = None  # (segment index, words being written)
        self._last_read: float | None = None  # the clock when the session last read it

    def _now(self) -> float:
        self._last_read = now = self._clock()
        return now

    # -- the active axis --

    @property
    def started_at(self) -> float | None:
        """Clock time of :meth:`start`."""
        return self._started_at

    def active_elapsed(self) -> float:
        """Exercise seconds played: since the start, pauses excluded, times the speed; it
        stops at the finish."""
        return self._clamp(self._raw_active(self._now()))

    def _raw_active(self, now: float) -> float:
        if self._final_active is not None:
            return self._final_active
        if self._started_at is None:
            return 0.0
        if self._paused_at is not None:
            now = self._paused_at
        return (now - self._started_at - self._paused_seconds) * self.speed

    def _resolve(self, active: float) -> _Cursor:
        """Where the stored cursor has got to by ``active``, crossing ended timed segments."""
        cursor = self._cursor
        if self._final_active is not None:
            return cursor
        index, start = cursor.index, cursor.start
        while index < len(self._segments):
            duration = self._segments[index].duration if self._plays(index) else 0.0
            if duration is None or active < start + duration:
                break
            index, start = index + 1, start + duration
        return _Cursor(index, start) if index != cursor.index else cursor

    def _clamp(self, active: float) -> float:
        cursor = self._resolve(active)
        return cursor.start if cursor.index == len(self._segments) else active

    # -- state --

    @property
    def is_started(self) -> bool:
        return self._started_at is not None

    @property
    def is_paused(self) -> bool:
        return self._paused_at is not None

    @property
    def is_finished(self) -> bool:
        """Over, naturally (possibly not yet reported by :meth:`advance`) or ended early."""
        if self._final_active is not None:
            return True
        return self._resolve(self._raw_active(self._now())).index == len(self._segments)

    @property
    def ended_early(self) -> bool:
        return self._ended_early

    @property
    def practised_seconds(self) -> float:
        """Real seconds actually practised: pauses excluded, not scaled by the speed."""
        return self.active_elapsed() / self.speed

    @property
    def steps_reached(self) -> int:
        """How many segments were reached: 1 + the furthest segment index started."""
        return self._reached

    @property
    def answers(self) -> list[tuple[Segment, str]]:
        return list(self._answers)

    @property
    def ratings(self) -> list[tuple[Segment, int, Moment]]:
        return list(self._ratings)

    @property
    def remembered(self) -> dict[str, str]:
        """Names given a value by an answer in this session."""
        return dict(self._remembered)

    @property
    def choices(self) -> list[tuple[Segment, tuple[Option, ...]]]:
        """Each choice made, with the options chosen."""
        return list(self._choices)

    @property
    def values(self) -> dict[str, str]:
        """What fills {name}: defaults, then earlier sessions, then this session's answers."""
        return {**self._known, **self._named}

    def holds(self, conditions: Sequence[Condition]) -> bool:
        """Whether every condition holds on what was said so far."""
        return all(self._holds(condition) for condition in conditions)

    def _holds(self, condition: Condition) -> bool:
        name = condition.name
        if condition.subject == "chose":
            chosen = self._chosen.get(name)
            if chosen is None:
                return False
            return not condition.values or any(v in chosen for v in condition.values)
        if condition.subject == "rated":
            value = self._rated.get(name)
            return (
                value is not None
                and (condition.at_least is None or value >= condition.at_least)
                and (condition.at_most is None or value <= condition.at_most)
            )
        if condition.subject == "answered":
            present = name in self._named
        else:
            present = name in self._remembered_before or name in self._remembered
        return present == condition.exists

    def _plays(self, index: int) -> bool:
        return self.holds(self._segments[index].part.when)

    def _next_playing(self, index: int) -> int:
        """``index`` or the first segment after it that plays (``len`` past the end)."""
        while index < len(self._segments) and not self._plays(index):
            index += 1
        return index

    def render(self, text: str) -> str:
        """``text`` with its placeholders filled."""
        return fill(text, self.values)

    def next_boundary_in(self) -> float | None:
        """Real seconds until the next timed boundary (segment end or breath phase change),
        so a scheduler can wake exactly then; None while nothing is timed (not started,
        paused, waiting for the person, or over)."""
        if self._started_at is None or self._paused_at is not None:
            return None
        if self._final_active is not None:
            return None
        active = self._raw_active(self._now())
        cursor = self._resolve(active)
        if cursor.index == len(self._segments):
            return 0.0
        segment = self._segments[cursor.index]
        if segment.duration is None:
            return None
        # Each distance is measured the way its crossing is tested, so it is > 0 until then.
        ahead = cursor.start + segment.duration - active
        if segment.breath is not None:
            into = active - cursor.start
            ahead = min(ahead, segment.breath.phase_at(into).end - into)
        return max(ahead / self.speed, MIN_WAKE_SECONDS)

    def view(self) -> SessionView:
        raw = self._raw_active(self._now())
        cursor = self._resolve(raw)
        count = len(self._segments)
        finished_naturally = cursor.index == count
        active = cursor.start if finished_naturally else raw
        segment = self._segments[min(cursor.index, count - 1)]
        timeline = self.timeline
        if finished_naturally:
            segment_start = active - (segment.duration or 0.0)
            remaining, progress = 0.0, 1.0
        else:
            segment_start = cursor.start
            played = min(active - segment_start, segment.duration or 0.0)
            # The one length rule: waits count a typical answer, as in the library and show.
            done = timeline.weighted_starts[segment.index] + played
            remaining = timeline.estimated_seconds - done
            progress = done / timeline.estimated_seconds
        segment_elapsed = active - segment_start
        part = segment.part
        return SessionView(
            segment=segment,
            text=self.render(segment.text),
            intro=self._render_optional(segment.intro),
            hint=self._render_optional(part.hint),
            low=self._render_optional(part.low),
            high=self._render_optional(part.high),
            options=tuple(
                replace(option, text=self.render(option.text))
                for option in part.options
                if self.holds(option.when)
            ),
            breath=None if segment.breath is None else breath_at(segment.breath, segment_elapsed),
            elapsed=active,
            segment_start=segment_start,
            segment_elapsed=segment_elapsed,
            segment_remaining=(
                None if segment.duration is None else max(0.0, segment.duration - segment_elapsed)
            ),
            remaining_seconds=max(0.0, remaining),
            progress=min(max(progress, 0.0), 1.0),
            is_started=self._started_at is not None,
            is_paused=self._paused_at is not None,
            is_waiting=segment.duration is None and not finished_naturally and not self._over,
            is_finished=finished_naturally or self._over,
            ended_early=self._ended_early,
            step_number=segment.index + 1,
            step_count=count,
        )

    def _render_optional(self, text: str | None) -> str | None:
        return None if text is None else self.render(text)

    @property
    def _over(self) -> bool:
        return self._final_active is not None

    @property
    def _playing(self) -> bool:
        """Started and not over: operations apply."""
        return self._started_at is not None and self._final_active is None

    # -- operations --

    def start(self) -> list[Event]:
        if self._started_at is not None:
            return []
        self._started_at = self._now()
        return [Started(), *self._enter(0, 0.0)]

    def advance(self) -> list[Event]:
        """Bring the session up to the clock: every segment crossed since the last call is
        reported once, in order."""
        return self._advance(self._raw_active(self._now()))

    def pause(self) -> list[Event]:
        now = self._now()
        events = self._advance(self._raw_active(now))
        if not self._playing or self._paused_at is not None:
            return events
        self._paused_at = now
        return [*events, Paused()]

    def resume(self) -> list[Event]:
        if not self._playing or self._paused_at is None:
            return []
        self._paused_seconds += self._now() - self._paused_at
        self._paused_at = None
        return [Resumed()]

    @property
    def last_read(self) -> float | None:
        """The clock when the session last read it (its last repaint), or None."""
        return self._last_read

    def continued(self, since: float | None = None) -> list[Event]:
        """The process goes on after being stopped (SIGSTOP, ctrl+z): the time since the
        session last read the clock before the stop (``since``, noted when the signal came, as
        a repaint may read the clock first) was not practice, so it is a pause."""
        since = self._last_read if since is None else since
        now = self._now()
        if not self._playing or self._paused_at is not None or since is None:
            return []
        events = self._advance(self._raw_active(since))  # what happened before the stop
        if self._playing:
            self._paused_seconds += now - since
        return [*events, *self._advance(self._raw_active(now))]

    def toggle_pause(self) -> list[Event]:
        return self.resume() if self._paused_at is not None else self.pause()

    def next(self) -> list[Event]:
        """Skip to the start of the next segment (a prompt or rating is left unanswered)."""
        active = self._raw_active(self._now())
        events = self._advance(active)
        if not self._playing:
            return events
        return [*events, *self._enter(self._cursor.index + 1, active)]

    def back(self) -> list[Event]:
        """Restart the current segment if well into it, otherwise go to the previous one.
        On a prompt or rating, always go to the previous segment."""
        active = self._raw_active(self._now())
        events = self._advance(active)
        if not self._playing:
            return events
        cursor = self._cursor
        segment = self._segments[cursor.index]
        into_real = (active - cursor.start) / self.speed
        restart = segment.duration is not None and into_real > BACK_RESTARTS_AFTER_SECONDS
        target = cursor.index
        if not restart:
            earlier = [i for i in range(cursor.index) if self._plays(i)]
            target = earlier[-1] if earlier else cursor.index
        return [*events, *self._enter(target, active)]

    def answer(self, text: str) -> list[Event]:
        """Answer the prompt being shown and move on. A blank answer counts as a skip.
        Control characters are dropped (text from people is data, never terminal codes)."""
        active = self._raw_active(self._now())
        events = self._advance(active)
        segment = self._current_waiting("prompt")
        if segment is None:
            return events
        answer = printable(text).strip()
        if answer:
            self._answers.append((segment, answer))
            events.append(Answered(segment, answer))
            self._name_answer(segment, answer)
        return [*events, *self._enter(segment.index + 1, active)]

    def _name_answer(self, segment: Segment, words: str) -> None:
        part = segment.part
        if part.name is not None:
            self._named[part.name] = words
        if part.remember is not None:
            self._remembered[part.remember] = words
            self._named[part.remember] = words

    def choose(self, values: Sequence[str]) -> list[Event]:
        """Make the choice being shown (the values of the options chosen) and go on: to the
        section the option leads to, or the next segment. None chosen counts as a skip."""
        active = self._raw_active(self._now())
        events = self._advance(active)
        segment = self._current_waiting("choose")
        if segment is None:
            return events
        offered = [o for o in segment.part.options if self.holds(o.when)]
        chosen = tuple(o for o in offered if o.value in values)
        if not segment.part.several:
            chosen = chosen[:1]
        target = segment.index + 1
        # Going back to a choice and choosing again replaces what was chosen there.
        self._choices = [(s, o) for s, o in self._choices if s is not segment]
        if chosen:
            self._choices.append((segment, chosen))
            events.append(Chose(segment, chosen))
            if segment.part.name is not None:
                self._chosen[segment.part.name] = tuple(o.value for o in chosen)
            self._name_answer(segment, "; ".join(self.render(o.text) for o in chosen))
            go = next((o.go for o in chosen if o.go is not None), None)
            if go is not None:
                target = self.exercise.sections.get(go, target)
        return [*events, *self._enter(target, active)]

    def keep_draft(self, text: str) -> None:
        """The words in the prompt being shown, as they are written (not yet an answer)."""
        if self._current_waiting("prompt") is not None:
            self._draft = (self._cursor.index, text)

    def rate(self, value: int) -> list[Event]:
        """Give the rating being asked for (0 to the scale's top) and move on."""
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"a rating is a whole number, not {value!r}")
        active = self._raw_active(self._now())
        events = self._advance(active)
        segment = self._current_waiting("rate")
        if segment is None:
            return events
        top = segment.part.scale_max
        if not MIN_RATING <= value <= top:
            raise ValueError(f"a rating is {MIN_RATING}..{top}, not {value}")
        moment: Moment = segment.moment or "during"
        if segment.part.name is not None:
            self._rated[segment.part.name] = value
        self._ratings.append((segment, value, moment))
        events.append(Rated(segment, value, moment))
        return [*events, *self._enter(segment.index + 1, active)]

    def end(self, reason: str = "stopped") -> list[Event]:
        """End before the natural finish (the person left). Reported once."""
        now = self._now()
        events = self._advance(self._raw_active(now))
        if not self._playing:
            return events
        unfinished = self._unfinished_answer()
        self._final_active = self._raw_active(now)
        self._paused_at = None
        self._ended_early = True
        return [*events, *unfinished, EndedEarly(reason)]

    def _unfinished_answer(self) -> list[Event]:
        segment = self._current_waiting("prompt")
        draft = self._draft
        if segment is None or draft is None or draft[0] != segment.index:
            return []
        words = printable(draft[1]).strip()
        return [Answered(segment, words, unfinished=True)] if words else []

    # -- moving the cursor --

    def _current_waiting(self, kind: str) -> Segment | None:
        if not self._playing:
            return None
        segment = self._segments[self._cursor.index]
        return segment if segment.kind == kind else None

    def _advance(self, active: float) -> list[Event]:
        if not self._playing:
            return []
        old = self._cursor
        cursor = self._resolve(active)
        count = len(self._segments)
        events: list[Event] = [
            StepStarted(self._segments[index])
            for index in range(old.index + 1, min(cursor.index, count - 1) + 1)
            if self._plays(index)
        ]
        if cursor is not old:
            self._cursor = cursor
            self._reached = max(self._reached, min(cursor.index, count - 1) + 1)
            self._reported_phase = None
        if cursor.index == count:
            self._final_active = cursor.start
            self._paused_at = None
            events.append(Finished())
            return events
        events.extend(self._phase_events(active))
        return events

    def _enter(self, index: int, start: float) -> list[Event]:
        """Start segment ``index`` (or the first after it that plays) at ``start`` on the
        active axis, or finish past the end."""
        index = self._next_playing(index)
        self._cursor = _Cursor(index, start)
        self._reported_phase = None
        self._draft = None
        if index == len(self._segments):
            self._final_active = start
            self._paused_at = None
            return [Finished()]
        self._reached = max(self._reached, index + 1)
        segment = self._segments[index]
        return [StepStarted(segment), *self._phase_events(start)]

    def _phase_events(self, active: float) -> list[Event]:
        cursor = self._cursor
        segment = self._segments[cursor.index]
        if segment.breath is None:
            return []
        phase = segment.breath.phase_at(active - cursor.start)
        key = (cursor.index, phase.cycle_index, phase.phase_index)
        if key == self._reported_phase:
            return []
        self._reported_phase = key
        return [PhaseChanged(segment, phase.phase, phase.cycle_index)]
