"""Settings: gentle defaults, atomic saves, each bad value set aside on its own, and a file
that cannot be parsed kept rather than lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from safeplace.checked import CheckedCache, fingerprint
from safeplace.paths import Paths
from safeplace.settings import CONFIG_HEADER, Settings, load_settings, save_settings


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    settings, problems = load_settings(tmp_path / "config.yaml")
    assert problems == []
    assert settings.day_start_hour == 4 and settings.rest_days_per_week == 1
    assert settings.breath_holds and settings.show_streaks and settings.keep_answers


def test_save_then_load_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "config.yaml"
    chosen = Settings(theme="textual-light", motion="none", day_start_hour=5, keymap={"a": "b"})
    save_settings(chosen, path)
    loaded, problems = load_settings(path)
    assert problems == [] and loaded == chosen
    assert [p.name for p in path.parent.iterdir()] == ["config.yaml"]  # no temp files left


def test_a_bad_value_is_set_aside_alone_and_the_file_left_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    written = "theme: nord\nday_start_hour: 30\ncrisis_region: uk\n"
    path.write_text(written, encoding="utf-8")
    settings, problems = load_settings(path)
    assert settings == Settings(theme="nord", crisis_region="uk")
    assert problems == [
        f"{path}:2:17: day_start_hour must be from 0 to 12, not 30; "
        "the default (4) is used until you change it."
    ]
    assert path.read_text(encoding="utf-8") == written
    assert [p.name for p in tmp_path.iterdir()] == ["config.yaml"]


def test_one_unknown_setting_keeps_every_other(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("crisis_region: ie\ncolour: blue\nbell: true\n", encoding="utf-8")
    settings, problems = load_settings(path)
    assert settings == Settings(crisis_region="ie", bell=True)
    [problem] = problems
    assert problem.startswith(f"{path}:2:1: 'colour' is not a setting safeplace knows")


def test_every_problem_is_said_where_it_is(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("bell: yes\nmotion: sideways\nkeymap: [a]\nshow_streaks:\n", encoding="utf-8")
    settings, problems = load_settings(path)
    assert settings == Settings()
    assert [problem.split(": ", 1)[0] for problem in problems] == [
        f"{path}:1:7",
        f"{path}:2:9",
        f"{path}:3:9",
        f"{path}:4:1",  # an empty value: where its name is
    ]
    assert [problem.split(": ", 1)[1].split(";")[0] for problem in problems] == [
        "bell must be true or false",
        "motion must be one of full, basic, none",
        "keymap must map binding ids to keys",
        "show_streaks must be true or false",
    ]


def test_a_thousand_bad_lines_get_a_few_sentences(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("".join(f"extra_{n}: 1\n" for n in range(1000)), encoding="utf-8")
    _, problems = load_settings(path)
    assert (
        len(problems) == 6
        and problems[-1] == f"{path}: 995 more problems like these, set aside too."
    )


def test_yes_stays_a_string_and_is_refused_for_a_switch(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("bell: yes\n", encoding="utf-8")
    settings, problems = load_settings(path)
    assert settings.bell is False and len(problems) == 1 and "bell" in problems[0]


def test_a_file_that_cannot_be_parsed_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("day_start_hour: [oops\n", encoding="utf-8")
    settings, [problem] = load_settings(path)
    assert settings == Settings() and "kept as" in problem and not path.exists()
    [kept] = tmp_path.glob("config.yaml.broken-*")
    assert kept.read_text() == "day_start_hour: [oops\n" and str(kept) in problem


def test_two_broken_files_in_one_second_are_both_kept(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    for text in ("first: [oops\n", "second: [oops\n"):
        path.write_text(text, encoding="utf-8")
        load_settings(path)
    kept = {p.read_text() for p in tmp_path.glob("config.yaml.broken-*")}
    assert kept == {"first: [oops\n", "second: [oops\n"}


def test_without_repair_a_file_that_cannot_be_parsed_stays(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("day_start_hour: [oops\n", encoding="utf-8")
    settings, [problem] = load_settings(path, repair=False)
    assert settings == Settings() and "left as it is" in problem
    assert [p.name for p in tmp_path.iterdir()] == ["config.yaml"]


@pytest.mark.parametrize("text", ["", "\n\n", "# nothing chosen yet\n", "---\n", "~\n"])
def test_an_empty_file_gives_defaults_quietly(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_settings(path) == (Settings(), [])
    assert path.read_text(encoding="utf-8") == text


def test_saving_through_a_symlink_writes_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "safeplace.yaml"
    target.write_text("theme: nord\n", encoding="utf-8")
    link = tmp_path / "config" / "config.yaml"
    link.parent.mkdir()
    link.symlink_to(target)

    save_settings(Settings(theme="gruvbox", bell=True), link)
    assert link.is_symlink() and link.resolve() == target
    assert load_settings(target) == (Settings(theme="gruvbox", bell=True), [])
    assert [p.name for p in link.parent.iterdir()] == ["config.yaml"]


def test_settings_refuse_values_no_file_could_hold() -> None:
    with pytest.raises(ValueError, match="day_start_hour"):
        Settings(day_start_hour=13)
    with pytest.raises(ValueError, match="crisis_region"):
        Settings(crisis_region="fr")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="bell"):
        Settings(bell="yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="rest_days_per_week"):
        Settings(rest_days_per_week=True)


def test_a_misspelt_setting_is_named_with_a_suggestion(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("day_strat_hour: 5\n", encoding="utf-8")
    _, [problem] = load_settings(path)
    assert "did you mean day_start_hour?" in problem


# Remembered results: a start with an unchanged file imports neither PyYAML nor pydantic.
# Checking a file needs PyYAML only: the values are checked by Settings itself.

LOAD_IN_A_FRESH_PROCESS = """
import json, sys
from dataclasses import asdict
from safeplace.checked import CheckedCache
from safeplace.paths import resolve_paths
from safeplace.settings import load_settings
paths = resolve_paths()
cache = CheckedCache(paths.checked_cache) if sys.argv[1] == "cache" else None
settings, problems = load_settings(paths.config_file, cache)
print(json.dumps({
    "settings": asdict(settings),
    "problems": problems,
    "pydantic": "pydantic" in sys.modules,
    "yaml": "yaml" in sys.modules,
}))
"""


def _load_in_a_fresh_process(home: Path, *, cache: bool = True) -> dict[str, Any]:
    env = {**os.environ, "SAFEPLACE_HOME": str(home)}
    result = subprocess.run(
        [sys.executable, "-c", LOAD_IN_A_FRESH_PROCESS, "cache" if cache else "none"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=True,
    )
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def test_importing_settings_imports_neither_pydantic_nor_yaml() -> None:
    code = "import safeplace.settings, sys; print('pydantic' in sys.modules, 'yaml' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("cache", [True, False])
def test_no_file_gives_defaults_without_pydantic_or_yaml(paths: Paths, cache: bool) -> None:
    found = _load_in_a_fresh_process(paths.config_dir.parent, cache=cache)
    assert found["settings"] == asdict(Settings()) and found["problems"] == []
    assert (found["pydantic"], found["yaml"]) == (False, False)


def test_an_unchanged_file_is_not_validated_again(paths: Paths) -> None:
    paths.config_dir.mkdir(parents=True)
    paths.config_file.write_text("theme: nord\nday_start_hour: 6\n", encoding="utf-8")
    home = paths.config_dir.parent

    first = _load_in_a_fresh_process(home)
    assert first["problems"] == [] and first["yaml"] and not first["pydantic"]
    assert first["settings"]["theme"] == "nord" and first["settings"]["day_start_hour"] == 6
    assert paths.checked_cache.is_file()

    second = _load_in_a_fresh_process(home)
    assert (second["pydantic"], second["yaml"]) == (False, False)
    assert second["settings"] == first["settings"] and second["problems"] == []

    without_cache = _load_in_a_fresh_process(home, cache=False)
    assert without_cache["yaml"] and without_cache["settings"] == first["settings"]


def test_an_edited_file_is_validated_again(paths: Paths) -> None:
    paths.config_dir.mkdir(parents=True)
    paths.config_file.write_text("day_start_hour: 6\n", encoding="utf-8")
    first, _ = load_settings(paths.config_file, CheckedCache(paths.checked_cache))
    assert first.day_start_hour == 6

    paths.config_file.write_text("day_start_hour: 10\nbell: true\n", encoding="utf-8")
    edited, problems = load_settings(paths.config_file, CheckedCache(paths.checked_cache))
    assert problems == [] and edited.day_start_hour == 10 and edited.bell is True

    paths.config_file.write_text("day_start_hour: 99\n", encoding="utf-8")
    broken, problems = load_settings(paths.config_file, CheckedCache(paths.checked_cache))
    assert broken == Settings() and len(problems) == 1 and "day_start_hour" in problems[0]


def test_a_file_with_problems_is_not_remembered_so_they_are_said_each_time(paths: Paths) -> None:
    paths.config_dir.mkdir(parents=True)
    paths.config_file.write_text("bell: yes\ntheme: nord\n", encoding="utf-8")
    for _ in range(2):
        settings, problems = load_settings(paths.config_file, CheckedCache(paths.checked_cache))
        assert settings == Settings(theme="nord") and len(problems) == 1
    assert not paths.checked_cache.exists()


@pytest.mark.parametrize(
    "damage",
    [
        b"\x00\xff\xfe garbage \x81",
        b'{"code": "someone else\'s", "entries": {}}',
        b"[1, 2, 3]",
        b'{"code": "x", "entries": "not a mapping"}',
    ],
)
def test_a_damaged_cache_file_is_ignored(paths: Paths, damage: bytes) -> None:
    paths.config_dir.mkdir(parents=True)
    paths.config_file.write_text("show_streaks: false\n", encoding="utf-8")
    paths.state_dir.mkdir(parents=True)
    paths.checked_cache.write_bytes(damage)

    settings, problems = load_settings(paths.config_file, CheckedCache(paths.checked_cache))
    assert problems == [] and settings == Settings(show_streaks=False)
    # ...and is replaced by a good one that the next start can use.
    found = _load_in_a_fresh_process(paths.config_dir.parent)
    assert found["pydantic"] is False and found["settings"]["show_streaks"] is False


def test_remembered_values_from_another_code_version_are_not_used(paths: Paths) -> None:
    paths.config_dir.mkdir(parents=True)
    paths.config_file.write_text("rest_days_per_week: 2\n", encoding="utf-8")
    stale = {**asdict(Settings()), "rest_days_per_week": 3}
    key = f"settings:{paths.config_file}"
    document = {
        "code": "an older safeplace",
        "entries": {key: [fingerprint(paths.config_file), stale]},
    }
    paths.state_dir.mkdir(parents=True)
    paths.checked_cache.write_text(json.dumps(document), encoding="utf-8")

    settings, _ = load_settings(paths.config_file, CheckedCache(paths.checked_cache))
    assert settings.rest_days_per_week == 2


@pytest.mark.parametrize(
    "tampered",
    [
        {"day_start_hour": 30},
        {"bell": "yes"},
        {"motion": "sideways"},
        {"keymap": {"player.pause": 1}},
        {"not_a_setting": 1},
    ],
)
def test_tampered_remembered_values_fall_back_to_the_file(
    paths: Paths, tampered: dict[str, Any]
) -> None:
    paths.config_dir.mkdir(parents=True)
    paths.config_file.write_text("theme: gruvbox\n", encoding="utf-8")
    load_settings(paths.config_file, CheckedCache(paths.checked_cache))
    document = json.loads(paths.checked_cache.read_text(encoding="utf-8"))
    key = f"settings:{paths.config_file}"
    remembered_print, values = document["entries"][key]
    document["entries"][key] = [remembered_print, {**values, **tampered}]
    paths.checked_cache.write_text(json.dumps(document), encoding="utf-8")

    settings, problems = load_settings(paths.config_file, CheckedCache(paths.checked_cache))
    assert problems == [] and settings == Settings(theme="gruvbox")


def test_remembered_values_are_what_is_used(paths: Paths) -> None:
    """The other side of the tampering test: a well-formed remembered result is trusted."""
    paths.config_dir.mkdir(parents=True)
    paths.config_file.write_text("theme: gruvbox\n", encoding="utf-8")
    load_settings(paths.config_file, CheckedCache(paths.checked_cache))
    document = json.loads(paths.checked_cache.read_text(encoding="utf-8"))
    key = f"settings:{paths.config_file}"
    document["entries"][key][1]["theme"] = "nord"
    paths.checked_cache.write_text(json.dumps(document), encoding="utf-8")

    settings, _ = load_settings(paths.config_file, CheckedCache(paths.checked_cache))
    assert settings.theme == "nord"


def test_saving_with_a_cache_spares_the_next_start_from_validating(paths: Paths) -> None:
    chosen = Settings(motion="basic", rest_days_per_week=0, keymap={"player.pause": "p"})
    save_settings(chosen, paths.config_file, CheckedCache(paths.checked_cache))
    assert paths.config_file.read_text(encoding="utf-8").startswith(CONFIG_HEADER + "\n")

    found = _load_in_a_fresh_process(paths.config_dir.parent)
    assert (found["pydantic"], found["yaml"]) == (False, False)
    assert found["problems"] == [] and found["settings"] == asdict(chosen)


def test_saving_without_a_cache_leaves_the_next_start_to_validate(paths: Paths) -> None:
    save_settings(Settings(motion="basic"), paths.config_file)
    found = _load_in_a_fresh_process(paths.config_dir.parent)
    assert found["yaml"] is True and found["settings"]["motion"] == "basic"
