"""Warnings for authors: a file that loads, but probably not as it was meant.

``safeplace validate`` prints them after the problems; they never stop an exercise from playing.
"""

from __future__ import annotations

from pathlib import Path

from safeplace.exercise.problem import Problem, value_at
from safeplace.yamlsafe import YamlProblem, load_yaml_with_positions, read_text_safely


def advice_for(path: Path) -> list[Problem]:
    """The warnings for one exercise file (none for a file that cannot be read or parsed:
    its problems say enough)."""
    source = str(path)
    try:
        text = read_text_safely(path)
        data, positions = load_yaml_with_positions(text, source)
    except YamlProblem:
        return []
    lines = text.splitlines()
    found = [
        Problem(source, line, col + len(value) + 1, _cut_message(rest))
        for place, (line, col) in sorted(positions.items(), key=lambda item: item[1])
        if isinstance(value := value_at(data, place), str)
        and (rest := _comment_after(lines, line, col, value)) is not None
    ]
    exercise_id = data.get("id") if isinstance(data, dict) else None
    if isinstance(exercise_id, str) and exercise_id != path.stem:
        line, col = positions.get(("id",), (1, 1))
        found.append(
            Problem(
                source,
                line,
                col,
                f"warning: the id '{exercise_id}' differs from the file name '{path.name}'; "
                f"naming the file {exercise_id}{path.suffix} makes it easy to find",
            )
        )
    return sorted(found, key=lambda problem: (problem.line, problem.col))


def _comment_after(lines: list[str], line: int, col: int, value: str) -> str | None:
    """The words a ' #' cut from plain text written on one line: YAML read them as a comment.
    A comment set apart by two spaces, or with a space after '#', looks meant."""
    if line > len(lines):
        return None
    written = lines[line - 1][col - 1 :]
    if not written.startswith(value) or not value:
        return None
    after = written[len(value) :]
    if not after.startswith(" #") or after[2:3] in ("", " "):
        return None
    return after[2:].strip()


def _cut_message(rest: str) -> str:
    shown = rest if len(rest) <= 30 else rest[:29] + "…"
    return (
        f"warning: the text stops before ' #{shown}': YAML reads ' #' as the start of a "
        "comment. To keep those words, put the whole text in quotes"
    )
