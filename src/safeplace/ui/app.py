"""The Textual app and the one factory that builds it (the CLI and every UI test use it)."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypedDict, Unpack

from rich.text import Text
from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.message import Message
from textual.screen import Screen

from safeplace.playback.clock import Clock
from safeplace.playback.session import Session
from safeplace.settings import Settings
from safeplace.text import one_line
from safeplace.ui.practice import Origin, Practice
from safeplace.ui.practice_log import HistoryWriter, open_practice_log

if TYPE_CHECKING:
    from safeplace.exercise.library import Library, LoadedExercise
    from safeplace.exercise.playable import Playable
    from safeplace.history.store import HistoryStore
    from safeplace.paths import Paths

MOTIONS = ("full", "basic", "none")


class HistoryNotice(Message):
    """A sentence about the history (moved aside, unavailable), from whichever thread opened it."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class AppOptions(TypedDict, total=False):
    """What a run may choose beyond its parts (all optional)."""

    paths: Paths | None
    exercise_id: str | None  # start straight in this exercise (`safeplace play ID`)
    speed: float
    bell: bool
    motion: str | None  # full / basic / none; None follows settings, then TEXTUAL_ANIMATIONS
    theme: str | None
    notices: Sequence[str]  # sentences to show once the app is up
    now: Callable[[], datetime] | None  # wall clock for history days (tests freeze it)
    cursor_blink: bool


class SafeplaceApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "safeplace"
    COMMANDS = App.COMMANDS | {lambda: _palette_commands()}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "quit", show=False, priority=True, id="app.quit", tooltip="quit"),
        Binding("ctrl+c", "quit", "quit", show=False, id="app.interrupt"),
    ]

    def __init__(
        self,
        *,
        settings: Settings,
        clock: Clock,
        store: HistoryStore | None,
        library: Library,
        **options: Unpack[AppOptions],
    ) -> None:
        super().__init__()
        self.settings = settings
        self.clock = clock
        self.store = store
        self._store_lock = threading.Lock()
        self._store_tried = store is not None
        self.library = library
        self.paths = options.get("paths")
        self.exercise_id = options.get("exercise_id")
        self.speed = options.get("speed", 1.0)
        self.bell_on_phases = options.get("bell", False)
        self.requested_motion = options.get("motion") or settings.motion
        self.requested_theme = options.get("theme") or settings.theme
        self.notices = list(options.get("notices", ()))
        self.now = options.get("now") or (lambda: datetime.now().astimezone())
        self.cursor_blink = options.get("cursor_blink", True)
        self.practice: Practice | None = None
        self.history_writer = HistoryWriter()
        self._saving_settings = threading.Lock()
        self._first_frame_seen = False
        if self.requested_motion in MOTIONS:  # before any screen is composed
            self.animation_level = self.requested_motion  # type: ignore[assignment]

    # -- start-up ------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        """With an exercise to play, the player is the first screen: it is laid out and drawn
        with the app, instead of after a blank screen and a screen switch."""
        loaded = self.library.get(self.exercise_id) if self.exercise_id is not None else None
        if loaded is None:
            return super().get_default_screen()
        from safeplace.ui.screens.player import PlayerScreen

        self.practice = self._new_practice(loaded, origin="shell")
        return PlayerScreen(self.practice)

    def first_frame_drawn(self) -> None:
        """What waits for the first frame: the history (see HistoryWriter) and the garbage
        collector (paused by __main__). Start-up objects are frozen, so no later collection
        walks them (a pause in the middle of a breath). Each screen calls it; once counts."""
        if self._first_frame_seen:
            return
        self._first_frame_seen = True
        self.history_writer.release()
        # Open the history now rather than at the first need: sessions waiting in the
        # pending file are merged, and a damaged file is said, at every start, as before.
        self.history_writer.submit(self.history_store)
        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    def on_mount(self) -> None:
        self._apply_theme()
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        self._install_signal_handlers()
        for notice in self.notices:
            self.notify(one_line(notice), timeout=8, markup=False)  # file names are data
        if self.exercise_id is None:
            from safeplace.ui.screens.library import LibraryScreen

            self.push_screen(LibraryScreen())
            return
        if self.practice is None:  # get_default_screen found no such exercise
            self.exit(1, message=Text(one_line(f"No exercise with the id '{self.exercise_id}'.")))

    def _apply_theme(self) -> None:
        name = self.requested_theme
        if name in self.available_themes:
            self.theme = name
        else:
            self.notify(
                one_line(f"There is no theme called '{name}'; using the default."),
                timeout=8,
                markup=False,
            )

    def _install_signal_handlers(self) -> None:
        """SIGTERM/SIGHUP end the session cleanly (recorded) and restore the terminal."""
        import asyncio

        try:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGHUP):
                loop.add_signal_handler(sig, self._stop_for_signal, sig)
        except (NotImplementedError, RuntimeError, ValueError):
            pass  # not the main thread (tests) or not supported here

    def _stop_for_signal(self, sig: int) -> None:
        self.end_running_practice()
        with contextlib.suppress(Exception):  # whatever is unwritten is in the pending file
            self.history_writer.flush(timeout=3.0)
        # A closed terminal can leave Textual's writer thread blocked forever; the history is
        # safe by now, so make sure the process goes even if the driver cannot shut down.
        watchdog = threading.Timer(3.0, os._exit, (128 + sig,))
        watchdog.daemon = True
        watchdog.start()
        self.exit(128 + sig)

    @property
    def motion(self) -> str:
        level = str(self.animation_level)
        return level if level in MOTIONS else "full"

    # -- practice ------------------------------------------------------------------------

    def start_exercise(self, loaded: LoadedExercise, *, origin: Origin = "library") -> None:
        from safeplace.ui.screens.player import PlayerScreen

        self.practice = self._new_practice(loaded, origin=origin)
        if isinstance(self.screen, _replaceable_screens()):
            self._replace_top(PlayerScreen(self.practice))
        else:
            self.push_screen(PlayerScreen(self.practice))

    def _new_practice(self, loaded: LoadedExercise, *, origin: Origin) -> Practice:
        session = Session(
            loaded.exercise,
            self.clock,
            speed=self.speed,
            holds=self.settings.breath_holds,
            remembered=self._remembered(loaded.exercise),
        )
        log = open_practice_log(
            self.history_store, self.settings, self.paths, loaded, self.history_writer, self.now
        )
        return Practice(
            loaded=loaded,
            session=session,
            log=log,
            motion=self.motion,
            bell=self.bell_on_phases,
            origin=origin,
        )

    def _remembered(self, exercise: Playable) -> dict[str, str]:
        if not exercise.remembered_names:
            return {}  # nothing to fill
        if self.store is None and self.paths is not None:
            # A peek, not the history itself, which opens after the first frame.
            from safeplace.history.words import peek_remembered

            return peek_remembered(self.paths.history_db)
        try:
            return {} if self.store is None else self.store.remembered()
        except Exception:  # history trouble must never stop practice
            return {}

    def history_store(self) -> HistoryStore | None:
        """The history, opened on first use from any thread; None if it cannot be opened.
        Opening is deferred so that the first frame never waits for it."""
        with self._store_lock:
            if not self._store_tried and self.paths is not None:
                from safeplace.ui.practice_log import open_history

                self._store_tried = True
                self.store, notice = open_history(self.paths)
                if notice:
                    self.post_message(HistoryNotice(notice))  # thread-safe
            return self.store

    def on_history_notice(self, message: HistoryNotice) -> None:
        self.notify(one_line(message.text), timeout=8, markup=False)

    def end_running_practice(self) -> None:
        practice = self.practice
        if practice is not None and not practice.session.view().is_finished:
            practice.record(practice.session.end())

    def show_closing(self, practice: Practice) -> None:
        from safeplace.ui.screens.closing import ClosingScreen

        self._replace_top(ClosingScreen(practice))

    def _replace_top(self, screen: Screen[Any]) -> None:
        """Replace the top screen; the first screen (a player started from the shell) cannot
        be replaced, so the new one goes on top of it."""
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def leave_closing(self) -> None:
        practice = self.practice
        self.practice = None
        if practice is None or practice.origin == "shell":
            self.exit(0)
        else:
            self.pop_screen()

    def start_from_palette(self, loaded: LoadedExercise) -> None:
        """Start from the palette: a running exercise ends first (recorded as ended early)."""
        origin: Origin = self.practice.origin if self.practice is not None else "library"
        self.end_running_practice()
        self.start_exercise(loaded, origin=origin)

    def ground_me(self, practice: Practice | None) -> None:
        grounding = self.library.grounding()
        if grounding is None:
            self.notify("No grounding routine is available (none is tagged ground-me).")
            return
        running = self.practice
        if running is not None and not running.session.view().is_finished:
            if running.loaded.exercise.id == grounding.exercise.id:
                return
            running.record(running.session.end())
        origin: Origin = practice.origin if practice is not None else "library"
        self.start_exercise(grounding, origin=origin)

    # -- app-wide actions ----------------------------------------------------------------

    def action_help(self) -> None:
        from safeplace.ui.screens.help import HelpScreen, key_lines

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.settings.crisis_region, key_lines(self)))

    def action_settings(self) -> None:
        from safeplace.ui.screens.settings import SettingsScreen

        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen())

    def apply_settings(self, settings: Settings) -> None:
        """Use new settings now; the theme and motion change at once."""
        self.settings = settings
        self.requested_theme = settings.theme
        self._apply_theme()
        level = settings.motion or constants_animation_level()
        if level in MOTIONS:
            self.animation_level = level  # type: ignore[assignment]
        self.set_keymap(settings.keymap)

    def watch_theme(self, name: str) -> None:
        """A theme chosen anywhere (the settings screen, or Textual's own "change theme" in the
        palette) is the person's choice: keep it in the settings and save it. The theme this
        run started with (from the settings, or --theme for this run only) is not saved."""
        if name == self.requested_theme:
            return  # applied by apply_settings or at start
        self.requested_theme = name
        self.settings = replace(self.settings, theme=name)
        self.save_settings()

    @work(thread=True, exclusive=True, group="settings")
    def save_settings(self, done: Callable[[str], None] | None = None) -> None:
        """Save the newest settings to config.yaml, off the event loop; the one save path.

        ``done`` gets the sentence to show; without it only a failure is said, as a notice.
        """
        from safeplace.checked import CheckedCache
        from safeplace.settings import save_settings

        if self.paths is None:
            return
        try:
            # Workers may overlap: one save at a time, each of the newest settings, so the
            # file (and the remembered copy that spares the next start from validating it)
            # always ends with the last change.
            with self._saving_settings:
                cache = CheckedCache(self.paths.checked_cache)
                save_settings(self.settings, self.paths.config_file, cache)
        except OSError as error:
            reason = one_line(error.strerror or type(error).__name__)
            message = f"Could not save your settings ({reason}); they apply until you quit."
            self.call_from_thread(done or self._say_unsaved, message)
            return
        if done is not None:
            self.call_from_thread(done, "Saved.")

    def _say_unsaved(self, message: str) -> None:
        self.notify(message, severity="warning", timeout=8, markup=False)

    def action_history(self) -> None:
        from safeplace.ui.screens.history import HistoryScreen

        if not isinstance(self.screen, HistoryScreen):
            self.push_screen(HistoryScreen())

    async def action_quit(self) -> None:
        self.end_running_practice()
        self.exit(0)

    def flush_history(self) -> None:
        """Wait until every queued history write is done (tests read the store after it)."""
        self.history_writer.flush()

    def on_unmount(self) -> None:
        self.end_running_practice()
        self.history_writer.shutdown(wait=True)


def _palette_commands() -> type[Provider]:
    from safeplace.ui.commands import SafeplaceCommands  # loaded when the palette first opens

    return SafeplaceCommands


def constants_animation_level() -> str:
    """The level the environment asks for (TEXTUAL_ANIMATIONS), before any setting."""
    from textual import constants

    return str(constants.TEXTUAL_ANIMATIONS)


def _replaceable_screens() -> tuple[type, ...]:
    """Screens a new player replaces rather than stacks on (closing, or a running player)."""
    from safeplace.ui.screens.closing import ClosingScreen
    from safeplace.ui.screens.player import PlayerScreen

    return (ClosingScreen, PlayerScreen)


def make_app(
    settings: Settings,
    clock: Clock,
    store: HistoryStore | None,
    library: Library,
    **options: Unpack[AppOptions],
) -> SafeplaceApp:
    """Build the app from its parts; tests pass a fake clock and a temporary store."""
    return SafeplaceApp(settings=settings, clock=clock, store=store, library=library, **options)
