"""A problem with a file, said as ``file:line:col: message``."""

from __future__ import annotations

from dataclasses import dataclass

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
