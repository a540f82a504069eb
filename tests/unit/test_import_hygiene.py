"""Domain code and headless commands never import Textual or Rich (DESIGN: the layers), and
the first frame, of the player or of the library, waits for neither validation nor the
history."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from safeplace.history.store import HistoryStore

SRC = Path(__file__).resolve().parents[2] / "src"


def _domain_modules() -> list[str]:
    """Every module of safeplace outside ui/ and the entry point, found on disk, so a new one
    is covered the day it is written."""
    found = []
    for path in sorted((SRC / "safeplace").rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if "ui" in parts or parts[-1] == "__main__":
            continue
        found.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


DOMAIN_MODULES = _domain_modules()


@pytest.mark.parametrize("module", DOMAIN_MODULES)
def test_domain_module_does_not_import_textual(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "leaked = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "", f"{module} pulled in {result.stdout.strip()}"


@pytest.mark.parametrize(
    "argv",
    [["list"], ["list", "--json"], ["show", "box-breathing"], ["locate"], ["schema"], ["status"]],
)
def test_headless_commands_do_not_import_textual(argv: list[str]) -> None:
    code = (
        "import sys\n"
        "from safeplace.cli import run\n"
        f"code = run({argv!r})\n"
        "leaked = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print('LEAKED=' + ','.join(leaked), file=sys.stderr)\n"
        "raise SystemExit(code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    leaked = [line for line in result.stderr.splitlines() if line.startswith("LEAKED=")]
    assert leaked == ["LEAKED="], result.stderr


# What the path to the first frame, of the player or of the library, may not load (when no
# file changed since the last start): validation (pydantic, PyYAML, the loader) and the
# history, which opens after (remembered words are read by a peek, safeplace.history.words).
FIRST_FRAME_FREE_OF = (
    "pydantic",
    "yaml",
    "safeplace.exercise.loader",
    "safeplace.history.store",
    "safeplace.history.recorder",
    "safeplace.history.database",
)

FIRST_FRAME = """
import sys, time
from safeplace.checked import CheckedCache
from safeplace.exercise.library import load_library
from safeplace.paths import resolve_paths
from safeplace.settings import load_settings
from safeplace.ui.app import make_app
from safeplace.ui.screens.library import LibraryScreen
from safeplace.ui.screens.player import PlayerScreen

exercise_id = None if sys.argv[1] == "library" else sys.argv[1]
paths = resolve_paths()
settings, _ = load_settings(paths.config_file, cache=CheckedCache(paths.checked_cache))
library = load_library(paths, cache=CheckedCache(paths.checked_cache))
loaded = []
screen_class = LibraryScreen if exercise_id is None else PlayerScreen
mounted = screen_class.on_mount

def on_mount(screen):
    mounted(screen)  # the session starts here: what it loads counts too
    loaded.extend(sorted(m for m in sys.modules if m.startswith(tuple(sys.argv[2:]))))

screen_class.on_mount = on_mount

async def play():
    app = make_app(settings, time.monotonic, None, library, paths=paths, exercise_id=exercise_id)
    async with app.run_test() as pilot:
        await pilot.pause()

import asyncio
asyncio.run(play())
print("LOADED=" + ",".join(loaded))
"""


@pytest.mark.parametrize("shown", ["box-breathing", "calm-place-recall", "library"])
def test_the_first_frame_needs_no_validation_and_no_history(tmp_path: Path, shown: str) -> None:
    """calm-place-recall fills a remembered word: it is read without opening the history.
    The person's settings and own exercise are checked at the first start only."""
    env = {**os.environ, "SAFEPLACE_HOME": str(tmp_path)}
    (tmp_path / "data" / "exercises").mkdir(parents=True)
    history = HistoryStore.open(tmp_path / "data" / "history.db")  # words to peek at
    history.set_remembered("cue_word", "harbour")
    history.close()
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.yaml").write_text("bell: true\n", encoding="utf-8")
    (tmp_path / "data" / "exercises" / "mine.yaml").write_text(MY_EXERCISE, encoding="utf-8")
    runs = [
        subprocess.run(
            [sys.executable, "-c", FIRST_FRAME, shown, *FIRST_FRAME_FREE_OF],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        for _ in range(2)
    ]
    loaded = []
    for run in runs:
        assert run.returncode == 0, run.stderr
        [line] = [line for line in run.stdout.splitlines() if line.startswith("LOADED=")]
        loaded.append(line.removeprefix("LOADED="))
    assert "pydantic" in loaded[0]  # the first start checks the files: the test can tell
    assert loaded[1] == "", f"the first frame loaded {loaded[1]}"


MY_EXERCISE = """\
id: mine
title: Mine
summary: A short calm practice.
category: breathing
steps:
  - say: Let your shoulders drop.
"""


def test_a_first_start_with_nothing_of_the_persons_own_needs_no_validation(
    tmp_path: Path,
) -> None:
    """The bundled exercises were checked when safeplace was built (the catalog)."""
    run = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME, "library", *FIRST_FRAME_FREE_OF],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SAFEPLACE_HOME": str(tmp_path)},
    )
    assert run.returncode == 0, run.stderr
    assert "LOADED=\n" in run.stdout
