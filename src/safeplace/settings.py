"""The person's settings: a plain dataclass stored as ``config.yaml``.

Checking the file needs PyYAML and pydantic, which take longer to import than the player takes
to draw. So the file is validated only when it changed since it was last checked: the values
are remembered in a :class:`~safeplace.checked.CheckedCache` under the file's fingerprint, and
a start with an unchanged file builds :class:`Settings` straight from them.

A config file that cannot be read is never overwritten: it is moved aside with a timestamp,
defaults are used, and the caller gets a sentence to show.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, get_args

from safeplace.checked import fingerprint
from safeplace.files import write_atomically

if TYPE_CHECKING:
    from pydantic import ValidationError

    from safeplace.checked import CheckedCache

Motion = Literal["full", "basic", "none"]
Region = Literal["us", "ca", "uk", "ie", "other"]
CONFIG_HEADER = "# safeplace settings; `safeplace locate` shows where this file lives."

_SWITCHES = ("bell", "breath_holds", "show_streaks", "keep_answers")
_RANGES = {"day_start_hour": (0, 12), "rest_days_per_week": (0, 3)}
_CHOICES: dict[str, tuple[str | None, ...]] = {
    "motion": (*get_args(Motion), None),
    "crisis_region": get_args(Region),
}


@dataclass(frozen=True)
class Settings:
    """Everything a person can choose. Every field has a gentle default."""

    # Read by pydantic when a file is validated; a plain dict, so defining it imports nothing.
    __pydantic_config__: ClassVar[dict[str, Any]] = {
        "strict": True,
        "extra": "forbid",
        "use_attribute_docstrings": True,
    }

    theme: str = "textual-dark"
    """Name of a Textual theme, e.g. textual-dark, textual-light, nord, gruvbox."""
    motion: Motion | None = None
    """Pacer motion: full (smooth), basic (coarse steps) or none (text cues only).
    Unset follows TEXTUAL_ANIMATIONS."""
    bell: bool = False
    """Ring the terminal bell on breath phase changes, for eyes-closed practice."""
    breath_holds: bool = True
    """Play the holds written into breathing patterns. Off skips every hold."""
    day_start_hour: int = 4
    """Hour at which a new practice day begins (4 = a practice at 1 a.m. counts for the evening)."""
    rest_days_per_week: int = 1
    """Days a week that may be missed without breaking a streak."""
    show_streaks: bool = True
    """Show streaks at all. Some people find them stressful; totals stay either way."""
    keep_answers: bool = True
    """Keep what you write in prompts in your local history. Named answers are always kept."""
    keymap: dict[str, str] = field(default_factory=dict)
    """Remap keys by binding id, e.g. {player.pause: p}."""
    crisis_region: Region = "other"
    """Which crisis lines the help screen shows first."""

    def __post_init__(self) -> None:
        """Refuse values no valid file could hold: a caller's slip, or a damaged cache.

        When pydantic validates a file it has already checked the types and choices, so only
        the ranges can fail here; pydantic reports that ValueError as a ValidationError.
        """
        if not isinstance(self.theme, str):
            raise TypeError("theme must be text")
        for name in _SWITCHES:
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"{name} must be true or false")
        for name, (low, high) in _RANGES.items():
            value = getattr(self, name)
            if type(value) is not int:
                raise TypeError(f"{name} must be a whole number")
            if not low <= value <= high:
                raise ValueError(f"{name} must be from {low} to {high}, not {value}")
        for name, choices in _CHOICES.items():
            if getattr(self, name) not in choices:
                listed = ", ".join(str(choice) for choice in choices if choice is not None)
                raise ValueError(f"{name} must be one of {listed}")
        if not isinstance(self.keymap, dict) or not all(
            isinstance(key, str) and isinstance(keys, str) for key, keys in self.keymap.items()
        ):
            raise TypeError("keymap must map binding ids to keys")


def load_settings(path: Path, cache: CheckedCache | None = None) -> tuple[Settings, str | None]:
    """Read settings; on a broken file return defaults and a sentence for the person.

    With a ``cache``, a file unchanged since it was last validated is not read at all: the
    remembered values are used, which needs neither PyYAML nor pydantic.
    """
    current = fingerprint(path) if cache is not None else None
    if cache is not None:
        remembered = _from_remembered(cache.get(_cache_key(path), current))
        if remembered is not None:
            return remembered, None
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(), None
    except (OSError, UnicodeDecodeError) as error:
        return Settings(), _set_aside(path, f"could not be read ({error.__class__.__name__})")
    checked = _validate(raw, source=str(path))
    if isinstance(checked, str):
        return Settings(), _set_aside(path, checked)
    if cache is not None:
        # `current` was taken before reading: if the file changed since, it no longer matches.
        cache.put(_cache_key(path), current, asdict(checked))
        cache.save()
    return checked, None


def save_settings(settings: Settings, path: Path, cache: CheckedCache | None = None) -> None:
    """Write atomically (temp file + replace) so a crash never leaves half a file.

    With a ``cache``, the saved values are remembered so the next start need not validate.
    """
    import yaml

    values = asdict(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(values, sort_keys=False, allow_unicode=True)
    write_atomically(path, f"{CONFIG_HEADER}\n{text}")
    if cache is not None:
        cache.put(_cache_key(path), fingerprint(path), values)
        cache.save()


def _cache_key(path: Path) -> str:
    return f"settings:{path}"


def _from_remembered(values: Any) -> Settings | None:
    """Settings from a remembered result, or None if it is missing or does not fit any more."""
    if not isinstance(values, dict):
        return None
    try:
        return Settings(**values)
    except (TypeError, ValueError):
        return None  # a damaged or foreign cache: check the file itself


def _validate(raw: str, source: str) -> Settings | str:
    """The settings a file's text holds, or the reason it cannot be used."""
    from pydantic import TypeAdapter, ValidationError

    from safeplace.exercise.yamlsafe import YamlProblem, load_yaml_text

    try:
        data = load_yaml_text(raw, source=source)
    except YamlProblem as problem:
        return str(problem)
    if data is None:
        return Settings()
    if not isinstance(data, dict):
        return "expected a mapping of setting: value"
    # Strict mode takes only a Settings instance as Python input, but an object as JSON input;
    # the data is JSON already (text keys; text, numbers, booleans, lists, mappings).
    try:
        return TypeAdapter(Settings).validate_json(json.dumps(data))
    except ValidationError as error:
        return _describe(error)


def _describe(error: ValidationError) -> str:
    """The first problem, as ``setting: what is wrong``."""
    first = error.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in first["loc"])
    if first["type"] == "value_error" and not where:
        return str(first.get("ctx", {}).get("error", first["msg"]))  # from __post_init__
    if first["type"] == "unexpected_keyword_argument":
        import difflib

        names = list(Settings.__dataclass_fields__)
        close = difflib.get_close_matches(where, names, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        return f"{where}: not a setting safeplace knows{hint}"
    return f"{where}: {first['msg']}" if where else first["msg"]


def _set_aside(path: Path, reason: str) -> str:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.broken-{stamp}")
    try:
        path.rename(aside)
    except OSError:
        return f"{path}: {reason}. Using default settings; the file was left as it is."
    return f"{path}: {reason}. Using default settings; your file was kept as {aside}."
