"""Hostile and broken exercise files (reliability.md section 7, Y1-Y12).

Each one must end in a located, plain LoadError: fast, small, no code run, no hang, no crash.
"""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeplace.exercise.loader import LoadError, load_exercise_file, load_exercise_text
from safeplace.exercise.steps import SayStep

HEAD = "id: calm\ntitle: Calm\nsummary: A calm moment.\ncategory: breathing\n"
PURE = "SAFEPLACE_PURE_YAML"

# Not a speed target (`make bench` measures speed): a bomb that expanded, or a parser that
# hung, would take minutes; a refusal on a loaded machine takes well under this.
BLOWUP_SECONDS = 5.0


@contextlib.contextmanager
def parser_env(pure: bool) -> Iterator[None]:
    """Choose the parser through the environment, as a user would (no module patching)."""
    before = os.environ.get(PURE)
    os.environ[PURE] = "1" if pure else "0"
    try:
        yield
    finally:
        if before is None:
            del os.environ[PURE]
        else:
            os.environ[PURE] = before


@pytest.fixture(params=[False, True], ids=["libyaml", "pure-python"])
def pure(request: pytest.FixtureRequest) -> Iterator[bool]:
    if not request.param and not yaml.__with_libyaml__:
        pytest.skip("PyYAML without libyaml")
    with parser_env(bool(request.param)):
        yield bool(request.param)


def problems_of(path: Path) -> list[str]:
    with pytest.raises(LoadError) as caught:
        load_exercise_file(path)
    return [f"{p.line}:{p.col}: {p.message}" for p in caught.value.problems]


