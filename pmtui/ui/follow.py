"""The follow screen: the meeting someone else runs, live and read-only.

It renders the snapshots the follow session (pmtui.service.follow) posts from its
thread, and extrapolates the clock between them on a half-second tick. The stage panes
are the meeting screen's own, built read-only and never focused, so none of their
editing keys is reachable; the screen's keys only choose what to look at.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, DataTable, Digits

from pmtui.core.agenda import stage_numbers
from pmtui.core.coach import Coach, Finding
from pmtui.core.engine import MeetingView
from pmtui.core.live import LiveMeeting
from pmtui.core.timeutil import clock_face, human_duration
from pmtui.resources import resource_dir
from pmtui.service.follow import ENDED, FollowSession, Snapshot
from pmtui.ui.header import StageStrip
from pmtui.ui.meeting import new_pane
from pmtui.ui.stages.base import StagePane
from pmtui.ui.widgets.footer import QuietFooter
from pmtui.ui.widgets.line import Line

if TYPE_CHECKING:
    from pmtui.ui.presenter import PresenterScreen

TICK_S = 0.5


def follower_line(view: MeetingView, *, running_meeting: bool = True) -> Text:
    """The meeting clock and run state, without the facilitator's keys.

    `running_meeting`: someone runs the meeting; when nobody does, a clock that is not
    running is stopped rather than paused."""
    elapsed = clock_face(view.meeting_elapsed_s)
    budget = clock_face(view.meeting_budget_s)
    text = Text.assemble(("Meeting ", "dim"), (f"{elapsed} / {budget}", "bold"))
    delta = int(view.schedule_delta_s)
    if view.started and abs(delta) >= 60:
        word = "behind plan" if delta > 0 else "ahead of plan"
        text.append(
            f" · {human_duration(abs(delta))} {word}", style="bold red" if delta > 0 else "green"
        )
    elif view.started:
        text.append(" · on plan", style="green")
    if view.finished:
        text.append(" · meeting finished", style="bold")
    elif not view.started:
        text.append(" · not started", style="yellow")
    elif not view.running and not running_meeting:
        text.append(" · ■ clock stopped", style="bold yellow")
    elif not view.running:
        text.append(" · ❚❚ paused", style="bold yellow")
    return text


def countdown(view: MeetingView) -> tuple[str, str]:
    """The countdown's face and its label."""
    if view.overrun_s > 0:
        return "+" + clock_face(view.overrun_s), f"over · {view.stage.title}"
    return clock_face(view.stage_left_s), f"left · {view.stage.title}"


def saved_at(live: LiveMeeting) -> str:
    """When the facilitator last saved, from the saved clock state."""
    state = live.pm.meeting.clock or {}
    at = state.get("saved_at")
    if not isinstance(at, int | float) or isinstance(at, bool):
        return ""
    return f"saved {datetime.fromtimestamp(at, UTC):%H:%M:%S} UTC"


