"""`safeplace breathe`: the first breath comes with the first frame, and it is recorded."""

from __future__ import annotations

import json

import pytest

from conftest import AppFactory, CatchUp, Playing
from safeplace.cli import run
from safeplace.exercise.quick import quick_breathing
from safeplace.playback.clock import FakeClock
from safeplace.ui.screens.closing import ClosingScreen
from safeplace.ui.widgets.pacer import Pacer


async def test_the_pacer_is_the_first_screen_and_the_session_is_kept(
    build_app: AppFactory,
    clock: FakeClock,
    playing: Playing,
    catch_up: CatchUp,
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = build_app(quick=quick_breathing("box", 1))
    async with app.run_test() as pilot:
        assert playing(app).session.view().segment.kind == "breathe"  # no introduction
        assert app.screen.query_one(Pacer).cue.startswith("Breathe in")
        clock.advance(48.01)  # three box breaths of 16 s fit in a minute
        await catch_up(pilot)
        assert isinstance(app.screen, ClosingScreen)
        app.history.flush()
    assert run(["history", "--json"]) == 0
    [kept] = json.loads(capsys.readouterr().out)
    assert (kept["exercise_id"], kept["title"], kept["outcome"]) == (
        "breathe-box",
        "Quick box breathing",
        "completed",
    )
    assert kept["practised_seconds"] == pytest.approx(48, abs=0.1)


def test_an_unknown_pattern_gets_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["breathe", "boxx"]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line == (
        "There is no breathing pattern called 'boxx'. Did you mean box? "
        "They are: box, sigh, long-out, slow, even, 4-7-8."
    )


@pytest.mark.parametrize("minutes", ["0", "-2", "61", "three"])
def test_minutes_out_of_range_are_refused(minutes: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        run(["breathe", "--minutes", minutes])
    assert stopped.value.code == 2
    assert "minutes must be" in capsys.readouterr().err


def test_a_quick_breath_fits_whole_breaths_in_the_minutes() -> None:
    quick = quick_breathing("long-out", 3)
    [part] = quick.parts
    assert part.breath is not None and part.breath.cycle_count() == 18  # 10 s each
    assert (quick.minutes, quick.estimated_seconds, quick.cautions) == (3, 180.0, ())
    assert quick_breathing("box", 3).cautions == ("breath-holds",)
