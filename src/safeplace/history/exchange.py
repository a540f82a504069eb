"""Export the history as JSON, CSV or a Markdown journal, and import (merge) a JSON export.

The JSON document carries everything (sessions, answers, remembered names, forgotten ones
included) and is what :func:`import_history` reads; the pending-sessions file uses the same
document, one per line. CSV and Markdown are for reading: their text passes through
``printable()`` so an export printed to a terminal cannot drive it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, NoReturn, TypeVar

from safeplace.exercise.text import printable
from safeplace.history.records import (
    OUTCOMES,
    RATING_RANGE,
    AnswerRecord,
    HistoryDump,
    ImportReport,
    RememberedRecord,
    SessionRecord,
)
from safeplace.history.store import HistoryStore

FORMAT = "safeplace-history"
VERSION = 1
ExportFormat = Literal["csv", "json", "markdown"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "json", "markdown")
SessionWithAnswers = tuple[SessionRecord, list[AnswerRecord]]
__all__ = ["ImportProblem", "ImportReport", "export_history", "import_history"]


class ImportProblem(ValueError):
    """The file is not a safeplace JSON export; the message says where and why."""


def export_history(store: HistoryStore, fmt: ExportFormat, *, day_start_hour: int) -> str:
    """The whole history as text; days are assigned with ``day_start_hour``."""
    return FORMATTERS[fmt](store.dump(), day_start_hour)


def import_history(store: HistoryStore, file: Path) -> ImportReport:
    """Merge a JSON export by session id in one transaction: newer rows win, repeats add nothing."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except OSError as error:
        raise ImportProblem(f"{file}: cannot be read ({error.strerror or error})") from error
    except UnicodeDecodeError as error:
        raise ImportProblem(f"{file}: not UTF-8 text; import reads a JSON export") from error
    except json.JSONDecodeError as error:
        raise ImportProblem(
            f"{file}:{error.lineno}:{error.colno}: not JSON ({error.msg}); import reads the "
            "file written by `safeplace export --format json`"
        ) from error
    sessions, remembered = parse_document(data, str(file))
    return store.merge(sessions, remembered)


# --- JSON ------------------------------------------------------------------------------


def export_json(dump: HistoryDump, day_start_hour: int) -> str:
    sessions = [
        session_to_dict(record, dump.answers.get(record.id, []), day_start_hour)
        for record in dump.sessions
    ]
    return document(sessions, dump.remembered)


