"""The app keeps working when files or disks misbehave (reliability.md Y13, S12)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from safeplace.exercise.library import Library, load_library
from safeplace.history.records import AnswerRecord, RememberedRecord, SessionRecord
from safeplace.history.store import HistoryStore, Saved
from safeplace.paths import Paths
from safeplace.playback.clock import FakeClock
from safeplace.settings import Settings
from safeplace.ui.app import make_app
from safeplace.ui.screens.library import LibraryScreen
from safeplace.ui.screens.player import PlayerScreen

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "exercises"


class SlowStore(HistoryStore):
    """A store whose writes after the first step hang until released, like a disk that
    stalls."""

    release = threading.Event()
    writing = threading.Event()

    def save(
        self,
        record: SessionRecord,
        answers: Sequence[AnswerRecord] = (),
        remembered: Iterable[RememberedRecord] = (),
        *,
        owner: str,
        must_exist: bool = False,
    ) -> Saved:
        if record.steps_reached:
            self.writing.set()
            self.release.wait(timeout=10)
        return super().save(record, answers, remembered, owner=owner, must_exist=must_exist)


async def test_one_broken_file_hides_nothing_and_the_app_starts(
    paths: Paths, clock: FakeClock, tmp_path: Path
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n", encoding="utf-8")
    library = load_library(paths, extra_dirs=[FIXTURES, folder])
    assert library.get("every-kind") is not None and library.problems
    app = make_app(Settings(), clock, None, library, paths=paths, cursor_blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        status = str(app.screen.query_one("#library-status").render())
        assert "could not be read" in status and "safeplace validate" in status


async def test_a_stalled_history_write_never_stalls_the_player(
    paths: Paths, library: Library, clock: FakeClock
) -> None:
    store = SlowStore.open(paths.history_db)
    app = make_app(
        Settings(), clock, store, library, paths=paths, exercise_id="every-kind", cursor_blink=False
    )
    try:
        async with app.run_test() as pilot:
            await pilot.press("s")  # skip the rating: a step boundary, so a progress write
            assert SlowStore.writing.wait(timeout=5)
            await pilot.press("space")  # handled while the write is still stuck
            assert isinstance(app.screen, PlayerScreen)
            session = app.screen.session
            assert session.view().is_paused
            assert not SlowStore.release.is_set()
            await pilot.press("space", "right")
            assert session.view().segment.kind == "breathe"
            SlowStore.release.set()
            app.history.flush()
        [record] = store.sessions()
        assert record.steps_reached >= 2
    finally:
        SlowStore.release.set()
        store.close()
