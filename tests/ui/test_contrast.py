"""Every mark and every letter can be seen, in the dark and the light theme alike.

What is checked is what the screen draws: each cell's colour against the colour behind it,
by the WCAG contrast ratio. Text needs 4.5:1; marks (heatmap cells, the orb) need 3:1.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from rich.color import Color as RichColor
from rich.style import Style
from textual.pilot import Pilot

from conftest import AppFactory, CatchUp
from safeplace.cli import run
from safeplace.playback.clock import FakeClock

TEXT_RATIO = 4.5
MARK_RATIO = 3.0
# Marks: shapes, bars, lines and borders (the box-drawing and block ranges).
MARKS = frozenset(map(chr, range(0x2500, 0x25A0))) | frozenset("■□▪●○·")
SHADING_EDGES = frozenset({"tall", "wide"})
THEMES = ("textual-dark", "textual-light")
Steps = Callable[[Pilot[Any], FakeClock, CatchUp], Awaitable[None]]


def luminance(color: RichColor) -> float:
    red, green, blue = color.get_truecolor()

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def ratio(one: RichColor, other: RichColor) -> float:
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def is_shading(widget: Any, region: Any, x: int, y: int) -> bool:
    """The edge of a `tall` border: Textual's half-cell shading that rounds its controls off
    (and bevels its buttons). It marks nothing: a control is seen by its words, which are
    checked, and a border that is a line (round, solid) is checked as a mark."""
    inner = region.shrink(widget.styles.border.spacing)
    if inner.contains(x, y):
        return False
    styles = widget.styles
    side = (
        styles.border_top
        if y < inner.y
        else styles.border_bottom
        if y >= inner.bottom
        else styles.border_left
        if x < inner.x
        else styles.border_right
    )
    return bool(side[0] in SHADING_EDGES)


def faint_cells(app: Any) -> list[str]:
    """Cells drawn with too little contrast, once each as 'row: text in widget (ratio)'."""
    found: dict[str, None] = {}  # in order, without repeats
    compositor = app.screen._compositor
    for row, strip in enumerate(compositor.render_strips()):
        column = 0
        for segment in strip:
            at, column = column, column + segment.cell_length
            style: Style = segment.style or Style()
            if style.color is None or style.bgcolor is None:
                continue
            for character in set(segment.text) - {" ", "\u00a0"}:
                need = MARK_RATIO if character in MARKS else TEXT_RATIO
                seen = ratio(style.color, style.bgcolor)
                if seen >= need:
                    continue
                widget, region = compositor.get_widget_at(at, row)
                if need == MARK_RATIO and is_shading(widget, region, at, row):
                    continue
                where = widget.id or type(widget).__name__
                text = segment.text.strip()[:24]
                found[f"{row}: {text!r} in {where} ({seen:.2f} < {need})"] = None
                break
    return list(found)


def session(days_ago: int, minutes: float) -> dict[str, Any]:
    start = datetime(2026, 11, 20, 18, 0) - timedelta(days=days_ago)
    stamp = start.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    end = (start + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return {
        "id": f"contrast-{days_ago}",
        "exercise_id": "box-breathing",
        "title": "Box breathing",
        "content_hash": "0" * 16,
        "started_at": stamp,
        "local_started_at": stamp.replace(".000Z", "+00:00"),
        "utc_offset_seconds": 0,
        "tz_name": "UTC",
        "practice_day": start.date().isoformat(),
        "day_start_hour": 4,
        "ended_at": end,
        "planned_seconds": minutes * 60,
        "practised_seconds": minutes * 60,
        "outcome": "completed",
        "steps_reached": 4,
        "rating_before": 6,
        "rating_after": 3,
        "updated_at": end,
        "answers": [],
    }


@pytest.fixture
def practised(tmp_path: Path) -> None:
    """Five weeks of practice of every length, imported as a person would."""
    sessions = [session(day, 3 + (day * 7) % 30) for day in range(35) if day % 4]
    document = {
        "format": "safeplace-history",
        "version": 1,
        "exported_at": "2026-11-20T20:00:00.000Z",
        "sessions": sessions,
        "remembered": [],
    }
    file = tmp_path / "export.json"
    file.write_text(json.dumps(document), encoding="utf-8")
    assert run(["import", str(file)]) == 0


SCREENS = {
    "library": (),
    "search": ("slash", *"breath"),  # the list shows its choice while the search has focus
    "history": ("h",),
    "help": ("question_mark",),
    "settings": ("o",),
}


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("keys", list(SCREENS.values()), ids=list(SCREENS))
async def test_every_cell_can_be_seen(
    build_app: AppFactory, practised: None, theme: str, keys: tuple[str, ...]
) -> None:
    app = build_app(theme=theme)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*keys)
        await app.workers.wait_for_complete()  # the history is read in a thread
        await pilot.pause()
        faint = faint_cells(app)
        assert faint == [], "\n".join(faint)


async def _rating(pilot: Pilot[Any], clock: FakeClock, catch_up: CatchUp) -> None:
    await pilot.press("7")  # one number chosen, the others still offered


async def _say(pilot: Pilot[Any], clock: FakeClock, catch_up: CatchUp) -> None:
    await pilot.press("s")
    clock.advance(3)  # part of the way: the progress line is both done and to do
    await catch_up(pilot)


async def _breathe(pilot: Pilot[Any], clock: FakeClock, catch_up: CatchUp) -> None:
    await pilot.press("s", "right")
    clock.advance(2.5)  # most of the way through the first in-breath: the orb is drawn
    await catch_up(pilot)


async def _hold(pilot: Pilot[Any], clock: FakeClock, catch_up: CatchUp) -> None:
    await pilot.press("s", "right")
    clock.advance(5)  # into the hold, drawn in its own colour
    await catch_up(pilot)


async def _prompt(pilot: Pilot[Any], clock: FakeClock, catch_up: CatchUp) -> None:
    await pilot.press("s", *["right"] * 6)  # the empty box shows its hint


async def _paused(pilot: Pilot[Any], clock: FakeClock, catch_up: CatchUp) -> None:
    await pilot.press("s", "space")


async def _stop_dialog(pilot: Pilot[Any], clock: FakeClock, catch_up: CatchUp) -> None:
    await pilot.press("s", "escape")


async def _closing(pilot: Pilot[Any], clock: FakeClock, catch_up: CatchUp) -> None:
    await pilot.press("4", "enter", "escape", "y")  # it invites a rating after, too


PLAYER_PLACES: dict[str, Steps] = {
    "rating": _rating,
    "say": _say,
    "breathe": _breathe,
    "hold": _hold,
    "prompt": _prompt,
    "paused": _paused,
    "stop-dialog": _stop_dialog,
    "closing": _closing,
}


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("place", list(PLAYER_PLACES))
async def test_every_cell_of_the_player_can_be_seen(
    build_app: AppFactory, clock: FakeClock, catch_up: CatchUp, theme: str, place: str
) -> None:
    app = build_app("every-kind", theme=theme, motion="full")
    async with app.run_test(size=(120, 40)) as pilot:
        await PLAYER_PLACES[place](pilot, clock, catch_up)
        await pilot.pause()
        faint = faint_cells(app)
        assert faint == [], "\n".join(faint)


# Neighbouring heatmap levels differ by at least this much (their contrast with each other).
LEVEL_STEP = 1.2


@pytest.mark.parametrize("theme", THEMES)
async def test_heatmap_levels_stay_in_order_and_apart(
    build_app: AppFactory, practised: None, theme: str
) -> None:
    """The legend reads 'less ■ ■ ■ ■ ■ more': empty days, then each level more than the last."""
    app = build_app(theme=theme)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        await app.workers.wait_for_complete()
        await pilot.pause()
        legend = next(
            strip
            for strip in app.screen._compositor.render_strips()
            if "less" in strip.text and "more" in strip.text
        )
        cells = [segment.style or Style() for segment in legend if segment.text.strip() == "■"]
        assert len(cells) == 5
        background = cells[0].bgcolor
        colors = [cell.color for cell in cells]
        assert background is not None and None not in colors
        strengths = [ratio(color, background) for color in colors if color]
        assert strengths == sorted(strengths), strengths
        for quieter, louder in pairwise(color for color in colors if color):
            assert ratio(quieter, louder) >= LEVEL_STEP, strengths
