"""Export as JSON, CSV and a Markdown journal; import merges by id, newest wins."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

import history_seed as seed
from safeplace.history.exchange import (
    ImportProblem,
    export_csv,
    export_json,
    export_markdown,
    read_export,
)
from safeplace.history.store import HistoryStore

START = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1, microseconds=1234)
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    opened = HistoryStore.open(tmp_path / "one" / "history.db", clock=Clock())
    yield opened
    opened.close()


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[HistoryStore]:
    opened = HistoryStore.open(tmp_path / "two" / "history.db")
    yield opened
    opened.close()


def fill(store: HistoryStore) -> None:
    berlin, new_york = (3600, "Europe/Berlin"), (-18000, "America/New_York")
    first = seed.begin(
        store, "box", 'Box, "square" breathing', "h1", 300, day_start_hour=4, zone_offset=berlin
    )
    seed.set_rating(store, first, "before", 7)
    seed.add_answer(store, first, "What helps?", "Tea,\nand a \x1b[31mblanket\x1b[0m", None)
    seed.add_answer(store, first, "A cue word?", "Hafen – ümlaut ✓", "cue_word")
    seed.finish(store, first, "completed", 300, 4)
    seed.set_rating(store, first, "after", 4)
    second = seed.begin(
        store,
        "=cmd",
        '=HYPERLINK("x")',
        "h2",
        600,
        day_start_hour=0,
        started_at=START + timedelta(days=1),
        zone_offset=new_york,
    )
    seed.finish(store, second, "ended-early", 90.5, 1)
    seed.begin(
        store,
        "scan",
        "Body scan",
        "h3",
        900,
        day_start_hour=4,
        started_at=START + timedelta(days=2),
    )
    store.set_remembered("kind_words", "You are doing your best")
    store.set_remembered("old_name", "gone")
    store.forget("old_name")


def without_export_time(text: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(text)
    data.pop("exported_at")
    return data


def still_open_reads_interrupted(data: dict[str, Any]) -> dict[str, Any]:
    """An imported session that was in progress has no one to finish it here."""
    for session in data["sessions"]:
        if session["outcome"] == "open":
            session.update(outcome="interrupted", ended_at=session["updated_at"])
    return data


def test_json_export_and_import_into_an_empty_home_reproduce_the_history(
    store: HistoryStore, empty: HistoryStore, tmp_path: Path
) -> None:
    fill(store)
    exported = export_json(store.dump(), 4)
    file = tmp_path / "export.json"
    file.write_text(exported, encoding="utf-8")
    assert empty.merge(*read_export(file)) == (3, 0, 0)
    assert without_export_time(export_json(empty.dump(), 4)) == (
        still_open_reads_interrupted(without_export_time(exported))
    )
    assert (
        empty.remembered()
        == store.remembered()
        == {
            "cue_word": "Hafen – ümlaut ✓",
            "kind_words": "You are doing your best",
        }
    )
    assert empty.sessions()[:2] == store.sessions()[:2]
    assert empty.merge(*read_export(file)) == (0, 0, 3)
    assert len(empty.sessions()) == 3


def test_the_json_export_is_ascii_and_keeps_words_without_control_characters(
    store: HistoryStore,
) -> None:
    fill(store)
    exported = export_json(store.dump(), 4)
    assert exported.isascii()
    answers = json.loads(exported)["sessions"][0]["answers"]
    assert answers[0]["answer"] == "Tea,\nand a [31mblanket[0m"
    assert answers[1]["answer"] == "Hafen – ümlaut ✓"


def test_import_never_overwrites_newer_data_with_older(
    store: HistoryStore, empty: HistoryStore, tmp_path: Path
) -> None:
    fill(store)
    data = json.loads(export_json(store.dump(), 4))
    file = tmp_path / "export.json"
    file.write_text(json.dumps(data), encoding="utf-8")
    empty.merge(*read_export(file))

    data["sessions"][0]["title"] = "Older title"
    data["sessions"][0]["updated_at"] = "2020-01-01T00:00:00.000Z"
    data["sessions"][1]["title"] = "Newer title"
    data["sessions"][1]["updated_at"] = "2030-01-01T00:00:00.000Z"
    file.write_text(json.dumps(data), encoding="utf-8")
    assert empty.merge(*read_export(file)) == (0, 1, 2)
    titles = [s.title for s in empty.sessions()]
    assert titles[0] == 'Box, "square" breathing'
    assert titles[1] == "Newer title"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "1:2: not JSON"),
        ('{"format": "loop-habits"}', "format: expected 'safeplace-history'"),
        ('{"format": "safeplace-history", "version": 9}', "newer safeplace"),
        (
            '{"format": "safeplace-history", "version": 1, "sessions": [{"id": 3}]}',
            "sessions[0].id: expected text, found 3",
        ),
        (
            '{"format": "safeplace-history", "version": 1, "sessions": "many"}',
            "sessions: expected a list",
        ),
    ],
)
def test_a_file_that_is_not_an_export_gets_a_located_sentence(
    empty: HistoryStore, tmp_path: Path, content: str, message: str
) -> None:
    file = tmp_path / "bad.json"
    file.write_text(content, encoding="utf-8")
    with pytest.raises(ImportProblem, match=message.replace("[", r"\[").replace("]", r"\]")):
        empty.merge(*read_export(file))
    assert empty.sessions() == []


def test_bad_values_are_located(store: HistoryStore, empty: HistoryStore, tmp_path: Path) -> None:
    fill(store)
    data = json.loads(export_json(store.dump(), 4))
    data["sessions"][1]["rating_before"] = 12
    data["sessions"][2]["started_at"] = "yesterday"
    file = tmp_path / "export.json"
    file.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ImportProblem, match=r"sessions\[1\]\.rating_before: expected a whole"):
        empty.merge(*read_export(file))
    data["sessions"][1]["rating_before"] = 2
    file.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ImportProblem, match=r"sessions\[2\]\.started_at: expected a date-time"):
        empty.merge(*read_export(file))
    assert empty.sessions() == []  # all or nothing


def test_csv_escapes_commas_quotes_newlines_and_formulas(store: HistoryStore) -> None:
    fill(store)
    rows = list(csv.DictReader(io.StringIO(export_csv(store.dump(), 4))))
    assert len(rows) == 3
    assert rows[0]["title"] == 'Box, "square" breathing'
    assert rows[0]["practice_day"] == "2026-03-02"
    assert rows[0]["local_started_at"] == "2026-03-02T07:30:01+01:00"
    assert (rows[0]["rating_before"], rows[0]["rating_after"], rows[0]["answers"]) == (
        "7",
        "4",
        "2",
    )
    assert rows[1]["title"] == '\'=HYPERLINK("x")'
    assert rows[1]["exercise_id"] == "'=cmd"
    # 01:30 in New York, recorded with day start 0, re-assigned with 4 to the evening before.
    assert rows[1]["practice_day"] == "2026-03-02"
    assert rows[2]["outcome"] == "open"


def test_markdown_is_a_journal_of_answers_by_day(store: HistoryStore) -> None:
    fill(store)
    journal = export_markdown(store.dump(), 4)
    assert "\x1b" not in journal
    assert "## Monday 2 March 2026" in journal
    assert '### 07:30 Box, "square" breathing' in journal
    assert "completed · 5 min · rating 7 → 4" in journal
    assert "**What helps?**\n\n> Tea,\n> and a \\[31mblanket\\[0m" in journal
    assert "> Hafen – ümlaut ✓" in journal
    assert journal.index("## Monday") < journal.index("## Wednesday 4 March 2026")


def test_markdown_of_an_empty_history(empty: HistoryStore) -> None:
    assert "No practice recorded yet." in export_markdown(empty.dump(), 4)


def test_csv_neutralises_formula_starts_in_every_column(store: HistoryStore) -> None:
    """OWASP: a cell starting =, +, -, @, tab or CR (past any spaces) gets a leading '."""
    session = seed.begin(
        store,
        "-2+3",
        ' \t=HYPERLINK("http://x")\n@SUM(1)',
        "h",
        60,
        day_start_hour=4,
        zone_offset=(0, "+cmd"),
        session_id="=1+1",
    )
    seed.finish(store, session, "completed", 60, 1)
    (row,) = list(csv.reader(io.StringIO(export_csv(store.dump(), 4))))[1:]
    assert row[0] == "'=1+1"
    assert row[3] == "'+cmd"
    assert row[4] == "'-2+3"
    assert row[5] == '\'  =HYPERLINK("http://x") @SUM(1)'  # one line: a title is one line
    for cell in row:
        assert not cell.lstrip().startswith(("=", "+", "-", "@", "\t", "\r")), cell


