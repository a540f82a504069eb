"""Hardened YAML reading for files written by strangers.

Every failure becomes a :class:`YamlProblem` with a 1-based line and column. The data is built
straight from the parser's events in one loop, with no recursion and no node tree, so limits
(depth, size, node count) are enforced before anything can grow:

* anchors, aliases and merge keys are refused, which removes alias and merge-key bombs;
* nesting is capped at 32 levels, which avoids libyaml's composer segfault and RecursionError;
* explicit tags (``!!python/...``, ``!Foo``, ``!!binary``, ``!!set``...) are refused, so no tag
  ever reaches a constructor;
* plain scalars are typed by a small YAML 1.2 core subset: ``1:30``, ``yes``, ``NO``, ``.nan``
  and ``2024-01-02`` stay text, ``010`` is 10;
* keys must be text and unique (a duplicate is reported where it appears).

Building from events is also faster than ``yaml.load(..., CSafeLoader)``: PyYAML's composer and
constructor are the slow part, libyaml's parser is not. Positions are only collected on request
(:func:`load_yaml_with_marks`), which the exercise loader does after validation has failed.
"""

from __future__ import annotations

import codecs
import math
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml
from yaml import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from safeplace.text import printable

try:
    from yaml import CSafeLoader as _CLoader
except ImportError:  # PyYAML built without libyaml
    _CLoader = None  # type: ignore[assignment, misc]

MAX_FILE_BYTES: Final = 256 * 1024
MAX_DEPTH: Final = 32
MAX_SCALAR_CHARS: Final = 10_000
MAX_NODES: Final = 20_000
PURE_VARIABLE: Final = "SAFEPLACE_PURE_YAML"

DataPath = tuple[str | int, ...]
Mark = tuple[int, int]


class YamlProblem(Exception):
    """A file that cannot be used, with where (1-based) and why, in plain words."""

    def __init__(self, source: str, line: int, col: int, message: str) -> None:
        super().__init__(source, line, col, message)
        self.source = source
        self.line = line
        self.col = col
        self.message = message

    def __str__(self) -> str:
        return f"{self.source}:{self.line}:{self.col}: {self.message}"


@dataclass
class Marks:
    """Where each value (``values``) and each mapping key (``keys``) starts, by data path."""

    values: dict[DataPath, Mark] = field(default_factory=dict)
    keys: dict[DataPath, Mark] = field(default_factory=dict)


# --- reading bytes -------------------------------------------------------------------------

_BLANK_OR_COMMENTS = re.compile(r"(?:[ \t\r]*(?:#[^\n]*)?\n)*[ \t\r]*(?:#[^\n]*)?\Z")
_UTF16_32_BOMS = (
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)


def read_text_safely(path: Path) -> str:
    """The text of a small regular UTF-8 file; never blocks on pipes or devices."""
    source = str(path)
    data = _read_capped(path, source)
    if data.startswith(_UTF16_32_BOMS):
        raise YamlProblem(source, 1, 1, "the file is UTF-16 or UTF-32 encoded; save it as UTF-8")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, col = _byte_position(data, error.start)
        bad = data[error.start]
        raise YamlProblem(
            source, line, col, f"the file is not valid UTF-8 (byte 0x{bad:02x}); save it as UTF-8"
        ) from None
    nul = text.find("\0")
    if nul >= 0:
        line, col = _char_position(text, nul)
        raise YamlProblem(
            source, line, col, "the file contains a NUL byte (is it binary?); save it as UTF-8 text"
        )
    if _BLANK_OR_COMMENTS.match(text):
        raise YamlProblem(source, 1, 1, "the file is empty")
    return text


