"""Choices, sections and conditions in the format: mistakes get located sentences that say
what to do, and what is valid reaches the playable form."""

from __future__ import annotations

import pytest

from safeplace.exercise.loader import LoadError, load_exercise_text

HEAD = "id: calm\ntitle: Calm\nsummary: A calm moment.\ncategory: check-in\nsteps:\n"
CHOICE = (
    "  - choose: How is it?\n    name: feeling\n    options:\n"
    "      - {text: Too much, value: too-much}\n      - {text: Steady, value: steady}\n"
)


def problems(steps: str) -> list[str]:
    with pytest.raises(LoadError) as caught:
        load_exercise_text(HEAD + steps, "ex.yaml")
    return [f"{p.line}:{p.col}: {p.message}" for p in caught.value.problems]


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        (
            "  - say: Hi.\n    when: {chose: feeling, is: too-much}\n" + CHOICE,
            "7:19: steps.1.when.chose: nothing before this step gives feeling: give a choice "
            "before it `name: feeling`",
        ),
        (
            CHOICE + "  - say: Hi.\n    when: {chose: feeling, is: too-litle}\n",
            "12:32: steps.2.when.is: the choice feeling has no option too-litle; its values are "
            "too-much, steady",
        ),
        (
            CHOICE + "  - say: Hi.\n    when: {rated: feeling}\n",
            "12:11: steps.2.when: rated goes with at_least or at_most: {rated: tension, "
            "at_least: 7}",
        ),
        (
            "  - choose: Go?\n    options:\n      - {text: Yes, go: later}\n      - No\n",
            "8:25: steps.1.options.1.go: no section is named later (sections: none yet); add "
            "`- section: later` with its steps",
        ),
        (
            "  - choose: Go?\n    options:\n      - {text: Yes, next: box-breathing, help: true}\n"
            "      - No\n",
            "8:9: steps.1.options.1: an option leads one way; this one has next and help",
        ),
        (
            "  - choose: Go?\n    options: [Yes]\n",
            "7:14: steps.1.options: should have at least 2 items",
        ),
        (
            "  - choose: Go?\n    options: [Yes, 'yes!']\n",
            "6:5: steps.1: two options have the value yes: give each option its own value",
        ),
        (
            "  - prompt: Why?\n    remember: why\n    default: a reason\n    keep: session\n",
            "6:5: steps.1: keep: session and remember cannot go together: choose one",
        ),
        (
            "  - rate: How?\n    max: 50\n",
            "7:10: steps.1.max: should be one of: 10, 100",
        ),
    ],
)
def test_mistakes_in_choices_and_conditions_say_what_to_do(steps: str, expected: str) -> None:
    assert problems(steps) == [expected]


def test_two_sections_of_one_name_are_refused() -> None:
    section = "  - section: calm\n    steps:\n      - say: Hi.\n"
    assert problems(section + section) == [
        "6:14: steps.1.section: two sections are named calm",
        "9:14: steps.2.section: two sections are named calm",
    ]


def test_conditions_and_leads_reach_the_playable_form() -> None:
    steps = (
        CHOICE.replace("value: steady}", "value: steady, go: soft}")
        + "  - section: soft\n    when: {chose: feeling, is: [steady]}\n    steps:\n"
        "      - say: Soft.\n"
        "      - say: Softer.\n        when: {remembered: word, exists: false}\n"
        "  - prompt: A word?\n    remember: word\n    default: still\n"
    )
    playable = load_exercise_text(HEAD + steps, "ex.yaml").playable()
    assert playable.sections == {"soft": 1}
    choice, soft, softer, prompt = playable.parts
    assert soft.text == "Soft." and soft.when[0].values == ("steady",)
    assert [o.go for o in choice.options] == [None, "soft"]
    assert [c.subject for c in softer.when] == ["chose", "remembered"]
    assert softer.when[1].exists is False
    assert prompt.keep == "history" and playable.remembered_names["word_when"] == "before"


def test_painful_words_are_kept_for_the_session_unless_the_author_says_otherwise() -> None:
    text = HEAD.replace("steps:\n", "cautions: [recalls-pain]\nsteps:\n") + (
        "  - prompt: What hurt?\n  - prompt: What helps?\n    keep: history\n"
    )
    parts = load_exercise_text(text, "ex.yaml").playable().parts
    assert [part.keep for part in parts] == ["session", "history"]
