"""Exercise files -> Exercise, or located problems in plain words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from safeplace.exercise.loader import (
    LoadError,
    Problem,
    load_exercise_file,
    load_exercise_text,
)
from safeplace.exercise.schema import (
    exercise_json_schema,
    exercise_schema_text,
    write_exercise_schema,
)
from safeplace.exercise.steps import BreatheStep

REPO = Path(__file__).resolve().parents[2]

HEAD = "id: calm\ntitle: Calm\nsummary: A calm moment.\ncategory: breathing\n"
VALID = HEAD + "steps:\n  - say: Let your shoulders drop.\n  - breathe: long-out\n"


@pytest.fixture(params=["libyaml", "pure-python"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Runs a test with libyaml and again with the pure-Python parser (via the environment)."""
    if request.param == "libyaml" and not yaml.__with_libyaml__:
        pytest.skip("PyYAML without libyaml")
    monkeypatch.setenv("SAFEPLACE_PURE_YAML", "1" if request.param == "pure-python" else "0")
    return str(request.param)


def problems(text: str) -> list[str]:
    """Each problem as 'line:col: message' (the source name left out)."""
    with pytest.raises(LoadError) as caught:
        load_exercise_text(text, "ex.yaml")
    assert all(problem.path == "ex.yaml" for problem in caught.value.problems)
    return [f"{p.line}:{p.col}: {p.message}" for p in caught.value.problems]


def test_problem_and_load_error_read_as_lines() -> None:
    first = Problem("a.yaml", 2, 5, "steps.1.seconds: should be greater than 0")
    second = Problem("a.yaml", 9, 1, "missing required field 'title'")
    assert str(first) == "a.yaml:2:5: steps.1.seconds: should be greater than 0"
    assert str(LoadError([first, second])) == f"{first}\n{second}"


def test_problem_text_cannot_carry_terminal_escapes() -> None:
    assert "\x1b" not in str(Problem("a\x1b[31m.yaml", 1, 1, "x\x1b]0;owned\x07"))


def test_valid_file_loads(tmp_path: Path, parser: str) -> None:
    path = tmp_path / "any-name.yaml"  # the file name need not match the id
    path.write_text(VALID, encoding="utf-8")
    exercise = load_exercise_file(path)
    assert exercise.id == "calm"
    assert len(exercise.steps) == 2


def test_file_problems_become_load_errors(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as caught:
        load_exercise_file(tmp_path / "missing.yaml")
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path / 'missing.yaml'}:1:1: no such file"
    ]


@pytest.mark.parametrize("text", ["---\n", "~\n"])
def test_a_document_without_fields_is_empty(text: str) -> None:
    assert problems(text) == ["1:1: the file is empty"]


