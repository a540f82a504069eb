"""Text rules shared by exercises, prompts and everything the CLI prints.

Placeholders are ``{name}``; ``{{`` and ``}}`` stand for literal braces. Control characters
(ANSI/OSC escapes and the like) never reach a terminal: they are rejected in exercise files and
removed from anything else we print (``printable``); what is shown as one line (a title, a
name, a file name in a message) has its line breaks folded too (``one_line``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

NAME_PATTERN = r"[a-z][a-z0-9_]{0,31}"
_TOKEN = re.compile(r"\{\{|\}\}|\{(" + NAME_PATTERN + r")\}|\{|\}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"[\t\n\u2028\u2029]+")


class PlaceholderError(ValueError):
    """A brace that is neither a placeholder nor an escaped literal brace; ``fragment`` is the
    word it stands in."""

    def __init__(self, message: str, fragment: str) -> None:
        super().__init__(message)
        self.fragment = fragment


def placeholders(text: str) -> list[str]:
    """Names used as ``{name}`` in ``text``, in order; raises on a stray brace."""
    names: list[str] = []
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        if match.group(1) is None:
            start = match.start()
            while start > 0 and not text[start - 1].isspace():
                start -= 1  # back to the start of the word the brace is in
            fragment = text[start:].split(maxsplit=1)[0]
            raise PlaceholderError(
                f"stray '{token}' in '{fragment[:40]}': write a placeholder as "
                "{name} (lower-case letters, digits, _) or double the brace ({{ or }}) "
                "for a literal one",
                fragment,
            )
        names.append(match.group(1))
    return names


WHEN_DEFAULT = "before"


def when_name(name: str) -> str:
    """The placeholder that says when a remembered answer was given: {step} → {step_when}."""
    return f"{name}_when"


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace placeholders with ``values``; unknown names stay visible as ``{name}``."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        name = match.group(1)
        if name is None:
            return token
        return values.get(name, token)

    return _TOKEN.sub(replace, text)


def find_control_character(text: str) -> int | None:
    """Index of the first control character (newline and tab allowed), or None."""
    match = _CONTROL.search(text)
    return None if match is None else match.start()


def printable(text: str) -> str:
    """``text`` with control characters removed, safe to write to a terminal."""
    return _CONTROL.sub("", text)


def escaped(text: str) -> str:
    """``text`` with each control character written as its JSON escape (ESC becomes
    ``\\u001b``): JSON keeps the character for a reader but never sends it to the terminal."""
    return _CONTROL.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def one_line(text: str) -> str:
    """``printable(text)`` on one line: breaks and tabs become a space, so a title or a file
    name can never start a line of its own in a message, a list or a table."""
    return _LINE_BREAKS.sub(" ", printable(text))


def close_matches(word: str, choices: Iterable[str], n: int = 1) -> list[str]:
    """The choices close enough to offer as "did you mean": nearly the same spelling, the same
    letters swapped (``sya``), or holding the whole word (``calm`` for ``calm-place``). A far
    guess (``time`` for ``title``) is worse than none."""
    import difflib

    options = list(choices)
    near = difflib.get_close_matches(word, options, n=n, cutoff=0.75)
    near += [o for o in options if sorted(o) == sorted(word) and o not in near]
    near += [o for o in options if len(word) >= 3 and word in o and o not in near]
    return near[:n]
