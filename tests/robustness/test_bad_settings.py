"""Bad config.yaml files, met through the installed `safeplace` as a person would meet them.

Each one gets one clear sentence naming config.yaml (and the line where there is one); every
good value beside a bad one is still used; the command works; nothing is written outside
SAFEPLACE_HOME; no escape byte reaches the terminal; and `safeplace status`, which draws a
shell prompt, stays one quiet line and leaves the file where it is.
"""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Select, Static

from safeplace.paths import Paths
from safeplace.settings import Settings, load_settings
from safeplace.ui.app import SafeplaceApp
from safeplace.ui.screens.help import HelpScreen
from safeplace.ui.screens.library import LibraryScreen
from safeplace.ui.screens.player import PlayerScreen
from safeplace.ui.screens.settings import SettingsScreen
from tmux_terminal import Terminal, opened

TIMEOUT = 30  # a guard against a hang, not a measure of speed
GOOD = b"rest_days_per_week: 2\n"  # `safeplace stats` shows it: "(2 rest days a week)"
KEPT, DEFAULT = "(2 rest days a week)", "(1 rest day a week)"
ESC = b"\x1b"
AppFactory = Callable[..., SafeplaceApp]


@dataclass(frozen=True)
class Bad:
    make: Callable[[Path], None]  # creates config.yaml at the given path
    line: int | None = None  # the line the sentence points at
    keeps: bool = False  # the good value beside the bad one is still used
    moved: bool = False  # cannot be parsed at all: moved aside with a timestamp
    sentences: int = 1


def text(data: bytes) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.write_bytes(data)

    return make


def fifo(path: Path) -> None:
    os.mkfifo(path)


def device(path: Path) -> None:
    path.symlink_to("/dev/zero")


def loop(path: Path) -> None:
    path.symlink_to(path.name)


def dangling(path: Path) -> None:
    path.symlink_to("nowhere.yaml")


def folder(path: Path) -> None:
    path.mkdir()
    (path / "inside.txt").write_text("kept\n")


def deep_block(levels: int) -> bytes:
    lines = [f"{'  ' * level}k{level}:" for level in range(levels)]
    return ("keymap:\n" + "\n".join("  " + line for line in lines) + " x\n").encode()


def alias_bomb(levels: int = 9) -> bytes:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 9)}]")
    return ("\n".join(lines) + "\n").encode()


