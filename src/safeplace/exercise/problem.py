"""A problem with a file, said as ``file:line:col: message``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from safeplace.text import printable


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, at a 1-based line and column."""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        # Paths and messages may carry text from the file; never let it steer the terminal.
        return printable(f"{self.path}:{self.line}:{self.col}: {self.message}")


def value_at(data: Any, path: tuple[str | int, ...]) -> Any:
    """The value at a data path of parsed YAML, or None where there is none."""
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data
