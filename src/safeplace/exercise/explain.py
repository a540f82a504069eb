"""Pydantic validation errors -> plain sentences about real places in the author's data.

Pydantic's ``loc`` mixes data keys with labels of its own: the step-kind tag of the step union
(``steps.0.say.seconds``), union members (``constrained-str``, ``function-after[...]``,
``Breathing``) and ``[key]``. Only segments that exist in the data are kept, so each error
points at the value the author wrote. Errors from union members that the data clearly did not
mean (a "should be text" beside a deeper error in the mapping form) are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from safeplace.exercise.breathing import PATTERN_NAME_PATTERN, Breathing, BreathPattern, Lengthen
from safeplace.exercise.fields import SLUG_PATTERN
from safeplace.exercise.model import Exercise
from safeplace.exercise.problem import value_at
from safeplace.exercise.steps import STEP_KINDS, STEP_MODELS
from safeplace.text import NAME_PATTERN, close_matches, printable

DataPath = tuple[str | int, ...]

_MAPPING_MODELS: dict[str, type[BaseModel]] = {
    "breathe": Breathing,
    "pattern": BreathPattern,
    "lengthen": Lengthen,
}
_KINDS_TEXT = ", ".join(STEP_KINDS)
_COUNTED = frozenset(("steps", "options", "items"))
_TYPE_NOUNS = {
    "string_type": "text",
    "model_type": "a mapping of field: value",
    "dict_type": "a mapping of field: value",
    "model_attributes_type": "a mapping of field: value",
    "list_type": "a list",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
}
_CLOCK_TIME = re.compile(r"\s*\d+\s*:\s*\d+(?::\d+)?\s*\Z")
_NUMBER_TEXT = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)\s*\Z")
_NAME_PATTERN = f"^{NAME_PATTERN}$"


@dataclass(frozen=True)
class Finding:
    """A problem at a data path. ``at_key`` points at the key rather than its value;
    ``label`` is the dotted path shown before the message (defaults to ``path``)."""

    path: DataPath
    message: str
    at_key: bool = False
    label: DataPath | None = None
    fragment: str | None = None
    """Words of a longer text the problem is about: the loader names their own line."""

    def text(self) -> str:
        label = self.path if self.label is None else self.label
        if not label:
            return self.message
        # Steps (and a step's options and items) are numbered from 1, as `show` numbers them.
        shown = [
            part + 1 if type(part) is int and index and label[index - 1] in _COUNTED else part
            for index, part in enumerate(label)
        ]
        return f"{'.'.join(_shown(str(part), 40) for part in shown)}: {self.message}"


def explain_validation_errors(errors: Sequence[ErrorDetails], data: Any) -> list[Finding]:
    """One finding per real problem, in pydantic's order."""
    resolved = [_Resolved.of(error, data) for error in errors]
    # A misspelt field is also reported missing; the "did you mean" line says both at once.
    misspelt = {
        (item.path[:-1], _suggestion(str(item.path[-1]), item.path[:-1], data))
        for item in resolved
        if item.error["type"] == "extra_forbidden" and item.path
    }
    findings: list[Finding] = []
    merged: dict[DataPath, list[str]] = {}
    for item in resolved:
        if item.missing_key is not None and (item.path, item.missing_key) in misspelt:
            continue
        if item.is_union_miss:
            if any(other.explains_more_than(item) for other in resolved):
                continue
            merged.setdefault(item.path, []).append(_TYPE_NOUNS.get(item.error["type"], "valid"))
            continue
        findings.append(_explain(item, data))
    for path, nouns in merged.items():
        value = value_at(data, path)
        unique = list(dict.fromkeys(nouns))
        findings.append(Finding(path, f"should be {' or '.join(unique)}{_found(value)}"))
    return findings


@dataclass(frozen=True)
class _Resolved:
    error: ErrorDetails
    path: DataPath  # the deepest real place in the data
    missing_key: str | None  # for "missing": the absent key under ``path``
    key_error: bool  # the error is about the key at ``path`` (pydantic's "[key]")
    dropped_last: bool  # the final loc segment was a label, not data

    @classmethod
    def of(cls, error: ErrorDetails, data: Any) -> _Resolved:
        loc = error["loc"]
        path: list[str | int] = []
        node = data
        missing_key: str | None = None
        dropped_last = False
        tag_next = False  # pydantic puts the step-kind tag right after a step's index
        for index, segment in enumerate(loc):
            last = index == len(loc) - 1
            dropped_last = False
            if tag_next and segment in STEP_KINDS:
                tag_next = False
                dropped_last = True
                continue
            tag_next = False
            if isinstance(node, dict) and isinstance(segment, str) and segment in node:
                node = node[segment]
                path.append(segment)
            elif isinstance(node, list) and type(segment) is int and 0 <= segment < len(node):
                node = node[segment]
                tag_next = bool(path) and path[-1] == "steps"
                path.append(segment)
            elif last and error["type"] == "missing" and isinstance(segment, str):
                missing_key = segment
            else:
                dropped_last = True
        key_error = bool(loc) and loc[-1] == "[key]"
        return cls(error, tuple(path), missing_key, key_error, dropped_last)

    @property
    def is_union_miss(self) -> bool:
        """A type mismatch reported for one member of a union (its label ends the loc)."""
        return self.dropped_last and not self.key_error and self.error["type"] in _TYPE_NOUNS

    def explains_more_than(self, other: _Resolved) -> bool:
        """True when this error shows that the data took another member of the union that
        ``other`` (a union miss) belongs to: it lies deeper, or beside it but is no miss."""
        if self is other or self.path[: len(other.path)] != other.path:
            return False
        return len(self.path) > len(other.path) or not self.is_union_miss


