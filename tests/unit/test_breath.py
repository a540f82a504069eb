"""Breathing plans: phase layout, holds off, lengthening, lookup and the pacer's fill."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeplace.exercise.breathing import Breathing
from safeplace.exercise.playable import BreathSpec
from safeplace.playback.breath import (
    IN_FILL_BEFORE_TOP_UP,
    BreathPhase,
    BreathPlan,
    breath_at,
)


def breathing(**data: Any) -> BreathSpec:
    """The plain form the player times breaths with, made from validated data."""
    return Breathing.model_validate(data).spec


def names(plan: BreathPlan, cycle: int = 0) -> list[str]:
    return [p.phase.value for p in plan.phases if p.cycle_index == cycle]


def samples(start: float, end: float, count: int = 50) -> list[float]:
    return [start + (end - start) * i / count for i in range(count + 1)]


def test_phase_words() -> None:
    assert [(p.value, p.words) for p in BreathPhase] == [
        ("in", "Breathe in"),
        ("top-up", "A little more"),
        ("hold", "Hold gently"),
        ("out", "Breathe out"),
        ("rest", "Rest"),
    ]


def test_box_plan_lays_out_phases_and_cycles() -> None:
    plan = BreathPlan.from_breathing(breathing(pattern="box"))
    assert plan.cycles == 6
    assert names(plan) == ["in", "hold", "out", "rest"]
    assert plan.cycle_starts == (0.0, 16.0, 32.0, 48.0, 64.0, 80.0)
    assert plan.total_seconds == 96.0
    assert [(p.start, p.end) for p in plan.phases[:4]] == [(0, 4), (4, 8), (8, 12), (12, 16)]


def test_holds_off_removes_hold_and_rest_but_keeps_the_top_up() -> None:
    box = BreathPlan.from_breathing(breathing(pattern="box"), holds=False)
    assert {p.phase for p in box.phases} == {BreathPhase.IN, BreathPhase.OUT}
    assert box.total_seconds == 6 * 8.0
    custom = breathing(pattern={"in": 3, "top_up": 1, "hold": 2, "out": 6, "rest": 2}, cycles=2)
    assert names(BreathPlan.from_breathing(custom, holds=False)) == ["in", "top-up", "out"]


def test_holds_off_fits_more_breaths_into_a_time() -> None:
    timed = breathing(pattern="box", seconds=64)
    assert BreathPlan.from_breathing(timed).cycles == 4
    assert BreathPlan.from_breathing(timed, holds=False).cycles == 8


def test_lengthening_grows_the_out_breath_and_caps_at_until() -> None:
    spec = breathing(
        pattern={"in": 4, "out": 4}, cycles=10, lengthen={"by": 1, "every": 2, "until": 7}
    )
    plan = BreathPlan.from_breathing(spec)
    outs = [p.seconds for p in plan.phases if p.phase is BreathPhase.OUT]
    assert outs == [4, 4, 5, 5, 6, 6, 7, 7, 7, 7]
    assert plan.total_seconds == spec.total_seconds()


@pytest.mark.parametrize("holds", [True, False])
@pytest.mark.parametrize("name", ["box", "sigh", "long-out", "slow", "even", "4-7-8"])
def test_plan_total_equals_the_model_exactly(name: str, holds: bool) -> None:
    spec = breathing(pattern=name)
    assert BreathPlan.from_breathing(spec, holds=holds).total_seconds == spec.total_seconds(
        holds=holds
    )


def test_lookup_at_boundaries_and_outside_the_plan() -> None:
    plan = BreathPlan.from_breathing(breathing(pattern="box", cycles=2))
    at_hold = breath_at(plan, 4.0)  # a boundary belongs to the phase that starts there
    assert (at_hold.phase, at_hold.fraction, at_hold.phase_remaining) == (BreathPhase.HOLD, 0, 4)
    second = breath_at(plan, 17.0)
    assert (second.cycle_index, second.phase, second.phase_index) == (1, BreathPhase.IN, 0)
    assert second.fraction == pytest.approx(0.25)
    assert breath_at(plan, -5).phase is BreathPhase.IN
    end = breath_at(plan, 1000)
    assert (end.phase, end.cycle_index, end.fraction, end.phase_remaining) == (
        BreathPhase.REST,
        1,
        1.0,
        0.0,
    )
    assert end.cycles == 2


def test_size_rises_during_in_and_falls_during_out_with_flat_holds() -> None:
    plan = BreathPlan.from_breathing(breathing(pattern="box", cycles=1))
    rising = [breath_at(plan, t).size for t in samples(0, 3.999)]
    assert rising == sorted(rising) and rising[0] == 0.0
    assert len(set(rising)) == len(rising)
    assert {breath_at(plan, t).size for t in samples(4, 7.999)} == {1.0}
    falling = [breath_at(plan, t).size for t in samples(8, 11.999)]
    assert falling == sorted(falling, reverse=True) and falling[0] == 1.0
    assert {breath_at(plan, t).size for t in samples(12, 16)} == {0.0}


def test_size_eases_slowly_at_both_ends_of_a_phase() -> None:
    plan = BreathPlan.from_breathing(breathing(pattern="even", cycles=1))
    early = breath_at(plan, 0.4).size - breath_at(plan, 0.0).size
    middle = breath_at(plan, 2.2).size - breath_at(plan, 1.8).size
    late = breath_at(plan, 3.999).size - breath_at(plan, 3.599).size
    assert early < middle and late < middle
    assert breath_at(plan, 2.0).size == pytest.approx(0.5)


def test_top_up_fills_the_rest_of_the_pacer() -> None:
    plan = BreathPlan.from_breathing(breathing(pattern="sigh", cycles=1))  # in 3, top-up 1, out 6
    assert breath_at(plan, 2.999999).size == pytest.approx(IN_FILL_BEFORE_TOP_UP, abs=1e-6)
    top_up = [breath_at(plan, t).size for t in samples(3, 3.999)]
    assert top_up[0] == pytest.approx(IN_FILL_BEFORE_TOP_UP)
    assert top_up == sorted(top_up) and top_up[-1] == pytest.approx(1.0, abs=1e-5)
    assert breath_at(plan, 3.0).words == "A little more"


pattern_strategy = st.fixed_dictionaries(
    {
        "in": st.floats(0.5, 10),
        "out": st.floats(0.5, 10),
        "hold": st.sampled_from([0.0, 0.5, 2.0, 7.0]),
        "rest": st.sampled_from([0.0, 1.0, 4.0]),
        "top_up": st.sampled_from([0.0, 0.25]),
    }
)


@given(pattern_strategy, st.integers(1, 8), st.booleans(), st.floats(-1, 200))
def test_lookup_matches_a_linear_scan(
    phases: dict[str, float], cycles: int, holds: bool, t: float
) -> None:
    plan = BreathPlan.from_breathing(breathing(pattern=phases, cycles=cycles), holds=holds)
    state = breath_at(plan, t)
    clamped = min(max(t, 0.0), plan.total_seconds)
    expected = next((p for p in plan.phases if clamped < p.end), plan.phases[-1])
    assert (state.phase, state.cycle_index, state.phase_index) == (
        expected.phase,
        expected.cycle_index,
        expected.phase_index,
    )
    assert 0.0 <= state.fraction <= 1.0
    assert 0.0 <= state.size <= 1.0
    assert state.phase_remaining == pytest.approx(expected.end - clamped, abs=1e-9)
    # Phases tile the plan: no gap, no overlap.
    ends = [p.end for p in plan.phases]
    starts = [p.start for p in plan.phases]
    assert starts[0] == 0.0 and starts[1:] == ends[:-1] and ends[-1] == plan.total_seconds
