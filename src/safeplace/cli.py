"""Command line: headless commands for authors and scripts, or the app.

Headless commands never import Textual, so they stay fast and work without a terminal.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from safeplace import __version__
from safeplace.checked import CheckedCache
from safeplace.exercise.patterns import (
    NAMED_PATTERNS,
    QUICK_MINUTES,
    QUICK_MOST_MINUTES,
    QUICK_PATTERN,
)
from safeplace.logfile import LOG_OPTION, LOG_VARIABLE, start_log, take_log_option
from safeplace.paths import Paths, resolve_paths
from safeplace.settings import Settings, load_settings
from safeplace.text import close_matches, escaped, one_line, printable

if TYPE_CHECKING:
    from safeplace.exercise.playable import Playable

SCOPE_NOTE = (
    "safeplace is a companion for self-care, not therapy, diagnosis or an emergency service. "
    "If you are in danger, call your local emergency number."
)


APP_COMMANDS = ("start", "play", "breathe")


def build_parser(*, with_history: bool = True) -> argparse.ArgumentParser:
    """The parser; the history commands are left out when only the app is starting (speed)."""
    parser = argparse.ArgumentParser(
        prog="safeplace",
        description="Calm guided exercises in your terminal, with a private local history.",
        epilog=SCOPE_NOTE,
    )
    parser.add_argument("--version", action="version", version=f"safeplace {__version__}")
    parser.add_argument(
        LOG_OPTION,
        metavar="FILE",
        help=f"explain any save problems in FILE (also {LOG_VARIABLE}=FILE); off by default",
    )
    library_options = argparse.ArgumentParser(add_help=False)
    library_options.add_argument(
        "--exercises",
        metavar="DIR",
        action="append",
        type=Path,
        default=[],
        help="also load exercises from this folder or file (repeatable)",
    )
    app_options = argparse.ArgumentParser(add_help=False, parents=[library_options])
    app_options.add_argument("--speed", type=_speed, default=1.0, help="play faster (2 = twice)")
    app_options.add_argument("--bell", action="store_true", help="ring the bell on breath phases")
    app_options.add_argument("--no-color", action="store_true", help="draw without colour")
    app_options.add_argument(
        "--motion", choices=("full", "basic", "none"), help="pacer motion (none = text cues only)"
    )
    app_options.add_argument("--theme", help="a Textual theme name, e.g. textual-light")

    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    start = sub.add_parser("start", parents=[app_options], help="open the library (the default)")
    start.set_defaults(handler=_start_app, exercise_id=None)
    play = sub.add_parser("play", parents=[app_options], help="play one exercise")
    play.add_argument("exercise_id", metavar="ID")
    play.set_defaults(handler=_start_app)
    breathe = sub.add_parser(
        "breathe", parents=[app_options], help="a breathing pacer at once, no introduction"
    )
    breathe.add_argument(
        "pattern", nargs="?", default=QUICK_PATTERN, help=f"default {QUICK_PATTERN}"
    )
    breathe.add_argument(
        "--minutes", type=_minutes, default=QUICK_MINUTES, help=f"default {QUICK_MINUTES:g}"
    )
    breathe.set_defaults(handler=_breathe, exercise_id=None)

    listing = sub.add_parser("list", parents=[library_options], help="list the exercises")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(handler=_list)
    show = sub.add_parser("show", parents=[library_options], help="show one exercise")
    show.add_argument("exercise_id", metavar="ID")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(handler=_show)
    validate = sub.add_parser("validate", help="check exercise files or folders")
    validate.add_argument(
        "targets", metavar="PATH", nargs="*", type=Path, help="default: your own exercises folder"
    )
    validate.set_defaults(handler=_validate)
    schema = sub.add_parser("schema", help="print the JSON Schema of the exercise format")
    schema.set_defaults(handler=_schema)
    locate = sub.add_parser("locate", help="show where settings, history and exercises live")
    locate.set_defaults(handler=_locate)

    if with_history:
        from safeplace import cli_history

        cli_history.register(sub)
    return parser


def run(argv: list[str]) -> int:
    argv, log_file = take_log_option(argv)
    if log_file is not None and (problem := start_log(log_file)) is not None:
        _say_error(problem)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv = ["start", *argv]
    starts_app = argv[0] in APP_COMMANDS
    args = build_parser(with_history=not starts_app).parse_args(argv)
    paths = resolve_paths()
    # `status` draws a shell prompt: it never moves a file aside nor prints a notice into it.
    for_prompt = args.command == "status"
    cache = CheckedCache(paths.checked_cache)
    settings, problems = load_settings(paths.config_file, cache, repair=not for_prompt)
    for problem in [] if for_prompt else problems:
        _say_error(problem)
    args.settings_problems = problems  # the app shows them again, on its first screen
    try:
        result: int = args.handler(args, paths, settings)
    except KeyboardInterrupt:
        return 130
    return result


# --- headless commands -------------------------------------------------------------------


def _load_library(args: argparse.Namespace, paths: Paths) -> Any:
    from safeplace.exercise.library import load_library

    library = load_library(
        paths, extra_dirs=args.exercises, cache=CheckedCache(paths.checked_cache)
    )
    for notice in library.notices:
        _say_error(notice)
    for problem in library.problems:
        _say_error(str(problem))
    return library


def _list(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    library = _load_library(args, paths)
    rows = [
        {
            "id": loaded.exercise.id,
            "title": loaded.exercise.title,
            "category": loaded.exercise.category,
            "minutes": loaded.exercise.minutes,
            "summary": loaded.exercise.summary,
            "suits": list(loaded.exercise.suits),
            "origin": loaded.origin,
        }
        for loaded in library.exercises.values()
    ]
    if args.json:
        _print_json(rows)
        return 0
    if not rows:
        print("No exercises found. `safeplace locate` shows where your own exercises go.")
        return 0
    id_width = max(len(row["id"]) for row in rows)
    category_width = max(len(row["category"]) for row in rows)
    for row in rows:
        print(
            f"{row['id']:<{id_width}}  {row['category']:<{category_width}}  "
            f"{row['minutes']:>2} min  {one_line(row['title'])}"
        )
    return 0


def _show(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    library = _load_library(args, paths)
    loaded = library.get(args.exercise_id)
    if loaded is None:
        _say_error(library.unknown_id(args.exercise_id))
        return 1
    from safeplace.exercise.loader import LoadError, load_exercise_file

    try:  # the whole model, not the playable form: show describes the file as written
        exercise = load_exercise_file(loaded.path)
    except LoadError as error:  # changed since the library was read
        _say_error(str(error))
        return 1
    if args.json:
        data = exercise.model_dump(mode="json", by_alias=True, exclude_none=True)
        data["estimated_seconds"] = exercise.estimated_seconds()
        data["minutes"] = exercise.minutes
        data["source_file"] = str(loaded.path)
        _print_json(data)
        return 0
    from safeplace.exercise.describe import describe_exercise

    print(printable(describe_exercise(exercise, source=one_line(str(loaded.path)))))
    return 0


def _validate(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    from safeplace.exercise.library import validate_paths

    targets = args.targets or [paths.user_exercises]
    if not args.targets and not paths.user_exercises.exists():
        folder = one_line(str(paths.user_exercises))
        print(f"You have no exercises of your own yet ({folder}); nothing to check.")
        return 0
    problems, warnings = validate_paths(targets)
    for problem in [*problems, *warnings]:
        print(one_line(str(problem)))
    if problems:
        files = len({problem.path for problem in problems})
        print(f"Problems found in {files} file(s).", file=sys.stderr)
        return 1
    noted = f" ({len(warnings)} warning{'s' if len(warnings) != 1 else ''})" if warnings else ""
    print(f"All valid{noted}.", file=sys.stderr)
    return 0


def _schema(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    from safeplace.exercise.schema import exercise_json_schema

    _print_json(exercise_json_schema())
    return 0


def _locate(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    from safeplace.paths import bundled_exercises_dir, bundled_schema_file

    rows = {name: str(path) for name, path in paths.as_dict().items()}
    rows["bundled"] = str(bundled_exercises_dir())
    rows["schema"] = str(bundled_schema_file())
    width = max(len(name) for name in rows)
    for name, path in rows.items():
        print(f"{name:<{width}}  {one_line(path)}")
    return 0


# --- the app -----------------------------------------------------------------------------


def _breathe(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    from safeplace.exercise.quick import quick_breathing

    if args.pattern not in NAMED_PATTERNS:
        close = close_matches(args.pattern, NAMED_PATTERNS)
        hint = f" Did you mean {close[0]}?" if close else ""
        known = ", ".join(NAMED_PATTERNS)
        _say_error(
            f"There is no breathing pattern called '{args.pattern}'.{hint} They are: {known}."
        )
        return 1
    return _start_app(args, paths, settings, quick_breathing(args.pattern, args.minutes))


def _start_app(
    args: argparse.Namespace, paths: Paths, settings: Settings, quick: Playable | None = None
) -> int:
    problem = terminal_problem()
    if problem:
        _say_error(problem)
        return 2
    if args.no_color:
        os.environ["NO_COLOR"] = "1"
    # Start-up allocates hundreds of thousands of objects and holds no garbage worth
    # collecting; the collector's passes over them cost the first frame about a tenth.
    # Paused from here to the first frame only (SafeplaceApp.first_frame_drawn resumes it).
    gc.disable()
    from safeplace.ui.launch import launch

    return launch(
        paths=paths,
        settings=settings,
        extra_dirs=args.exercises,
        exercise_id=args.exercise_id,
        quick=quick,
        speed=args.speed,
        bell=args.bell or settings.bell,
        motion=args.motion,
        theme=args.theme,
        settings_notices=args.settings_problems,
    )


def terminal_problem() -> str | None:
    """One sentence when there is no terminal to draw in, instead of drawing blind."""
    stderr = sys.__stderr__
    if not sys.stdin.isatty() or stderr is None or not stderr.isatty():
        return (
            "safeplace needs an interactive terminal to draw in. For scripts, try "
            "`safeplace list`, `safeplace status` or `safeplace history --json`."
        )
    encoding = (getattr(stderr, "encoding", None) or "").lower().replace("-", "")
    if encoding not in ("utf8", "utf8sig"):
        return (
            f"This terminal's output encoding is {encoding or 'unknown'}, and safeplace draws "
            "with UTF-8. Set a UTF-8 locale (for example LANG=C.UTF-8) and try again."
        )
    return None


def _speed(text: str) -> float:
    from safeplace.history.records import MAX_SPEED, MIN_SPEED  # the bounds the history keeps

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("speed must be a number, e.g. 2") from None
    if not MIN_SPEED <= value <= MAX_SPEED:
        raise argparse.ArgumentTypeError(f"speed must be between {MIN_SPEED:g} and {MAX_SPEED:g}")
    return value


def _minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("minutes must be a number, e.g. 3") from None
    if not 0 < value <= QUICK_MOST_MINUTES:
        raise argparse.ArgumentTypeError(
            f"minutes must be more than 0 and at most {QUICK_MOST_MINUTES:g}"
        )
    return value


def _say_error(message: str) -> None:
    """One sentence on stderr, on one line: a file name or an id in it is data."""
    print(one_line(message), file=sys.stderr)


def _print_json(data: Any) -> None:
    print(escaped(json.dumps(data, indent=2, ensure_ascii=False)))
