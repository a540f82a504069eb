"""Warnings for authors: text cut short by ' #', and an id that differs from its file name."""

from __future__ import annotations

from pathlib import Path

from safeplace.exercise.advice import advice_for

HEAD = "id: calm\ntitle: Calm\nsummary: A calm moment.\ncategory: breathing\nsteps:\n"


def advice(tmp_path: Path, text: str, name: str = "calm.yaml") -> list[str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return [str(problem).removeprefix(f"{path}:") for problem in advice_for(path)]


def test_a_hash_that_cuts_plain_text_short_gets_a_warning(tmp_path: Path) -> None:
    [line] = advice(tmp_path, HEAD + "  - say: You are my #1 friend\n")
    assert line.startswith("6:21: warning: the text stops before ' #1 friend'")
    assert "put the whole text in quotes" in line


def test_comments_that_look_meant_are_left_alone(tmp_path: Path) -> None:
    steps = (
        "  - say: Breathe in.  # two spaces before the comment\n"
        "  - say: Rest # a space after the hash\n"
        "  - say: 'You are my #1 friend'\n"
        "  - items:\n      - one\n"
    )
    assert advice(tmp_path, HEAD + steps) == []


def test_an_item_cut_short_is_found_too(tmp_path: Path) -> None:
    [line] = advice(tmp_path, HEAD + "  - items:\n      - the #2 pencil\n")
    assert line.startswith("7:13: warning: the text stops before ' #2 pencil'")


def test_an_id_that_differs_from_the_file_name_gets_a_warning(tmp_path: Path) -> None:
    [line] = advice(tmp_path, HEAD + "  - say: Hello.\n", name="evening.yaml")
    assert line == (
        "1:5: warning: the id 'calm' differs from the file name 'evening.yaml'; "
        "naming the file calm.yaml makes it easy to find"
    )


def test_a_file_that_cannot_be_parsed_gets_no_advice(tmp_path: Path) -> None:
    assert advice(tmp_path, "id: [\n") == []
