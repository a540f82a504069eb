"""The player: one exercise, at exactly the pace it defines.

The screen keeps no time. A repaint timer calls :meth:`PlayerScreen.catch_up`, which asks the
session (which reads the clock) where it is and forwards its events to the practice log.
Timers only repaint. When the process goes on after being stopped (SIGCONT), the session is
told, and counts the stopped time as a pause. The player owns its practice: it ends it when
it goes, or when another practice takes its place (:meth:`PlayerScreen.end_practice`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.timer import Timer
from textual.widgets import Footer, Static

from safeplace.playback.session import (
    Chose,
    EndedEarly,
    Finished,
    PhaseChanged,
    Session,
    SessionView,
    StepStarted,
)
from safeplace.ui.asking import WAYS, Asker, Way, Writer, way_of
from safeplace.ui.screens.base import SafeplaceScreen
from safeplace.ui.stops import ContinueWatch
from safeplace.ui.widgets.literal import literal, literal_line
from safeplace.ui.widgets.pacer import Pacer, phase_name
from safeplace.ui.widgets.progress import ProgressLine

if TYPE_CHECKING:
    from textual.widgets import Input, TextArea

    from safeplace.exercise.playable import Part
    from safeplace.ui.practice import Practice
    from safeplace.ui.widgets.answer import Written
    from safeplace.ui.widgets.choice import ChoiceList
    from safeplace.ui.widgets.rating import RatingScale

# Repaints per second for each motion level; the session's clock decides everything else.
REPAINT_HZ = {"full": 10.0, "basic": 2.0, "none": 1.0}
TOO_SMALL = (30, 8)
STEP_TEXT_IDS = ("step-intro", "step-text", "step-count")
PAUSED = "Paused\n\nTake all the time you need.\nPress space to go on, or escape to stop."
WORDS_KEPT = "What you have written here is kept as an unfinished answer."
WORDS_LOST = "What you have written here will not be kept: your settings keep no answers."
WORDS_SESSION = "What you have written here is for this session only: it is not kept."
TIME_UP = "Time is up. Finish your thought if you like, then go on."


class PlayerScreen(SafeplaceScreen[None]):
    """Plays a session; bindings carry ids so they can be remapped."""

    AUTO_FOCUS = ""  # focus follows the step: the answer box or the rating, else nothing

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_pause", "pause", id="player.pause", tooltip="pause and go on"),
        Binding("right", "next", "next", id="player.next", tooltip="next step"),
        Binding("left", "back", "back", id="player.back", tooltip="back a step"),
        Binding("escape", "end", "end", id="player.end", tooltip="stop (you will be asked once)"),
        Binding(
            "ctrl+c",
            "end",
            "end",
            show=False,
            priority=True,
            id="player.interrupt",
            tooltip="stop (you will be asked once)",
        ),
        Binding(
            "g",
            "ground",
            "ground me",
            id="player.ground",
            tooltip="ground me: a short eyes-open routine, right now",
        ),
        Binding("s", "skip_question", "skip", id="player.skip", tooltip="skip a question"),
        Binding(
            "ctrl+s",
            "submit_answer",
            "continue",
            priority=True,
            id="player.submit",
            tooltip="continue after writing an answer",
        ),
        Binding("question_mark,f1", "help", "help", id="player.help", tooltip="help & safety"),
    ]

    def __init__(self, practice: Practice) -> None:
        # The first step's class is there from the start: each class change restyles the
        # whole screen, and the first frame should not wait for one.
        first = practice.session.timeline.segments[0]
        step = _step_classes(first.part, first.text)
        super().__init__(classes=" ".join([f"-motion-{practice.motion}", *step]))
        self.practice = practice
        self.session: Session = practice.session
        self._repaint: Timer | None = None
        self._boundary: Timer | None = None
        self._shown_segment: int | None = None
        self._shown_time_left = ""
        self._boundary_due: float | None = None
        self._shown_texts: dict[str, str] = {}
        self._shown_problem: str | None = None
        self._stops = ContinueWatch(lambda: self.session.last_read, self._continued)
        self._asking: dict[Way, Asker] = {}  # mounted when first needed (see _asker)
        self._paused_for_size = False

    def compose(self) -> ComposeResult:
        # The first step is drawn as composed: its words are in the first frame, with no
        # second layout pass (the session starts on mount; the view is the same).
        first = self.session.view()
        self._shown_time_left = _time_left(first)
        self._shown_texts = dict(zip(STEP_TEXT_IDS, _step_texts(first), strict=True))
        exercise = self.practice.loaded.exercise
        with Vertical(id="player"):
            yield Static(literal_line(exercise.title), id="exercise-title")
            yield Static(self._shown_time_left, id="time-left")
            with Center(id="stage"):
                for widget_id, text in self._shown_texts.items():
                    yield Static(literal(text), id=widget_id)
                yield Pacer(id="pacer")
                # The answer box and the rating scale join here when first needed.
            yield ProgressLine(id="progress")
        yield Footer(show_command_palette=False)
        # Widgets that are hidden at the start are mounted when first shown (_mount_once):
        # each one mounted costs the first frame its styling and layout. (Not textual.lazy:
        # its mount after the first refresh fails when a signal ends the app first.)

    def on_mount(self) -> None:
        self._pacer = self.query_one(Pacer)
        self._progress = self.query_one(ProgressLine)
        self._time_left = self.query_one("#time-left", Static)
        self._pacer.motion = self.practice.motion
        self._handle(self.session.start())
        self._repaint = self.set_interval(1 / REPAINT_HZ[self.practice.motion], self.catch_up)
        self._schedule_boundary()
        self._check_size()
        self._stops.start()

    def on_unmount(self) -> None:
        self.end_practice()

    def end_practice(self) -> None:
        """End this practice here, with no closing screen: another practice takes its place,
        or the app goes. Recorded as it ends (ended early, or completed if its time ran out
        since the last repaint; nothing if it is over). Nothing is drawn after."""
        self._stop_timers()
        self._stops.stop()
        self.practice.record(self.session.end())

    # -- time ----------------------------------------------------------------------------

    def catch_up(self) -> None:
        """Show where the session is now, and record what happened since (the repaint timer
        calls this; a test calls it after moving its clock)."""
        self._handle(self.session.advance())

    def _continued(self, last_read: float | None) -> None:
        """The process was stopped and goes on: the time since ``last_read`` (noted when the
        signal came) was no practice (the session counts it as a pause)."""
        if self.is_attached:  # an ended session takes no pause: nothing happens
            self._handle(self.session.continued(last_read))

    def _schedule_boundary(self) -> None:
        """Wake exactly at the next step boundary, so steps change on time, not on a tick."""
        delay = self.session.next_boundary_in()
        soon = delay is not None and delay < 1 / REPAINT_HZ[self.practice.motion]
        due = self.safeplace.clock() + delay if delay is not None and soon else None
        previous = self._boundary_due
        if due is not None and previous is not None and abs(due - previous) < 1e-3:
            return  # a timer is already set for this boundary
        if self._boundary is not None:
            self._boundary.stop()
            self._boundary = None
        self._boundary_due = due
        if delay is not None and due is not None:
            self._boundary = self.set_timer(max(delay, 0.0), self.catch_up)

    def _handle(self, events: list[Any]) -> None:
        self.practice.record(events)
        for event in events:
            if isinstance(event, PhaseChanged) and self.practice.bell:
                self._ring(phase_name(event.phase))
            elif isinstance(event, (Finished, EndedEarly)):
                from safeplace.ui.screens.closing import ClosingScreen

                self._stop_timers()
                self.safeplace.replace_top(ClosingScreen(self.practice))
                return
            elif isinstance(event, StepStarted):
                self._shown_segment = None
            elif isinstance(event, Chose) and any(option.help for option in event.options):
                self.call_later(self.action_help)  # once the next step is drawn
        if self.is_attached:
            self._render_view(self.session.view())
            self._schedule_boundary()

    def _stop_timers(self) -> None:
        for timer in (self._repaint, self._boundary):
            if timer is not None:
                timer.stop()

    def _ring(self, phase: str) -> None:
        # In: one bell. Out: two. Holds stay silent, so eyes-closed practice can follow.
        if phase == "in":
            self.app.bell()
        elif phase == "out":
            self.app.bell()
            self.set_timer(0.25, self.app.bell)

    # -- drawing -------------------------------------------------------------------------

    def _render_view(self, view: SessionView) -> None:
        if view.segment.index != self._shown_segment:
            self._shown_segment = view.segment.index
            self._show_segment(view)
        breath = view.breath
        if breath is not None:
            self._pacer.show(
                phase=breath.phase,
                size=breath.size,
                seconds_left=breath.phase_remaining,
                cycle=(breath.cycle_index + 1, breath.cycles),
            )
        self._progress.show(view.progress)
        if view.segment.part.countdown:
            self._show_text("step-count", _step_texts(view)[2])
        time_left = _time_left(view)
        if time_left != self._shown_time_left:
            self._shown_time_left = time_left
            self._time_left.update(time_left, layout=False)  # one line, always: no re-layout
        problem = self.practice.log.problem
        if problem != self._shown_problem:
            self._show_problem(problem)
        if view.is_paused != self.has_class("-paused"):
            if view.is_paused:
                self._mount_once("pause-overlay", PAUSED)
            self.set_class(view.is_paused, "-paused")

    def _show_problem(self, problem: str | None) -> None:
        """The note on saving says what holds now, and goes once the session is saved."""
        self._shown_problem = problem
        notes = self.query("#save-problem")
        if problem is None:
            notes.remove()
        elif notes:
            notes.first(Static).update(literal_line(problem))
        else:
            note = Static(literal_line(problem), id="save-problem")
            self.query_one("#player").mount(note, before="#progress")
        self.set_class(problem is not None, "-unsaved")

    def _show_segment(self, view: SessionView) -> None:
        segment = view.segment
        # At most one class change per step (each change restyles the screen).
        step = _step_classes(segment.part, view.text)
        kept = [n for n in self.classes if not n.startswith("-kind-") and n not in STEP_FLAGS]
        if set(self.classes) != {*kept, *step}:
            self.set_classes([*kept, *step])
        way = way_of(segment.part)
        # Hidden inputs must not take focus (tab would send keys into an invisible box).
        for shown, asker in self._asking.items():
            asker.disabled = shown != way
        for widget_id, text in zip(STEP_TEXT_IDS, _step_texts(view), strict=True):
            self._show_text(widget_id, text)
        if way is None:
            self.set_focus(None)
            return
        asker = self._asker(way)
        line = asker.ask(view)
        if line is not None:
            self._show_text("step-count", line)
        asker.focus()

    def _asker(self, way: Way) -> Asker:
        """The widget for this way of answering, mounted the first time a step needs it."""
        asker = self._asking.get(way)
        if asker is None:
            stage = self.query_one("#stage")
            asker = self._asking[way] = WAYS[way](stage, self.safeplace.cursor_blink)
        return asker

    def _writer(self) -> Writer | None:
        """The box of the prompt shown, if a prompt is shown."""
        way = way_of(self.session.view().segment.part)
        asker = None if way is None else self._asking.get(way)
        return asker if isinstance(asker, Writer) else None

    def _show_text(self, widget_id: str, text: str) -> None:
        if self._shown_texts.get(widget_id) != text:  # an update re-lays out the screen
            self._shown_texts[widget_id] = text
            self.query_one(f"#{widget_id}", Static).update(literal(text))

    def on_resize(self) -> None:
        self._check_size()

    def _check_size(self) -> None:
        """Below the smallest size nothing can be followed: the exercise waits, unseen time
        is not practice, and it goes on by itself once the window grows."""
        width, height = self.app.size
        too_small = width < TOO_SMALL[0] or height < TOO_SMALL[1]
        if too_small:
            self._mount_once("too-small", "Please make the window a little larger.")
        self.set_class(too_small, "-too-small")
        view = self.session.view()
        running = view.is_started and not (view.is_paused or view.is_waiting or view.is_finished)
        if too_small and running:
            self._paused_for_size = True
            self._handle(self.session.pause())
        elif not too_small and self._paused_for_size:
            self._paused_for_size = False
            if self.session.view().is_paused:
                self._handle(self.session.resume())

    def _mount_once(self, widget_id: str, text: str) -> None:
        """A note over the screen (pause, too small), mounted the first time it is shown."""
        if not self.query(f"#{widget_id}"):
            self.mount(Static(text, id=widget_id))

    # -- actions -------------------------------------------------------------------------

    def action_toggle_pause(self) -> None:
        if not self.session.view().is_waiting:
            self._handle(self.session.toggle_pause())

    def action_next(self) -> None:
        self._handle(self.session.next())

    def action_back(self) -> None:
        self._handle(self.session.back())

    def action_skip_question(self) -> None:
        if self.session.view().is_waiting:
            self._handle(self.session.next())

    def on_choice_list_chosen(self, message: ChoiceList.Chosen) -> None:
        message.stop()
        if self.session.view().segment.kind == "choose":
            self._handle(self.session.choose(message.values))

    def on_written(self, message: Written) -> None:
        message.stop()
        view = self.session.view()
        if view.segment.index != message.index or view.segment.kind != "prompt":
            return  # moved on meanwhile (a second ctrl+s): this prompt is done
        text = message.text
        self._handle(self.session.answer(text) if text.strip() else self.session.next())

    def on_input_changed(self, event: Input.Changed) -> None:
        self.session.keep_draft(event.value)

    def action_submit_answer(self) -> None:
        writer = self._writer()
        if writer is not None:
            writer.submit()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """Words being written are kept by the session, so however it ends they are not lost."""
        self.session.keep_draft(event.text_area.text)

    def on_rating_scale_chosen(self, message: RatingScale.Chosen) -> None:
        message.stop()
        if self.session.view().is_waiting:
            self._handle(self.session.rate(message.value))

    def action_end(self) -> None:
        from safeplace.ui.screens.confirm import ConfirmEnd

        view = self.session.view()
        was_paused = view.is_paused
        if not was_paused and not view.is_waiting:
            self._handle(self.session.pause())

        def decided(stop: bool | None) -> None:
            if stop:
                self._handle(self.session.end())
            elif not was_paused and self.session.view().is_paused:
                self._handle(self.session.resume())

        self.app.push_screen(ConfirmEnd(self._words_note(view)), decided)

    def _words_note(self, view: SessionView) -> str | None:
        """What stopping does to words written in the prompt shown, if there are any."""
        part = view.segment.part
        writer = self._writer()
        if writer is None or not writer.written.strip():
            return None
        if part.keep == "session":
            return WORDS_SESSION
        return WORDS_KEPT if self.safeplace.settings.keep_answers else WORDS_LOST

    def action_ground(self) -> None:
        self.safeplace.ground_me()

    def action_help(self) -> None:
        """Help pauses the exercise, and going back resumes it (if it was running)."""
        from safeplace.ui.screens.help import HelpScreen, key_lines

        view = self.session.view()
        pause_here = not (view.is_paused or view.is_waiting or view.is_finished)
        if pause_here:
            self._handle(self.session.pause())

        def back(_: None) -> None:
            if pause_here and self.session.view().is_paused:
                self._handle(self.session.resume())

        self.app.push_screen(
            HelpScreen(self.safeplace.settings.crisis_region, key_lines(self.app)), back
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        view = self.session.view()
        waiting = view.is_waiting
        kind = view.segment.kind
        if action == "toggle_pause":
            return not waiting
        if action == "skip_question":
            return waiting
        if action == "submit_answer":
            return kind == "prompt"
        return True


STEP_FLAGS = ("-no-note", "-one-line")


def _step_classes(part: Part, text: str) -> list[str]:
    """The screen's classes for a step: its kind, whether it has words of its own, and
    whether its answer is one line."""
    flags = (not text.strip(), part.kind == "prompt" and part.one_line)
    return [f"-kind-{part.kind}", *(flag for flag, on in zip(STEP_FLAGS, flags, strict=True) if on)]


def _step_texts(view: SessionView) -> tuple[str, str, str]:
    """Intro, text and count of the step in ``view`` (see STEP_TEXT_IDS); a counted-down
    step shows its time left as its count."""
    segment = view.segment
    part = segment.part
    count = _countdown(view) if part.countdown else ""
    if segment.kind != "item":
        return "", view.text, count
    place = f"{segment.item_number} of {segment.item_count}"
    return view.intro or "", view.text, f"{place} · {count}" if count else place


def _countdown(view: SessionView) -> str:
    part = view.segment.part
    if part.writing_seconds is not None:  # a timed prompt still waits once time is up
        left = part.writing_seconds - view.segment_elapsed
        return TIME_UP if left <= 0 else f"{_clock(left)} left to write"
    return _clock(view.segment_remaining or 0.0)


def _clock(seconds: float) -> str:
    whole = max(0, math.ceil(seconds - 1e-9))
    return f"{whole // 60}:{whole % 60:02d}"


def _time_left(view: SessionView) -> str:
    if view.is_finished:
        return ""
    seconds = max(0, round(view.remaining_seconds))
    if seconds >= 60:
        return f"{seconds // 60}:{seconds % 60:02d} left"
    return f"0:{seconds:02d} left"
