"""Flattening an exercise into segments: repeats, items, durations, rating moments."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from safeplace.exercise.model import Exercise, ExerciseProblems
from safeplace.exercise.playable import ESTIMATED_PROMPT_SECONDS, ESTIMATED_RATE_SECONDS
from safeplace.exercise.steps import SayStep
from safeplace.playback.breath import BreathPhase
from safeplace.playback.timeline import build_timeline


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


def waiting_estimates(ex: Exercise, holds: bool = True) -> float:
    timeline = build_timeline(ex, holds=holds)
    return sum(
        ESTIMATED_PROMPT_SECONDS if s.kind == "prompt" else ESTIMATED_RATE_SECONDS
        for s in timeline.segments
        if s.duration is None
    )


def test_kinds_texts_and_durations() -> None:
    timeline = build_timeline(
        exercise(
            {"say": "Let your shoulders drop.", "seconds": 6},
            {"breathe": "even", "note": "Breathe softly."},
            {"breathe": "box"},
            {"silence": 30},
            {"prompt": "What would you tell a friend?"},
            {"rate": "How tense are you?"},
        )
    )
    rows = [(s.index, s.kind, s.duration, s.text) for s in timeline.segments]
    assert rows == [
        (0, "say", 6.0, "Let your shoulders drop."),
        (1, "breathe", 80.0, "Breathe softly."),
        (2, "breathe", 96.0, ""),
        (3, "silence", 30.0, ""),
        (4, "prompt", None, "What would you tell a friend?"),
        (5, "rate", None, "How tense are you?"),
    ]
    assert timeline.segments[1].breath is not None
    assert timeline.segments[0].breath is None
    assert [s.is_waiting for s in timeline.segments] == [False] * 4 + [True] * 2
    assert timeline.step_starts == (0.0, 6.0, 86.0, 182.0, 212.0, 212.0)
    assert timeline.timed_seconds == 212.0
    assert len(timeline) == 6


def test_say_without_seconds_follows_the_text_length() -> None:
    ex = exercise({"say": "one two three four five six seven eight nine ten"})
    step = ex.steps[0]
    assert isinstance(step, SayStep)
    assert build_timeline(ex).segments[0].duration == step.duration == 8.0


def test_items_become_one_segment_each() -> None:
    timeline = build_timeline(
        exercise(
            {
                "items": ["five things", "four things", "three"],
                "seconds_each": 20,
                "intro": "Notice",
            }
        )
    )
    assert [(s.kind, s.text, s.item_number, s.item_count, s.intro) for s in timeline.segments] == [
        ("item", "five things", 1, 3, "Notice"),
        ("item", "four things", 2, 3, "Notice"),
        ("item", "three", 3, 3, "Notice"),
    ]
    assert {s.path for s in timeline.segments} == {("steps", 0)}
    assert timeline.timed_seconds == 60.0


def test_repeat_blocks_are_unrolled_with_their_paths() -> None:
    timeline = build_timeline(
        exercise(
            {"say": "Begin.", "seconds": 5},
            {
                "repeat": 2,
                "steps": [
                    {"silence": 3},
                    {"repeat": 2, "steps": [{"say": "Inner.", "seconds": 1}]},
                ],
            },
        )
    )
    assert [s.path for s in timeline.segments] == [
        ("steps", 0),
        ("steps", 1, "steps", 0),
        ("steps", 1, "steps", 1, "steps", 0),
        ("steps", 1, "steps", 1, "steps", 0),
        ("steps", 1, "steps", 0),
        ("steps", 1, "steps", 1, "steps", 0),
        ("steps", 1, "steps", 1, "steps", 0),
    ]
    assert [s.index for s in timeline.segments] == list(range(7))
    assert timeline.timed_seconds == 5 + 2 * (3 + 2 * 1)
    # Repetitions of one step are distinct segments.
    assert timeline.segments[2] is not timeline.segments[3]
    assert timeline.segments[2] != timeline.segments[3]
    assert timeline.segments[2].part is timeline.segments[3].part


def test_rating_moments_follow_position_unless_given() -> None:
    timeline = build_timeline(
        exercise(
            {"rate": "Before?"},
            {"say": "Middle.", "seconds": 5},
            {"rate": "During?"},
            {"rate": "Explicit?", "moment": "before"},
            {"repeat": 2, "steps": [{"say": "x", "seconds": 1}, {"rate": "Last?"}]},
        )
    )
    moments = [(s.text, s.moment) for s in timeline.segments if s.kind == "rate"]
    assert moments == [
        ("Before?", "before"),
        ("During?", "during"),
        ("Explicit?", "before"),
        ("Last?", "during"),
        ("Last?", "after"),
    ]
    assert timeline.segments[1].moment is None


def test_first_and_last_ratings_are_before_and_after_even_between_narration() -> None:
    timeline = build_timeline(
        exercise(
            {"say": "Welcome.", "seconds": 5},
            {"rate": "Now?"},
            {"say": "Middle.", "seconds": 5},
            {"rate": "And now?"},
            {"say": "Goodbye.", "seconds": 5},
        )
    )
    moments = [s.moment for s in timeline.segments if s.kind == "rate"]
    assert moments == ["before", "after"]


def test_a_lone_rating_goes_by_its_position() -> None:
    early = build_timeline(exercise({"rate": "Now?"}, {"say": "a", "seconds": 5}, {"say": "b"}))
    late = build_timeline(exercise({"say": "a", "seconds": 5}, {"say": "b"}, {"rate": "Now?"}))
    assert [s.moment for s in early.segments if s.kind == "rate"] == ["before"]
    assert [s.moment for s in late.segments if s.kind == "rate"] == ["after"]


def test_holds_off_removes_holds_from_breathing_segments() -> None:
    ex = exercise({"breathe": "4-7-8"})
    with_holds, without = build_timeline(ex), build_timeline(ex, holds=False)
    assert with_holds.timed_seconds == 4 * 19.0
    assert without.timed_seconds == 4 * 12.0
    plan = without.segments[0].breath
    assert plan is not None and BreathPhase.HOLD not in {p.phase for p in plan.phases}
    assert without.holds is False


@pytest.mark.parametrize("holds", [True, False])
def test_timed_seconds_is_the_model_estimate_without_waits(holds: bool) -> None:
    ex = exercise(
        {"rate": "Before?"},
        {"say": "A sentence of a few words to read slowly."},
        {"breathe": {"pattern": "box", "seconds": 70}},
        {"breathe": {"pattern": "long-out", "cycles": 5, "lengthen": {"by": 0.5, "until": 8}}},
        {"items": ["a", "b"], "seconds_each": 7.5},
        {"repeat": 3, "steps": [{"silence": 2.2}, {"prompt": "Anything?"}]},
        {"rate": "After?"},
    )
    timeline = build_timeline(ex, holds=holds)
    expected = ex.estimated_seconds(holds=holds) - waiting_estimates(ex, holds)
    assert timeline.timed_seconds == pytest.approx(expected, rel=1e-12)
    assert timeline.estimated_seconds == pytest.approx(ex.estimated_seconds(holds=holds))


# A random, valid exercise: timed and waiting steps, repeats nested two deep.
leaf_step = st.one_of(
    st.builds(lambda s: {"say": "Words here.", "seconds": s}, st.floats(0.1, 100)),
    st.builds(lambda n: {"say": " ".join(["word"] * n)}, st.integers(1, 60)),
    st.builds(lambda s: {"silence": s}, st.floats(0.1, 300)),
    st.builds(
        lambda p, c: {"breathe": {"pattern": p, "cycles": c}},
        st.sampled_from(["box", "sigh", "4-7-8", "slow"]),
        st.integers(1, 5),
    ),
    st.builds(lambda s: {"breathe": {"pattern": "box", "seconds": s}}, st.floats(1, 200)),
    st.builds(
        lambda n, s: {"items": [f"item {i}" for i in range(n)], "seconds_each": s},
        st.integers(1, 5),
        st.floats(0.5, 30),
    ),
    st.just({"prompt": "A question?"}),
    st.just({"rate": "A rating?"}),
)
any_step = st.recursive(
    leaf_step,
    lambda inner: st.builds(
        lambda r, steps: {"repeat": r, "steps": steps},
        st.integers(1, 3),
        st.lists(inner, min_size=1, max_size=3),
    ),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None)
@given(st.lists(any_step, min_size=1, max_size=6), st.booleans())
def test_random_exercises_sum_to_the_model_estimate(steps: list[Any], holds: bool) -> None:
    try:
        ex = exercise(*steps)
    except ExerciseProblems:  # e.g. over the two-hour limit
        assume(False)
        raise
    timeline = build_timeline(ex, holds=holds)
    expected = ex.estimated_seconds(holds=holds) - waiting_estimates(ex, holds)
    assert timeline.timed_seconds == pytest.approx(expected, rel=1e-9, abs=1e-9)
    assert timeline.estimated_seconds == pytest.approx(ex.estimated_seconds(holds=holds))
    assert [s.index for s in timeline.segments] == list(range(len(timeline)))
    for segment, start in zip(timeline.segments, timeline.step_starts, strict=True):
        assert start >= 0
        if segment.breath is not None:
            assert segment.duration == segment.breath.total_seconds
