"""Headless history commands: history, stats, export, import, status, remembered, plan, erase.

No Textual or Rich: these work without a terminal and `safeplace status` stays fast enough for
a shell prompt. Reading commands never create a history file. Everything printed from the
person's data passes through ``printable()``. Problems are one sentence on stderr, exit 1.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from safeplace.files import Refused, write_to_target
from safeplace.history import days
from safeplace.history.database import HistoryUnavailable, failure_reason, is_foreign
from safeplace.history.exchange import (
    EXPORT_FORMATS,
    FORMATTERS,
    ImportProblem,
    read_export,
    session_to_dict,
)
from safeplace.history.pending import has_waiting, mark_erased, merge_pending
from safeplace.history.plan import NO_PLAN, crisis_text
from safeplace.history.records import HistoryDump, SessionRecord
from safeplace.history.stats import (
    Stats,
    compute_stats,
    how_it_ended,
    stats_from_store,
    status_line,
)
from safeplace.history.store import HistoryStore, utc_now
from safeplace.text import NAME_PATTERN, one_line, printable

if TYPE_CHECKING:
    from safeplace.paths import Paths
    from safeplace.settings import Settings

Handler = Callable[[argparse.Namespace, "Paths", "Settings"], int]


class _Refused(Exception):
    """A user mistake; the message is the sentence to show."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the history commands; each sets ``handler(args, paths, settings) -> exit code``."""
    history = subparsers.add_parser("history", help="list your practice sessions")
    history.add_argument("--json", action="store_true", help="print JSON")
    history.add_argument(
        "--since", metavar="DATE", help="only practice days from DATE (YYYY-MM-DD)"
    )
    history.set_defaults(handler=run_history)

    stats = subparsers.add_parser("stats", help="streaks, minutes and what helps")
    stats.add_argument("--json", action="store_true", help="print JSON")
    stats.set_defaults(handler=run_stats)

    export = subparsers.add_parser("export", help="write your history as CSV, JSON or Markdown")
    export.add_argument("--format", choices=EXPORT_FORMATS, default="json")
    export.add_argument(
        "-o", "--output", metavar="FILE", type=Path, help="write to FILE instead of the screen"
    )
    export.add_argument(
        "--force", action="store_true", help="replace FILE if it exists (never safeplace's own)"
    )
    export.set_defaults(handler=run_export)

    import_ = subparsers.add_parser("import", help="merge a JSON export into your history")
    import_.add_argument("file", type=Path, metavar="FILE")
    import_.set_defaults(handler=run_import)

    status = subparsers.add_parser("status", help="one short line for a shell prompt")
    status.set_defaults(handler=run_status)

    remembered = subparsers.add_parser(
        "remembered", help="what is remembered across sessions, and when it was given"
    )
    remembered.add_argument("name", nargs="?", help="the name an exercise uses, e.g. cue_word")
    remembered.add_argument("text", nargs="?", help="the new text to remember")
    remembered.add_argument(
        "--forget",
        nargs="?",
        const=True,
        metavar="NAME",
        help="forget this name (safeplace remembered --forget cue_word)",
    )
    remembered.set_defaults(handler=run_remembered)

    plan = subparsers.add_parser(
        "plan", help="print your safety plan as plain text, with crisis lines"
    )
    plan.set_defaults(handler=run_plan)

    erase = subparsers.add_parser("erase", help="erase your whole history (asks first)")
    erase.add_argument("--yes", action="store_true", help="do not ask (for scripts)")
    erase.set_defaults(handler=run_erase)


