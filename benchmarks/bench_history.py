"""History benchmarks: ratios against a baseline measured in the same run.

1. All statistics over 100,000 sessions, read from the store, against one query that reads the
   start time and practised seconds of every row into Python (reading the data once is the
   floor). Target: at most 2x.
2. One recorded session commit (the save of its start, of its progress and of its end, as
   the recorder saves them; WAL, synchronous=FULL) against a bare one-row INSERT commit with
   the same pragmas. Target: at most 3x.

Run: ``.venv/bin/python benchmarks/bench_history.py``. Exits 1 when a target is missed.
"""

from __future__ import annotations

import functools
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from safeplace.history.days import practice_day
from safeplace.history.owners import new_owner
from safeplace.history.records import SessionRecord
from safeplace.history.stats import compute_stats, stats_from_store
from safeplace.history.store import HistoryStore

T = TypeVar("T")
SESSIONS = 100_000
STATS_TARGET = 2.0
COMMIT_TARGET = 3.0
COMMITS = 300
ROUNDS = 7
EXERCISES = [f"exercise-{n:02d}" for n in range(24)]
MS = timedelta(milliseconds=1)
OUTCOMES = ["completed"] * 17 + ["ended-early"] * 2 + ["interrupted"]


def generated_sessions(count: int, seed: int = 7) -> Iterator[SessionRecord]:
    """Years of practice: one to four sessions on most days, breaks, travel, ratings."""
    rng = random.Random(seed)
    moment = datetime(2000, 1, 1, 7, tzinfo=UTC)
    for number in range(count):
        moment += timedelta(hours=rng.choice([3, 5, 9, 20, 26, 30, 70]))
        seconds = rng.choice([60.0, 120.0, 300.0, 600.0, 900.0, 1200.0])
        outcome = rng.choice(OUTCOMES)
        rated = rng.random() < 0.6
        offset = rng.choice([3600] * 9 + [-18000])
        before = rng.randint(3, 9) if rated else None
        yield SessionRecord(
            id=f"bench-{number:06d}",
            exercise_id=(exercise := rng.choice(EXERCISES)),
            title=exercise.replace("-", " ").title(),
            content_hash="0123456789abcdef" * 4,
            started_at=moment,
            utc_offset_seconds=offset,
            tz_name="Europe/Berlin" if offset == 3600 else "America/New_York",
            day_start_hour=4,
            ended_at=moment + timedelta(seconds=seconds),
            planned_seconds=seconds,
            practised_seconds=seconds if outcome == "completed" else seconds / 2,
            outcome=outcome,  # type: ignore[arg-type]
            steps_reached=rng.randint(1, 12),
            rating_before=before,
            rating_after=None if before is None else max(0, before - rng.randint(-1, 4)),
            updated_at=moment + timedelta(seconds=seconds),
        )


def best_of(rounds: int, *runs: Callable[[], object]) -> list[float]:
    """Best time of each run, alternating them so that both see the same machine state."""
    best = [float("inf")] * len(runs)
    for _ in range(rounds):
        for index, run in enumerate(runs):
            started = time.perf_counter()
            run()
            best[index] = min(best[index], time.perf_counter() - started)
    return best


def time_of(call: Callable[..., T], *args: object) -> tuple[float, T]:
    started = time.perf_counter()
    result = call(*args)
    return time.perf_counter() - started, result


def bench_stats(folder: Path) -> tuple[float, float, float]:
    store = HistoryStore.open(folder / "history.db")
    store.merge((record, []) for record in generated_sessions(SESSIONS))
    last = store.sessions()[-1]
    today = practice_day(last.started_at, last.utc_offset_seconds, 4) + timedelta(days=1)
    reader = sqlite3.connect(folder / "history.db")

    def floor() -> object:
        return reader.execute("SELECT started_ms, practised_seconds FROM sessions").fetchall()

    def all_stats() -> object:
        return stats_from_store(store, today=today, day_start_hour=4, rest_days_per_week=1)

    floor_time, stats_time = best_of(ROUNDS, floor, all_stats)
    records = store.sessions()
    started = time.perf_counter()
    compute_stats(records, today=today, day_start_hour=4, rest_days_per_week=1)
    from_records = time.perf_counter() - started
    reader.close()
    store.close()
    return floor_time, stats_time, from_records


def bench_commits(folder: Path) -> tuple[float, dict[str, float]]:
    bare = sqlite3.connect(folder / "bare.db", isolation_level=None)
    bare.execute("PRAGMA journal_mode = WAL")
    bare.execute("PRAGMA synchronous = FULL")
    bare.execute("CREATE TABLE t (id TEXT, exercise TEXT, started INTEGER, seconds REAL)")

    def bare_commit(number: int) -> None:
        bare.execute("BEGIN IMMEDIATE")
        bare.execute("INSERT INTO t VALUES (?, 'box', ?, 300.0)", (f"id-{number}", number))
        bare.execute("COMMIT")

    store = HistoryStore.open(folder / "recorded.db")
    owner = new_owner()
    times: dict[str, list[float]] = {"begin": [], "progress": [], "finish": []}
    baseline = []
    for number in range(COMMITS):  # one whole session after another, saved as the recorder does
        baseline.append(time_of(bare_commit, number)[0])
        now = datetime.now(UTC)
        start = SessionRecord.starting(
            "box",
            "Box breathing",
            "hash",
            300,
            started_at=now,
            zone_offset=(3600, "Europe/Berlin"),
            day_start_hour=4,
            updated_at=now,
        )
        steps = replace(start, practised_seconds=150.0, steps_reached=3, updated_at=now + MS)
        end = replace(steps, outcome="completed", practised_seconds=300.0, steps_reached=6)
        end = replace(end, ended_at=now + 2 * MS, updated_at=now + 2 * MS)
        for name, record in (("begin", start), ("progress", steps), ("finish", end)):
            new = record is start  # the first save of a session closes rows left open
            save = functools.partial(store.save, record, owner=owner, must_exist=not new)
            times[name].append(time_of(save)[0])
    recorded = {name: statistics.median(values) for name, values in times.items()}
    bare.close()
    store.close()
    return statistics.median(baseline), recorded


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="safeplace-bench-") as name:
        folder = Path(name)
        floor, stats, from_records = bench_stats(folder)
        baseline, recorded = bench_commits(folder)
    ok = True
    ratio = stats / floor
    ok &= ratio <= STATS_TARGET
    print(f"history stats over {SESSIONS:,} sessions (best of {ROUNDS})")
    print(f"  floor: read start and seconds of every row   {floor * 1000:8.1f} ms")
    print(f"  all stats from the store                      {stats * 1000:8.1f} ms")
    verdict = "ok" if ratio <= STATS_TARGET else "MISSED"
    print(f"  ratio {ratio:.2f}x (target <= {STATS_TARGET:.0f}x) {verdict}")
    print(f"  (for reference: compute_stats over loaded records {from_records * 1000:.1f} ms)")
    print(f"history commits, WAL + synchronous=FULL (median of {COMMITS})")
    print(f"  bare one-row INSERT commit                    {baseline * 1e6:8.0f} us")
    for name, seconds in recorded.items():
        commit_ratio = seconds / baseline
        ok &= commit_ratio <= COMMIT_TARGET
        verdict = "ok" if commit_ratio <= COMMIT_TARGET else "MISSED"
        target = f"(target <= {COMMIT_TARGET:.0f}x) {verdict}"
        print(f"  {name:<9} {seconds * 1e6:8.0f} us  ratio {commit_ratio:.2f}x {target}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
