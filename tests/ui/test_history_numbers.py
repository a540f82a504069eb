"""Honest numbers: the History screen, `safeplace history` and `safeplace stats` agree.

Each view counts the same sessions and minutes, marks the listed sessions it does not count,
and names each outcome with the same words.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from textual.widgets import DataTable

import history_seed
from safeplace.history.days import today as practice_today
from safeplace.history.records import Outcome, SessionRecord
from safeplace.history.store import HistoryStore
from safeplace.paths import Paths
from safeplace.ui.app import SafeplaceApp

AppFactory = Callable[..., SafeplaceApp]

# (days before today, outcome, seconds practised): every outcome, a short early end and a
# session dated after today (a clock that was wrong). Whole minutes, so rounding agrees.
SEEDS: list[tuple[int, Outcome, float]] = [
    (6, "completed", 240.0),
    (4, "completed", 180.0),
    (3, "interrupted", 420.0),
    (2, "ended-early", 120.0),
    (2, "ended-early", 30.0),
    (1, "completed", 600.0),
    (1, "open", 60.0),
    (0, "completed", 300.0),
    (-2, "completed", 300.0),
]
COUNTED = [(0, "completed", 300.0), (1, "completed", 600.0), (2, "ended-early", 120.0),
           (4, "completed", 180.0), (6, "completed", 240.0)]  # fmt: skip
WORDS = {"completed", "ended early", "interrupted", "in progress"}
NOT_COUNTED = "(not counted)"


def seed(store: HistoryStore, today: date) -> None:
    records = []
    for number, (days_ago, outcome, seconds) in enumerate(SEEDS):
        start = datetime.combine(today - timedelta(days=days_ago), time(12, number), UTC)
        records.append(
            SessionRecord(
                id=f"seed-{number}",
                exercise_id="kind-pause",
                title="A kind pause",
                content_hash="0" * 16,
                started_at=start,
                utc_offset_seconds=0,
                tz_name="UTC",
                day_start_hour=4,
                ended_at=None if outcome == "open" else start + timedelta(seconds=seconds),
                planned_seconds=600.0,
                practised_seconds=seconds,
                outcome=outcome,
                steps_reached=2,
                rating_before=None,
                rating_after=None,
                updated_at=start + timedelta(seconds=seconds),
            )
        )
    store.merge((record, []) for record in records)


def counted_minutes() -> int:
    return round(sum(seconds for _, _, seconds in COUNTED) / 60)


def outcome_of(text: str) -> str:
    return text.removesuffix(NOT_COUNTED).strip()


async def test_the_history_header_counts_what_its_table_lists(
    build_app: AppFactory, store: HistoryStore
) -> None:
    app = build_app(store=store)
    seed(store, practice_today(4, app.now(), zone=UTC))
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.press("h")
        await pilot.pause(0.3)
        summary = str(app.screen.query_one("#history-summary").render())
        table = app.screen.query_one("#sessions", DataTable)
        rows = [table.get_row_at(index) for index in range(table.row_count)]

        found = re.search(r"(\d+) (?:practice )?sessions? · (\d+) min", summary)
        assert found is not None, summary
        sessions, minutes = int(found[1]), int(found[2])
        counted = [row for row in rows if NOT_COUNTED not in str(row[3])]
        assert len(rows) == len(SEEDS)  # every session is listed, none hidden
        assert sessions == len(counted) == len(COUNTED)
        assert minutes == sum(int(str(row[2])) for row in counted) == counted_minutes()
        # The open row was left by no live process: in progress, or already interrupted.
        assert WORDS - {"in progress"} <= {outcome_of(str(row[3])) for row in rows} <= WORDS

        # The ended-early session reads the same in its details.
        index = next(i for i, row in enumerate(rows) if str(row[3]) == "ended early")
        table.focus()
        table.move_cursor(row=index)
        await pilot.press("enter")
        await pilot.pause(0.3)
        detail = " ".join(str(widget.render()) for widget in app.screen.query("Static"))
        assert "· ended early" in detail


def safeplace(*args: str) -> str:
    script = Path(sys.executable).with_name("safeplace")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "safeplace"]
    done = subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        env=dict(os.environ, TZ="UTC", LANG="C.UTF-8"),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def utc_today() -> date:
    return practice_today(4, zone=UTC)  # as the commands see it, with TZ=UTC


def test_history_and_stats_commands_agree(paths: Paths) -> None:
    with HistoryStore.open(paths.history_db) as store:
        seed(store, utc_today())

    listed = safeplace("history").splitlines()
    counted = [line for line in listed if NOT_COUNTED not in line]
    assert len(listed) == len(SEEDS)
    minutes = sum(int(re.findall(r"(\d+) min", line)[-1]) for line in counted)

    report = safeplace("stats")
    found = re.search(r"(\d+) (?:practice )?sessions?\D+(\d+) min", report)
    assert found is not None, report
    assert int(found[1]) == len(counted) == len(COUNTED)
    assert int(found[2]) == minutes == counted_minutes()
    as_json = json.loads(safeplace("stats", "--json"))
    assert as_json["total_sessions"] == len(COUNTED)
    assert round(as_json["total_minutes"]) == counted_minutes()


def test_an_outcome_has_one_name_in_every_command(paths: Paths) -> None:
    with HistoryStore.open(paths.history_db) as store:
        seed(store, utc_today())
    listed = safeplace("history")
    journal = safeplace("export", "--format", "markdown")
    for text in (listed, journal):
        assert "ended early" in text and "completed" in text and "interrupted" in text
        assert "ended-early" not in text and "stopped early" not in text
    # Machine formats keep the stable codes.
    assert "ended-early" in safeplace("history", "--json")


def test_a_gap_that_breaks_a_streak_spends_no_rest_day(paths: Paths) -> None:
    # The week: Monday, then Tue-Wed missed (a break) and Fri missed (the rest day),
    # then every day up to today. The Monday must not use up Friday's rest day.
    today = utc_today()
    monday = today - timedelta(days=today.weekday() + 7)
    practised = [monday, monday + timedelta(days=3)]
    practised += [monday + timedelta(days=n) for n in range(5, (today - monday).days + 1)]
    with HistoryStore.open(paths.history_db) as store:
        for day in practised:
            start = datetime.combine(day, time(12), UTC)
            session = history_seed.begin(
                store,
                "box",
                "Box",
                "h",
                300,
                day_start_hour=4,
                started_at=start,
                zone_offset=(0, "UTC"),
            )
            history_seed.finish(
                store, session, "completed", 300, 3, ended_at=start + timedelta(minutes=5)
            )
    expected = len(practised) - 1  # all but the Monday
    report = safeplace("stats")
    assert f"Current streak   {expected} days" in report
    assert f"Longest streak   {expected} days" in report
