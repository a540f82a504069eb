"""The session is computed from a fake clock: pauses, skips, stalls, speed, waits and text."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeplace.exercise.model import Exercise
from safeplace.playback.breath import BreathPhase
from safeplace.playback.clock import FakeClock
from safeplace.playback.session import (
    Answered,
    EndedEarly,
    Event,
    Finished,
    Paused,
    PhaseChanged,
    Rated,
    Resumed,
    Session,
    Started,
    StepStarted,
)
from safeplace.playback.timeline import build_timeline

E = TypeVar("E")


def exercise(*steps: Any, **fields: Any) -> Exercise:
    data = {
        "id": "test",
        "title": "Test",
        "summary": "A test exercise.",
        "category": "breathing",
        "cautions": ["breath-holds"],
        "steps": list(steps),
        **fields,
    }
    return Exercise.model_validate(data)


# All timed: say 5, box x2 (32), silence 7.5, items 3 x 4, say 3 -> 59.5 s
TIMED = exercise(
    {"say": "Settle in.", "seconds": 5},
    {"breathe": {"pattern": "box", "cycles": 2}},
    {"silence": 7.5},
    {"items": ["one", "two", "three"], "seconds_each": 4},
    {"say": "Done.", "seconds": 3},
)
TIMED_SECONDS = 59.5


def started(ex: Exercise = TIMED, **options: Any) -> tuple[Session, FakeClock]:
    clock = FakeClock(1000.0)
    session = Session(ex, clock, **options)
    session.start()
    return session, clock


def step_indices(events: list[Event]) -> list[int]:
    return [e.segment.index for e in events if isinstance(e, StepStarted)]


def only(events: list[Event], kind: type[E]) -> list[E]:
    return [e for e in events if isinstance(e, kind)]


# --- starting and the basic flow ------------------------------------------------------


def test_start_reports_the_first_segment_once() -> None:
    clock = FakeClock()
    session = Session(TIMED, clock)
    assert session.advance() == [] and session.pause() == [] and session.next() == []
    assert not session.view().is_started
    events = session.start()
    assert events == [Started(), StepStarted(session.timeline.segments[0])]
    assert session.start() == []
    assert session.view().step_number == 1 and session.view().step_count == 7


def test_finishes_exactly_at_the_timed_length() -> None:
    session, clock = started()
    clock.set(math.nextafter(1000.0 + TIMED_SECONDS, 0))
    assert Finished() not in session.advance()
    clock.set(1000.0 + TIMED_SECONDS)
    assert session.advance()[-1] == Finished()
    view = session.view()
    assert view.is_finished and not view.ended_early
    assert (view.progress, view.remaining_seconds, view.elapsed) == (1.0, 0.0, TIMED_SECONDS)
    assert session.practised_seconds == TIMED_SECONDS
    assert session.steps_reached == 7


def test_after_finishing_operations_do_nothing() -> None:
    session, clock = started()
    clock.advance(1000)
    assert session.advance()[-1] == Finished()
    clock.advance(50)
    for operation in (
        session.advance,
        session.pause,
        session.resume,
        session.toggle_pause,
        session.next,
        session.back,
        session.end,
    ):
        assert operation() == []
    assert session.answer("late") == [] and session.rate(3) == []
    assert session.practised_seconds == TIMED_SECONDS  # frozen at the finish


# --- pausing -------------------------------------------------------------------------


def test_pause_does_not_consume_time() -> None:
    session, clock = started()
    clock.advance(3)
    assert session.pause() == [Paused()]
    assert session.pause() == []
    clock.advance(500)
    assert session.advance() == []
    view = session.view()
    assert view.is_paused and view.elapsed == 3 and view.segment.index == 0
    assert session.next_boundary_in() is None
    assert session.resume() == [Resumed()]
    assert session.resume() == []
    clock.advance(1.999)
    assert session.advance() == []
    clock.advance(0.001)
    assert step_indices(session.advance()) == [1]
    assert session.practised_seconds == pytest.approx(5.0)


def test_toggle_pause() -> None:
    session, _ = started()
    assert session.toggle_pause() == [Paused()]
    assert session.toggle_pause() == [Resumed()]


def test_pausing_in_a_breath_phase_resumes_exactly_there() -> None:
    session, clock = started()
    clock.advance(5 + 6.25)  # into the hold of the first breath
    session.advance()
    before = session.view().breath
    session.pause()
    clock.advance(42.0)
    assert session.view().breath == before
    session.resume()
    assert session.view().breath == before
    assert before is not None and before.phase is BreathPhase.HOLD
    assert before.fraction == pytest.approx(0.5625)


def test_pause_catches_up_first_and_reports_crossings() -> None:
    session, clock = started()
    clock.advance(6)
    events = session.pause()
    assert step_indices(events) == [1] and events[-1] == Paused()


# --- skipping ------------------------------------------------------------------------


def test_next_lands_at_the_start_of_the_next_segment() -> None:
    session, clock = started()
    clock.advance(2.5)
    assert step_indices(session.next()) == [1]
    view = session.view()
    assert (view.segment.index, view.segment_elapsed, view.segment_start) == (1, 0.0, 2.5)
    assert view.breath is not None and view.breath.phase is BreathPhase.IN
    assert view.breath.size == 0.0
    # The skipped segment's time is gone; the next boundary is a whole segment away.
    clock.advance(31.999)
    assert step_indices(session.advance()) == []
    clock.advance(0.001)
    assert step_indices(session.advance()) == [2]


def test_next_on_the_last_segment_finishes() -> None:
    session, _ = started()
    for _ in range(6):
        session.next()
    assert session.view().step_number == 7
    assert session.next() == [Finished()]
    assert session.view().is_finished and not session.ended_early


def test_back_restarts_the_segment_when_well_into_it() -> None:
    session, clock = started()
    clock.advance(5 + 10)  # 10 s into the breathing
    session.advance()
    events = session.back()
    assert step_indices(events) == [1]
    assert only(events, PhaseChanged) == [PhaseChanged(session.view().segment, BreathPhase.IN, 0)]
    view = session.view()
    assert (view.segment.index, view.segment_elapsed, view.segment_start) == (1, 0.0, 15.0)


def test_back_near_the_start_goes_to_the_previous_segment() -> None:
    session, clock = started()
    clock.advance(5 + 1.5)
    session.advance()
    assert step_indices(session.back()) == [0]
    view = session.view()
    assert (view.segment.index, view.segment_elapsed, view.segment_start) == (0, 0.0, 6.5)
    clock.advance(5)
    assert step_indices(session.advance()) == [1]


def test_back_on_the_first_segment_restarts_it() -> None:
    session, clock = started()
    clock.advance(1)
    assert step_indices(session.back()) == [0]
    assert session.view().segment_start == 1.0


def test_back_counts_real_seconds_at_speed() -> None:
    session, clock = started(speed=4)
    clock.advance(5 / 4 + 1.0)  # 4 s of exercise into the breathing, but 1 real second
    session.advance()
    assert step_indices(session.back()) == [0]


def test_back_on_a_waiting_segment_goes_to_the_previous_one() -> None:
    session, clock = started(exercise({"say": "Hi.", "seconds": 5}, {"prompt": "Anything?"}))
    clock.advance(60)
    session.advance()
    assert session.view().is_waiting
    assert step_indices(session.back()) == [0]


# --- drift: stalls and speed ----------------------------------------------------------


def boundaries_seen(session: Session, clock: FakeClock, polls: list[float]) -> dict[int, float]:
    """Active-axis start of every segment, as seen after each advance()."""
    starts: dict[int, float] = {0: session.view().segment_start}
    for wait in polls:
        clock.advance(wait)
        events = session.advance()
        view = session.view()
        if events and not view.is_finished:
            starts[view.segment.index] = view.segment_start
        if view.is_finished:
            starts[len(session.timeline)] = view.elapsed
            break
    return starts


def nominal_boundaries(session: Session) -> dict[int, float]:
    timeline = session.timeline
    return {**dict(enumerate(timeline.step_starts)), len(timeline): timeline.timed_seconds}


def test_a_stall_does_not_shift_later_boundaries() -> None:
    smooth, smooth_clock = started()
    stalled, stalled_clock = started()
    even = boundaries_seen(smooth, smooth_clock, [0.1] * 1000)
    # A 250 ms stall every 13 polls, as when the UI thread is busy.
    jumpy = boundaries_seen(
        stalled, stalled_clock, [0.35 if i % 13 == 0 else 0.1 for i in range(1000)]
    )
    assert set(jumpy) == set(even) == set(nominal_boundaries(smooth))
    assert jumpy == even == nominal_boundaries(smooth)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([0.0, 0.05, 0.1, 0.25, 0.4, 3.0, 17.0]), min_size=300))
def test_any_polling_rhythm_gives_the_same_boundaries(polls: list[float]) -> None:
    session, clock = started()
    seen = boundaries_seen(session, clock, [*polls, 1000.0])
    nominal = nominal_boundaries(session)
    # Segments crossed inside one advance() are not seen, but every seen start is exact.
    assert seen.items() <= nominal.items()
    assert seen[len(session.timeline)] == TIMED_SECONDS


def test_a_long_stall_reports_every_step_once_in_order() -> None:
    session, clock = started()
    clock.advance(5 + 16 + 1)
    first = session.advance()
    clock.advance(10_000)
    events = session.advance()
    assert step_indices(events) == list(range(2, 7))
    assert events[-1] == Finished()
    assert len(only(events, Finished)) == 1
    assert step_indices(first) == [1]
    assert session.advance() == []


def test_speed_two_puts_every_boundary_at_exactly_half() -> None:
    nominal = nominal_boundaries(started()[0])
    session, clock = started(speed=2)
    reached = [0]
    for index, at in sorted(nominal.items())[1:]:
        clock.set(math.nextafter(1000.0 + at / 2, 0))
        assert step_indices(session.advance()) == []
        clock.set(1000.0 + at / 2)
        events = session.advance()
        reached += step_indices(events)
        if index == len(session.timeline):
            assert events[-1] == Finished()
    assert reached == list(range(7))
    assert session.practised_seconds == TIMED_SECONDS / 2
    assert session.view().elapsed == TIMED_SECONDS


def test_speed_scales_pauses_and_next_boundary() -> None:
    session, clock = started(speed=2)
    assert session.next_boundary_in() == 2.5
    clock.advance(1)
    session.pause()
    clock.advance(100)
    session.resume()
    assert session.next_boundary_in() == 1.5
    clock.advance(1.5)
    assert step_indices(session.advance()) == [1]
    assert session.next_boundary_in() == 2.0  # the first in-breath: 4 s at speed 2


def test_speed_must_be_positive() -> None:
    for bad in (0, -1, math.inf, math.nan):
        with pytest.raises(ValueError):
            Session(TIMED, FakeClock(), speed=bad)


def test_next_boundary_in_includes_breath_phases() -> None:
    session, clock = started()
    clock.advance(5 + 5)  # 1 s into the hold
    session.advance()
    assert session.next_boundary_in() == pytest.approx(3.0)
    clock.advance(3.0)
    assert only(session.advance(), PhaseChanged) == [
        PhaseChanged(session.timeline.segments[1], BreathPhase.OUT, 0)
    ]


def test_waking_at_next_boundary_in_sees_every_boundary() -> None:
    session, clock = started()
    events: list[Event] = []
    while not session.view().is_finished:
        delay = session.next_boundary_in()
        assert delay is not None and delay > 0
        clock.advance(delay)
        events += session.advance()
    assert step_indices(events) == list(range(1, 7))
    phases = [(e.cycle_index, e.phase.value) for e in only(events, PhaseChanged)]
    assert phases == [(c, p) for c in (0, 1) for p in ("in", "hold", "out", "rest")]
    assert clock() == pytest.approx(1000.0 + TIMED_SECONDS)


def test_after_a_stall_only_the_current_phase_is_reported() -> None:
    session, clock = started()
    clock.advance(5 + 16 + 9)  # second breath, out-breath
    changes = only(session.advance(), PhaseChanged)
    assert changes == [PhaseChanged(session.timeline.segments[1], BreathPhase.OUT, 1)]


# --- holds ---------------------------------------------------------------------------


def test_holds_off_removes_hold_and_rest() -> None:
    session, clock = started(holds=False)
    assert session.timeline.timed_seconds == TIMED_SECONDS - 16
    phases: set[BreathPhase] = set()
    for _ in range(600):
        clock.advance(0.1)
        phases |= {e.phase for e in only(session.advance(), PhaseChanged)}
    assert phases == {BreathPhase.IN, BreathPhase.OUT}


def test_a_given_timeline_is_used_as_is() -> None:
    timeline = build_timeline(TIMED, holds=False)
    session = Session(timeline, FakeClock())
    assert session.timeline is timeline


def test_lengthening_plays_longer_out_breaths() -> None:
    ex = exercise(
        {
            "breathe": {
                "pattern": {"in": 4, "out": 4},
                "cycles": 4,
                "lengthen": {"by": 2, "until": 7},
            }
        }
    )
    session, clock = started(ex)
    outs: list[float] = []
    for _ in range(410):
        clock.advance(0.1)
        session.advance()
        breath = session.view().breath
        new_out = breath is not None and breath.phase is BreathPhase.OUT
        if new_out and breath is not None and breath.cycle_index == len(outs):
            outs.append(breath.phase_seconds)
    assert outs == [4, 6, 7, 7]
    assert session.view().is_finished and session.practised_seconds == pytest.approx(40.0)


# --- waiting: prompts and ratings ------------------------------------------------------

CHECK_IN = exercise(
    {"rate": "How tense?"},
    {"say": "Hello {name}.", "seconds": 4},
    {"prompt": "What helps, {name}?", "remember": "helper", "default": "a walk", "hint": "…"},
    {"say": "Remember {helper} and {{braces}}.", "seconds": 4},
    {"rate": "And now, {helper}?", "low": "calm", "high": "{helper} gone"},
    recall={"name": "friend"},
)


def test_waiting_segments_wait_until_answered() -> None:
    session, clock = started(CHECK_IN)
    clock.advance(100_000)
    assert session.advance() == []
    view = session.view()
    assert view.is_waiting and view.segment.kind == "rate"
    assert view.segment_remaining is None and session.next_boundary_in() is None
    assert view.segment_elapsed == 100_000
    assert view.progress == 0.0


def test_answering_starts_the_next_segment_at_the_answer_time() -> None:
    session, clock = started(CHECK_IN)
    clock.advance(30)
    events = session.rate(7)
    first = session.timeline.segments[0]
    assert events == [Rated(first, 7, "before"), StepStarted(session.timeline.segments[1])]
    assert session.view().segment_start == 30.0
    clock.advance(4)
    assert step_indices(session.advance()) == [2]
    assert session.view().segment_start == 34.0  # the prompt starts where the say ended
    clock.advance(200)
    events = session.answer("  a cup of tea \n")
    assert events[0] == Answered(session.timeline.segments[2], "a cup of tea")
    assert session.view().segment_start == 234.0
    clock.advance(4)
    session.advance()
    assert session.rate(2)[-1] == Finished()
    assert [(s.index, v, m) for s, v, m in session.ratings] == [(0, 7, "before"), (4, 2, "after")]
    assert [(s.index, t) for s, t in session.answers] == [(2, "a cup of tea")]
    assert session.remembered == {"helper": "a cup of tea"}
    assert session.practised_seconds == 238.0


def test_skipping_a_waiting_segment_records_nothing() -> None:
    session, clock = started(CHECK_IN)
    assert step_indices(session.next()) == [1]
    clock.advance(4)
    session.advance()
    assert session.answer("   ") == [StepStarted(session.timeline.segments[3])]
    assert session.answers == [] and session.ratings == [] and session.remembered == {}


def test_answers_lose_control_characters() -> None:
    session, _ = started(exercise({"prompt": "Say?", "remember": "word", "default": "x"}))
    session.answer("\x1b]0;owned\x07calm\x1b[2J\n")
    assert session.remembered == {"word": "]0;ownedcalm[2J"}
    assert "\x1b" not in session.answers[0][1]


def test_answer_and_rate_only_apply_to_their_own_kind() -> None:
    session, _ = started(CHECK_IN)
    assert session.answer("not a prompt") == []
    assert session.view().segment.index == 0
    with pytest.raises(ValueError):
        session.rate(11)
    with pytest.raises(ValueError):
        session.rate(-1)
    with pytest.raises(TypeError):
        session.rate(True)
    session.rate(0)
    assert session.rate(5) == []  # a say is playing now


def test_placeholders_fill_from_defaults_remembered_and_answers() -> None:
    session, clock = started(CHECK_IN)
    session.rate(5)
    assert session.view().text == "Hello friend."
    clock.advance(4)
    session.advance()
    assert session.view().text == "What helps, friend?" and session.view().hint == "…"

    earlier, clock = started(CHECK_IN, remembered={"name": "Sam", "helper": "music"})
    earlier.rate(5)
    assert earlier.view().text == "Hello Sam."
    earlier.next()
    earlier.next()
    assert earlier.view().text == "Remember music and {braces}."
    earlier.back()
    earlier.answer("the sea")
    assert earlier.view().text == "Remember the sea and {braces}."
    earlier.next()
    view = earlier.view()
    assert (view.text, view.low, view.high) == ("And now, the sea?", "calm", "the sea gone")
    assert earlier.values["name"] == "Sam"


def test_defaults_fill_when_nothing_was_remembered() -> None:
    session, _ = started(CHECK_IN)
    session.rate(5)
    session.next()
    session.next()
    assert session.view().text == "Remember a walk and {braces}."
    assert session.render("{unknown} stays") == "{unknown} stays"


def test_pausing_while_waiting_keeps_the_answer_time_on_the_active_axis() -> None:
    session, clock = started(CHECK_IN)
    clock.advance(10)
    session.pause()
    clock.advance(1000)
    session.rate(4)
    assert session.view().is_paused and session.view().segment_start == 10.0
    session.resume()
    clock.advance(4)
    assert step_indices(session.advance()) == [2]


# --- ending early ---------------------------------------------------------------------


def test_end_reports_ended_early_once() -> None:
    session, clock = started()
    clock.advance(12)
    events = session.end("feel worse")
    assert step_indices(events) == [1] and events[-1] == EndedEarly("feel worse")
    assert len(only(events, EndedEarly)) == 1
    assert session.end() == [] and session.advance() == [] and session.next() == []
    clock.advance(100)
    view = session.view()
    assert view.is_finished and view.ended_early and not view.is_paused
    assert view.segment.index == 1 and view.elapsed == 12.0
    assert view.remaining_seconds == TIMED_SECONDS - 12.0
    assert session.practised_seconds == 12.0
    assert session.steps_reached == 2


def test_end_while_paused_counts_only_active_time() -> None:
    session, clock = started(speed=2)
    clock.advance(2)
    session.pause()
    clock.advance(60)
    assert session.end() == [EndedEarly("stopped")]
    assert session.practised_seconds == 2.0
    assert session.is_finished and not session.is_paused


def test_end_before_start_does_nothing() -> None:
    session = Session(TIMED, FakeClock())
    assert session.end() == []


def test_words_being_written_are_kept_as_unfinished_when_the_session_ends() -> None:
    session, clock = started(CHECK_IN)
    session.rate(5)
    clock.advance(4)
    session.advance()
    prompt = session.view().segment
    assert prompt.kind == "prompt"
    session.keep_draft("half a \x1b[2Jthought ")
    clock.advance(30)
    events = session.end()
    assert events == [Answered(prompt, "half a [2Jthought", unfinished=True), EndedEarly("stopped")]
    assert session.answers == [] and session.remembered == {}  # not an answer given


def test_a_draft_belongs_to_the_prompt_it_was_written_in() -> None:
    ask_twice = exercise(
        {"prompt": "First?", "remember": "first", "default": "nothing"},
        {"prompt": "Second?"},
        {"say": "Done.", "seconds": 3},
    )
    session, _ = started(ask_twice)
    session.keep_draft("for the first")
    session.answer("for the first")
    assert only(session.end(), Answered) == []  # the second prompt had nothing written
    session, _ = started(ask_twice)
    session.keep_draft("   ")
    assert only(session.end(), Answered) == []  # blank: nothing to keep
    session, _ = started(ask_twice)
    session.next()
    session.next()
    session.keep_draft("typed where no prompt is")
    assert only(session.end(), Answered) == []


# --- a stopped process ----------------------------------------------------------------


def test_time_while_the_process_was_stopped_counts_as_a_pause() -> None:
    session, clock = started()
    clock.advance(3)
    session.advance()  # the last repaint before the stop reads the clock
    clock.advance(500)  # stopped: nothing ran
    assert session.continued() == []
    view = session.view()
    assert view.elapsed == 3.0 and view.segment.index == 0 and not view.is_paused
    clock.advance(2)
    assert step_indices(session.advance()) == [1]  # the first boundary comes 5 s in, as written
    assert session.practised_seconds == 5.0


def test_a_stop_at_speed_and_while_waiting_is_not_practice_either() -> None:
    session, clock = started(CHECK_IN, speed=2)
    clock.advance(40)  # waiting for the first rating
    session.view()
    clock.advance(1000)
    session.continued()
    assert session.practised_seconds == 40.0
    session, clock = started()
    clock.advance(1)
    session.pause()
    clock.advance(100)
    assert session.continued() == []  # a pause already holds the time
    assert session.resume() == [Resumed()] and session.practised_seconds == 1.0


def test_a_stop_after_the_end_or_before_the_start_changes_nothing() -> None:
    session = Session(TIMED, FakeClock())
    assert session.continued() == []
    session, clock = started()
    clock.advance(2)
    session.end()
    clock.advance(50)
    assert session.continued() == [] and session.practised_seconds == 2.0


# --- progress ------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from([0.1, 0.25, 1.0, 6.0]), st.just("answer"), st.just("pause")),
        min_size=20,
        max_size=120,
    )
)
def test_progress_never_goes_back_while_playing_forward(actions: list[Any]) -> None:
    session, clock = started(CHECK_IN)
    last_progress, last_remaining = 0.0, math.inf
    for action in actions:
        if action == "answer":
            session.rate(3)
            session.answer("words")
        elif action == "pause":
            session.toggle_pause()
        else:
            clock.advance(action)
            session.advance()
        view = session.view()
        assert view.progress >= last_progress and 0.0 <= view.progress <= 1.0
        assert view.remaining_seconds <= last_remaining
        last_progress, last_remaining = view.progress, view.remaining_seconds
    if session.view().is_finished:
        assert session.view().progress == 1.0


def test_remaining_seconds_is_the_rest_of_the_length_the_library_shows() -> None:
    # Two ratings (10 s each), a prompt (60 s) and 8 s of narration: the one length rule.
    session, clock = started(CHECK_IN)
    assert session.view().remaining_seconds == CHECK_IN.estimated_seconds() == 88.0
    session.rate(1)
    clock.advance(1)
    assert session.view().remaining_seconds == 77.0
    assert session.view().segment_remaining == 3.0


# --- the clock and the layer's hygiene --------------------------------------------------


def test_fake_clock_moves_only_forward() -> None:
    clock = FakeClock(5.0)
    clock.advance(1.5)
    clock.set(10.0)
    assert clock() == 10.0
    with pytest.raises(ValueError):
        clock.advance(-1)
    with pytest.raises(ValueError):
        clock.set(9.0)


def test_playback_imports_no_ui_and_no_history() -> None:
    code = (
        "import sys, safeplace.playback.session, safeplace.playback.clock; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich') "
        "or m.startswith('safeplace.history') or m.startswith('safeplace.ui')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# --- choices and conditions ----------------------------------------------------------------

BRANCHES = exercise(
    {"prompt": "A word?", "name": "word", "default": "none"},
    {"say": "You wrote {word}.", "seconds": 2, "when": {"answered": "word"}},
    {"say": "Nothing written.", "seconds": 2, "when": {"answered": "word", "exists": False}},
    {
        "choose": "Which?",
        "options": [
            {"text": "Always", "value": "always"},
            {"text": "Only after words", "value": "after", "when": {"answered": "word"}},
        ],
    },
    {"rate": "How much?", "max": 100, "name": "much"},
    {"say": "A lot.", "seconds": 2, "when": {"rated": "much", "at_least": 50, "at_most": 90}},
    {"say": "The end.", "seconds": 2},
)


def test_a_part_whose_condition_fails_is_passed_over_and_back_steps_past_it() -> None:
    session, clock = started(BRANCHES)
    events = session.next()  # no words: the prompt is skipped
    assert step_indices(events) == [2]  # "You wrote" is passed over
    assert session.view().text == "Nothing written."
    clock.advance(2)
    session.advance()
    assert [o.value for o in session.view().options] == ["always"]  # the other needs words
    session.back()
    assert session.view().text == "Nothing written."  # not the part that did not play


def test_an_answer_and_a_rating_open_what_depends_on_them() -> None:
    session, clock = started(BRANCHES)
    session.answer("rain")
    assert session.view().text == "You wrote rain."
    clock.advance(2)
    session.advance()
    assert [o.value for o in session.view().options] == ["always", "after"]
    session.choose(["after", "always"])  # one choice only: the first offered is kept
    assert [o.value for _, options in session.choices for o in options] == ["always"]
    with pytest.raises(ValueError):
        session.rate(101)
    session.rate(95)
    assert session.view().text == "The end."  # 95 is above at_most
