"""`safeplace plan` and `safeplace remembered`, as a person runs them: the installed command,
in a subprocess, with its own SAFEPLACE_HOME."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from safeplace.history.plan import SafetyPlan
from safeplace.history.store import HistoryStore
from safeplace.paths import Paths

SAFEPLACE = Path(sys.executable).with_name("safeplace")
DAY = r"\d{4}-\d\d-\d\d"


def safeplace(home: Path, *argv: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SAFEPLACE_HOME": str(home), "LANG": "C.UTF-8"}
    return subprocess.run(
        [str(SAFEPLACE), *argv],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def save_plan(paths: Paths, **parts: list[str]) -> None:
    with HistoryStore.open(paths.history_db) as store:
        store.save_safety_plan(SafetyPlan.of(parts))


def set_region(paths: Paths, region: str) -> None:
    paths.config_dir.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text(f"crisis_region: {region}\n", encoding="utf-8")


def test_with_no_plan_it_says_how_to_make_one_and_creates_nothing(
    paths: Paths, isolated_home: Path
) -> None:
    result = safeplace(isolated_home, "plan")
    assert result.returncode == 0, result.stderr
    first, *rest = result.stdout.splitlines()
    assert first.startswith("You have no safety plan yet") and "press ?" in first
    assert "If you are in danger right now, call your local emergency number." in rest
    assert not paths.data_dir.exists()  # reading it made no history


def test_the_plan_prints_as_plain_text_with_the_regions_crisis_lines(
    paths: Paths, isolated_home: Path, tmp_path: Path
) -> None:
    save_plan(
        paths,
        people=["Sam \x1b]0;owned\x07– 07700 900123", "[b]Alex[/b]"],
        professionals=["Dr Ahmed, 01632 960000"],
    )
    set_region(paths, "uk")
    out = tmp_path / "plan.txt"
    with out.open("w", encoding="utf-8") as file:  # safeplace plan > plan.txt
        result = subprocess.run(
            [str(SAFEPLACE), "plan"],
            env={**os.environ, "SAFEPLACE_HOME": str(isolated_home)},
            stdout=file,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "\x1b" not in text and "\x07" not in text
    people = text.index("People I can ask for help")
    assert text.index("  - Sam ]0;owned– 07700 900123") > people
    assert "  - [b]Alex[/b]\n" in text  # as typed
    assert text.index("Dr Ahmed, 01632 960000") > text.index("Professionals and crisis lines")
    tail = text.rstrip("\n").splitlines()[-2:]
    assert tail == [
        "If you are in danger right now, call 999.",
        "UK: call Samaritans free on 116 123, any time.",
    ]


def remember(paths: Paths, name: str, words: str) -> None:
    with HistoryStore.open(paths.history_db) as store:
        store.set_remembered(name, words)


def test_remembered_lists_the_words_and_the_day_they_were_given(
    paths: Paths, isolated_home: Path
) -> None:
    remember(paths, "cue_word", "harbour")
    remember(paths, "kind_words", "soft \x1b[2Jfor now")
    result = safeplace(isolated_home, "remembered")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert re.fullmatch(rf"{DAY}  cue_word: harbour", lines[0]), lines
    assert re.fullmatch(rf"{DAY}  kind_words: soft \[2Jfor now", lines[1]), lines


def test_forget_takes_one_name_out(paths: Paths, isolated_home: Path) -> None:
    remember(paths, "cue_word", "harbour")
    remember(paths, "kind_words", "soft")
    result = safeplace(isolated_home, "remembered", "--forget", "cue_word")
    assert (result.returncode, result.stdout) == (0, "Forgot cue_word.\n")
    shown = safeplace(isolated_home, "remembered").stdout
    assert "cue_word" not in shown and "kind_words: soft" in shown


@pytest.mark.parametrize("history", [True, False], ids=["with-history", "no-history"])
def test_forgetting_an_unknown_name_is_one_sentence(
    paths: Paths, isolated_home: Path, history: bool
) -> None:
    if history:
        remember(paths, "cue_word", "harbour")
    result = safeplace(isolated_home, "remembered", "--forget", "kind_words")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Nothing is remembered as kind_words, so there is nothing to forget.\n"
    )
    assert paths.data_dir.exists() == history  # no history made to forget nothing


def test_export_import_and_erase_take_the_plan_and_favourites(
    paths: Paths, isolated_home: Path, tmp_path: Path
) -> None:
    save_plan(paths, people=["Sam"])
    with HistoryStore.open(paths.history_db) as store:
        store.set_favourite("box-breathing", True)
    export = tmp_path / "export.json"
    assert safeplace(isolated_home, "export", "-o", str(export)).returncode == 0
    document = json.loads(export.read_text(encoding="utf-8"))
    assert [part["entries"] for part in document["safety_plan"]] == [["Sam"]]
    assert [f["exercise_id"] for f in document["favourites"]] == ["box-breathing"]

    elsewhere = tmp_path / "elsewhere"
    assert safeplace(elsewhere, "import", str(export)).returncode == 0
    assert "  - Sam" in safeplace(elsewhere, "plan").stdout
    with HistoryStore.open(elsewhere / "data" / "history.db") as store:
        assert store.favourites() == {"box-breathing"}

    erased = safeplace(elsewhere, "erase", "--yes")
    assert erased.returncode == 0, erased.stderr
    assert safeplace(elsewhere, "plan").stdout.startswith("You have no safety plan yet")
    with HistoryStore.open(elsewhere / "data" / "history.db") as store:
        assert store.favourites() == frozenset()