def _read_capped(path: Path, source: str) -> bytes:
    try:
        # O_NONBLOCK: opening a FIFO for reading must not wait for a writer.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise YamlProblem(source, 1, 1, "no such file") from None
    except IsADirectoryError:
        raise YamlProblem(source, 1, 1, "this is a folder, not a file") from None
    except PermissionError:
        raise YamlProblem(source, 1, 1, "permission denied: the file cannot be read") from None
    except OSError as error:
        raise YamlProblem(source, 1, 1, f"the file cannot be opened ({error.strerror})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise YamlProblem(source, 1, 1, "this is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise YamlProblem(source, 1, 1, "not a regular file (a pipe, socket or device)")
        if info.st_size > MAX_FILE_BYTES:
            raise YamlProblem(source, 1, 1, _too_big(info.st_size))
        chunks: list[bytes] = []
        remaining = MAX_FILE_BYTES + 1
        while remaining > 0:
            chunk = os.read(fd, remaining)
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
        if len(data) > MAX_FILE_BYTES:  # it grew after fstat
            raise YamlProblem(source, 1, 1, _too_big(len(data)))
        return data
    except OSError as error:
        raise YamlProblem(source, 1, 1, f"the file cannot be read ({error.strerror})") from None
    finally:
        os.close(fd)


def _too_big(size: int) -> str:
    return (
        f"the file is too large ({size // 1024} KiB; the limit is {MAX_FILE_BYTES // 1024} KiB); "
        "exercises and settings are short text files"
    )


def _byte_position(data: bytes, offset: int) -> Mark:
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    col = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, col


def _char_position(text: str, index: int) -> Mark:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


# --- typing plain scalars (YAML 1.2 core subset) ------------------------------------------

_WORDS: Final[dict[str, bool | None]] = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
    "null": None,
    "Null": None,
    "NULL": None,
    "~": None,
    "": None,
}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_NUMBER_START = frozenset("0123456789+-.")
_MAX_NUMBER_CHARS = 400


def _plain_value(text: str) -> Any:
    """The value of an unquoted scalar; anything that is not clearly a number, bool or null
    stays text (so ``1:30``, ``yes`` and ``2024-01-02`` are strings)."""
    if text in _WORDS:
        return _WORDS[text]
    if text[0] in _NUMBER_START and len(text) <= _MAX_NUMBER_CHARS:
        if _INT.match(text):
            return int(text)
        if _FLOAT.match(text):
            number = float(text)
            if math.isfinite(number):
                return number
    return text


# --- building data from events --------------------------------------------------------------

_EXPECT_KEY: Final = object()


def use_pure_python(pure: bool | None = None) -> bool:
    """Whether to parse without libyaml: when asked, when SAFEPLACE_PURE_YAML=1, or when
    PyYAML was built without it."""
    if pure is not None:
        return pure
    return _CLoader is None or os.environ.get(PURE_VARIABLE, "") == "1"


def load_yaml_text(text: str, source: str, *, pure: bool | None = None) -> Any:
    """Data from one YAML document whose top is a mapping; ``None`` for an empty document."""
    return _load(text, source, None, pure)


def load_yaml_with_marks(text: str, source: str, *, pure: bool | None = None) -> tuple[Any, Marks]:
    """Like :func:`load_yaml_text`, also returning where every value and key starts."""
    marks = Marks()
    return _load(text, source, marks, pure), marks


def load_yaml_with_positions(
    text: str, source: str, *, pure: bool | None = None
) -> tuple[Any, dict[DataPath, Mark]]:
    """Like :func:`load_yaml_text`, also returning data path -> (line, col) of each value."""
    data, marks = load_yaml_with_marks(text, source, pure=pure)
    return data, marks.values


def _load(text: str, source: str, marks: Marks | None, pure: bool | None) -> Any:
    if len(text) > MAX_FILE_BYTES:
        raise YamlProblem(source, 1, 1, _too_big(len(text.encode("utf-8", "replace"))))
    if use_pure_python(pure):
        return _load_with(yaml.SafeLoader, text, source, marks)
    try:
        return _load_with(_CLoader, text, source, marks)
    except _ParserProblem as c_problem:
        # libyaml scans ahead and has limits and wording of its own that change between
        # releases (6.0.4 stops flow nesting at 1,000 levels). The pure parser reads lazily,
        # so our own checks meet the problem first: ask it, and both parsers say the same.
        try:
            _load_with(yaml.SafeLoader, text, source, None)
        except YamlProblem as pure_problem:
            raise pure_problem from None
        raise c_problem from None


class _ParserProblem(YamlProblem):
    """A problem the parser found (not one of our own checks)."""


def _load_with(loader_class: Any, text: str, source: str, marks: Marks | None) -> Any:
    try:
        loader = loader_class(text)
        try:
            return _build(loader.get_event, source, marks)
        finally:
            loader.dispose()
    except YamlProblem:
        raise
    except yaml.YAMLError as error:
        raise _ParserProblem(*_parser_problem(error, text, source).args) from None
    except RecursionError:
        raise YamlProblem(source, 1, 1, f"nesting deeper than {MAX_DEPTH} levels") from None
    except UnicodeError:
        raise YamlProblem(source, 1, 1, "the text is not valid Unicode; save it as UTF-8") from None
    except OSError as error:
        raise YamlProblem(source, 1, 1, f"the file cannot be read ({error.strerror})") from None