def _explain(item: _Resolved, data: Any) -> Finding:
    error, path = item.error, item.path
    kind = error["type"]
    value = value_at(data, path)
    if kind == "missing" and item.missing_key is not None:
        return Finding(path, f"missing required field '{_shown(item.missing_key)}'")
    if kind == "extra_forbidden" and path:
        return Finding(
            path, _unknown_field(str(path[-1]), path[:-1], data), at_key=True, label=path[:-1]
        )
    if kind == "step_kind":
        return Finding(path, _step_kind_message(value))
    if item.key_error:
        name = _shown(str(path[-1]))
        return Finding(path, f"the name '{name}' {_message(error, path[-1])}", at_key=True)
    return Finding(path, _message(error, value))


def _message(error: ErrorDetails, value: Any) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "float_type" and isinstance(value, str):
        if _CLOCK_TIME.match(value):
            return "write times as a number of seconds, e.g. 90 (not minutes:seconds)"
        if _NUMBER_TEXT.match(value):
            return f"should be a number; remove the quotes around {_shown(value)}"
        return f"should be a number{_found(value)}"
    if kind == "int_type":
        if isinstance(value, float):
            return f"should be a whole number, e.g. {max(1, round(value))}"
        if isinstance(value, str) and _NUMBER_TEXT.match(value):
            return f"should be a whole number; remove the quotes around {_shown(value)}"
    if kind == "string_type" and isinstance(value, bool | int | float):
        shown = str(value).lower() if isinstance(value, bool) else str(value)
        return f"should be text; put {shown} in quotes if you mean it"
    if kind in _TYPE_NOUNS:
        return f"should be {_TYPE_NOUNS[kind]}{_found(value)}"
    if kind == "literal_error":
        return _literal_message(str(ctx.get("expected", "")), value)
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        if pattern == SLUG_PATTERN:
            return "should use only lower-case letters, digits and dashes, e.g. box-breathing"
        if pattern == _NAME_PATTERN:
            return (
                "should be lower-case letters, digits and _, starting with a letter, "
                "e.g. kind_words"
            )
        if pattern == PATTERN_NAME_PATTERN:
            return "should be the name of a pattern, e.g. box"
    if kind == "string_too_short":
        return "should not be empty"
    if kind in ("too_short", "too_long"):
        bound = ctx.get("min_length" if kind == "too_short" else "max_length")
        word = "at least" if kind == "too_short" else "at most"
        return f"should have {word} {bound} {'item' if bound == 1 else 'items'}"
    return _plain(error["msg"])


def _plain(message: str) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if message.startswith("Input should"):
        message = message[len("Input ") :]
    return message


def _literal_message(expected: str, value: Any) -> str:
    choices = re.findall(r"'([^']*)'", expected) or re.split(r",\s*|\s+or\s+", expected)
    message = f"should be one of: {', '.join(choices)}"
    if isinstance(value, str):
        close = close_matches(value, choices)
        if close:
            message += f"; did you mean '{close[0]}'?"
    return message


def _unknown_field(key: str, parent: DataPath, data: Any) -> str:
    message = f"unknown field '{_shown(key)}'"
    suggestion = _suggestion(key, parent, data)
    if suggestion is not None:
        return f"{message}; did you mean '{suggestion}'?"
    allowed = _allowed_fields(parent, data)
    return f"{message}; the fields here are: {', '.join(allowed)}" if allowed else message


def _suggestion(key: str, parent: DataPath, data: Any) -> str | None:
    close = close_matches(key, _allowed_fields(parent, data))
    return close[0] if close else None


def _allowed_fields(path: DataPath, data: Any) -> list[str]:
    model: type[BaseModel] | None = None
    if not path:
        model = Exercise
    elif type(path[-1]) is int and len(path) >= 2 and path[-2] == "steps":
        kinds = [kind for kind in STEP_KINDS if kind in _mapping_keys(value_at(data, path))]
        model = STEP_MODELS.get(kinds[0]) if len(kinds) == 1 else None
    elif isinstance(path[-1], str):
        model = _MAPPING_MODELS.get(path[-1])
    if model is None:
        return []
    return [info.alias or name for name, info in model.model_fields.items()]


def _step_kind_message(step: Any) -> str:
    if not isinstance(step, dict):
        return f"each step is a mapping that starts with its kind, e.g. '- say: ...'{_found(step)}"
    keys = [key for key in step if isinstance(key, str)]
    kinds = [key for key in keys if key in STEP_KINDS]
    if len(kinds) > 1:
        both = " and ".join(f"'{kind}'" for kind in kinds)
        return f"this step has {both}; a step does one thing, so split it into separate steps"
    for key in keys:
        close = close_matches(key, STEP_KINDS)
        if close:
            return f"unknown step kind '{_shown(key)}'; did you mean '{close[0]}'?"
    return f"each step needs exactly one of: {_KINDS_TEXT}"


def _mapping_keys(value: Any) -> Iterable[Any]:
    return value.keys() if isinstance(value, dict) else ()


def _found(value: Any) -> str:
    if isinstance(value, dict):
        return ", not a mapping"
    if isinstance(value, list):
        return ", not a list"
    if isinstance(value, str):
        return f", not '{_shown(value, 30)}'"
    if value is None:
        return ", not empty"
    if isinstance(value, bool):
        return f", not {str(value).lower()}"
    return f", not {value}"


def _shown(text: str, limit: int = 60) -> str:
    """User text made safe to put in a message: no control characters, not too long."""
    clean = printable(text).replace("\n", " ")
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"
