"""Export the history as JSON, CSV or a Markdown journal, and import (merge) a JSON export.

The JSON document carries everything (sessions, answers, remembered names, forgotten ones
included, the safety plan's parts and the favourites, emptied ones and those taken off
included) and is what :func:`read_export` reads for an import (``HistoryStore.merge``, where
the newest snapshot of a session, a name, a part or a favourite wins); the pending-sessions
file uses the same document, one per line. Version 1 (before the plan and favourites) is
read as holding neither, and a session without a speed as played at its written pace.
Import is all or nothing: the whole file is read and every value checked against the bounds
of a record before anything is written, and a problem is one sentence naming the field.
CSV and Markdown are for reading: their text is printable, a title is one line, a CSV cell
never starts a formula and the journal shows people's words literally.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import stat
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, NamedTuple, NoReturn, TypeVar

from safeplace.history.outcomes import outcome_words
from safeplace.history.plan import MAX_ENTRIES, MAX_ENTRY_CHARS, SECTION_IDS
from safeplace.history.records import (
    DAY_START_HOURS,
    EARLIEST,
    LATEST,
    MAX_SECONDS,
    MAX_SPEED,
    MIN_SPEED,
    OUTCOMES,
    RATING_RANGE,
    STEP_RANGE,
    UTC_OFFSETS,
    AnswerRecord,
    FavouriteRecord,
    HistoryDump,
    ImportReport,
    PlanSectionRecord,
    RememberedRecord,
    SessionRecord,
    is_name,
    possible_moment,
    possible_seconds,
    possible_speed,
)
from safeplace.text import one_line, printable

FORMAT = "safeplace-history"
VERSION = 2  # 2: the safety plan and favourites, and each session's speed
ExportFormat = Literal["csv", "json", "markdown"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "json", "markdown")
SessionWithAnswers = tuple[SessionRecord, list[AnswerRecord]]
__all__ = [
    "ExportContents",
    "ImportProblem",
    "ImportReport",
    "read_export",
]


class ImportProblem(ValueError):
    """The file is not a safeplace JSON export; the message says where and why."""


class ExportContents(NamedTuple):
    """What an export holds, in the order ``HistoryStore.merge`` takes it."""

    sessions: list[SessionWithAnswers]
    remembered: list[RememberedRecord]
    safety_plan: list[PlanSectionRecord]
    favourites: list[FavouriteRecord]


def read_export(file: Path) -> ExportContents:
    """Everything in a JSON export, every value checked before any is used.

    Raises :class:`ImportProblem`, one sentence naming the file and the field.
    """
    source = str(file)
    data = _read_small_file(file, source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportProblem(
            f"{source}: not UTF-8 text (byte {error.start + 1}); import reads the file written "
            "by `safeplace export --format json`"
        ) from None
    return parse_export(load_json(text, source), source)


def load_json(text: str, source: str) -> object:
    """Parse JSON as an export is read: NaN, Infinity and numbers beyond any bound are kept
    as markers that :func:`parse_document` refuses by field; deep nesting is a sentence."""
    if not text.strip():
        raise ImportProblem(f"{source}: the file is empty; {_WHAT_IMPORT_READS}")
    try:
        return json.loads(
            text, parse_constant=_Impossible, parse_float=_json_float, parse_int=_json_int
        )
    except json.JSONDecodeError as error:
        raise ImportProblem(
            f"{source}:{error.lineno}:{error.colno}: not JSON ({error.msg}); {_WHAT_IMPORT_READS}"
        ) from None
    except RecursionError:
        raise ImportProblem(
            f"{source}: nested too deeply to be a safeplace export; {_WHAT_IMPORT_READS}"
        ) from None


_WHAT_IMPORT_READS = "import reads the file written by `safeplace export --format json`"
MAX_IMPORT_BYTES = 64 * 1024 * 1024
"""Far beyond a lifetime of practice; keeps a wrong file from filling the memory."""


def _read_small_file(file: Path, source: str) -> bytes:
    """The bytes of a regular file of at most :data:`MAX_IMPORT_BYTES`; never waits on a pipe."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer.
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ImportProblem(f"{source}: no such file") from None
    except IsADirectoryError:
        raise ImportProblem(f"{source}: this is a folder, not a file") from None
    except OSError as error:
        raise ImportProblem(f"{source}: cannot be read ({error.strerror or error})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ImportProblem(f"{source}: this is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise ImportProblem(
                f"{source}: not a regular file (a pipe, socket or device); {_WHAT_IMPORT_READS}"
            )
        if info.st_size > MAX_IMPORT_BYTES:
            raise ImportProblem(_too_large(source))
        chunks, remaining = [], MAX_IMPORT_BYTES + 1
        while remaining > 0 and (chunk := os.read(fd, min(remaining, 1 << 20))):
            chunks.append(chunk)
            remaining -= len(chunk)
        if remaining <= 0:  # it grew after fstat
            raise ImportProblem(_too_large(source))
        return b"".join(chunks)
    except OSError as error:
        raise ImportProblem(f"{source}: cannot be read ({error.strerror or error})") from None
    finally:
        os.close(fd)


def _too_large(source: str) -> str:
    return f"{source}: too large to be a safeplace export (over {MAX_IMPORT_BYTES >> 20} MiB)"


class _Impossible:
    """A number no export holds (NaN, Infinity, more digits than any bound), as written."""

    def __init__(self, written: str) -> None:
        self.written = written


def _json_float(written: str) -> float | _Impossible:
    value = float(written)
    return value if math.isfinite(value) else _Impossible(written)


def _json_int(written: str) -> int | _Impossible:
    # int() of thousands of digits is slow, then refused by Python: no bound needs 20 digits.
    return int(written) if len(written) <= 20 else _Impossible(written)


# --- JSON ------------------------------------------------------------------------------


def export_json(dump: HistoryDump, day_start_hour: int) -> str:
    sessions = [
        session_to_dict(record, dump.answers.get(record.id, []), day_start_hour)
        for record in dump.sessions
    ]
    return document(
        sessions, dump.remembered, safety_plan=dump.safety_plan, favourites=dump.favourites
    )


def document(
    sessions: list[dict[str, Any]],
    remembered: Sequence[RememberedRecord],
    *,
    safety_plan: Sequence[PlanSectionRecord] = (),
    favourites: Sequence[FavouriteRecord] = (),
    indent: int | None = 1,
) -> str:
    """A JSON document; ASCII-only, so it is safe to print to any terminal."""
    body = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _time(datetime.now(UTC)),
        "sessions": sessions,
        "remembered": [
            {"name": entry.name, "text": entry.text, "updated_at": _time(entry.updated_at)}
            for entry in remembered
            # A name against the rules (an older version let one in) is of no use to any
            # exercise and import refuses it; its words stay in the session's answers.
            if is_name(entry.name)
        ],
        "safety_plan": [
            {
                "section": part.section,
                "entries": list(part.entries),
                "updated_at": _time(part.updated_at),
            }
            for part in safety_plan
            if part.section in SECTION_IDS  # a part no version knows: import would refuse it
        ],
        "favourites": [
            {
                "exercise_id": favourite.exercise_id,
                "added_at": None if favourite.added_at is None else _time(favourite.added_at),
                "updated_at": _time(favourite.updated_at),
            }
            for favourite in favourites
            if _is_key(favourite.exercise_id)
        ],
    }
    return json.dumps(body, indent=indent) + "\n"