BAD: dict[str, Bad] = {
    # A value or a name that is wrong: that one is set aside, the rest is used, the file stays.
    "unknown-key": Bad(text(b"colour: blue\n" + GOOD), line=1, keeps=True),
    "misspelt-key": Bad(text(GOOD + b"crisis_regoin: uk\n"), line=2, keeps=True),
    "yes-for-a-switch": Bad(text(b"bell: yes\n" + GOOD), line=1, keeps=True),
    "empty-switch": Bad(text(GOOD + b"show_streaks:\n"), line=2, keeps=True),
    "out-of-range": Bad(text(GOOD + b"day_start_hour: 30\n"), line=2, keeps=True),
    "unknown-choice": Bad(text(b"crisis_region: fr\n" + GOOD), line=1, keeps=True),
    "quoted-number": Bad(text(b"day_start_hour: '4'\n" + GOOD), line=1, keeps=True),
    "fraction": Bad(text(GOOD + b"day_start_hour: 4.5\n"), line=2, keeps=True),
    "mapping-for-text": Bad(text(b"theme: {name: nord}\n" + GOOD), line=1, keeps=True),
    "list-for-keymap": Bad(text(GOOD + b"keymap: [a, b]\n"), line=2, keeps=True),
    "escapes-in-a-name": Bad(text(b'"\\e]0;owned\\a\\e[2J": 1\n' + GOOD), line=1, keeps=True),
    "hundreds-of-names": Bad(
        text(b"".join(b"extra_%d: 1\n" % n for n in range(500)) + GOOD),
        line=1,
        keeps=True,
        sentences=6,
    ),
    # A file that cannot be parsed at all: moved aside, defaults used.
    "duplicate-key": Bad(text(GOOD + b"rest_days_per_week: 3\n"), line=2, moved=True),
    "tab-indentation": Bad(text(GOOD + b"keymap:\n\tplayer.pause: p\n"), line=3, moved=True),
    "top-level-list": Bad(text(b"- theme\n- nord\n"), line=1, moved=True),
    "top-level-text": Bad(text(b"just a few words\n"), line=1, moved=True),
    "aliases": Bad(text(GOOD + b"theme: &t nord\nbell: *t\n"), line=2, moved=True),
    "alias-bomb": Bad(text(alias_bomb()), line=1, moved=True),
    "python-tag": Bad(
        text(b'theme: !!python/object/apply:os.system ["touch SENTINEL"]\n'), line=1, moved=True
    ),
    "deep-flow-nesting": Bad(text(b"keymap: " + b"[" * 200 + b"]" * 200 + b"\n"), moved=True),
    "deep-block-nesting": Bad(text(deep_block(40)), moved=True),
    "latin-1": Bad(text(GOOD + "theme: café\n".encode("latin-1")), line=2, moved=True),
    "utf-16": Bad(text(GOOD.decode().encode("utf-16")), line=1, moved=True),
    "binary": Bad(text(bytes(range(256)) * 8), line=2, moved=True),
    "control-character": Bad(text(GOOD + b"theme: nord\x1b[2J\n"), line=2, moved=True),
    "huge": Bad(text(GOOD + b"# " + b"x" * 400_000 + b"\n"), moved=True),
    "long-value": Bad(text(GOOD + b"theme: " + b"x" * 20_000 + b"\n"), line=2, moved=True),
    "two-documents": Bad(text(GOOD + b"---\nbell: true\n"), line=2, moved=True),
    "unclosed-quote": Bad(text(GOOD + b'theme: "nord\n'), line=2, moved=True),
    # Not a file that can be read: left exactly as it is, defaults used.
    "fifo": Bad(fifo),
    "symlink-to-dev-zero": Bad(device),
    "symlink-loop": Bad(loop),
    "dangling-symlink": Bad(dangling),
    "directory": Bad(folder),
}


def env_for(home: Path, outside: Path) -> dict[str, str]:
    """A person's environment whose own folders are all outside SAFEPLACE_HOME."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("XDG_")}
    env.update(SAFEPLACE_HOME=str(home), HOME=str(outside), LANG="C.UTF-8", TMPDIR=str(outside))
    for name in ("CONFIG", "DATA", "STATE", "CACHE"):
        env[f"XDG_{name}_HOME"] = str(outside / name.lower())
    return env


def limited_memory() -> None:
    """1 GiB of address space: a file that grows without end fails fast, not the machine."""
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def safeplace(home: Path, outside: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    command = Path(sys.executable).with_name("safeplace")  # the installed console script
    return subprocess.run(
        [str(command), *args],
        env=env_for(home, outside),
        cwd=outside,
        capture_output=True,
        timeout=TIMEOUT,
        preexec_fn=limited_memory,
        check=False,
    )


def snapshot(root: Path, skip: Path) -> dict[str, tuple[int, int, int]]:
    """Everything under root but skip: kind, size and modification time, never following links."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = [name for name in dirnames if here / name != skip]
        for name in dirnames + filenames:
            info = (here / name).lstat()
            found[str(here / name)] = (stat.S_IFMT(info.st_mode), info.st_size, info.st_mtime_ns)
    return found


def describe(path: Path) -> tuple[str, bytes]:
    """What is at path, without reading pipes or devices."""
    if path.is_symlink():
        return "link", os.readlink(path).encode()
    if path.is_dir():
        return "folder", b"\n".join(sorted(p.name.encode() for p in path.iterdir()))
    if path.is_fifo():
        return "fifo", b""
    return "file", path.read_bytes()


@pytest.fixture
def places(tmp_path: Path) -> tuple[Path, Path]:
    home, outside = tmp_path / "home", tmp_path / "outside"
    (home / "config").mkdir(parents=True)
    outside.mkdir()
    return home, outside