JOURNAL_HOSTILE = [
    "# Not a heading",
    "> not a quote",
    "- not a list",
    "+ not a list",
    "1. not a list",
    "2) not a list",
    "```",
    "~~~",
    "---",
    "===",
    "<script>alert(1)</script> & &amp;",
    "[a link](javascript:alert(1)) ![a picture](http://tracker.example/p.png)",
    "*not emphasis* _nor this_ `nor code` \\",
    "    not code",
]


def test_markdown_renders_titles_prompts_and_answers_literally(store: HistoryStore) -> None:
    session = seed.begin(
        store, "calm", "<b>Calm</b> & # [x](y)\n# Forged heading", "h", 60, day_start_hour=4
    )
    seed.add_answer(store, session, "**Bold** <i>prompt</i>\n# too", "\n".join(JOURNAL_HOSTILE))
    seed.add_answer(store, session, "", "> all alone")
    seed.finish(store, session, "completed", 60, 1)
    journal = export_markdown(store.dump(), 4)
    tokens = MarkdownIt("commonmark").parse(journal)
    blocks = [token.type for token in tokens]
    assert blocks.count("heading_open") == 3  # the journal, the day, the session
    assert not set(blocks) & {"html_block", "hr", "bullet_list_open", "ordered_list_open"}
    assert not set(blocks) & {"fence", "code_block"}
    inline = {child.type for token in tokens for child in token.children or []}
    assert not inline & {"html_inline", "link_open", "image", "em_open", "code_inline"}
    quoted = [
        tokens[n + 2].content
        for n, token in enumerate(tokens)
        if token.type == "blockquote_open" and tokens[n + 2].type == "inline"
    ]
    assert sum(len(text.splitlines()) for text in quoted) == len(JOURNAL_HOSTILE) + 1
    rendered = MarkdownIt("commonmark").render(journal)
    assert "<script>" not in rendered and "<b>" not in rendered and "<i>" not in rendered
    assert "&lt;b&gt;Calm&lt;/b&gt; &amp; # [x](y) # Forged heading" in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &amp;amp;" in rendered


