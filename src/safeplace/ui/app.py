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
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, ClassVar, TypedDict, Unpack

from rich.text import Text
from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.message import Message
from textual.screen import Screen

from safeplace.history.service import HistoryService
from safeplace.playback.clock import Clock
from safeplace.settings import Settings
from safeplace.text import one_line, when_name

if TYPE_CHECKING:
    from safeplace.exercise.library import Library, LoadedExercise
    from safeplace.exercise.playable import Playable
    from safeplace.history.store import HistoryStore
    from safeplace.paths import Paths
    from safeplace.ui.practice import Origin, Practice
    from safeplace.ui.screens.player import PlayerScreen

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
    quick: Playable | None  # or in this one, made on the spot (`safeplace breathe`)
    speed: float
    bell: bool
    motion: str | None  # full / basic / none; None follows settings, then TEXTUAL_ANIMATIONS
    theme: str | None
    notices: Sequence[str]  # sentences to show once the app is up
    now: Callable[[], datetime] | None  # wall clock for history days (tests freeze it)
    cursor_blink: bool


class SafeplaceApp(App[int]):
    # The library is the first screen that `safeplace` alone shows, so its sheet is read with
    # the app's: a sheet read later (as other screens' are, when first shown) re-parses and
    # re-applies every rule.
    CSS_PATH: ClassVar[list[str | PurePath]] = ["app.tcss", "screens/library.tcss"]
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
        self.library = library
        self.paths = options.get("paths")
        self.exercise_id = options.get("exercise_id")
        self.quick = options.get("quick")
        self.speed = options.get("speed", 1.0)
        self.bell_on_phases = options.get("bell", False)
        self.requested_motion = options.get("motion") or settings.motion
        self.requested_theme = options.get("theme") or settings.theme
        self.notices = list(options.get("notices", ()))
        self.now = options.get("now") or (lambda: datetime.now().astimezone())
        self.cursor_blink = options.get("cursor_blink", True)
        self.history = HistoryService(
            self.paths, store, now=self.now, say=lambda text: self.post_message(HistoryNotice(text))
        )
        self._saving_settings = threading.Lock()
        if self.requested_motion in MOTIONS:  # before any screen is composed
            self.animation_level = self.requested_motion  # type: ignore[assignment]

    # -- start-up ------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        """The first screen, laid out and drawn with the app (instead of after a blank screen
        and a screen switch): the player with an exercise to play, else the library."""
        if self.exercise_id is None and self.quick is None:
            from safeplace.ui.screens.library import LibraryScreen

            return LibraryScreen()
        loaded = self.library.get(self.exercise_id) if self.exercise_id is not None else None
        if self.quick is not None:  # made on the spot: it has no file
            from safeplace.exercise.library import LoadedExercise

            loaded = LoadedExercise(self.quick, "", "bundled")
        if loaded is None:
            return super().get_default_screen()
        from safeplace.ui.screens.player import PlayerScreen

        return PlayerScreen(self._new_practice(loaded, origin="shell"))

    def first_frame_drawn(self) -> None:
        """What waits for the first frame: the history (see HistoryService.release) and the
        garbage collector (paused by cli._start_app). Start-up objects are frozen, so no later
        collection walks them (a pause in the middle of a breath). Each screen calls it; once
        counts."""
        self.history.release()
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
        if self.quick is not None or self.exercise_id is None:
            return
        if self.library.get(self.exercise_id) is None:  # get_default_screen found none
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
        for player in self._players():
            player.end_practice()
        with contextlib.suppress(Exception):  # whatever is unwritten is in the pending file
            self.history.flush(timeout=3.0)
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

    def play(self, loaded: LoadedExercise) -> None:
        """The one way to start a practice (the library, the palette, ground me): a running
        one ends first (recorded as ended early), and where the new one leads back to (the
        library, or out to the shell) is that of the practice it follows."""
        from safeplace.ui.screens.closing import ClosingScreen
        from safeplace.ui.screens.player import PlayerScreen

        practices = [
            s.practice for s in self.screen_stack if isinstance(s, PlayerScreen | ClosingScreen)
        ]
        origin: Origin = practices[-1].origin if practices else "library"
        for running in self._players():
            running.end_practice()
        player = PlayerScreen(self._new_practice(loaded, origin=origin))
        if isinstance(self.screen, PlayerScreen | ClosingScreen):  # replaced, not stacked on
            self.replace_top(player)
        else:
            self.push_screen(player)

    def ground_me(self) -> None:
        """Leave for the grounding routine now (unless it is what plays)."""
        grounding = self.library.grounding()
        if grounding is None:
            self.notify("No grounding routine is available (none is tagged ground-me).")
            return
        running = [p for p in self._players() if not p.session.view().is_finished]
        if not any(p.practice.loaded.exercise.id == grounding.exercise.id for p in running):
            self.play(grounding)

    def _players(self) -> list[PlayerScreen]:
        from safeplace.ui.screens.player import PlayerScreen

        return [screen for screen in self.screen_stack if isinstance(screen, PlayerScreen)]

    def _new_practice(self, loaded: LoadedExercise, *, origin: Origin) -> Practice:
        # Here, not at the top: the library's first frame needs no session (its classes
        # take a tenth of that frame to create).
        from safeplace.playback.session import Session
        from safeplace.ui.practice import Practice
        from safeplace.ui.practice_log import PracticeLog

        exercise = loaded.exercise
        session = Session(
            exercise,
            self.clock,
            speed=self.speed,
            holds=self.settings.breath_holds,
            remembered=self._remembered() if exercise.remembered_names else {},
        )
        return Practice(
            loaded=loaded,
            session=session,
            log=PracticeLog(self.history, self.settings, loaded),
            motion=self.motion,
            bell=self.bell_on_phases,
            origin=origin,
        )

    def _remembered(self) -> dict[str, str]:
        """Remembered words for placeholders, and for each its {name_when}: when it was given."""
        from safeplace.history.days import local_offset, practice_day, today, when_words

        hour = self.settings.day_start_hour
        now = self.now()
        today_ = today(hour, now, zone=now.tzinfo)
        values: dict[str, str] = {}
        for entry in self.history.remembered_records():
            offset, _ = local_offset(entry.given_at, zone=now.tzinfo)
            given = practice_day(entry.given_at, offset, hour)
            values[entry.name] = entry.words
            values[when_name(entry.name)] = when_words(given, today_)
        return values

    def on_history_notice(self, message: HistoryNotice) -> None:
        self.notify(one_line(message.text), timeout=8, markup=False)

    def replace_top(self, screen: Screen[Any]) -> None:
        """Show ``screen`` in place of the top one; the first screen (a player started from
        the shell) cannot be replaced, so the new one goes on top of it."""
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    # -- app-wide actions ----------------------------------------------------------------

    def action_route(self) -> None:
        """What suits me now: the check-in's routing (the library's w key, the palette)."""
        from safeplace.ui.screens.route import RouteScreen

        if not isinstance(self.screen, RouteScreen):
            self.push_screen(RouteScreen())

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
        from safeplace.ui.screens.player import PlayerScreen

        if isinstance(self.screen, PlayerScreen):  # asked first, as ctrl+c and escape are
            self.screen.action_end()
            return
        self.exit(0)  # each player ends its practice as it goes

    def on_unmount(self) -> None:
        self.history.close()  # after the screens: their practices are ended and queued


def _palette_commands() -> type[Provider]:
    from safeplace.ui.commands import SafeplaceCommands  # loaded when the palette first opens

    return SafeplaceCommands


def constants_animation_level() -> str:
    """The level the environment asks for (TEXTUAL_ANIMATIONS), before any setting."""
    from textual import constants

    return str(constants.TEXTUAL_ANIMATIONS)


def make_app(
    settings: Settings,
    clock: Clock,
    store: HistoryStore | None,
    library: Library,
    **options: Unpack[AppOptions],
) -> SafeplaceApp:
    """Build the app from its parts; tests pass a fake clock and a temporary store."""
    return SafeplaceApp(settings=settings, clock=clock, store=store, library=library, **options)