class FollowHeader(Vertical):
    """Title with FOLLOWING, the facilitator's stage strip, the clock, who runs it."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="follow-top"):
            with Vertical(id="follow-left"):
                yield Line(id="follow-title")
                yield StageStrip(id="follow-stages")
                yield Line(id="follow-meeting")
            with Vertical(id="follow-clock"):
                yield Digits("00:00", id="follow-countdown")
                yield Line(id="follow-countdown-label")
        yield Line(id="follow-status")

    def show(self, live: LiveMeeting, view: MeetingView, findings: int, present: bool) -> None:
        pm = live.pm
        title = Text()
        title.append(" FOLLOWING ", style="bold reverse cyan")
        title.append(" ")
        if pm.incident_id:
            title.append(f"{pm.incident_id} · ", style="bold cyan")
        title.append(pm.title, style="bold")
        self.query_one("#follow-title", Line).show(title, layout=False)
        self.query_one("#follow-stages", StageStrip).show_stages(view)
        line = follower_line(view, running_meeting=present)
        if saved := saved_at(live):
            line.append(f"   {saved}", style="dim")
        if findings:
            line.append(f"   ⚑ {findings} to reword", style="bold magenta")
        self.query_one("#follow-meeting", Line).show(line, layout=False)
        digits = self.query_one("#follow-countdown", Digits)
        shown, label = countdown(view)
        if digits.value != shown:
            digits.update(shown)
        digits.set_class(view.overrun_s > 0, "-overrun")
        digits.set_class(view.in_last_minute and view.overrun_s <= 0, "-last-minute")
        digits.set_class(not view.running, "-paused")
        self.query_one("#follow-countdown-label", Line).show(label, layout=False)

    def show_status(self, snapshot: Snapshot, looking: str | None) -> None:
        facilitator = snapshot.facilitator
        text = Text()
        if facilitator.state == ENDED:
            text.append(f"⚠ {facilitator.message}", style="bold reverse red")
            text.append(" · last saved state shown", style="bold red")
        elif facilitator.present:
            text.append(f"● {facilitator.message}", style="green")
        else:
            text.append(f"○ {facilitator.message}", style="bold yellow")
        if snapshot.problem:
            text.append(f"   ✗ {snapshot.problem}", style="bold red")
        if looking:
            text.append(f"   you are looking at {looking} · f follows", style="bold cyan")
        self.query_one("#follow-status", Line).show(text, layout=False)


class FollowScreen(Screen[None]):
    """Follows one meeting. Every key here only chooses what to look at."""

    CSS_PATH = str(resource_dir("styles") / "follow.tcss")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f,escape", "follow", "Follow facilitator", priority=True, id="follow.follow"),
        Binding("left,[", "look(-1)", "◀ Stage", priority=True, id="follow.previous"),
        Binding("right,]", "look(1)", "Stage ▶", priority=True, id="follow.next"),
        *[
            Binding(str(n), f"look_number({n})", f"Stage {n}", show=False, priority=True)
            for n in range(10)
        ],
        Binding("up", "scroll(-1)", "Scroll up", show=False, priority=True),
        Binding("down", "scroll(1)", "Scroll down", show=False, priority=True),
        Binding("pageup", "scroll(-10)", "Page up", show=False, priority=True),
        Binding("pagedown", "scroll(10)", "Page down", show=False, priority=True),
        Binding("p", "presenter", "Presenter", priority=True, id="follow.presenter"),
        Binding("q", "app.quit", "Quit", priority=True, id="follow.quit"),
    ]

    class Arrived(Message):
        """A snapshot from the follow session's thread."""

        def __init__(self, snapshot: Snapshot) -> None:
            super().__init__()
            self.snapshot = snapshot

    def __init__(self, session: FollowSession, first: Snapshot, *, presenter: bool = False) -> None:
        super().__init__()
        self.session = session
        assert first.meeting is not None
        # One LiveMeeting for the panes: each snapshot's record and clock move into it.
        self.live: LiveMeeting = first.meeting
        self.snapshot = first
        self.looking: str | None = None  # a stage the follower chose; None follows
        self.findings: list[Finding] = []
        self._coach = Coach()
        self._start_presenter = presenter

    def compose(self) -> ComposeResult:
        yield FollowHeader(id="follow-header")
        current = self._view().stage.key
        # The stage on show only; another stage's pane is built when first shown.
        with ContentSwitcher(initial=current, id="follow-stages-body"):
            yield new_pane(self.app, current, self.live, read_only=True)
        yield QuietFooter()

    def on_mount(self) -> None:
        self._coach = Coach(getattr(self.app, "coach_rules", None))
        self.call_after_refresh(self._settle)
        self.set_interval(TICK_S, self.tick)
        self.session.watch(self._from_thread)
        self._apply(self.snapshot)
        if self._start_presenter:
            self.action_presenter()

    def _settle(self, under: Widget | None = None) -> None:
        # Nothing in a pane takes focus, so no pane's editing key can fire.
        for widget in (under or self.query_one(ContentSwitcher)).query("*"):
            widget.can_focus = False
        self.set_focus(None)

    async def _build(self, key: str) -> None:
        """Build the pane of a stage shown for the first time, then show it."""
        switcher = self.query_one(ContentSwitcher)
        if not switcher.query_children(f"#{key}"):  # else an earlier call built it
            pane = new_pane(self.app, key, self.live, read_only=True)
            pane.display = False
            await switcher.mount(pane)
            pane.show_findings(self.findings)
            self._settle(pane)
        self.tick()

    def _from_thread(self, snapshot: Snapshot) -> None:
        try:
            self.post_message(self.Arrived(snapshot))
        except RuntimeError:  # the app is gone (quitting): nobody to show it to
            if self.is_attached:
                raise

    def on_follow_screen_arrived(self, message: Arrived) -> None:
        self._apply(message.snapshot)

    def _apply(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        if snapshot.meeting is not None and (
            snapshot.meeting.pm is not self.live.pm
            or snapshot.meeting.engine is not self.live.engine
        ):
            seen = {event.id for event in self.live.pm.timeline}
            self.live.pm = snapshot.meeting.pm
            self.live.engine = snapshot.meeting.engine
            self.live.version += 1
            self.findings = self._coach.check(self.live.pm)
            for pane in self._panes():
                pane.show_findings(self.findings)
                pane.stale = True
            self._current_pane().refresh_record()
            self._current_pane().stale = False
            self.call_after_refresh(self._show_added_event, seen)
        self.tick()

    def _show_added_event(self, seen: set[str]) -> None:
        """Keep the event the facilitator just added in view: the room reads what is being
        written, however long the timeline is."""
        timeline = self.live.pm.sorted_timeline()
        added = [i for i, event in enumerate(timeline) if event.id not in seen]
        if not added or not seen:
            return
        for table in self.query("#timeline #events").results(DataTable):
            if added[-1] < table.row_count:
                table.move_cursor(row=added[-1], animate=False, scroll=True)

    def _view(self) -> MeetingView:
        return self.live.engine.view(self.live.clock.now())

    def _panes(self) -> list[StagePane]:
        switcher = self.query_one(ContentSwitcher)
        return [child for child in switcher.children if isinstance(child, StagePane)]

    def _current_pane(self) -> StagePane:
        switcher = self.query_one(ContentSwitcher)
        return switcher.query_one(f"#{switcher.current}", StagePane)

    def shown_stage(self) -> str:
        return self.looking or self._view().stage.key

    def tick(self) -> None:
        view = self._view()
        switcher = self.query_one(ContentSwitcher)
        shown = self.shown_stage()
        if switcher.current != shown:
            found = switcher.query_children(f"#{shown}")
            if not found:
                self.call_next(self._build, shown)
            else:
                pane = found.first(StagePane)
                if pane.stale:
                    pane.refresh_record()
                    pane.stale = False
                switcher.current = shown
        header = self.query_one(FollowHeader)
        looking = None
        if self.looking is not None and self.looking != view.stage.key:
            agenda = self.live.engine.agenda
            looking = agenda.stages[agenda.index_of(self.looking)].title
        header.show(self.live, view, len(self.findings), self.snapshot.facilitator.present)
        header.show_status(self.snapshot, looking)
        presenter = self._presenter()
        if presenter is not None:
            presenter.show(self.live, view, self.snapshot)

    # -- what to look at ----------------------------------------------------------------------

    def action_follow(self) -> None:
        self.looking = None
        self.tick()

    def action_look(self, step: int) -> None:
        keys = [s.key for s in self.live.engine.agenda.stages]
        index = (keys.index(self.shown_stage()) + step) % len(keys)
        self.action_look_at(index)

    def action_look_number(self, number: int) -> None:
        """The stage people call `number` (the set-up, where there is one, is 0)."""
        timed = [s.timed for s in self.live.engine.agenda.stages]
        numbers = stage_numbers(timed)
        if number in numbers:
            self.action_look_at(numbers.index(number))

    def action_look_at(self, index: int) -> None:
        keys = [s.key for s in self.live.engine.agenda.stages]
        if not 0 <= index < len(keys):
            return
        self.looking = None if keys[index] == self._view().stage.key else keys[index]
        self.tick()

    def action_scroll(self, lines: int) -> None:
        """Scroll the longest list of the stage on show (nothing there takes focus)."""
        scrollable = [w for w in self._current_pane().query("*") if _scrolls(w)]
        if scrollable:
            target = max(scrollable, key=lambda w: w.max_scroll_y)
            target.scroll_relative(y=lines, animate=False)

    def _presenter(self) -> PresenterScreen | None:
        from pmtui.ui.presenter import PresenterScreen

        top = self.app.screen_stack[-1] if self.is_attached else None
        return top if isinstance(top, PresenterScreen) else None

    def action_presenter(self) -> None:
        from pmtui.ui.presenter import PresenterScreen

        screen = PresenterScreen()
        self.app.push_screen(screen)
        self.call_after_refresh(self.tick)

    def on_unmount(self) -> None:
        self.session.close()


def _scrolls(widget: Widget) -> bool:
    return widget.max_scroll_y > 0 and widget.styles.overflow_y in ("auto", "scroll")
