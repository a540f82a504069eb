"""The headless commands, run as a person or a script would run them."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest

from safeplace import __version__
from safeplace.cli import run
from safeplace.exercise.schema import exercise_json_schema
from safeplace.paths import Paths

GOOD = """\
id: evening-pause
title: An evening pause
summary: A minute of slower breathing.
category: breathing
steps:
  - say: Let your shoulders drop, if that feels alright.
  - breathe: long-out
"""


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"safeplace {__version__}"


def test_list_shows_every_bundled_exercise(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["list"]) == 0
    out = capsys.readouterr().out
    assert "box-breathing" in out and "breathing" in out and "min" in out


def test_list_json_has_the_promised_fields(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) >= 12
    for row in rows:
        assert {"id", "title", "category", "minutes"} <= set(row)
        assert isinstance(row["minutes"], int) and row["minutes"] >= 1


def test_show_describes_steps_and_duration(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["show", "box-breathing"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Box breathing")
    assert "Steps:" in out and "breathe" in out and "min" in out


def test_show_json_has_computed_duration(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["show", "box-breathing", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["id"] == "box-breathing"
    assert data["estimated_seconds"] > 0 and data["minutes"] >= 1
    assert data["steps"]


def test_show_unknown_id_suggests_the_closest(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["show", "box-breathin"]) == 1
    err = capsys.readouterr().err
    assert "No exercise with the id 'box-breathin'" in err
    assert "box-breathing" in err


def test_user_exercise_overrides_bundled_and_is_announced(
    paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    paths.user_exercises.mkdir(parents=True)
    (paths.user_exercises / "mine.yaml").write_text(
        GOOD.replace("evening-pause", "box-breathing"), encoding="utf-8"
    )
    assert run(["show", "box-breathing", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["title"] == "An evening pause"
    assert "box-breathing" in captured.err


def test_exercises_option_adds_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "evening-pause.yaml").write_text(GOOD, encoding="utf-8")
    assert run(["list", "--json", "--exercises", str(tmp_path)]) == 0
    ids = [row["id"] for row in json.loads(capsys.readouterr().out)]
    assert "evening-pause" in ids


def test_validate_good_file_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "evening-pause.yaml"
    good.write_text(GOOD, encoding="utf-8")
    assert run(["validate", str(good)]) == 0
    assert "All valid" in capsys.readouterr().err


def test_validate_reports_file_line_col(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("  - breathe: long-out", "  - breathe: long-out\n    secnds: 3"))
    good = tmp_path / "evening-pause.yaml"
    good.write_text(GOOD, encoding="utf-8")
    assert run(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert out[0].startswith(f"{bad}:8:5: ")
    assert "secnds" in out[0]


def test_a_bare_validate_checks_your_own_folder(
    paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["validate"]) == 0
    assert "no exercises of your own yet" in capsys.readouterr().out
    paths.user_exercises.mkdir(parents=True)
    (paths.user_exercises / "evening-pause.yaml").write_text(GOOD, encoding="utf-8")
    (paths.user_exercises / "broken.yaml").write_text("id: [\n", encoding="utf-8")
    assert run(["validate"]) == 1
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith(f"{paths.user_exercises / 'broken.yaml'}:")


def test_validate_prints_warnings_and_still_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    renamed = tmp_path / "pause.yaml"
    renamed.write_text(GOOD, encoding="utf-8")
    assert run(["validate", str(renamed)]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith(f"{renamed}:") and "warning: the id" in captured.out
    assert "All valid (1 warning)." in captured.err


def test_validate_the_bundled_library_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    bundled = Path(__file__).resolve().parents[2] / "exercises"
    assert run(["validate", str(bundled)]) == 0


def test_schema_is_the_committed_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    committed = Path(__file__).resolve().parents[2] / "schema" / "exercise.schema.json"
    assert printed == exercise_json_schema() == json.loads(committed.read_text())


def test_locate_names_every_place(paths: Paths, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["locate"]) == 0
    out = capsys.readouterr().out
    for place in ("config", "history", "exercises", "bundled", "schema"):
        assert place in out
    assert str(paths.history_db) in out
    assert not paths.data_dir.exists()  # locating creates nothing


def test_play_without_a_terminal_says_so_in_one_sentence() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "safeplace", "play", "box-breathing"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "needs an interactive terminal" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_speed_is_refused_plainly(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(["play", "box-breathing", "--speed", "fast"])
    assert exit_info.value.code == 2
    assert "speed must be a number" in capsys.readouterr().err


def test_a_broken_config_is_moved_aside_and_defaults_are_used(
    paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    paths.config_dir.mkdir(parents=True)
    paths.config_file.write_text("day_start_hour: [oops\n", encoding="utf-8")
    assert run(["list"]) == 0
    err = capsys.readouterr().err
    assert "Using default settings" in err
    kept = list(paths.config_dir.glob("config.yaml.broken-*"))
    assert len(kept) == 1 and kept[0].read_text() == "day_start_hour: [oops\n"


def test_a_terminal_without_utf8_is_told_how_to_fix_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from safeplace import cli

    class AsciiTerminal(io.StringIO):
        encoding = "ascii"

        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", AsciiTerminal())
    monkeypatch.setattr(sys, "__stderr__", AsciiTerminal())
    problem = cli.terminal_problem()
    assert problem is not None and "UTF-8" in problem and "LANG=C.UTF-8" in problem


def test_headless_commands_run_with_the_collector_on(capsys: pytest.CaptureFixture[str]) -> None:
    from safeplace.__main__ import main

    try:
        assert main(["list"]) == 0  # main pauses the collector for the app's start-up only
        assert gc.isenabled()
    finally:
        gc.enable()
    assert "box-breathing" in capsys.readouterr().out