def session_to_dict(
    record: SessionRecord, answers: Sequence[AnswerRecord], day_start_hour: int
) -> dict[str, Any]:
    return {
        "id": record.id,
        "exercise_id": record.exercise_id,
        "title": record.title,
        "content_hash": record.content_hash,
        "started_at": _time(record.started_at),
        "local_started_at": record.local_started_at.isoformat(timespec="seconds"),
        "utc_offset_seconds": record.utc_offset_seconds,
        "tz_name": record.tz_name,
        "practice_day": record.day_for(day_start_hour).isoformat(),
        "day_start_hour": record.day_start_hour,
        "ended_at": None if record.ended_at is None else _time(record.ended_at),
        "planned_seconds": record.planned_seconds,
        "practised_seconds": record.practised_seconds,
        "outcome": record.outcome,
        "steps_reached": record.steps_reached,
        "rating_before": record.rating_before,
        "rating_after": record.rating_after,
        "updated_at": _time(record.updated_at),
        "speed": record.speed,
        "answers": [
            {
                "position": answer.position,
                "prompt": answer.prompt,
                "answer": answer.answer,
                "remember_as": answer.remember_as,
                "answered_at": _time(answer.answered_at),
            }
            for answer in answers
        ],
    }


def parse_document(
    data: object, source: str
) -> tuple[list[SessionWithAnswers], list[RememberedRecord]]:
    """Sessions and remembered names from a JSON export (a waiting session's document);
    raises :class:`ImportProblem`."""
    contents = parse_export(data, source)
    return contents.sessions, contents.remembered