def document(
    sessions: list[dict[str, Any]],
    remembered: Sequence[RememberedRecord],
    *,
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
    """Sessions and remembered names from a JSON export; raises :class:`ImportProblem`."""
    top = _Reader(data, source)
    if top.get("format", str) != FORMAT:
        top.fail("format", f"expected {FORMAT!r}: this is not a safeplace history export")
    if top.get("version", int) > VERSION:
        top.fail("version", "written by a newer safeplace; update safeplace to import it")
    sessions = [_parse_session(item) for item in top.items("sessions")]
    remembered = [
        RememberedRecord(item.get("name", str), item.maybe("text", str), item.time("updated_at"))
        for item in top.items("remembered")
    ]
    return sessions, remembered


def _parse_session(item: _Reader) -> SessionWithAnswers:
    session_id = item.get("id", str)
    outcome = item.get("outcome", str)
    if outcome not in OUTCOMES:
        item.fail("outcome", f"expected one of {', '.join(OUTCOMES)}")
    offset = item.get("utc_offset_seconds", int)
    if abs(offset) > 26 * 3600:
        item.fail("utc_offset_seconds", "expected an offset within ±26 hours")
    ratings = [item.maybe(f"rating_{moment}", int) for moment in ("before", "after")]
    for moment, value in zip(("before", "after"), ratings, strict=True):
        if value is not None and value not in RATING_RANGE:
            item.fail(f"rating_{moment}", "expected a whole number from 0 to 10, or null")
    record = SessionRecord(
        id=session_id,
        exercise_id=item.get("exercise_id", str),
        title=item.get("title", str),
        content_hash=item.get("content_hash", str),
        started_at=item.time("started_at"),
        utc_offset_seconds=offset,
        tz_name=item.get("tz_name", str),
        day_start_hour=item.get("day_start_hour", int),
        ended_at=item.maybe_time("ended_at"),
        planned_seconds=float(item.get("planned_seconds", float)),
        practised_seconds=float(item.get("practised_seconds", float)),
        outcome=outcome,
        steps_reached=item.get("steps_reached", int),
        rating_before=ratings[0],
        rating_after=ratings[1],
        updated_at=item.time("updated_at"),
    )
    answers = [
        AnswerRecord(
            record.id,
            answer.get("position", int),
            answer.get("prompt", str),
            answer.get("answer", str),
            answer.maybe("remember_as", str),
            answer.time("answered_at"),
        )
        for answer in item.items("answers")
    ]
    if len({answer.position for answer in answers}) != len(answers):
        item.fail("answers", "two answers have the same position")
    return record, answers


T = TypeVar("T")


class _Reader:
    """Typed access to one JSON object, with errors that name the path (sessions[3].title)."""

    def __init__(self, data: object, source: str, path: str = "") -> None:
        self.source, self.path = source, path
        if not isinstance(data, dict):
            raise ImportProblem(f"{source}: {path or 'the top level'}: expected an object")
        self.data: Mapping[str, object] = data

    def fail(self, key: str, message: str) -> NoReturn:
        raise ImportProblem(f"{self.source}: {self.path}{'.' if self.path else ''}{key}: {message}")

    def get(self, key: str, kind: type[T]) -> T:
        value = self.data.get(key)
        numeric = kind is float and isinstance(value, int)
        if not (isinstance(value, kind) or numeric) or (kind is int and isinstance(value, bool)):
            self.fail(key, f"expected {_KIND_NAMES[kind]}, found {json.dumps(value)[:40]}")
        return value  # type: ignore[return-value]  # checked just above

    def maybe(self, key: str, kind: type[T]) -> T | None:
        return None if self.data.get(key) is None else self.get(key, kind)

    def time(self, key: str) -> datetime:
        text = self.get(key, str)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            self.fail(key, "expected a date-time with a zone, like 2026-03-01T07:12:00Z")
        return moment.astimezone(UTC)

    def maybe_time(self, key: str) -> datetime | None:
        return None if self.data.get(key) is None else self.time(key)

    def items(self, key: str) -> list[_Reader]:
        values = self.get(key, list)
        prefix = f"{self.path}." if self.path else ""
        return [_Reader(v, self.source, f"{prefix}{key}[{n}]") for n, v in enumerate(values)]


_KIND_NAMES: dict[type, str] = {
    str: "text",
    int: "a whole number",
    float: "a number",
    list: "a list",
}


def _time(moment: datetime) -> str:
    """UTC with milliseconds, the precision of the store, so a round trip is exact."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- CSV -------------------------------------------------------------------------------

CSV_COLUMNS = (
    "id", "practice_day", "local_started_at", "tz_name", "exercise_id", "title", "outcome",
    "planned_seconds", "practised_seconds", "steps_reached", "rating_before", "rating_after",
    "answers",
)  # fmt: skip


def export_csv(dump: HistoryDump, day_start_hour: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in dump.sessions:
        writer.writerow(
            [
                record.id,
                record.day_for(day_start_hour).isoformat(),
                record.local_started_at.isoformat(timespec="seconds"),
                _cell(record.tz_name),
                _cell(record.exercise_id),
                _cell(record.title),
                record.outcome,
                _number(record.planned_seconds),
                _number(record.practised_seconds),
                record.steps_reached,
                _blank(record.rating_before),
                _blank(record.rating_after),
                len(dump.answers.get(record.id, [])),
            ]
        )
    return out.getvalue()


def _cell(text: str) -> str:
    """Printable text that a spreadsheet will not run as a formula."""
    text = printable(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _number(value: float) -> str:
    return f"{value:.1f}"


def _blank(value: int | None) -> str:
    return "" if value is None else str(value)


# --- Markdown journal ------------------------------------------------------------------


def export_markdown(dump: HistoryDump, day_start_hour: int) -> str:
    """A readable journal: each practice day, its sessions, their ratings and answers."""
    lines = ["# safeplace journal", ""]
    current_day = None
    for record in dump.sessions:
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
    facts = [_OUTCOME_WORDS[record.outcome], f"{round(record.practised_seconds / 60)} min"]
    if record.rating_before is not None or record.rating_after is not None:
        facts.append(f"rating {_rating(record.rating_before)} → {_rating(record.rating_after)}")
    lines = [f"### {started} {printable(record.title)}", "", " · ".join(facts), ""]
    for answer in answers:
        lines += [f"**{printable(answer.prompt)}**", ""]
        lines += [f"> {line}".rstrip() for line in printable(answer.answer).splitlines()]
        lines.append("")
    return lines


def _rating(value: int | None) -> str:
    return "–" if value is None else str(value)


_OUTCOME_WORDS: dict[str, str] = {
    "open": "in progress",
    "completed": "completed",
    "ended-early": "ended early",
    "interrupted": "interrupted",
}

FORMATTERS: dict[ExportFormat, Callable[[HistoryDump, int], str]] = {
    "json": export_json,
    "csv": export_csv,
    "markdown": export_markdown,
}