def _parser_problem(error: yaml.YAMLError, text: str, source: str) -> YamlProblem:
    if isinstance(error, yaml.MarkedYAMLError):
        return _syntax_problem(error, text, source)
    if isinstance(error, yaml.reader.ReaderError):
        return _reader_problem(error, text, source)
    message = printable(str(error)).splitlines()[0][:200]
    return YamlProblem(source, 1, 1, f"this is not valid YAML ({message})")


def _build(next_event: Callable[[], Any], source: str, marks: Marks | None) -> Any:
    """One pass over the events: check every limit at its mark, build the data."""
    containers: list[Any] = []  # open lists and dicts, innermost last
    pending: list[Any] = []  # per open container: the key awaiting its value, or _EXPECT_KEY
    paths: list[DataPath] = []  # data path of each open container (only with marks)
    root: Any = None
    documents = 0
    nodes = 0

    def problem(event: Any, message: str) -> YamlProblem:
        mark = event.start_mark
        return YamlProblem(source, mark.line + 1, mark.column + 1, message)

    while True:
        event: Any = next_event()
        kind = type(event)
        if kind is ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                raise problem(event, _anchor_or_tag_message(event))
            value: Any = event.value
            if len(value) > MAX_SCALAR_CHARS:
                raise problem(
                    event, f"value longer than {MAX_SCALAR_CHARS} characters; shorten or split it"
                )
            is_plain = event.implicit[0]
            if is_plain:
                value = _plain_value(value)
            opened = False
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or event.tag is not None:
                raise problem(event, _anchor_or_tag_message(event))
            if len(containers) >= MAX_DEPTH:
                raise problem(
                    event, f"nesting deeper than {MAX_DEPTH} levels; check the indentation"
                )
            value = {} if kind is MappingStartEvent else []
            opened = True
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            containers.pop()
            pending.pop()
            if marks is not None:
                paths.pop()
            continue
        elif kind is AliasEvent:
            raise problem(event, _anchor_or_tag_message(event))
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise problem(
                    event,
                    "only one YAML document per file; remove the second '---' and what follows",
                )
            continue
        elif kind is StreamEndEvent:
            return root
        else:  # stream start, document end
            continue

        nodes += 1
        if nodes > MAX_NODES:
            raise problem(
                event,
                f"more than {MAX_NODES} values; far more than an exercise or the settings need",
            )
        path: DataPath = ()
        if not containers:
            if (opened and kind is SequenceStartEvent) or (not opened and value is not None):
                raise problem(event, "expected a mapping of field: value at the top of the file")
            root = value
        else:
            parent = containers[-1]
            if type(parent) is list:
                if marks is not None:
                    path = (*paths[-1], len(parent))
                parent.append(value)
            elif pending[-1] is _EXPECT_KEY:
                if opened or type(value) is not str:
                    raise problem(event, _bad_key_message(value, opened))
                if value in parent:
                    raise problem(event, f"duplicate key '{_shown(value)}'; keep only one of them")
                if value == "<<" and is_plain:
                    raise problem(event, "merge keys (<<) are not supported; write the fields out")
                pending[-1] = value
                if marks is not None:
                    marks.keys[(*paths[-1], value)] = _mark(event)
                continue
            else:
                key = pending[-1]
                parent[key] = value
                pending[-1] = _EXPECT_KEY
                if marks is not None:
                    path = (*paths[-1], key)
        if marks is not None:
            marks.values[path] = _mark(event)
        if opened:
            containers.append(value)
            pending.append(_EXPECT_KEY)
            if marks is not None:
                paths.append(path)


def _mark(event: Any) -> Mark:
    return event.start_mark.line + 1, event.start_mark.column + 1


def _anchor_or_tag_message(event: Any) -> str:
    if isinstance(event, AliasEvent) or getattr(event, "anchor", None) is not None:
        return "anchors and aliases (& and *) are not supported; write the value out in full"
    tag = str(getattr(event, "tag", "")).replace("tag:yaml.org,2002:", "!!")
    return (
        f"YAML tags such as '{_shown(tag)}' are not supported; remove the tag "
        "(put text in quotes if it must stay text)"
    )


def _bad_key_message(key: Any, is_collection: bool) -> str:
    if is_collection:
        return "a field name must be plain text, not a list or mapping"
    if key is None:
        return "a field name is missing before ':'"
    return f"field names must be text; put {_shown(str(key).lower())} in quotes if you mean it"