def parse_export(data: object, source: str) -> ExportContents:
    """Everything in a JSON export; raises :class:`ImportProblem`.

    Every value is checked against the bounds of a record (records.py, plan.py), so nothing
    is imported unless all of it can be stored and read. People's words keep their letters
    and lose control characters (titles and plan entries their line breaks too); ids and
    names that break their rules are refused.
    """
    top = _Reader(data, source)
    if top.get("format", str) != FORMAT:
        top.fail("format", f"expected {FORMAT!r}: this is not a safeplace history export")
    version = top.data.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        top.fail("version", "written by a newer safeplace; update safeplace to import it")
    top.whole("version", range(1, VERSION + 1))
    sessions = [_parse_session(item) for item in top.items("sessions")]
    remembered = [
        RememberedRecord(item.name("name"), item.maybe_words("text"), item.time("updated_at"))
        for item in top.items("remembered")
    ]
    plan = [
        PlanSectionRecord(item.section("section"), item.entries("entries"), item.time("updated_at"))
        for item in top.items("safety_plan", optional=True)
    ]
    if len({part.section for part in plan}) != len(plan):
        top.fail("safety_plan", "one part of the plan is there twice")
    favourites = [
        FavouriteRecord(
            item.key("exercise_id"), item.maybe_time("added_at"), item.time("updated_at")
        )
        for item in top.items("favourites", optional=True)
    ]
    return ExportContents(sessions, remembered, plan, favourites)


def _parse_session(item: _Reader) -> SessionWithAnswers:
    session_id = item.key("id")
    outcome = item.get("outcome", str)
    if outcome not in OUTCOMES:
        item.fail("outcome", f"expected one of {', '.join(OUTCOMES)}")
    record = SessionRecord(
        id=session_id,
        exercise_id=item.key("exercise_id"),
        title=item.line("title"),
        content_hash=item.key("content_hash", empty=True),
        started_at=item.time("started_at"),
        utc_offset_seconds=item.whole("utc_offset_seconds", UTC_OFFSETS),
        tz_name=item.key("tz_name", empty=True),
        day_start_hour=item.whole("day_start_hour", DAY_START_HOURS),
        ended_at=item.maybe_time("ended_at"),
        planned_seconds=item.seconds("planned_seconds"),
        practised_seconds=item.seconds("practised_seconds"),
        outcome=outcome,
        steps_reached=item.whole("steps_reached", STEP_RANGE),
        rating_before=item.maybe_whole("rating_before", RATING_RANGE),
        rating_after=item.maybe_whole("rating_after", RATING_RANGE),
        updated_at=item.time("updated_at"),
        speed=item.speed("speed"),
    )
    answers = [
        AnswerRecord(
            record.id,
            answer.whole("position", STEP_RANGE),
            answer.words("prompt"),
            answer.words("answer"),
            None if answer.data.get("remember_as") is None else answer.name("remember_as"),
            answer.time("answered_at"),
        )
        for answer in item.items("answers")
    ]
    if len({answer.position for answer in answers}) != len(answers):
        item.fail("answers", "two answers have the same position")
    return record, answers


T = TypeVar("T")
MAX_KEY_CHARS = 200


