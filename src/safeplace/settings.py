"""The person's settings: a pydantic model stored as ``config.yaml``.

A config file that cannot be read is never overwritten: it is moved aside with a timestamp,
defaults are used, and the caller gets a sentence to show.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from safeplace.files import write_atomically

Motion = Literal["full", "basic", "none"]
CONFIG_HEADER = "# safeplace settings; `safeplace locate` shows where this file lives."


class Settings(BaseModel):
    """Everything a person can choose. Every field has a gentle default."""

    model_config = ConfigDict(
        extra="forbid", strict=True, use_attribute_docstrings=True, validate_assignment=True
    )

    theme: str = "textual-dark"
    """Name of a Textual theme, e.g. textual-dark, textual-light, nord, gruvbox."""
    motion: Motion | None = None
    """Pacer motion: full (smooth), basic (coarse steps) or none (text cues only).
    Unset follows TEXTUAL_ANIMATIONS."""
    bell: bool = False
    """Ring the terminal bell on breath phase changes, for eyes-closed practice."""
    breath_holds: bool = True
    """Play the holds written into breathing patterns. Off skips every hold."""
    day_start_hour: int = Field(default=4, ge=0, le=12)
    """Hour at which a new practice day begins (4 = a practice at 1 a.m. counts for the evening)."""
    rest_days_per_week: int = Field(default=1, ge=0, le=3)
    """Days a week that may be missed without breaking a streak."""
    show_streaks: bool = True
    """Show streaks at all. Some people find them stressful; totals stay either way."""
    keep_answers: bool = True
    """Keep what you write in prompts in your local history. Named answers are always kept."""
    keymap: dict[str, str] = Field(default_factory=dict)
    """Remap keys by binding id, e.g. {player.pause: p}."""
    crisis_region: Literal["us", "ca", "uk", "ie", "other"] = "other"
    """Which crisis lines the help screen shows first."""


def load_settings(path: Path) -> tuple[Settings, str | None]:
    """Read settings; on a broken file return defaults and a sentence for the person."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(), None
    except (OSError, UnicodeDecodeError) as error:
        return Settings(), _set_aside(path, f"could not be read ({error.__class__.__name__})")
    from safeplace.exercise.yamlsafe import YamlProblem, load_yaml_text

    try:
        data = load_yaml_text(raw, source=str(path))
    except YamlProblem as problem:
        return Settings(), _set_aside(path, str(problem))
    if data is None:
        return Settings(), None
    if not isinstance(data, dict):
        return Settings(), _set_aside(path, "expected a mapping of setting: value")
    try:
        return Settings.model_validate(data), None
    except ValidationError as error:
        first = error.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        return Settings(), _set_aside(path, f"{where}: {first['msg']}")


def save_settings(settings: Settings, path: Path) -> None:
    """Write atomically (temp file + replace) so a crash never leaves half a file."""
    import yaml

    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(settings.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
    write_atomically(path, f"{CONFIG_HEADER}\n{text}")


def _set_aside(path: Path, reason: str) -> str:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.broken-{stamp}")
    try:
        path.rename(aside)
    except OSError:
        return f"{path}: {reason}. Using default settings; the file was left as it is."
    return f"{path}: {reason}. Using default settings; your file was kept as {aside}."