def _command(run: Handler) -> Handler:
    """Turn failures into one sentence on stderr and exit code 1."""

    @functools.wraps(run)
    def handler(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
        try:
            return run(args, paths, settings)
        except (_Refused, HistoryUnavailable, ImportProblem) as problem:
            _say(printable(str(problem)), sys.stderr)
        except BrokenPipeError:
            raise  # the reader of our output has gone (`| head`): __main__ ends quietly
        except (sqlite3.Error, OSError) as error:  # a failing disk: a sentence, no traceback
            _say(f"The history could not be used: {failure_reason(error)}.", sys.stderr)
        return 1

    return handler


@contextmanager
def _open(paths: Paths, *, create: bool = False) -> Iterator[HistoryStore | None]:
    """The store, or None when there is no history yet and ``create`` is false. Sessions that
    wait in the pending file are practice, so they make a history even for a reading command."""
    if not (create or os.path.lexists(paths.history_db) or has_waiting(paths.pending_file)):
        yield None
        return
    store = HistoryStore.open(paths.history_db)
    merge_pending(store, paths.pending_file)  # sessions that waited: in every view at once
    if store.notice:
        _say(printable(store.notice), sys.stderr)
    try:
        yield store
    finally:
        store.close()


@_command
def run_history(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    since = _parse_day(args.since) if args.since else None
    hour = settings.day_start_hour
    with _open(paths) as store:
        sessions = [] if store is None else store.sessions(since, day_start_hour=hour)
        answers = store.all_answers() if store is not None and args.json else {}
    if args.json:
        rows = [session_to_dict(s, answers.get(s.id, []), hour) for s in sessions]
        _say(json.dumps(rows, indent=1))
        return 0
    if not sessions:
        _say("No practice recorded yet." if since is None else f"No practice since {since}.")
        return 0
    width = min(32, max(len(one_line(s.title)) for s in sessions))
    today = days.today(hour)
    endings = [how_it_ended(s, today) for s in sessions]  # marks what `stats` does not count
    pad = max(map(len, endings))
    for s, ending in zip(sessions, endings, strict=True):
        title = one_line(s.title)[:width].ljust(width)
        local = s.local_started_at.strftime("%H:%M")
        minutes = f"{round(s.practised_seconds / 60):>3} min"
        line = f"{s.practice_day}  {local}  {title}  {minutes}  {ending.ljust(pad)}  {_ratings(s)}"
        _say(line.rstrip())
    return 0


@_command
def run_stats(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    stats = _stats(paths, settings)
    if args.json:
        _say(json.dumps(asdict(stats), indent=1, default=str))
        return 0
    for line in describe_stats(stats, settings.show_streaks, _unicode_ok()):
        _say(line)
    return 0


def run_status(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    """One short line for a shell prompt or a status bar, or nothing (exit 1) when the history
    cannot be read. It only reads: it never creates, repairs or moves a file, and never prints
    a notice, which a prompt would repeat at every line; the other commands say what is wrong.
    """
    hour, rest = settings.day_start_hour, settings.rest_days_per_week
    today = days.today(hour)
    if not os.path.lexists(paths.history_db):
        stats = compute_stats([], today=today, day_start_hour=hour, rest_days_per_week=rest)
    elif not paths.history_db.is_file() or is_foreign(paths.history_db):
        return 1  # a FIFO would block a prompt; another program's file gains no -wal from us
    else:
        try:
            uri = f"{paths.history_db.absolute().as_uri()}?mode=ro"
            db = sqlite3.connect(uri, uri=True, timeout=0.25, check_same_thread=False)
            with HistoryStore(db, paths.history_db, utc_now) as store:
                stats = stats_from_store(
                    store, today=today, day_start_hour=hour, rest_days_per_week=rest
                )
        except Exception:  # never a traceback in a prompt; `safeplace stats` says what is wrong
            return 1
    _say(status_line(stats, settings.show_streaks))
    return 0


@_command
def run_export(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    """Print, or write to ``-o``: a pipe or a device is written through, an existing file only
    replaced with ``--force``, a link never followed to a file, safeplace's own files never."""
    with _open(paths) as store:
        dump = HistoryDump([], {}, []) if store is None else store.dump()
    text = FORMATTERS[args.format](dump, settings.day_start_hour)
    if args.output is None:
        _say(text, end="")
        return 0
    try:
        stream = write_to_target(args.output, text, replace=args.force, own=paths.own_locations())
    except Refused as refused:
        raise _Refused(str(refused)) from None
    except OSError as error:
        where = printable(str(args.output))
        raise _Refused(f"{where} could not be written: {error.strerror}.") from error
    if not stream:  # a pipe or /dev/stdout may be this very output: it gets the export only
        count = len(dump.sessions)
        sessions = "1 session" if count == 1 else f"{count} sessions"
        _say(f"Exported {sessions} to {one_line(str(args.output))}.")
    return 0


@_command
def run_import(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    """Check the whole file first: a refused file opens (or creates) no history."""
    try:
        contents = read_export(args.file)
    except ImportProblem as problem:
        raise _Refused(f"{problem}; nothing was imported.") from None
    with _open(paths, create=True) as store:
        assert store is not None
        report = store.merge(*contents)
    _say(
        f"Imported {printable(str(args.file))}: {report.added} added, "
        f"{report.updated} updated, {report.unchanged} already there."
    )
    return 0


@_command
def run_remembered(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    """List what is remembered (the day each was given), show one, change one or forget one.
    Only a change creates a history; forgetting a name that is not there is a mistake."""
    forget = args.forget if isinstance(args.forget, str) else None
    if forget is not None and args.name is not None:
        raise _Refused("Give one name to forget, e.g. safeplace remembered --forget cue_word")
    name = forget or args.name
    if name is not None and not re.fullmatch(NAME_PATTERN, name):
        raise _Refused(f"{printable(name)!r} is not a name: use lower-case letters, digits, _")
    if args.forget and (name is None or args.text is not None):
        raise _Refused("Give just the name to forget, e.g. safeplace remembered --forget cue_word")
    with _open(paths, create=args.text is not None) as store:
        known = [] if store is None else store.remembered_with_dates()
        if args.forget:
            if store is None or name not in {entry.name for entry in known}:
                raise _Refused(f"Nothing is remembered as {name}, so there is nothing to forget.")
            store.forget(name)
            _say(f"Forgot {name}.")
            return 0
        if store is not None and args.text is not None:
            store.set_remembered(name, args.text)
            _say(f"Remembered {name}.")
            return 0
    if name is not None:
        known = [entry for entry in known if entry.name == name]
        if not known:
            raise _Refused(f"Nothing is remembered as {name}.")
    for entry in known:  # rows are data: an import may have put anything there
        given = entry.given_at.astimezone().date().isoformat()
        _say(f"{given}  {one_line(entry.name)}: {one_line(entry.words)}")
    if not known:
        _say("Nothing remembered yet.")
    return 0


@_command
def run_plan(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    """The safety plan as plain text, to print or keep, then the crisis lines of the person's
    region. Reading it creates no history."""
    with _open(paths) as store:
        plan = None if store is None else store.safety_plan()
    _say(NO_PLAN + "\n" if plan is None or plan.is_empty else plan.as_text())
    _say(crisis_text(settings.crisis_region), end="")
    return 0


@_command
def run_erase(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    def copies_set_aside() -> list[Path]:  # damaged history files, unreadable waiting sessions
        damaged = paths.data_dir.glob(f"{paths.history_db.stem}.corrupt-*")
        unreadable = paths.state_dir.glob(f"{paths.pending_file.stem}.unreadable-*")
        return sorted([*damaged, *unreadable])

    set_aside = copies_set_aside()
    if not args.yes:
        if not sys.stdin.isatty():
            raise _Refused("Nothing was erased: confirm with `safeplace erase --yes` in scripts.")
        extra = f" and {len(set_aside)} set-aside copies" if set_aside else ""
        _say(
            f"This erases every session, answer and remembered name, your safety plan and "
            f"your favourites in {paths.history_db}{extra}. Exports saved elsewhere are not "
            "touched."
        )
        try:
            reply = input("Type erase to confirm: ")
        except EOFError:
            reply = ""
        if reply.strip() != "erase":
            raise _Refused("Nothing was erased.")
    with _open(paths) as store:
        if store is not None:
            store.erase_all()
    try:  # a safeplace playing now sees the mark, and keeps nothing more of its session
        mark_erased(paths.pending_file)
    except OSError:
        paths.pending_file.unlink(missing_ok=True)
    for leftover in copies_set_aside():  # opening the history may have set more aside
        leftover.unlink(missing_ok=True)
    _say("Your history is erased.")
    return 0


def describe_stats(stats: Stats, show_streaks: bool, unicode_ok: bool) -> list[str]:
    """The `safeplace stats` report, as lines."""
    lines = []
    if show_streaks:
        rest = stats.rest_days_per_week
        gentle = f" ({rest} rest day{'s' if rest != 1 else ''} a week)" if rest else ""
        lines += [
            f"Current streak   {_days(stats.current_streak)}{gentle}",
            f"Longest streak   {_days(stats.longest_streak)}",
        ]
    lines += [
        f"Today            {'done' if stats.done_today else 'not yet'}",
        f"Sessions         {stats.total_sessions} ({round(stats.total_minutes)} minutes)",
        f"Last 30 days     {_days(stats.days_practised_last_30)} with practice",
        "",
        "Minutes per week",
    ]
    lines += [f"  {monday}  {round(minutes):>4}" for monday, minutes in stats.weekly_minutes]
    if stats.per_exercise:
        lines += ["", "What helps (average change in rating, after minus before)"]
        width = min(32, max(len(one_line(row.title)) for row in stats.per_exercise))
        for row in stats.per_exercise:
            change = "not rated" if row.average_change is None else f"{row.average_change:+.1f}"
            lines.append(
                f"  {one_line(row.title)[:width].ljust(width)}  {row.count:>4} sessions  "
                f"{round(row.minutes):>5} min  {change}"
                + (f" ({row.rated_pairs} rated)" if row.rated_pairs else "")
            )
    lines += ["", "Last 53 weeks (rows Monday to Sunday)", *heatmap_rows(stats, unicode_ok)]
    return lines


def heatmap_rows(stats: Stats, unicode_ok: bool) -> list[str]:
    shades = " ░▒▓█" if unicode_ok else " .:*#"
    rows = [[" "] * (len(stats.heatmap) // 7 + 1) for _ in range(7)]
    for index, (day, minutes) in enumerate(stats.heatmap):
        level = 0 if minutes <= 0 else min(4, 1 + int(minutes // 10))
        rows[day.weekday()][index // 7] = shades[level] if level else "·" if unicode_ok else "-"
    return ["  " + "".join(row).rstrip() for row in rows]


def _stats(paths: Paths, settings: Settings) -> Stats:
    hour = settings.day_start_hour
    today = days.today(hour)
    rest = settings.rest_days_per_week
    with _open(paths) as store:
        if store is None:
            return compute_stats([], today=today, day_start_hour=hour, rest_days_per_week=rest)
        return stats_from_store(store, today=today, day_start_hour=hour, rest_days_per_week=rest)


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _Refused(f"{printable(text)!r} is not a date: write it as YYYY-MM-DD.") from None


def _ratings(session: SessionRecord) -> str:
    before, after = session.rating_before, session.rating_after
    if before is None and after is None:
        return ""
    return f"{'-' if before is None else before} -> {'-' if after is None else after}"


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def _unicode_ok() -> bool:
    encoding = (getattr(sys.stdout, "encoding", None) or "ascii").lower()
    return encoding.replace("-", "").startswith("utf")


def _say(text: str, stream: Any = None, end: str = "\n") -> None:
    """Print, replacing what the terminal's encoding cannot show instead of failing.

    Never a control character; a message on stderr is one sentence, so on one line.
    """
    out = stream or sys.stdout
    text = one_line(text) if out is sys.stderr else printable(text)
    encoding = getattr(out, "encoding", None) or "utf-8"
    out.write((text + end).encode(encoding, "replace").decode(encoding))
    out.flush()