class _Reader:
    """Checked access to one JSON object; errors name the path (sessions[3].title)."""

    def __init__(self, data: object, source: str, path: str = "") -> None:
        self.source, self.path = source, path
        if not isinstance(data, dict):
            where = path or "the top level"
            raise ImportProblem(f"{source}: {where}: expected an object, found {_shown(data)}")
        self.data: Mapping[str, object] = data

    def fail(self, key: str, message: str) -> NoReturn:
        raise ImportProblem(f"{self.source}: {self.path}{'.' if self.path else ''}{key}: {message}")

    def get(self, key: str, kind: type[T]) -> T:
        value = self.data.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            self.fail(key, f"expected {_KIND_NAMES[kind]}, found {_shown(value)}")
        return value

    def whole(self, key: str, bounds: range) -> int:
        value = self.data.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value not in bounds:
            self.fail(
                key,
                f"expected a whole number from {bounds.start} to {bounds.stop - 1}, "
                f"found {_shown(value)}",
            )
        return value

    def maybe_whole(self, key: str, bounds: range) -> int | None:
        return None if self.data.get(key) is None else self.whole(key, bounds)

    def seconds(self, key: str) -> float:
        value = self.data.get(key)
        number = None if isinstance(value, bool) else value
        if isinstance(number, int | float) and possible_seconds(float(number)):
            return float(number)
        self.fail(
            key, f"expected a number of seconds from 0 to {MAX_SECONDS:.0f}, found {_shown(value)}"
        )

    def speed(self, key: str) -> float:
        """How much faster than written; an export made before it was kept has none: 1."""
        value = self.data.get(key)
        if value is None:
            return 1.0
        number = None if isinstance(value, bool) else value
        if isinstance(number, int | float) and possible_speed(float(number)):
            return float(number)
        self.fail(
            key,
            f"expected a number from {MIN_SPEED:g} to {MAX_SPEED:g} (1 is the written pace), "
            f"found {_shown(value)}",
        )

    def _text(self, key: str) -> str:
        text = self.get(key, str)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            self.fail(key, "holds half a character (an unpaired \\ud800-\\udfff escape)")
        return text

    def words(self, key: str) -> str:
        """People's words: kept, line breaks too, without control characters."""
        return printable(self._text(key))

    def maybe_words(self, key: str) -> str | None:
        return None if self.data.get(key) is None else self.words(key)

    def line(self, key: str) -> str:
        """Words shown on one line (a title): line breaks become spaces."""
        return one_line(self._text(key))

    def section(self, key: str) -> str:
        text = self.data.get(key)
        if text not in SECTION_IDS:
            self.fail(key, f"expected one of {', '.join(SECTION_IDS)}, found {_shown(text)}")
        assert isinstance(text, str)
        return text

    def entries(self, key: str) -> tuple[str, ...]:
        """A part of the safety plan: a list of entries, each kept as one printable line."""
        values = self.get(key, list)
        if len(values) > MAX_ENTRIES:
            self.fail(key, f"expected at most {MAX_ENTRIES} entries, found {len(values)}")
        entries = []
        for number, value in enumerate(values):
            where = f"{key}[{number}]"
            if not isinstance(value, str):
                self.fail(where, f"expected text, found {_shown(value)}")
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                self.fail(where, "holds half a character (an unpaired \\ud800-\\udfff escape)")
            entry = one_line(value).strip()
            if len(entry) > MAX_ENTRY_CHARS:
                self.fail(where, f"expected at most {MAX_ENTRY_CHARS} characters")
            if entry:
                entries.append(entry)
        return tuple(entries)

    def key(self, key: str, *, empty: bool = False) -> str:
        """An id or code: refused unless it is one line of printable text."""
        text = self._text(key)
        if not _is_key(text, empty=empty):
            self.fail(
                key,
                f"expected {'' if empty else 'non-empty '}text on one line, at most "
                f"{MAX_KEY_CHARS} characters, without control characters, found {_shown(text)}",
            )
        return text

    def name(self, key: str) -> str:
        text = self.data.get(key)
        if not is_name(text):
            self.fail(
                key,
                "expected a name of lower-case letters, digits and _ starting with a letter "
                f"(like cue_word), found {_shown(text)}",
            )
        return text

    def time(self, key: str) -> datetime:
        text = self.get(key, str)
        try:
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is not None and possible_moment(moment := moment.astimezone(UTC)):
                return moment
        except (ValueError, OverflowError):  # not a date-time, or one beyond year 1 in UTC
            pass
        self.fail(
            key,
            "expected a date-time with a zone, like 2026-03-01T07:12:00Z, from "
            f"{EARLIEST.date()} to {LATEST.date()}, found {_shown(text)}",
        )

    def maybe_time(self, key: str) -> datetime | None:
        return None if self.data.get(key) is None else self.time(key)

    def items(self, key: str, *, optional: bool = False) -> list[_Reader]:
        """The objects of a list; ``optional``: a key older versions do not write."""
        if optional and self.data.get(key) is None:
            return []
        values = self.get(key, list)
        prefix = f"{self.path}." if self.path else ""
        return [_Reader(v, self.source, f"{prefix}{key}[{n}]") for n, v in enumerate(values)]


_KIND_NAMES: dict[type, str] = {str: "text", list: "a list"}


def _is_key(text: str, *, empty: bool = False) -> bool:
    """Whether ``text`` can be an id or a code: one printable line, not too long."""
    return (bool(text) or empty) and one_line(text) == text and len(text) <= MAX_KEY_CHARS


def _shown(value: object) -> str:
    """A value as the file writes it, short, ASCII, never nested (a sentence, not a dump)."""
    if isinstance(value, _Impossible):
        written = value.written
    elif isinstance(value, dict):
        return "an object"
    elif isinstance(value, list):
        return "a list"
    else:
        written = json.dumps(value)
    return written if len(written) <= 40 else written[:37] + "..."