def _shown(text: str, limit: int = 60) -> str:
    """User text made safe to put in a message: no control characters, not too long."""
    clean = printable(text)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


# --- parser errors in plain words ------------------------------------------------------------


def _syntax_problem(error: yaml.MarkedYAMLError, text: str, source: str) -> YamlProblem:
    mark = error.problem_mark or error.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = error.problem or ""
    context = error.context or ""
    message: str
    if "cannot start any token" in problem:
        character = _character_at(text, line, col)
        if character == "\t":
            message = "a tab is used for indentation; YAML needs spaces here"
        else:
            message = (
                f"'{_shown(character)}' cannot start a value; "
                "put the whole text in quotes if it belongs to it"
            )
    elif "mapping values are not allowed" in problem:
        message = (
            "unexpected ':' here; if it is part of the text, put the whole text in quotes, "
            "otherwise check the indentation of this line"
        )
    elif "could not find expected ':'" in problem:
        message = (
            "a ':' is missing after a field name here; if this line continues the text above, "
            "put the whole text in quotes"
        )
        if error.context_mark is not None:  # where the would-be field name starts
            line, col = error.context_mark.line + 1, error.context_mark.column + 1
    elif "block sequence entries are not allowed" in problem:
        message = "a '- ' list item cannot start here; check the indentation of this line"
    elif "quoted scalar" in context and "end of stream" in problem:
        message = (
            "this quoted text is never closed; add the closing quote, or if the quote belongs "
            "to the text, put the whole text in other quotes"
        )
        if error.context_mark is not None:
            line, col = error.context_mark.line + 1, error.context_mark.column + 1
    elif "escape character" in problem:
        message = "unknown escape in double quotes; use single quotes or write \\\\ for a backslash"
    elif "flow sequence" in context or "flow mapping" in context:
        closing = "]" if "sequence" in context else "}"
        message = f"a '{closing}' or ',' is missing in this inline list or mapping"
        if error.context_mark is not None:
            message += f" (opened on line {error.context_mark.line + 1})"
    elif "block" in context and _character_at(text, line, col) == ":":
        message = "a field name is missing before ':'"
    elif "block" in context and (opened := _value_opening(text, line, col)) is not None:
        col, opener = opened
        message = (
            f"this text starts with {opener}, so YAML takes it for a quoted or inline value that "
            "ends early; put the whole text in quotes (single quotes when it holds double ones)"
        )
    elif "block" in context:
        message = (
            "the indentation does not line up here; fields of one mapping start in the same "
            "column and list items with '- ' in the same column"
        )
    elif "document start" in problem:
        message = "unexpected text after the end of the data; check for a stray character"
    else:
        message = f"this is not valid YAML ({_shown(problem, 120)})"
    return YamlProblem(source, line, col, message)


def _reader_problem(error: yaml.reader.ReaderError, text: str, source: str) -> YamlProblem:
    character = error.character
    index = text.find(chr(character)) if isinstance(character, int) else -1
    line, col = _char_position(text, index) if index >= 0 else (1, 1)
    code = f"U+{character:04X}" if isinstance(character, int) else "?"
    return YamlProblem(
        source, line, col, f"a control character ({code}) is not allowed; save it as plain UTF-8"
    )


_OPENERS = {'"': "a quote", "'": "a quote", "[": "'['", "{": "'{'"}


def _value_opening(text: str, line: int, col: int) -> tuple[int, str] | None:
    """Where the value on ``line`` starts, and what it starts with, when that is a quote, '['
    or '{' before ``col``: plain text that YAML read as something else."""
    lines = text.split("\n", line)
    if line - 1 >= len(lines):
        return None
    current = lines[line - 1]
    body = current.lstrip(" ")
    start = len(current) - len(body)
    if body.startswith("- "):
        start += 2 + len(body[2:]) - len(body[2:].lstrip(" "))
    key, colon, rest = current[start:].partition(": ")
    if colon and not key.startswith(tuple(_OPENERS)):
        start += len(key) + 2 + len(rest) - len(rest.lstrip(" "))
    opener = current[start : start + 1]
    return (start + 1, _OPENERS[opener]) if opener in _OPENERS and start + 1 < col else None


def _character_at(text: str, line: int, col: int) -> str:
    lines = text.split("\n", line)
    if line - 1 < len(lines) and col - 1 < len(lines[line - 1]):
        return lines[line - 1][col - 1]
    return ""