# --- each kind of mistake, located -------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "steps:\n  - say: hi\n    secnds: 3\n",
            "7:5: steps.1: unknown field 'secnds'; did you mean 'seconds'?",
        ),
        (
            "steps:\n  - say: hi\n    seconds: 1:30\n",
            "7:14: steps.1.seconds: write times as a number of seconds, e.g. 90 "
            "(not minutes:seconds)",
        ),
        (
            "steps:\n  - say: hi\n    seconds: -5\n",
            "7:14: steps.1.seconds: should be greater than 0",
        ),
        (
            "steps:\n  - breathe:\n      pattern: box\n      cycles: 2.5\n",
            "8:15: steps.1.breathe.cycles: should be a whole number, e.g. 2",
        ),
        (
            "steps:\n  - jog: 5\n",
            "6:5: steps.1: each step needs exactly one of: say, breathe, silence, items, prompt, "
            "rate, choose, repeat, section",
        ),
        ("steps:\n  - sya: hello\n", "6:5: steps.1: unknown step kind 'sya'; did you mean 'say'?"),
        (
            "steps:\n  - say: a\n    breathe: box\n",
            "6:5: steps.1: this step has 'say' and 'breathe'; a step does one thing, so split it "
            "into separate steps",
        ),
        (
            "steps:\n  - breathe: 5\n",
            "6:14: steps.1.breathe: should be text or a mapping of field: value, not 5",
        ),
        (
            "steps:\n  - breathe: boxx\n",
            "6:14: steps.1.breathe: unknown pattern 'boxx'; known patterns: box, sigh, long-out, "
            "slow, even, 4-7-8",
        ),
        (
            "steps:\n  - breathe:\n      pattern: {in: 4}\n",
            "7:16: steps.1.breathe.pattern: missing required field 'out'",
        ),
        (
            "steps:\n  - breathe:\n      pattern: box\n      lenghten: {by: 1}\n",
            "8:7: steps.1.breathe: unknown field 'lenghten'; did you mean 'lengthen'?",
        ),
        ("steps:\n  - repeat: 2\n", "6:5: steps.1: missing required field 'steps'"),
        (
            "steps:\n  - repeat: 2\n    steps:\n      - say: x\n        seconds: 0\n",
            "9:18: steps.1.steps.1.seconds: should be greater than 0",
        ),
        (
            "steps:\n  - say: hi {nope}\n",
            "6:10: steps.1.say: unknown placeholder {nope}: give an earlier prompt or choice "
            "this name and a default (name: nope or remember: nope, with default: ...), or declare "
            "it under recall with a default",
        ),
        (
            "steps:\n  - breathe: box\n",
            "6:14: steps.1.breathe: this pattern holds the breath: add breath-holds to cautions so "
            "that people who avoid holds are told first",
        ),
        (
            "steps:\n  - say: x\n    seconds: '30'\n",
            "7:14: steps.1.seconds: should be a number; remove the quotes around 30",
        ),
        (
            "steps:\n  - say: x\n    seconds: .nan\n",
            "7:14: steps.1.seconds: should be a number, not '.nan'",
        ),
        (
            "steps:\n  - silence: 2024-01-02\n",
            "6:14: steps.1.silence: should be a number, not '2024-01-02'",
        ),
        ("steps:\n  - items: []\n", "6:12: steps.1.items: should have at least 1 item"),
        ("steps: x\n", "5:8: steps: should be a list, not 'x'"),
        (
            "steps:\n  - say: x\nrecall:\n  Bad: x\n",
            "8:3: recall.Bad: the name 'Bad' should be lower-case letters, digits and _, starting "
            "with a letter, e.g. kind_words",
        ),
        (
            "categry: x\nsteps:\n  - say: x\n",
            "5:1: unknown field 'categry'; did you mean 'category'?",
        ),
        (
            "steps:\n  - prompt: Why?\n    remember: why\n",
            "6:5: steps.1: a prompt with remember needs a default: the words shown for {why} until "
            "something has been written",
        ),
    ],
)
def test_mistakes_are_located_and_explained(body: str, expected: str, parser: str) -> None:
    assert problems(HEAD + body) == [expected]


def test_values_that_yaml_11_would_have_changed() -> None:
    text = (
        "id: '010'\ntitle: NO\nsummary: 2024-01-02\ncategory: breathing\n"
        "steps:\n  - breathe: {pattern: slow, cycles: 010}\n"
    )
    exercise = load_exercise_text(text, "ex.yaml")
    assert (exercise.title, exercise.summary) == ("NO", "2024-01-02")
    step = exercise.steps[0]
    assert isinstance(step, BreatheStep) and step.breathing.cycles == 10


def test_wrong_top_level_fields() -> None:
    text = "id: Bad Id\ntitle: 5\nsummary: S\ncategory: breath\nsteps:\n  - say: x\n"
    assert problems(text) == [
        "1:5: id: should use only lower-case letters, digits and dashes, e.g. box-breathing",
        "2:8: title: should be text; put 5 in quotes if you mean it",
        "4:11: category: should be one of: check-in, breathing, grounding, visualization, "
        "compassion, journaling, body; did you mean 'breathing'?",
    ]


def test_missing_fields_point_at_the_mapping() -> None:
    assert problems("# my exercise\ntitle: T\n") == [
        "2:1: missing required field 'id'",
        "2:1: missing required field 'summary'",
        "2:1: missing required field 'category'",
        "2:1: missing required field 'steps'",
    ]


def test_problems_are_capped_at_ten() -> None:
    text = HEAD + "steps:\n" + "  - say: x\n    seconds: -1\n" * 14
    lines = problems(text)
    assert len(lines) == 11
    assert lines[0] == "7:14: steps.1.seconds: should be greater than 0"
    assert lines[-1] == "27:14: … and 4 more problems"


def test_yaml_problems_are_load_errors() -> None:
    assert problems(HEAD + "steps:\n  - say: a\n  - say: b\n    say: c\n") == [
        "8:5: duplicate key 'say'; keep only one of them"
    ]