def alias_bomb(levels: int = 9) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        refs = ", ".join([f"*l{level - 1}"] * 9)
        lines.append(f"l{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n"


def merge_bomb(levels: int = 12, width: int = 4) -> str:
    lines = ["m0: &m0 {x0: 0}"]
    for level in range(1, levels):
        refs = ", ".join([f"*m{level - 1}"] * width)
        lines.append(f"m{level}: &m{level} {{<<: [{refs}], x{level}: {level}}}")
    return "\n".join(lines) + "\n"


# Every hostile file as bytes, with the start of its expected message.
HOSTILE: dict[str, tuple[bytes, str]] = {
    "python-apply": (
        b'a: !!python/object/apply:os.system ["touch SENTINEL"]\n',
        "1:4: YAML tags such as '!!python/object/apply:os.system' are not supported",
    ),
    "python-new": (
        b"a: !!python/object/new:subprocess.Popen [[touch, SENTINEL]]\n",
        "1:4: YAML tags such as '!!python/object/new:subprocess.Popen'",
    ),
    "python-name": (b"a: !!python/name:os.system\n", "1:4: YAML tags such as '!!python/name"),
    "custom-tag": (b"title: !Foo bar\n", "1:8: YAML tags such as '!Foo'"),
    "alias-bomb": (alias_bomb().encode(), "1:5: anchors and aliases"),
    "merge-bomb": (merge_bomb().encode(), "1:5: anchors and aliases"),
    "merge-key": (HEAD.encode() + b"<<: {tags: [a]}\n", "5:1: merge keys (<<)"),
    "deep-flow-top": (b"[" * 100_000, "1:1: expected a mapping"),
    "deep-flow": (b"a: " + b"[" * 100_000, "1:35: nesting deeper than 32 levels"),
    "deep-30000": (
        b"a: " + b"[" * 30_000 + b"]" * 30_000 + b"\n",
        "1:35: nesting deeper than 32 levels",
    ),
    "deep-block": (b"a:\n" + b"- " * 30_000 + b"x\n", "2:63: nesting deeper than 32 levels"),
    "deep-block-lines": (
        b"a:\n" + b"".join(b"  " + b"-  " * i + b"x\n" for i in range(1, 400)),
        "nesting deeper than 32 levels",
    ),
    "many-values": (b"a: [" + b"1," * 25_000 + b"1]\n", "more than 20000 values"),
    "long-scalar": (b"a: " + b"x" * 20_000 + b"\n", "1:4: value longer than 10000 characters"),
    "300-KiB": (b"a: " + b"x" * (300 * 1024) + b"\n", "1:1: the file is too large (300 KiB"),
    "1-MB-scalar": (b"a: " + b"x" * 1_000_000 + b"\n", "1:1: the file is too large"),
    "latin-1": (HEAD.encode() + b"say: caf\xe9\n", "5:9: the file is not valid UTF-8 (byte 0xe9)"),
    "utf-16": (
        HEAD.encode("utf-16"),
        "1:1: the file is UTF-16 or UTF-32 encoded; save it as UTF-8",
    ),
    "utf-16-no-bom": (HEAD.encode("utf-16-le"), "1:2: the file contains a NUL byte"),
    "nul": (HEAD.encode() + b"say: a\x00b\n", "5:7: the file contains a NUL byte"),
    "two-documents": (HEAD.encode() + b"---\nid: other\n", "5:1: only one YAML document per file"),
    "empty": (b"", "1:1: the file is empty"),
    "comments-only": (b"# nothing here\n\n", "1:1: the file is empty"),
    "top-level-list": (b"- say: hi\n", "1:1: expected a mapping of field: value at the top"),
    "tab-indent": (HEAD.encode() + b"steps:\n\t- say: hi\n", "6:1: a tab is used for indentation"),
    "duplicate-key": (
        HEAD.encode() + b"steps:\n  - say: hi\n    seconds: 4\n    seconds: 5\n",
        "8:5: duplicate key 'seconds'",
    ),
}


@pytest.fixture
def hostile_file(tmp_path: Path, request: pytest.FixtureRequest) -> tuple[Path, str]:
    content, expected = HOSTILE[request.param]
    path = tmp_path / f"{request.param}.yaml"
    path.write_bytes(content)
    return path, expected


@pytest.mark.timeout(10)
@pytest.mark.parametrize("hostile_file", sorted(HOSTILE), indirect=True)
def test_hostile_file_is_refused_quickly_and_located(
    hostile_file: tuple[Path, str], pure: bool
) -> None:
    path, expected = hostile_file
    start = time.perf_counter()
    lines = problems_of(path)
    elapsed = time.perf_counter() - start
    assert len(lines) == 1
    assert lines[0].startswith(expected) or expected in lines[0], lines[0]
    assert elapsed < BLOWUP_SECONDS


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_both_parsers_give_the_same_answer(tmp_path: Path, name: str) -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML without libyaml")
    path = tmp_path / "x.yaml"
    path.write_bytes(HOSTILE[name][0])
    answers = []
    for pure in (False, True):
        with parser_env(pure), pytest.raises(LoadError) as caught:
            load_exercise_file(path)
        answers.append(str(caught.value))
    assert answers[0] == answers[1]


# --- Y1: no code ever runs ----------------------------------------------------------------------


def test_python_tags_never_execute(
    tmp_path: Path, pure: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    sentinel = tmp_path / "SENTINEL"
    for name in ("python-apply", "python-new", "python-name"):
        path = tmp_path / f"{name}.yaml"
        path.write_bytes(HEAD.encode() + b"steps:\n  - say: hi\n" + HOSTILE[name][0])
        assert "are not supported" in problems_of(path)[0]
    assert not sentinel.exists()


# --- Y2, Y3: bombs are refused before they grow -----------------------------------------------


def test_alias_bomb_costs_no_time_or_memory(tmp_path: Path, pure: bool) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb(9))
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    assert problems_of(path)[0].startswith("1:5: anchors and aliases")
    assert time.perf_counter() - start < BLOWUP_SECONDS
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
    assert grown_kib < 20 * 1024


@pytest.mark.timeout(10)
def test_merge_bomb_is_refused_before_it_explodes(tmp_path: Path, pure: bool) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(merge_bomb(12, 4))
    start = time.perf_counter()
    assert problems_of(path)[0].startswith("1:5: anchors and aliases")
    assert time.perf_counter() - start < BLOWUP_SECONDS


# --- Y4: deep nesting cannot crash the interpreter ---------------------------------------------

_CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from safeplace.exercise.library import validate_paths
    for problem in validate_paths([Path(sys.argv[1])])[0]:
        print(problem)
    """
)


def run_validate(path: Path, pure: bool) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, PURE: "1" if pure else "0"}
    return subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
        check=False,
    )


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", ["deep-flow", "deep-30000", "deep-block", "deep-block-lines"])
def test_deep_nesting_in_a_child_process(tmp_path: Path, name: str, pure: bool) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(HOSTILE[name][0])
    child = run_validate(path, pure)
    assert child.returncode == 0, child.stderr  # a segfault would be -11
    assert "nesting deeper than 32 levels" in child.stdout
    assert "Traceback" not in child.stderr


# --- Y5: files that are not files ---------------------------------------------------------------


@pytest.mark.timeout(5)
def test_special_files_return_at_once(tmp_path: Path, pure: bool) -> None:
    specials = []
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "fifo.yaml")
        specials.append((tmp_path / "fifo.yaml", "not a regular file"))
    if Path("/dev/zero").exists():
        (tmp_path / "zero.yaml").symlink_to("/dev/zero")
        specials.append((tmp_path / "zero.yaml", "not a regular file"))
    (tmp_path / "folder.yaml").mkdir()
    specials.append((tmp_path / "folder.yaml", "folder"))
    for path, words in specials:
        start = time.perf_counter()
        [line] = problems_of(path)
        assert line.startswith("1:1: ") and words in line
        assert time.perf_counter() - start < BLOWUP_SECONDS


@pytest.mark.timeout(10)
def test_twenty_megabyte_scalar_is_never_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.write(b"say: ")
        handle.write(b"x" * (20 * 1024 * 1024))
    start = time.perf_counter()
    assert problems_of(path) == [
        "1:1: the file is too large (20480 KiB; the limit is 256 KiB); "
        "exercises and settings are short text files"
    ]
    assert time.perf_counter() - start < BLOWUP_SECONDS


# --- Y7, Y8, Y10: values, encodings and validation -----------------------------------------------


def test_yaml_11_surprises_never_slip_through(tmp_path: Path, pure: bool) -> None:
    path = tmp_path / "ex.yaml"
    path.write_text(
        "id: x\ntitle: NO\nsummary: '2024-01-02'\ncategory: breathing\nsteps:\n"
        "  - say: hi\n    seconds: 1:30\n"
        "  - breathe: {pattern: slow, cycles: 010}\n"
        "  - silence: .nan\n"
        "  - silence: 2024-01-02\n",
        encoding="utf-8",
    )
    assert problems_of(path) == [
        "7:14: steps.1.seconds: write times as a number of seconds, e.g. 90 (not minutes:seconds)",
        "9:14: steps.3.silence: should be a number, not '.nan'",
        "10:14: steps.4.silence: should be a number, not '2024-01-02'",
    ]


def test_bom_is_accepted(tmp_path: Path, pure: bool) -> None:
    path = tmp_path / "ex.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + HEAD.encode() + b"steps:\n  - say: Caf\xc3\xa9.\n")
    step = load_exercise_file(path).steps[0]
    assert isinstance(step, SayStep) and step.say == "Café."


def test_every_validation_mistake_gets_its_own_located_line(tmp_path: Path, pure: bool) -> None:
    path = tmp_path / "ex.yaml"
    path.write_text(
        "id: x\nsummary: S\ncategory: breathing\ncautions: []\nsteps:\n"
        "  - say: hi\n    secnds: 3\n"  # typo
        "  - silence: -3\n"  # negative
        "  - breathe: {pattern: slow, cycles: 2.5}\n"  # float for an int
        "  - jog: 5\n"  # unknown step kind
        "  - say: Keep {kind_words} close\n"  # unknown placeholder
        "  - breathe: box\n",  # holds without the caution
        encoding="utf-8",
    )
    assert problems_of(path) == [
        "1:1: missing required field 'title'",
        "7:5: steps.1: unknown field 'secnds'; did you mean 'seconds'?",
        "8:14: steps.2.silence: should be greater than 0",
        "9:38: steps.3.breathe.cycles: should be a whole number, e.g. 2",
        "10:5: steps.4: each step needs exactly one of: say, breathe, silence, items, prompt, "
        "rate, choose, repeat, section",
    ]
    # Whole-exercise checks run once the fields themselves are valid.
    fixed = path.read_text().replace("id: x\n", "id: x\ntitle: T\n")
    fixed = fixed.replace("secnds", "seconds").replace("-3", "3").replace("2.5", "2")
    path.write_text(fixed.replace("  - jog: 5\n", ""))
    assert problems_of(path) == [
        "11:10: steps.4.say: unknown placeholder {kind_words}: give an earlier prompt or "
        "choice this name and a default (name: kind_words or remember: kind_words, with "
        "default: ...), or declare it under recall with a default",
        "12:14: steps.5.breathe: this pattern holds the breath: add breath-holds to cautions so "
        "that people who avoid holds are told first",
    ]


# --- Y11: fuzzing ---------------------------------------------------------------------------------

YAML_ALPHABET = st.sampled_from(list(" \n\t:-[]{},#&*!|>'\"?%@`~<=.0123456789abcxyz\u00e9\u2603"))
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(["box", "1:30", "{nope}", "ground-me", "breath-holds", "x" * 400])
)
KEYS = st.sampled_from(
    [
        *("id", "title", "summary", "category", "tags", "steps", "recall", "cautions"),
        *("say", "seconds", "breathe", "pattern", "in", "out", "hold", "cycles", "lengthen"),
        *("silence", "items", "prompt", "remember", "default", "rate", "repeat", "secnds"),
    ]
)
STRUCTURES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(KEYS | st.text(max_size=6), children, max_size=5)
    ),
    max_leaves=25,
)
EXERCISE_LIKE = st.fixed_dictionaries(
    {"steps": st.lists(st.dictionaries(KEYS, STRUCTURES, min_size=1, max_size=3), max_size=4)},
    optional={
        "id": st.sampled_from(["calm", "Bad Id", 5]),
        "title": SCALARS,
        "summary": SCALARS,
        "category": st.sampled_from(["breathing", "breath", None]),
        "cautions": STRUCTURES,
        "recall": STRUCTURES,
    },
)


def assert_only_load_errors(text: str, pure: bool) -> None:
    with parser_env(pure):
        try:
            load_exercise_text(text, "fuzz.yaml")
        except LoadError as error:
            rendered = str(error)
            assert "bug in safeplace" not in rendered, rendered
            assert all(problem.line >= 1 and problem.col >= 1 for problem in error.problems)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(YAML_ALPHABET, max_size=300), pure=st.booleans())
def test_fuzzed_text_only_raises_load_error(text: str, pure: bool) -> None:
    assert_only_load_errors(text, pure)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=STRUCTURES | EXERCISE_LIKE, pure=st.booleans())
def test_fuzzed_structures_only_raise_load_error(data: object, pure: bool) -> None:
    assert_only_load_errors(yaml.safe_dump(data, allow_unicode=True), pure)


BUNDLED_TEXTS = [
    path.read_text(encoding="utf-8")
    for path in sorted((Path(__file__).resolve().parents[2] / "exercises").rglob("*.yaml"))
]


@pytest.mark.skipif(not BUNDLED_TEXTS, reason="no bundled exercises yet")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), pure=st.booleans())
def test_damaged_real_exercises_only_raise_load_error(data: st.DataObject, pure: bool) -> None:
    text = data.draw(st.sampled_from(BUNDLED_TEXTS) if BUNDLED_TEXTS else st.just(""))
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 8)))
    inserted = data.draw(st.text(YAML_ALPHABET, max_size=6))
    assert_only_load_errors(text[:start] + inserted + text[end:], pure)


# --- every hostile file through `validate` in a child: time and memory ----------------------------


@pytest.mark.timeout(120)
def test_validate_stays_fast_and_small_on_every_hostile_file(tmp_path: Path) -> None:
    files = []
    for name, (content, _) in sorted(HOSTILE.items()):
        path = tmp_path / f"{name}.yaml"
        path.write_bytes(content)
        files.append(path)
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "fifo.yaml")
        files.append(tmp_path / "fifo.yaml")
    for path in files:
        start = time.perf_counter()
        child = run_validate(path, pure=False)
        elapsed = time.perf_counter() - start
        assert child.returncode == 0, (path.name, child.stderr)
        assert child.stdout.startswith(str(path)), (path.name, child.stdout)
        assert elapsed < BLOWUP_SECONDS, (path.name, elapsed)
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert peak_mib < 300
