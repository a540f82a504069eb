"""The hardened YAML reader: safe file reading, refused constructs, typing, positions."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest
import yaml

from safeplace.yamlsafe import (
    MAX_FILE_BYTES,
    YamlProblem,
    load_yaml_text,
    load_yaml_with_marks,
    load_yaml_with_positions,
    read_text_safely,
    use_pure_python,
)

PARSERS = [
    pytest.param(
        False,
        id="libyaml",
        marks=pytest.mark.skipif(not yaml.__with_libyaml__, reason="no libyaml"),
    ),
    pytest.param(True, id="pure-python"),
]


def problem_of(text: str, pure: bool) -> YamlProblem:
    with pytest.raises(YamlProblem) as caught:
        load_yaml_text(text, "ex.yaml", pure=pure)
    return caught.value


# --- the problem type -----------------------------------------------------------------------


def test_problem_reads_as_file_line_col_message() -> None:
    problem = YamlProblem("ex.yaml", 3, 7, "duplicate key 'a'")
    assert str(problem) == "ex.yaml:3:7: duplicate key 'a'"
    assert (problem.source, problem.line, problem.col, problem.message) == (
        "ex.yaml",
        3,
        7,
        "duplicate key 'a'",
    )


def test_pure_python_is_chosen_by_argument_or_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAFEPLACE_PURE_YAML", raising=False)
    assert use_pure_python(True) is True
    assert use_pure_python(False) is False
    assert use_pure_python() is (not yaml.__with_libyaml__)
    monkeypatch.setenv("SAFEPLACE_PURE_YAML", "1")
    assert use_pure_python() is True


# --- reading files --------------------------------------------------------------------------


def read_problem(path: Path) -> YamlProblem:
    with pytest.raises(YamlProblem) as caught:
        read_text_safely(path)
    return caught.value


def test_reads_utf8_and_drops_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "ex.yaml"
    path.write_bytes(codecs.BOM_UTF8 + "title: Café\n".encode())
    assert read_text_safely(path) == "title: Café\n"


def test_latin1_is_located_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "ex.yaml"
    path.write_bytes(b"id: x\ntitle: Caf\xe9\n")
    problem = read_problem(path)
    assert (problem.line, problem.col) == (2, 11)
    assert "not valid UTF-8 (byte 0xe9)" in problem.message
    assert "save it as UTF-8" in problem.message


def test_column_counts_characters_not_bytes(tmp_path: Path) -> None:
    path = tmp_path / "ex.yaml"
    path.write_bytes("say: ééé ".encode() + b"\xff\n")
    assert (read_problem(path).line, read_problem(path).col) == (1, 10)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_utf16_and_utf32_with_bom_are_named(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "ex.yaml"
    path.write_bytes("id: x\n".encode(encoding))
    assert "save it as UTF-8" in read_problem(path).message


def test_utf16_without_bom_is_caught_by_its_nul_bytes(tmp_path: Path) -> None:
    path = tmp_path / "ex.yaml"
    path.write_bytes("id: x\n".encode("utf-16-le"))
    problem = read_problem(path)
    assert "NUL byte" in problem.message
    assert (problem.line, problem.col) == (1, 2)


def test_nul_byte_is_located(tmp_path: Path) -> None:
    path = tmp_path / "ex.yaml"
    path.write_bytes(b"id: x\ntitle: a\x00b\n")
    problem = read_problem(path)
    assert (problem.line, problem.col, "NUL byte" in problem.message) == (2, 9, True)


@pytest.mark.parametrize("content", ["", "\n\n  \n", "# just a comment\n  # another\n", "\t\r\n"])
def test_empty_or_comment_only_file(tmp_path: Path, content: str) -> None:
    path = tmp_path / "ex.yaml"
    path.write_text(content)
    problem = read_problem(path)
    assert (problem.line, problem.col, problem.message) == (1, 1, "the file is empty")


def test_size_cap(tmp_path: Path) -> None:
    path = tmp_path / "ex.yaml"
    path.write_bytes(b"a: " + b"x" * MAX_FILE_BYTES)
    assert "too large" in read_problem(path).message
    path.write_bytes(b"a: " + b"x" * (MAX_FILE_BYTES - 4) + b"\n")
    assert len(read_text_safely(path)) == MAX_FILE_BYTES


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert read_problem(tmp_path / "nope.yaml").message == "no such file"
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    assert "folder" in read_problem(folder).message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")
@pytest.mark.timeout(5)
def test_fifo_does_not_block(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert "not a regular file" in read_problem(fifo).message


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
@pytest.mark.timeout(5)
def test_symlink_to_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    assert "not a regular file" in read_problem(link).message


def test_symlink_to_a_regular_file_is_fine(tmp_path: Path) -> None:
    (tmp_path / "real.yaml").write_text("a: 1\n")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "real.yaml")
    assert read_text_safely(tmp_path / "link.yaml") == "a: 1\n"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text("a: 1\n")
    path.chmod(0)
    assert "permission denied" in read_problem(path).message


# --- parsing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("pure", PARSERS)
def test_plain_scalars_follow_a_yaml_12_core_subset(pure: bool) -> None:
    text = (
        "a: 1:30\nb: 010\nc: NO\nd: .nan\ne: 2024-01-02\nf: yes\ng: on\nh: 1e3\ni: TRUE\n"
        "j: False\nk: ~\nl:\nm: -3\nn: +2.5\no: 0x10\np: '5'\nq: .inf\nr: 1_000\ns: 12:00:00\n"
    )
    assert load_yaml_text(text, "ex.yaml", pure=pure) == {
        "a": "1:30",
        "b": 10,
        "c": "NO",
        "d": ".nan",
        "e": "2024-01-02",
        "f": "yes",
        "g": "on",
        "h": 1000.0,
        "i": True,
        "j": False,
        "k": None,
        "l": None,
        "m": -3,
        "n": 2.5,
        "o": "0x10",
        "p": "5",
        "q": ".inf",
        "r": "1_000",
        "s": "12:00:00",
    }


@pytest.mark.parametrize("pure", PARSERS)
def test_overflowing_numbers_stay_text(pure: bool) -> None:
    data = load_yaml_text("a: 1e999\nb: " + "9" * 500 + "\n", "ex.yaml", pure=pure)
    assert data == {"a": "1e999", "b": "9" * 500}


@pytest.mark.parametrize("pure", PARSERS)
def test_matches_safe_load_on_ordinary_documents(pure: bool) -> None:
    text = (
        "id: x\ntags: [a, b]\nsteps:\n  - say: 'Hello: there'\n    seconds: 8\n"
        "  - breathe:\n      pattern: {in: 4, out: 6.5}\n  - items:\n      - one\n      - two\n"
        "notes: |\n  line one\n  line two\n"
    )
    assert load_yaml_text(text, "ex.yaml", pure=pure) == yaml.safe_load(text)


@pytest.mark.parametrize("pure", PARSERS)
@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "~\n", "null\n"])
def test_an_empty_document_is_none(pure: bool, text: str) -> None:
    assert load_yaml_text(text, "ex.yaml", pure=pure) is None


@pytest.mark.parametrize("pure", PARSERS)
@pytest.mark.parametrize(
    ("text", "line", "col", "words"),
    [
        ("a: &x 1\nb: *x\n", 1, 4, "anchors and aliases"),
        ("a: 1\nb: *x\n", 2, 4, "anchors and aliases"),
        ("a: !!python/object/apply:os.system [ls]\n", 1, 4, "'!!python/object/apply:os.system'"),
        ("a: !!python/name:os.system\n", 1, 4, "tags"),
        ("a: !Foo 1\n", 1, 4, "'!Foo'"),
        ("a: !!binary aGVsbG8=\n", 1, 4, "'!!binary'"),
        ("a: !!set {x, y}\n", 1, 4, "'!!set'"),
        ("a: !!str 5\n", 1, 4, "tags"),
        ("a: ! 5\n", 1, 4, "tags"),
        ("<<: {a: 1}\n", 1, 1, "merge keys"),
        ("a: 1\n---\nb: 2\n", 2, 1, "only one YAML document"),
        ("- 1\n- 2\n", 1, 1, "expected a mapping of field: value at the top of the file"),
        ("just words\n", 1, 1, "expected a mapping"),
        ("a: 1\nb:\n  c: 1\n  d: 2\n  c: 3\n", 5, 3, "duplicate key 'c'"),
        ("steps:\n  - say: x\n    seconds: 4\n    seconds: 5\n", 4, 5, "duplicate key 'seconds'"),
        ("1: x\n", 1, 1, "field names must be text"),
        ("true: x\n", 1, 1, "put true in quotes"),
        (": x\n", 1, 1, "field name is missing"),
        ("a: 1\n?\n: x\n", 2, 2, "field name is missing"),
        ("? [a]\n: 1\n", 1, 3, "not a list or mapping"),
        ("a:\n\tb: 1\n", 2, 1, "tab"),
        ("a: b: c\n", 1, 5, "unexpected ':'"),
        ("a: 'open\n", 1, 4, "never closed"),
        ("a: [1, 2\n", 2, 1, "missing in this inline list"),
        ("a:\n  b: 1\n c: 2\n", 3, 2, "indentation"),
        ("a: b\nc\nd: e\n", 2, 1, "a ':' is missing"),
        ("a:\n  b: x\n  - c\n", 3, 3, "indentation"),
        ("a: \x00\n", 1, 4, "control character (U+0000)"),
        ("a: " + "x" * 10_001 + "\n", 1, 4, "longer than 10000 characters"),
    ],
)
def test_refused_and_broken_documents_are_located(
    pure: bool, text: str, line: int, col: int, words: str
) -> None:
    problem = problem_of(text, pure)
    assert problem.source == "ex.yaml"
    assert (problem.line, problem.col) == (line, col), problem.message
    assert words in problem.message


@pytest.mark.parametrize("pure", PARSERS)
def test_depth_is_capped_at_32(pure: bool) -> None:
    ok = "a: " + "[" * 31 + "]" * 31 + "\n"
    assert load_yaml_text(ok, "ex.yaml", pure=pure) is not None
    problem = problem_of("a: " + "[" * 32 + "]" * 32 + "\n", pure)
    assert (problem.line, problem.col) == (1, 35)
    assert "nesting deeper than 32 levels" in problem.message


@pytest.mark.parametrize("pure", PARSERS)
def test_node_count_is_capped(pure: bool) -> None:
    text = "a: [" + ", ".join(["1"] * 20_001) + "]\n"
    assert "more than 20000 values" in problem_of(text, pure).message


def test_text_size_is_capped_without_a_file() -> None:
    assert "too large" in problem_of("a: " + "x" * MAX_FILE_BYTES, pure=False).message


def test_lone_surrogates_do_not_escape() -> None:
    problem = problem_of("a: \udcff\n", pure=False)
    assert problem.message


def test_unicode_and_quoted_merge_key_are_fine() -> None:
    assert load_yaml_text("'<<': 1\nsay: ☀ 🌊\n", "ex.yaml") == {"<<": 1, "say": "☀ 🌊"}


def test_safe_loader_is_left_untouched() -> None:
    load_yaml_text("a: 1\n", "ex.yaml")
    assert yaml.safe_load("a: 1:30\nb: yes\n") == {"a": 90, "b": True}


# --- positions --------------------------------------------------------------------------------


@pytest.mark.parametrize("pure", PARSERS)
def test_positions_of_values_and_keys(pure: bool) -> None:
    text = "# comment\nid: x\nsteps:\n  - say: hi\n    seconds: 1:30\n  - breathe: {in: 4}\n"
    data, marks = load_yaml_with_marks(text, "ex.yaml", pure=pure)
    assert data["steps"][0]["seconds"] == "1:30"
    assert marks.values[()] == (2, 1)
    assert marks.values[("id",)] == (2, 5)
    assert marks.values[("steps",)] == (4, 3)
    assert marks.values[("steps", 0)] == (4, 5)
    assert marks.values[("steps", 0, "seconds")] == (5, 14)
    assert marks.keys[("steps", 0, "seconds")] == (5, 5)
    assert marks.values[("steps", 1, "breathe", "in")] == (6, 19)
    _, positions = load_yaml_with_positions(text, "ex.yaml", pure=pure)
    assert positions == marks.values


def test_parsers_agree_on_positions() -> None:
    text = "a:\n  - b: 1\n    c: [x, {d: 'é'}]\n  - e: |\n      text\n"
    assert load_yaml_with_marks(text, "s", pure=True) == load_yaml_with_marks(text, "s", pure=False)
