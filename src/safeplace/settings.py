"""The person's settings: a plain dataclass stored as ``config.yaml``.

The file is read as warily as an exercise from a stranger, through the hardened YAML reader
(a size limit; no pipes, devices or link loops; no tags, aliases or deep nesting), so no file
can hang or flood a command. Each setting is then checked on its own: a wrong value or an
unknown name is set aside with a sentence ``config.yaml:line:col: what is wrong``, and every
other value is used. Reading never rewrites the file. Only a file that cannot be parsed at all
is moved aside with a timestamp (``repair=False``, for `safeplace status`, leaves even that).

Reading YAML takes longer to import than the player takes to draw. So a clean file's values are
remembered in a :class:`~safeplace.checked.CheckedCache` under the file's fingerprint, and a
start with an unchanged file builds :class:`Settings` straight from them. A file with problems
is not remembered: it is checked, and its problems said, at every start until it is fixed.
"""

from __future__ import annotations

import os
import stat
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from safeplace.checked import fingerprint
from safeplace.files import private_folder, tighten, write_atomically
from safeplace.text import close_matches, one_line

if TYPE_CHECKING:
    from safeplace.checked import CheckedCache
    from safeplace.yamlsafe import Marks

Motion = Literal["full", "basic", "none"]
Region = Literal["us", "ca", "uk", "ie", "other"]
CONFIG_HEADER = "# safeplace settings; `safeplace locate` shows where this file lives."
MOST_SENTENCES = 5  # a file of a thousand wrong lines gets a few sentences, not a thousand

_SWITCHES = ("bell", "breath_holds", "show_streaks", "keep_answers")
RANGES = {"day_start_hour": range(13), "rest_days_per_week": range(4)}  # the screen offers these
_CHOICES: dict[str, tuple[str | None, ...]] = {
    "motion": (*get_args(Motion), None),
    "crisis_region": get_args(Region),
}
_EMPTY = "the file is empty"  # read_text_safely's problem for a blank file: defaults, no notice


@dataclass(frozen=True)
class Settings:
    """Everything a person can choose. Every field has a gentle default."""

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
        """Refuse values no valid file could hold: a slip in a file, a caller's, or a damaged
        cache. This is the one check of every value; its messages are what a person reads."""
        if not isinstance(self.theme, str):
            raise TypeError("theme must be text")
        for name in _SWITCHES:
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"{name} must be true or false")
        for name, allowed in RANGES.items():
            value = getattr(self, name)
            if type(value) is not int:
                raise TypeError(f"{name} must be a whole number")
            if value not in allowed:
                low, high = allowed[0], allowed[-1]
                raise ValueError(f"{name} must be from {low} to {high}, not {value}")
        for name, choices in _CHOICES.items():
            if getattr(self, name) not in choices:
                listed = ", ".join(str(choice) for choice in choices if choice is not None)
                raise ValueError(f"{name} must be one of {listed}")
        if not isinstance(self.keymap, dict) or not all(
            isinstance(key, str) and isinstance(keys, str) for key, keys in self.keymap.items()
        ):
            raise TypeError("keymap must map binding ids to keys")


def load_settings(
    path: Path, cache: CheckedCache | None = None, *, repair: bool = True
) -> tuple[Settings, list[str]]:
    """The settings in ``path``, and one sentence for each problem (none when all is well).

    No file gives the defaults. With a ``cache``, a file unchanged since it was last found
    clean is not read at all, which needs no PyYAML. ``repair=False`` leaves a file that
    cannot be parsed where it is, instead of moving it aside.
    """
    tighten(path.parent, path)  # private, even when made by hand
    current = fingerprint(path) if cache is not None else None
    if cache is not None:
        remembered = _from_remembered(cache.get(_cache_key(path), current))
        if remembered is not None:
            return remembered, []
    if not os.path.lexists(path):
        return Settings(), []
    from safeplace.yamlsafe import YamlProblem, load_yaml_with_marks, read_text_safely

    try:
        data, marks = load_yaml_with_marks(read_text_safely(path), source=str(path))
    except YamlProblem as problem:
        if problem.message == _EMPTY:
            return Settings(), []
        return Settings(), [_unusable(path, str(problem), repair)]
    settings, problems = _check(data if isinstance(data, dict) else {}, marks, str(path))
    if cache is not None and not problems:
        # `current` was taken before reading: if the file changed since, it no longer matches.
        cache.put(_cache_key(path), current, asdict(settings))
        cache.save()
    return settings, problems


def save_settings(settings: Settings, path: Path, cache: CheckedCache | None = None) -> None:
    """Write atomically (temp file + replace) so a crash never leaves half a file.

    With a ``cache``, the saved values are remembered so the next start need not validate.
    """
    import yaml

    values = asdict(settings)
    private_folder(path.parent)
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


def _check(data: dict[str, Any], marks: Marks, source: str) -> tuple[Settings, list[str]]:
    """Each setting on its own: the good ones used, each bad one said where it is."""
    known = Settings.__dataclass_fields__
    good: dict[str, Any] = {}
    problems: list[str] = []
    for name, value in data.items():
        if name not in known:
            line, col = marks.keys[(name,)]
            problems.append(f"{source}:{line}:{col}: {_unknown(name)}")
            continue
        try:
            Settings(**{name: value})  # the other settings are defaults, so only this one fails
        except (TypeError, ValueError) as error:
            key = marks.keys[(name,)]  # an empty value has no place of its own
            line, col = key if value is None else marks.values.get((name,), key)
            problems.append(f"{source}:{line}:{col}: {error}; {_default_is_used(name)}.")
            continue
        good[name] = value
    if len(problems) > MOST_SENTENCES:
        more = len(problems) - MOST_SENTENCES
        problems[MOST_SENTENCES:] = [f"{source}: {more} more problems like these, set aside too."]
    return Settings(**good), problems


def _unknown(name: str) -> str:
    close = close_matches(name, Settings.__dataclass_fields__)
    hint = f" (did you mean {close[0]}?)" if close else ""
    shown = one_line(name)
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    return (
        f"'{shown}' is not a setting safeplace knows{hint}; "
        "it is ignored until you correct or remove it."
    )


def _default_is_used(name: str) -> str:
    default = getattr(Settings(), name)
    if isinstance(default, bool):
        return f"the default ({'true' if default else 'false'}) is used until you change it"
    if isinstance(default, int | str):
        return f"the default ({default}) is used until you change it"
    return "the default is used until you change it"


def _unusable(path: Path, reason: str, repair: bool) -> str:
    """A file that cannot be read or parsed: defaults, and the file kept, as it is or aside."""
    try:
        info = os.stat(path)
        text_file = stat.S_ISREG(info.st_mode) and os.access(path, os.R_OK)
    except OSError:
        text_file = False
    if not text_file:  # a pipe, a device, a folder, a link to nowhere: nothing to move
        return f"{reason}. Using default settings until it is a readable text file."
    if repair:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = path.with_name(f"{path.name}.broken-{stamp}")
        number = 1
        while os.path.lexists(aside):  # broken twice in one second: keep both copies
            number += 1
            aside = path.with_name(f"{path.name}.broken-{stamp}-{number}")
        try:
            path.rename(aside)
            tighten(aside)
        except OSError:
            pass
        else:
            return (
                f"{reason}. Using default settings; your file was kept as {aside} "
                "(fix it and move it back to use it)."
            )
    return f"{reason}. Using default settings until it is fixed; the file was left as it is."
