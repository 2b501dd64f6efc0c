"""The meeting screen: header always on top, one pane per stage, the footer's keys below.

The screen holds no rules: it asks the engine for a view every half second and tells the
live meeting what the facilitator did. Saving, the lock, the coach and exports belong to
the meeting's session (pmtui.service.session).
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import ContentSwitcher

from pmtui.core import engine as meeting_engine
from pmtui.core.coach import Finding
from pmtui.core.live import LiveMeeting
from pmtui.service.autosave import SaveResult
from pmtui.service.session import MeetingSession
from pmtui.ui import facilitation
from pmtui.ui.header import MeetingHeader
from pmtui.ui.stages.base import StagePane
from pmtui.ui.widgets.footer import QuietFooter

# Each stage's module is imported when its pane is first built, not at start-up.
PANES = {
    "timeline": ("pmtui.ui.stages.timeline", "TimelinePane"),
    "lessons": ("pmtui.ui.stages.lessons", "LessonsPane"),
    "whys": ("pmtui.ui.stages.whys", "WhysPane"),
    "actions": ("pmtui.ui.stages.actions", "ActionsPane"),
    "wrapup": ("pmtui.ui.stages.wrapup", "WrapUpPane"),
}


def pane_class(key: str) -> type[StagePane]:
    module, name = PANES[key]
    cls: type[StagePane] = getattr(importlib.import_module(module), name)
    return cls


TICK_S = 0.5
CLOCK_SAVE_EVERY_S = 5.0


class MeetingScreen(facilitation.FacilitatorKeys, Screen[None]):
    """Runs one meeting. Meeting controls are priority keys, so they work while typing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "toggle_clock", "Start/Pause", priority=True, id="meeting.pause"),
        Binding("f3", "extend", "+1 min", priority=True, id="meeting.extend"),
        Binding("f4", "back", "◀ Back", priority=True, id="meeting.back"),
        Binding("f5", "next", "Next ▶", priority=True, id="meeting.next"),
        Binding("f6", "skip", "Skip", priority=True, id="meeting.skip"),
        Binding("f7", "jump", "Go to", priority=True, id="meeting.jump"),
        Binding("f8", "toggle_bell", "Bell", priority=True, id="meeting.bell"),
        Binding("f9", "export", "Export", priority=True, id="meeting.export"),
        Binding("f10", "leave", "Home", priority=True, id="meeting.leave"),
        Binding("ctrl+z", "undo", "Undo", id="meeting.undo"),
        Binding("ctrl+y", "redo", "Redo", show=False, id="meeting.redo"),
        Binding("f1,question_mark", "help", "Help", id="meeting.help"),
        *facilitation.BINDINGS,
    ]

    def __init__(self, session: MeetingSession) -> None:
        super().__init__()
        self.session = session
        self.live: LiveMeeting = session.live
        self.read_only = session.read_only
        self.bell_on = True
        self._last_clock_save = 0.0
        self.findings: list[Finding] = []
        # Panes are built in the background and on demand; one at a time, so the two
        # never build the same stage twice.
        self._building = asyncio.Lock()
        self._close_task: asyncio.Future[bool] | None = None
        session.on_saved(self._report_from_thread)

    def compose(self) -> ComposeResult:
        yield MeetingHeader(id="meeting-header")
        current = self.live.engine.view(self.live.clock.now()).stage.key
        # Only the current stage is built before the first frame; the others follow
        # right after it (see _mount_other_stages), which keeps start-up fast.
        with ContentSwitcher(initial=current, id="stages"):
            yield self._new_pane(current)
        yield from facilitation.bar(self)
        yield QuietFooter()

    def _new_pane(self, key: str) -> StagePane:
        return pane_class(key)(self.live, read_only=self.read_only, id=key)

    async def _pane(self, key: str) -> StagePane:
        """The pane of a stage, built now if it was not yet."""
        async with self._building:
            switcher = self.query_one(ContentSwitcher)
            found = switcher.query_children(f"#{key}")
            if found:
                return found.first(StagePane)
            pane = self._new_pane(key)
            pane.display = False
            await switcher.mount(pane)
            pane.show_findings(self.findings)
            self.app.settle_cursor(self)  # type: ignore[attr-defined]
            return pane

    async def _mount_other_stages(self) -> None:
        for stage in self.live.engine.agenda.stages:
            await self._pane(stage.key)

    async def _show_stage(self, key: str) -> None:
        pane = await self._pane(key)
        if pane.stale:
            pane.refresh_record()
            pane.stale = False
        switcher = self.query_one(ContentSwitcher)
        if switcher.current != key:
            switcher.current = key
            self.call_after_refresh(self._focus_stage)

    def _panes(self) -> list[StagePane]:
        """The stage panes built so far: the switcher's children, without walking every
        widget of every stage as a DOM query does (this runs on each edit)."""
        switcher = self.query_one("#stages", ContentSwitcher)
        return [child for child in switcher.children if isinstance(child, StagePane)]

    def on_mount(self) -> None:
        reason = self.session.lock_message
        self.query_one(MeetingHeader).show_title(
            self.live.pm.title, self.live.pm.incident_id, reason if self.read_only else None
        )
        if self.read_only and reason:
            self.notify(reason, title="Read-only", severity="warning", timeout=8)
        self.set_interval(TICK_S, self.tick)
        self.app.settle_cursor(self)  # type: ignore[attr-defined]
        # The coach reads every text of the record: for a timeline of 10,000 events that
        # is most of a second, so it reads after the first frame rather than before.
        self.tick(coach=False)
        self.call_after_refresh(self._coach)
        self.call_after_refresh(self._focus_stage)
        self.call_after_refresh(self._mount_other_stages)

    # -- the clock --------------------------------------------------------------------------

    def _now(self) -> float:
        return self.live.clock.now()

    def _coach(self) -> None:
        """Show what the coach finds in the record, when that changed."""
        findings = self.session.findings()
        if findings is not self.findings:
            self.findings = findings
            for pane in self._panes():
                pane.show_findings(self.findings)

    def tick(self, coach: bool = True) -> None:
        now = self._now()
        if coach:
            self._coach()
        self._handle_events(self.live.engine.poll(now))
        view = self.live.engine.view(now)
        if self.query_one(ContentSwitcher).current != view.stage.key:
            self.call_next(self._show_stage, view.stage.key)
        self.query_one(MeetingHeader).show_view(view, self._state_line())
        if view.running and now - self._last_clock_save >= CLOCK_SAVE_EVERY_S:
            self.save()

    def _handle_events(self, events: list[meeting_engine.Event]) -> None:
        for event in events:
            if isinstance(event, meeting_engine.StageOverran):
                if self.bell_on:
                    self.app.bell()
                title = self.live.engine.agenda.stages[
                    self.live.engine.agenda.index_of(event.key)
                ].title
                self.notify(
                    f"{title} is over its timebox. F5 moves on, F3 adds a minute.",
                    title="Time is up",
                    severity="warning",
                    timeout=8,
                )

    def _clock_action(self, name: str, *args: object) -> None:
        self._handle_events(self.live.control(name, *args))
        self.save()
        self.tick()

    def action_toggle_clock(self) -> None:
        self._clock_action("toggle_pause")

    def action_extend(self) -> None:
        self._clock_action("extend")
        view = self.live.engine.view(self._now())
        self.notify(f"+1 min for {view.stage.title}", timeout=2)

    def action_next(self) -> None:
        self._commit_text()
        self._clock_action("next")

    def action_back(self) -> None:
        self._commit_text()
        self._clock_action("back")

    def action_skip(self) -> None:
        self._commit_text()
        self._clock_action("skip")

    def action_jump(self) -> None:
        from pmtui.ui.dialogs import StagePicker

        view = self.live.engine.view(self._now())

        def chosen(index: int | None) -> None:
            if index is not None:
                self._commit_text()
                self._clock_action("jump", index)

        self.app.push_screen(StagePicker(view), chosen)

    def action_toggle_bell(self) -> None:
        self.bell_on = not self.bell_on
        self.notify("Bell on" if self.bell_on else "Bell muted", timeout=2)

    def _focus_stage(self) -> None:
        view = self.live.engine.view(self._now())
        self.query_one(f"#{view.stage.key}", StagePane).focus_first()

    # -- edits and saving -------------------------------------------------------------------

    @on(StagePane.Edited)
    def edited(self, message: StagePane.Edited) -> None:
        # The record was saved when it changed (LiveMeeting.on_change).
        for pane in self._panes():
            if pane is not message.pane:
                pane.stale = True
        self.query_one(MeetingHeader).show_title(
            self.live.pm.title,
            self.live.pm.incident_id,
            self.session.lock_message if self.read_only else None,
        )

    def save(self) -> None:
        """Hand the current record to the background writer."""
        self._last_clock_save = self._now()
        self.session.save()

    class Saved(Message):
        def __init__(self, result: SaveResult) -> None:
            super().__init__()
            self.result = result

    def _report_from_thread(self, result: SaveResult) -> None:
        # post_message is thread-safe and never blocks the writer thread. A save that
        # ends after the screen was closed has no one to tell (close_meeting already
        # waited for it and checked the result): finding no app then is not an error.
        try:
            self.post_message(self.Saved(result))
        except RuntimeError:  # textual's NoActiveAppError: the screen is detached
            if self.is_attached:
                raise

    def on_meeting_screen_saved(self, message: Saved) -> None:
        result = message.result
        if not result.ok:
            self.notify(
                f"Saving failed: {result.error}. Your edits are kept on screen; "
                "pmtui keeps trying with every change.",
                title="NOT SAVED",
                severity="error",
                timeout=30,
            )
        self.query_one(MeetingHeader).show_view(
            self.live.engine.view(self._now()), self._state_line()
        )

    def _state_line(self) -> Text:
        """The save indicator, and the coach's count when there is something to reword."""
        line = self._save_state()
        if self.findings:
            line.append(f"   ⚑ {len(self.findings)} to reword", style="bold magenta")
        return line

    def _save_state(self) -> Text:
        state = self.session.save_state()
        if state.read_only:
            return Text("read-only · not saved", style="bold yellow")
        if state.error:
            return Text("✗ NOT SAVED", style="bold reverse red")
        if state.pending:
            return Text("● saving…", style="yellow")
        if state.saved_at is None:
            return Text("✓ saved", style="green")
        at = datetime.fromtimestamp(state.saved_at, UTC)
        return Text(f"✓ saved {at:%H:%M:%S} UTC", style="green")

    def _commit_text(self) -> None:
        """Free text still waiting for its debounce goes into the record now."""
        for pane in self._panes():
            pane.commit_pending()

    def action_undo(self) -> None:
        self._undo_redo(self.live.undo, "Undid")

    def action_redo(self) -> None:
        self._undo_redo(self.live.redo, "Redid")

    def _undo_redo(self, step: Callable[[], str | None], verb: str) -> None:
        if self.read_only:
            return
        self._commit_text()
        label = step()
        if label is None:
            self.notify(f"Nothing to {verb.lower()[:-1]}", timeout=2)
            return
        for pane in self._panes():
            pane.refresh_record()
        self.notify(f"{verb}: {label}", timeout=3)

    async def close_meeting(self) -> bool:
        """Save what is on screen, wait for the disk, release the lock. False if not saved.

        The wait runs off the event loop behind a "Saving…" notice that takes no keys, so
        a slow disk neither freezes the screen nor lets an edit slip in after the last save.
        """
        if self.session.closed:
            return True
        if self._close_task is None:  # a second Ctrl+Q or F10 waits for the same close
            self._close_task = asyncio.ensure_future(self._close())
        closing = self._close_task
        try:
            return await asyncio.shield(closing)
        finally:
            if closing.done():
                self._close_task = None

    async def _close(self) -> bool:
        self._commit_text()
        from pmtui.ui.dialogs import Closing

        notice = Closing()
        await self.app.push_screen(notice)
        try:
            return await self.session.close_async()
        finally:
            notice.dismiss()

    async def action_leave(self) -> None:
        if await self.close_meeting():
            self.app.show_home()  # type: ignore[attr-defined]
        else:
            self.notify("The last save did not complete; staying here.", severity="error")

    def action_help(self) -> None:
        from pmtui.ui.dialogs import HelpScreen

        self.app.push_screen(HelpScreen(self))

    def action_export(self) -> None:
        from pmtui.ui.exporting import export_minutes

        self._commit_text()
        export_minutes(self)