@pytest.mark.parametrize("name", list(BAD))
def test_a_bad_config_file(places: tuple[Path, Path], tmp_path: Path, name: str) -> None:
    bad = BAD[name]
    home, outside = places
    config = home / "config" / "config.yaml"
    bad.make(config)
    before = describe(config)
    untouched = snapshot(tmp_path, skip=home)

    # The prompt line first: one short line, nothing on stderr, nothing moved.
    status = safeplace(home, outside, "status")
    assert status.returncode == 0, status.stderr
    assert status.stderr == b"" and len(status.stdout.splitlines()) == 1, status
    assert ESC not in status.stdout
    assert describe(config) == before
    assert sorted(p.name for p in config.parent.iterdir()) == ["config.yaml"]

    stats = safeplace(home, outside, "stats")
    assert stats.returncode == 0, stats.stderr
    assert (KEPT if bad.keeps else DEFAULT).encode() in stats.stdout
    assert ESC not in stats.stdout + stats.stderr
    said = stats.stderr.decode().splitlines()
    assert len(said) == bad.sentences, said
    assert all("config.yaml" in sentence and "Traceback" not in sentence for sentence in said)
    if bad.line is not None:
        assert f"config.yaml:{bad.line}:" in said[0], said[0]

    aside = sorted(config.parent.glob("config.yaml.broken-*"))
    if bad.moved:
        assert not os.path.lexists(config) and len(aside) == 1
        assert describe(aside[0]) == before and str(aside[0]) in said[0]
    else:
        assert aside == [] and describe(config) == before  # the person's file, as it was

    again = safeplace(home, outside, "stats")
    assert again.returncode == 0
    if bad.moved:  # said once; from now on the defaults, quietly
        assert again.stderr == b""
    else:  # said at every start until it is fixed
        assert again.stderr == stats.stderr

    assert snapshot(tmp_path, skip=home) == untouched  # nothing written outside SAFEPLACE_HOME
    assert not (outside / "SENTINEL").exists()


FINE: dict[str, Callable[[Path], None]] = {
    "empty": text(b""),
    "comments-only": text(b"# safeplace settings\n\n   # nothing chosen yet\n"),
    "windows-line-ends": text(b"theme: nord\r\n" + GOOD.replace(b"\n", b"\r\n")),
    "utf-8-bom": text(b"\xef\xbb\xbf" + GOOD),
}


@pytest.mark.parametrize("name", list(FINE))
def test_a_fine_config_file_says_nothing(places: tuple[Path, Path], name: str) -> None:
    home, outside = places
    config = home / "config" / "config.yaml"
    FINE[name](config)
    before = config.read_bytes()
    stats = safeplace(home, outside, "stats")
    assert (stats.returncode, stats.stderr) == (0, b"")
    assert (KEPT if GOOD in before.replace(b"\r\n", b"\n") else DEFAULT).encode() in stats.stdout
    assert config.read_bytes() == before


def test_a_symlinked_config_is_read_through_and_left_alone(
    places: tuple[Path, Path], tmp_path: Path
) -> None:
    home, outside = places
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "safeplace.yaml"
    target.write_bytes(GOOD)
    (home / "config" / "config.yaml").symlink_to(target)
    untouched = snapshot(tmp_path, skip=home)
    stats = safeplace(home, outside, "stats")
    assert (stats.returncode, stats.stderr) == (0, b"") and KEPT.encode() in stats.stdout
    assert snapshot(tmp_path, skip=home) == untouched


def test_status_leaves_a_damaged_history_for_other_commands(places: tuple[Path, Path]) -> None:
    home, outside = places
    history = home / "data" / "history.db"
    history.parent.mkdir()
    history.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    status = safeplace(home, outside, "status")
    assert status.stdout == b"" and status.stderr == b"" and status.returncode == 1
    assert sorted(p.name for p in history.parent.iterdir()) == ["history.db"]
    told = safeplace(home, outside, "history")  # a reading command that does say it
    assert b"history" in told.stderr


