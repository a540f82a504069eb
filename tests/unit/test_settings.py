"""Settings: gentle defaults, atomic saves, and a broken file kept rather than lost."""

from __future__ import annotations

from pathlib import Path

from safeplace.settings import Settings, load_settings, save_settings


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    settings, problem = load_settings(tmp_path / "config.yaml")
    assert problem is None
    assert settings.day_start_hour == 4 and settings.rest_days_per_week == 1
    assert settings.breath_holds and settings.show_streaks and settings.keep_answers


def test_save_then_load_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "config.yaml"
    chosen = Settings(theme="textual-light", motion="none", day_start_hour=5, keymap={"a": "b"})
    save_settings(chosen, path)
    loaded, problem = load_settings(path)
    assert problem is None and loaded == chosen
    assert [p.name for p in path.parent.iterdir()] == ["config.yaml"]  # no temp files left


def test_an_invalid_value_is_reported_and_the_file_kept(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("day_start_hour: 30\n", encoding="utf-8")
    settings, problem = load_settings(path)
    assert settings == Settings()
    assert problem is not None and "day_start_hour" in problem and "kept as" in problem
    assert not path.exists()
    [kept] = tmp_path.glob("config.yaml.broken-*")
    assert kept.read_text() == "day_start_hour: 30\n"


def test_unknown_setting_is_not_silently_ignored(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("day_strat_hour: 5\n", encoding="utf-8")
    _, problem = load_settings(path)
    assert problem is not None and "day_strat_hour" in problem


def test_yes_stays_a_string_and_is_refused_for_a_switch(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("bell: yes\n", encoding="utf-8")
    settings, problem = load_settings(path)
    assert settings.bell is False and problem is not None and "bell" in problem
