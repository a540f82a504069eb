"""The safety plan: its parts, in the order of Stanley and Brown's plan but in our own words,
their bounds, the plan as plain text, and the crisis lines and emergency number of each region.

No Textual and no SQLite: the store keeps a plan (one row per part), the help screen and the
editor show it, `safeplace plan` prints it. Entries are people's words: each is one line of
printable text, so nothing in a plan can start a line of its own or reach the terminal as a
control character.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from safeplace.text import one_line

MAX_ENTRIES = 40
"""Entries kept in one part of the plan: far more than a plan needs, few enough to print."""
MAX_ENTRY_CHARS = 500


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str
    invitation: str
    optional: bool = False


SECTIONS: tuple[Section, ...] = (
    Section(
        "warning_signs",
        "Signs that a hard time is starting",
        "Thoughts, feelings or moments that tell you things are getting harder.",
    ),
    Section(
        "on_my_own",
        "Things I can do on my own",
        "Small things that help you through, even for a few minutes.",
    ),
    Section(
        "distractions",
        "People and places that take my mind off things",
        "Company, places or things to do that help you think of something else for a while.",
    ),
    Section(
        "people",
        "People I can ask for help",
        "One person a line: their name and how to reach them.",
    ),
    Section(
        "professionals",
        "Professionals and crisis lines",
        "Your doctor, a therapist, a local service or a crisis line, with how to reach them.",
    ),
    Section(
        "safer_surroundings",
        "Making my surroundings safer",
        "What you could put away, or ask someone to keep for you, while things are hard.",
    ),
    Section(
        "what_matters",
        "What matters to me",
        "If you like: people, hopes or reasons that matter to you.",
        optional=True,
    ),
)
SECTION_IDS: tuple[str, ...] = tuple(section.id for section in SECTIONS)
_LINES = re.compile(r"\r\n|[\n\r\u2028\u2029]")


def clean_entries(values: Iterable[str]) -> tuple[str, ...]:
    """Entries as a plan keeps them: one printable line each, no blank ones, within bounds."""
    entries = (one_line(value).strip() for value in values)
    return tuple(entry[:MAX_ENTRY_CHARS] for entry in entries if entry)[:MAX_ENTRIES]


def entries_from_text(text: str) -> tuple[str, ...]:
    """What a person typed in one part of the editor: one entry a line."""
    return clean_entries(_LINES.split(text))


def over_bounds(text: str) -> bool:
    """Whether some of ``text`` would not be kept (too many lines, or a line too long)."""
    entries = [entry for line in _LINES.split(text) if (entry := one_line(line).strip())]
    return len(entries) > MAX_ENTRIES or any(len(entry) > MAX_ENTRY_CHARS for entry in entries)


@dataclass(frozen=True, slots=True)
class SafetyPlan:
    """A person's plan: the entries of each part, in the order of :data:`SECTIONS`."""

    parts: tuple[tuple[str, ...], ...] = ((),) * len(SECTIONS)

    @classmethod
    def of(cls, entries: Mapping[str, Iterable[str]]) -> SafetyPlan:
        """A plan from entries by part id; unknown ids are left out, entries cleaned."""
        return cls(tuple(clean_entries(entries.get(id_, ())) for id_ in SECTION_IDS))

    @classmethod
    def from_texts(cls, texts: Mapping[str, str]) -> SafetyPlan:
        """A plan from the editor's text of each part (one entry a line)."""
        return cls(tuple(entries_from_text(texts.get(id_, "")) for id_ in SECTION_IDS))

    def entries(self, section_id: str) -> tuple[str, ...]:
        return self.parts[SECTION_IDS.index(section_id)]

    def text_of(self, section_id: str) -> str:
        """One part as the editor shows it."""
        return "\n".join(self.entries(section_id))

    @property
    def is_empty(self) -> bool:
        return not any(self.parts)

    def filled(self) -> list[tuple[Section, tuple[str, ...]]]:
        """The parts that hold something, in order."""
        return [(section, part) for section, part in zip(SECTIONS, self.parts, strict=True) if part]

    def as_text(self) -> str:
        """The plan as plain text, to print or keep: each part that holds something."""
        lines = ["My safety plan"]
        for section, part in self.filled():
            lines += ["", section.title, *(f"  - {entry}" for entry in part)]
        return "\n".join(lines) + "\n"


NO_PLAN = (
    "You have no safety plan yet: open safeplace, press ? and then e to write one "
    "(or choose Your safety plan with ctrl+p)."
)

# --- crisis lines: re-check the numbers at each release (research/exercises.md, section 4) ---

CRISIS_LINES: dict[str, str] = {
    "us": "United States: call or text 988 (Suicide & Crisis Lifeline), or text HOME to 741741.",
    "ca": "Canada: call or text 988.",
    "uk": "UK: call Samaritans free on 116 123, any time.",
    "ie": "Ireland: call Samaritans free on 116 123, any time.",
    "other": "Elsewhere: findahelpline.com lists free, confidential lines in many countries.",
}
EMERGENCY_NUMBERS: dict[str, str] = {"us": "911", "ca": "911", "uk": "999", "ie": "112 or 999"}


def emergency_sentence(region: str) -> str:
    number = EMERGENCY_NUMBERS.get(region, "your local emergency number")
    return f"If you are in danger right now, call {number}."


def crisis_lines(region: str) -> list[str]:
    """Every region's line, the person's own first."""
    first = CRISIS_LINES.get(region, CRISIS_LINES["other"])
    return [first, *(line for line in CRISIS_LINES.values() if line != first)]


def crisis_text(region: str) -> str:
    """What `safeplace plan` ends with: the emergency number and the region's crisis line."""
    return f"{emergency_sentence(region)}\n{crisis_lines(region)[0]}\n"