def test_import_keeps_peoples_words_without_control_characters(
    store: HistoryStore, empty: HistoryStore, tmp_path: Path
) -> None:
    fill(store)
    data = json.loads(export_json(store.dump(), 4))
    data["sessions"][0]["title"] = "Box\x1b]0;x\x07\nbreathing"
    data["sessions"][0]["answers"][0]["answer"] = "Tea,\r\nand \x1b[2Ja blanket\u202e"
    data["remembered"][0]["text"] = "har\x1b[2Jbour"
    file = tmp_path / "export.json"
    file.write_text(json.dumps(data), encoding="utf-8")
    empty.merge(*read_export(file))
    assert empty.sessions()[0].title == "Box]0;x breathing"
    assert empty.answers(empty.sessions()[0].id)[0].answer == "Tea,\nand [2Ja blanket"
    assert empty.remembered()["cue_word"] == "har[2Jbour"


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("NaN", "practised_seconds"),
        ("-Infinity", "practised_seconds"),
        ("1e999", "practised_seconds"),
        ("9" * 30, "steps_reached"),
    ],
)
def test_impossible_numbers_are_refused_by_field(
    store: HistoryStore, tmp_path: Path, value: str, field: str
) -> None:
    fill(store)
    data = json.loads(export_json(store.dump(), 4))
    data["sessions"][2][field] = "PLACEHOLDER"
    file = tmp_path / "export.json"
    file.write_text(json.dumps(data).replace('"PLACEHOLDER"', value), encoding="utf-8")
    with pytest.raises(ImportProblem, match=rf"sessions\[2\]\.{field}: expected "):
        read_export(file)