# --- inside the app ----------------------------------------------------------------------


def toasts(app: SafeplaceApp) -> str:
    """The text of the notifications on the screen the person sees."""
    from textual.widgets._toast import Toast

    return "\n".join(str(toast.render()) for toast in app.screen.query(Toast))


async def test_the_notice_is_shown_on_the_first_screen(paths: Paths, build_app: AppFactory) -> None:
    paths.config_dir.mkdir(parents=True)
    paths.config_file.write_text("colour: blue\ncrisis_region: uk\n", encoding="utf-8")
    for exercise_id, first_screen in ((None, LibraryScreen), ("every-kind", PlayerScreen)):
        settings, problems = load_settings(paths.config_file)
        app = build_app(exercise_id, settings=settings, notices=problems)
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, first_screen)
            shown = toasts(app)
            assert "config.yaml:1:1:" in shown and "colour" in shown, shown
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            safety = str(app.screen.query_one("#help-safety", Static).render())
            assert safety.index("UK:") < safety.index("Elsewhere:")  # crisis_region: uk kept
        assert paths.config_file.read_text(encoding="utf-8").startswith("colour: blue\n")


async def choose_theme_from_the_palette(pilot: Pilot[int], theme: str) -> None:
    """Textual's own command, as a person finds it: ctrl+p, "theme", then the theme's name."""
    for keys in (["ctrl+p", *"theme"], ["enter"], list(theme), ["enter"]):
        await pilot.press(*keys)
        await pilot.pause(0.3)


async def test_a_theme_chosen_from_the_palette_is_saved(
    paths: Paths, build_app: AppFactory
) -> None:
    app = build_app(settings=Settings(show_streaks=False))
    async with app.run_test(size=(120, 40)) as pilot:
        await choose_theme_from_the_palette(pilot, "gruvbox")
        await app.workers.wait_for_complete()
        assert app.theme == "gruvbox"
        assert load_settings(paths.config_file) == (
            Settings(theme="gruvbox", show_streaks=False),
            [],
        )
        await pilot.press("o")  # the settings screen shows it, and follows the palette there
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        assert app.screen.query_one("#theme", Select).value == "gruvbox"
        await choose_theme_from_the_palette(pilot, "nord")
        await app.workers.wait_for_complete()
        assert isinstance(app.screen, SettingsScreen)
        assert app.screen.query_one("#theme", Select).value == "nord"
    assert load_settings(paths.config_file) == (Settings(theme="nord", show_streaks=False), [])


async def test_a_theme_that_cannot_be_saved_is_said_and_still_used(
    paths: Paths, build_app: AppFactory
) -> None:
    paths.config_dir.parent.mkdir(parents=True)
    paths.config_dir.write_text("not a folder\n")  # so config.yaml cannot be written
    app = build_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await choose_theme_from_the_palette(pilot, "nord")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.theme == "nord"
        assert "Could not save your settings" in toasts(app)
    assert paths.config_dir.read_text() == "not a folder\n"


async def test_a_theme_given_on_the_command_line_is_not_saved(
    paths: Paths, build_app: AppFactory
) -> None:
    app = build_app(theme="nord")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.theme == "nord"
        await app.workers.wait_for_complete()
    assert not paths.config_file.exists()


# --- in a real terminal --------------------------------------------------------------------


@pytest.fixture
def term(places: tuple[Path, Path], tmp_path: Path) -> Iterator[Terminal]:
    home, outside = places
    with opened(home, tmp_path, env=env_for(home, outside)) as terminal:
        yield terminal


@pytest.mark.e2e
def test_the_notice_is_shown_in_the_real_app(places: tuple[Path, Path], term: Terminal) -> None:
    home, _ = places
    (home / "config" / "config.yaml").write_bytes(b"colour: blue\n" + GOOD)
    term.start([], size=(160, 40))
    screen = term.wait_for("Search exercises", "colour", timeout=TIMEOUT)
    assert "config.yaml:1:1:" in "".join(screen.split()), screen
    term.keys("C-q")
    assert term.exit_code() == 0