def _time(moment: datetime) -> str:
    """UTC with milliseconds, the precision of the store, so a round trip is exact."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- CSV -------------------------------------------------------------------------------

# Speed is last: it came with version 2, and the columns before it keep their places.
CSV_COLUMNS = (
    "id", "practice_day", "local_started_at", "tz_name", "exercise_id", "title", "outcome",
    "planned_seconds", "practised_seconds", "steps_reached", "rating_before", "rating_after",
    "answers", "speed",
)  # fmt: skip


def export_csv(dump: HistoryDump, day_start_hour: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in dump.sessions:
        values: list[object] = [
            record.id,
            record.day_for(day_start_hour).isoformat(),
            record.local_started_at.isoformat(timespec="seconds"),
            record.tz_name,
            record.exercise_id,
            record.title,
            record.outcome,
            _number(record.planned_seconds),
            _number(record.practised_seconds),
            record.steps_reached,
            _blank(record.rating_before),
            _blank(record.rating_after),
            len(dump.answers.get(record.id, [])),
            f"{record.speed:g}",  # above 1: a preview, counted in no total
        ]
        writer.writerow([_cell(str(value)) for value in values])
    return out.getvalue()


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """One printable line that a spreadsheet shows as text, never runs as a formula: a cell
    whose first character past any spaces starts one gets a leading ' (as OWASP advises)."""
    text = one_line(text)
    return "'" + text if text.lstrip().startswith(_FORMULA_STARTS) else text


def _number(value: float) -> str:
    return f"{value:.1f}"


def _blank(value: int | None) -> str:
    return "" if value is None else str(value)


# --- Markdown journal ------------------------------------------------------------------


def export_markdown(dump: HistoryDump, day_start_hour: int) -> str:
    """A readable journal: each practice day, its sessions, their ratings and answers."""
    lines = ["# safeplace journal", ""]
    current_day = None
    for record in sorted(dump.sessions, key=lambda record: record.started_at):
        day = record.day_for(day_start_hour)
        if day != current_day:
            current_day = day
            lines += [f"## {day.strftime('%A')} {day.day} {day.strftime('%B %Y')}", ""]
        lines += _journal_entry(record, dump.answers.get(record.id, []))
    if current_day is None:
        lines += ["No practice recorded yet.", ""]
    return "\n".join(lines)


def _journal_entry(record: SessionRecord, answers: Sequence[AnswerRecord]) -> list[str]:
    started = record.local_started_at.strftime("%H:%M")
    facts = [outcome_words(record.outcome), f"{round(record.practised_seconds / 60)} min"]
    if record.rating_before is not None or record.rating_after is not None:
        facts.append(f"rating {_rating(record.rating_before)} → {_rating(record.rating_after)}")
    if record.preview:
        facts.append(f"a preview at {record.speed:g}× speed, not counted")
    lines = [f"### {started} {_literal(one_line(record.title))}", "", " · ".join(facts), ""]
    for answer in answers:
        prompt = _literal(one_line(answer.prompt))
        if prompt:  # "****" alone would be a horizontal rule
            lines += [f"**{prompt}**", ""]
        lines += [f"> {_literal(line)}".rstrip() for line in printable(answer.answer).splitlines()]
        lines.append("")
    return lines


_MARKUP = re.compile(r"[\\`*_\[\]#~|]")
_BLOCK_START = re.compile(r"^(\s*)(?:([->+=])|(\d+)([.)]))")


def _literal(line: str) -> str:
    """One line of someone's text as Markdown that renders as exactly that text: no HTML,
    link, image, emphasis or code, and no heading, quote, list, rule or fence at its start."""
    text = _MARKUP.sub(r"\\\g<0>", line.replace("&", "&amp;").replace("<", "&lt;"))
    return _BLOCK_START.sub(_escape_block_start, text, count=1)


def _escape_block_start(match: re.Match[str]) -> str:
    spaces, marker, digits, delimiter = match.groups()
    return f"{spaces}\\{marker}" if marker else f"{spaces}{digits}\\{delimiter}"


def _rating(value: int | None) -> str:
    return "–" if value is None else str(value)


FORMATTERS: dict[ExportFormat, Callable[[HistoryDump, int], str]] = {
    "json": export_json,
    "csv": export_csv,
    "markdown": export_markdown,
}