def test_user_text_in_messages_is_cleaned() -> None:
    [line] = problems(HEAD + 'steps:\n  - say: x\n    "bad\\e[31m": 1\n')
    assert "\x1b" not in line
    assert "unknown field 'bad[31m'" in line


# --- content hash and schema --------------------------------------------------------------------


def test_content_hash_follows_meaning_not_layout() -> None:
    one = load_exercise_text(VALID, "a.yaml")
    spaced = load_exercise_text("# comment\n" + VALID.replace(": ", ":   "), "b.yaml")
    changed = load_exercise_text(VALID.replace("drop.", "fall."), "c.yaml")
    assert len(one.content_hash()) == 16
    assert one.content_hash() == spaced.content_hash()
    assert one.content_hash() != changed.content_hash()


def test_schema_describes_the_format() -> None:
    schema = exercise_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] and schema["title"]
    assert set(schema["required"]) >= {"id", "title", "summary", "category", "steps"}
    assert schema["additionalProperties"] is False
    assert "in" in schema["$defs"]["BreathPattern"]["properties"]  # aliases, not field names


def test_schema_offers_the_pattern_names_with_examples() -> None:
    definitions = exercise_json_schema()["$defs"]
    for model, field in (("BreatheStep", "breathe"), ("Breathing", "pattern")):
        [named, _] = definitions[model]["properties"][field]["anyOf"]
        assert named["enum"] == ["box", "sigh", "long-out", "slow", "even", "4-7-8"]
        assert set(named["examples"]) <= set(named["enum"])


def test_committed_schema_is_up_to_date() -> None:
    committed = (REPO / "schema" / "exercise.schema.json").read_text(encoding="utf-8")
    assert committed == exercise_schema_text(), "run: python -m safeplace.exercise.schema"


def test_write_schema(tmp_path: Path) -> None:
    target = tmp_path / "out" / "exercise.schema.json"
    write_exercise_schema(target)
    text = target.read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert json.loads(text) == exercise_json_schema()


# --- text that starts like something else ---------------------------------------------------


@pytest.mark.parametrize(
    ("written", "opener"),
    [
        ('"Hello" she said', "a quote"),
        ("'Rest' is allowed", "a quote"),
        ("[Pause] and breathe", "'['"),
        ("{name} is here", "'{'"),
    ],
)
def test_text_that_starts_with_a_quote_or_bracket_is_told_to_be_quoted(
    written: str, opener: str
) -> None:
    for steps in (f"  - say: {written}\n", f"  - items:\n      - {written}\n"):
        [line] = problems(HEAD + "steps:\n" + steps)
        value_col = (HEAD + "steps:\n" + steps).splitlines()[-1].index(written[0]) + 1
        assert line.startswith(f"{len(HEAD.splitlines()) + len(steps.splitlines()) + 1}:"), line
        assert f":{value_col}: this text starts with {opener}" in line, line
        assert "put the whole text in quotes" in line


def test_an_apostrophe_that_opens_a_text_is_told_how_to_keep_it() -> None:
    [line] = problems(HEAD + "steps:\n  - say: 'Tis the season\n")
    assert line.startswith("6:10: this quoted text is never closed")
    assert "put the whole text in other quotes" in line


def test_a_problem_inside_a_passage_names_its_own_line() -> None:
    text = HEAD + (
        "steps:\n"
        "  - say: >-\n"
        "      The first line is fine\n"
        "      and here is {unknown} too.\n"
        "  - say: |\n"
        "      fine\n"
        "      a stray {brace\n"
    )
    assert [line.split(": ", 2)[:2] for line in problems(text)] == [
        ["8:19", "steps.1.say"],
        ["11:15", "steps.2.say"],
    ]
    assert "stray '{' in '{brace'" in problems(text)[1]


@pytest.mark.parametrize(
    ("written", "offered"),
    [("titel", "title"), ("sumary", "summary"), ("tag", "tags"), ("time", None), ("desc", None)],
)
def test_did_you_mean_only_when_the_suggestion_is_close(written: str, offered: str | None) -> None:
    [line] = problems(VALID + f"{written}: x\n")
    if offered is None:
        assert "did you mean" not in line and "the fields here are" in line, line
    else:
        assert line.endswith(f"did you mean '{offered}'?"), line
