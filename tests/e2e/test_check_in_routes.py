"""The check-in routes, in a real terminal: "too much" offers exercises for that state; the
one started plays to its end, and the History shows it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tmux_terminal import Terminal, opened


@pytest.fixture
def term(tmp_path: Path) -> Iterator[Terminal]:
    with opened(tmp_path / "home", tmp_path) as terminal:
        yield terminal


def test_too_much_offers_an_exercise_that_plays_and_shows_in_the_history(
    term: Terminal,
) -> None:
    term.start(["play", "window-check-in"])
    term.wait_for("How am I right now?")
    term.keys("Right")  # past the opening words
    term.wait_for("How stirred up")
    term.keys("6", "Enter")
    term.wait_for("People often find")
    term.keys("Right")
    term.wait_for("Which sounds closest", "Too much")
    term.keys("1")  # "Too much: racing, tense, on edge"
    term.wait_for("Thank you for checking in")
    term.keys("Right")
    term.wait_for("press ? at any time")
    term.keys("Right")
    closing = term.wait_for("Something for this moment")
    offered = re.findall(r"For moments of too much", closing)
    assert offered, closing  # offers for "too much", with why
    first_title = _first_offer(closing)
    assert "How do you feel now" in closing  # rated before: an invitation to rate again
    term.keys("Tab")  # past it (it is optional) to the offers, the first one highlighted
    term.keys("Enter")
    term.wait_for(first_title, "left")
    for _ in range(40):  # step through the offered exercise to its end
        if "you reached the end" in term.screen():
            break
        term.keys("Right")
    term.wait_for("you reached the end")
    term.keys("h")
    term.wait_for("Your practice", "What helps", first_title, "How am I right now?")


def _first_offer(closing: str) -> str:
    lines = closing.splitlines()
    start = next(i for i, line in enumerate(lines) if "Something for this moment" in line)
    for line in lines[start + 1 :]:
        words = line.strip(" │╭╮╰╯─").strip()
        if words:
            return words
    raise AssertionError(closing)
