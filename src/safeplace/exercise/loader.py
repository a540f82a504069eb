"""Exercise files -> validated :class:`Exercise`, or every problem as ``file:line:col: message``.

The fast path reads, parses and validates once. Only when validation fails is the text parsed
again to learn where each value starts, so a good file never pays for positions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from safeplace.exercise.explain import Finding, explain_validation_errors
from safeplace.exercise.model import Exercise, ExerciseProblems
from safeplace.exercise.playable import Playable
from safeplace.exercise.problem import Problem
from safeplace.yamlsafe import (
    Marks,
    YamlProblem,
    load_yaml_text,
    load_yaml_with_marks,
    read_text_safely,
)

MAX_PROBLEMS_SHOWN = 10
__all__ = [
    "LoadError",
    "Problem",
    "check_exercise_file",
    "load_exercise_file",
    "load_exercise_text",
]


class LoadError(Exception):
    """An exercise file that cannot be used; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


def check_exercise_file(path: Path) -> Playable | list[Problem]:
    """A file's one way through the format: read, parse, validate, compile; or its problems."""
    try:
        return load_exercise_file(path).playable()
    except LoadError as error:
        return error.problems


def load_exercise_file(path: Path) -> Exercise:
    """Read and validate one exercise file; raises :class:`LoadError`."""
    try:
        text = read_text_safely(path)
    except YamlProblem as problem:
        raise LoadError([_from_yaml_problem(problem)]) from None
    return load_exercise_text(text, str(path))


def load_exercise_text(text: str, source: str) -> Exercise:
    """Validate exercise YAML given as text; ``source`` names it in problems."""
    try:
        data = load_yaml_text(text, source)
    except YamlProblem as problem:
        raise LoadError([_from_yaml_problem(problem)]) from None
    if data is None:
        raise LoadError([Problem(source, 1, 1, "the file is empty")])
    try:
        return Exercise.model_validate(data)
    except ValidationError as error:
        errors = error.errors(include_url=False, include_input=False)
        findings = explain_validation_errors(errors, data)
    except ExerciseProblems as error:
        findings = [
            Finding(tuple(loc), text, fragment=words) for loc, text, words in error.problems
        ]
    except Exception as error:  # a bug of ours must not hide the other exercises
        message = (
            f"this exercise could not be checked because of a bug in safeplace "
            f"({type(error).__name__}); please report it"
        )
        raise LoadError([Problem(source, 1, 1, message)]) from error
    _, marks = load_yaml_with_marks(text, source)
    raise LoadError(_located(findings, marks, text, source)) from None


def _from_yaml_problem(problem: YamlProblem) -> Problem:
    return Problem(problem.source, problem.line, problem.col, problem.message)


def _located(findings: list[Finding], marks: Marks, text: str, source: str) -> list[Problem]:
    problems: dict[tuple[int, int, str], Problem] = {}
    lines = text.splitlines()
    for finding in findings:
        line, col = _position(finding, marks)
        if finding.fragment:  # within a passage, the line the words are on
            line, col = _words_position(lines, line, col, finding.fragment)
        message = finding.text()
        problems.setdefault((line, col, message), Problem(source, line, col, message))
    ordered = [problems[key] for key in sorted(problems, key=lambda key: key[:2])]
    if len(ordered) <= MAX_PROBLEMS_SHOWN:
        return ordered
    hidden = ordered[MAX_PROBLEMS_SHOWN:]
    first_hidden = hidden[0]
    summary = f"… and {len(hidden)} more {'problem' if len(hidden) == 1 else 'problems'}"
    return [
        *ordered[:MAX_PROBLEMS_SHOWN],
        Problem(source, first_hidden.line, first_hidden.col, summary),
    ]


def _words_position(lines: list[str], line: int, col: int, words: str) -> tuple[int, int]:
    """Where ``words`` are, when a passage starting at (line, col) has them on a later line;
    else that start (a one-line value is named by where it starts)."""
    if line > len(lines) or words in lines[line - 1][col - 1 :]:
        return line, col
    for number in range(line + 1, len(lines) + 1):
        found = lines[number - 1].find(words)
        if found >= 0:
            return number, found + 1
    return line, col


def _position(finding: Finding, marks: Marks) -> tuple[int, int]:
    if finding.at_key and finding.path in marks.keys:
        return marks.keys[finding.path]
    path: tuple[Any, ...] = finding.path
    while path:
        if path in marks.values:
            return marks.values[path]
        path = path[:-1]
    return marks.values.get((), (1, 1))
