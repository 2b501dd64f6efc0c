"""The meeting screen: header always on top, one pane per stage, the footer's keys below.

The screen holds no rules: it asks the engine for a view every half second and tells the
live meeting what the facilitator did. Saving, the lock, the coach and exports belong to
the meeting's session (pmtui.service.session).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from types import ModuleType
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Input

from pmtui.core import engine as meeting_engine
from pmtui.core.coach import Finding
from pmtui.core.live import LiveMeeting
from pmtui.service.autosave import SaveResult
from pmtui.service.session import MeetingSession
from pmtui.ui import facilitation
from pmtui.ui.header import MeetingHeader
from pmtui.ui.stages.base import StagePane
from pmtui.ui.styles import read_styles
from pmtui.ui.widgets.footer import QuietFooter

if TYPE_CHECKING:
    from pmtui.ui.widgets.entry import EntryLine

# Each stage's module is imported when its pane is first built, not at start-up.
PANES = {
    "setup": ("pmtui.ui.stages.setup", "SetupPane"),
    "followups": ("pmtui.ui.stages.followups", "FollowUpsPane"),
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


def new_pane(app: App[object], key: str, live: LiveMeeting, *, read_only: bool) -> StagePane:
    """The pane of a stage, its styles read first (styles/stages.tcss unless the app has
    them), so it is styled from its first frame whichever stage a meeting opens at."""
    cls = pane_class(key)
    if cls.STYLES is not None:
        read_styles(app, cls.STYLES)
    return cls(live, read_only=read_only, id=key)


TICK_S = 0.5
CLOCK_SAVE_EVERY_S = 5.0
# After this long with no key, the next stage's pane is built (one pane), so F5 shows it
# at once; a key in the meantime postpones it. Building one takes a tenth of a second or
# more of the event loop, which keys typed meanwhile would wait behind.
PREBUILD_IDLE_S = 1.0


def _entry_module() -> ModuleType | None:
    """pmtui.ui.widgets.entry if it is loaded, else None: it comes with the first stage
    pane that has an entry line (the set-up has none), so a meeting opening at the set-up
    does not load it before its first frame, and no entry line exists before it."""
    return sys.modules.get("pmtui.ui.widgets.entry")


class MeetingScreen(facilitation.FacilitatorKeys, Screen[None]):
    """Runs one meeting. Meeting controls are priority keys, so they work while typing."""

    # Footer order: export, home and quit first (always visible, even at 80 columns),
    # then the clock, then the keys of the focused table or list. Back, skip and bell are
    # in F1 and the palette rather than the footer, to leave room for the stage's keys.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f9", "export", "Export", priority=True, id="meeting.export"),
        Binding("f10", "leave", "Home", priority=True, id="meeting.leave"),
        Binding("ctrl+q", "app.quit", "Quit", priority=True, id="meeting.quit"),
        Binding("f2", "toggle_clock", "Start/Pause", priority=True, id="meeting.pause"),
        Binding("f5", "next", "Next ▶", priority=True, id="meeting.next"),
        Binding("f3", "extend", "+1 min", priority=True, id="meeting.extend"),
        Binding("f7", "jump", "Go to", priority=True, id="meeting.jump"),
        Binding("f4", "back", "◀ Back", show=False, priority=True, id="meeting.back"),
        Binding("f6", "skip", "Skip", show=False, priority=True, id="meeting.skip"),
        Binding("f8", "toggle_bell", "Bell", show=False, priority=True, id="meeting.bell"),
        Binding("ctrl+z", "undo", "Undo", show=False, id="meeting.undo"),
        Binding("ctrl+y", "redo", "Redo", show=False, id="meeting.redo"),
        Binding("ctrl+f", "findings", "Coach", show=False, id="meeting.findings"),
        Binding("f1", "help", "Help", id="meeting.help"),
        # Priority: checked as the key arrives, before the next key goes to the focused
        # field. Otherwise the key first went to the field and bubbled up to the screen
        # as a message, and keys typed right after it ("14:32", Tab, "Deploy began" from
        # a fast typist, or while the app was busy) landed in the field being left.
        Binding(
            "tab",
            "focus_entry(1)",
            "Next field",
            show=False,
            priority=True,
            id="meeting.next_field",
        ),
        Binding(
            "shift+tab",
            "focus_entry(-1)",
            "Previous field",
            show=False,
            priority=True,
            id="meeting.prev_field",
        ),
        Binding("f12", "conflicts", "Conflicts", show=False, priority=True, id="meeting.conflicts"),
        *facilitation.BINDINGS,
    ]

    _ORDER: ClassVar[dict[str, int]] = {}

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The meeting's own keys first, in BINDINGS order, then the focused widget's: the
        footer shows them in this order, so Export, Home and Quit never give way to a
        table's keys (Textual puts the focused widget's first)."""
        bindings = super().active_bindings
        if not MeetingScreen._ORDER:
            MeetingScreen._ORDER = {
                b.id: i for i, b in enumerate(self.BINDINGS) if isinstance(b, Binding) and b.id
            }
        order = MeetingScreen._ORDER
        mine = sorted(
            (k for k, active in bindings.items() if active.binding.id in order),
            key=lambda k: order[bindings[k].binding.id or ""],
        )
        first = set(mine)
        return {k: bindings[k] for k in mine} | {
            k: v for k, v in bindings.items() if k not in first
        }

    def __init__(self, session: MeetingSession) -> None:
        super().__init__()
        self.session = session
        self.live: LiveMeeting = session.live
        self.read_only = session.read_only
        self.bell_on = True
        self._last_clock_save = 0.0
        self.findings: list[Finding] = []
        # A stage's pane is built when it is first shown, or when the meeting is idle
        # just before it (see _prebuild_next); one at a time, never the same one twice.
        self._building = asyncio.Lock()
        self._prebuild: Timer | None = None
        self._drafts_saved = self.live.drafts_version
        self._close_task: asyncio.Future[bool] | None = None
        session.on_saved(self._report_from_thread)

    def compose(self) -> ComposeResult:
        yield MeetingHeader(id="meeting-header")
        if self.live.pm.conflicts:  # in the first frame; else added after it (_after_first)
            yield self._conflict_banner()
        current = self.live.engine.view(self.live.clock.now()).stage.key
        # Only the current stage is built before the first frame; each other stage's
        # pane is built when it is first needed (see _show_stage and _prebuild_next).
        with ContentSwitcher(initial=current, id="stages"):
            yield self._new_pane(current)
        yield QuietFooter()

    def _new_pane(self, key: str) -> StagePane:
        return new_pane(self.app, key, self.live, read_only=self.read_only)

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
            self.app.settle_cursor(pane)  # type: ignore[attr-defined]
            return pane

    def _stage_key(self) -> str:
        return self.live.engine.view(self._now()).stage.key

    async def _show_stage(self) -> None:
        """Show the stage the meeting is at, building its pane if it never was, and put
        the cursor in it at once. The stage keys await this: the app takes no other key
        until it is done, so what is typed right after F5 lands in the new stage."""
        key = self._stage_key()
        switcher = self.query_one(ContentSwitcher)
        if switcher.current == key:
            return
        pane = await self._pane(key)
        if key != self._stage_key() or switcher.current == key:
            return  # the meeting moved on while this was built: that move shows its stage
        if pane.stale:
            pane.refresh_record()
            pane.stale = False
        switcher.current = key
        pane.focus_first()
        # Returning to a stage can put the cursor in a field scrolled away: show it,
        # once the stage has been laid out again (it was hidden).
        self.call_after_refresh(self._show_focused, 2)
        self._arm_prebuild()

    def _arm_prebuild(self, after: float | None = None) -> None:
        if self._prebuild is not None:
            self._prebuild.stop()
        wait = PREBUILD_IDLE_S if after is None else after
        self._prebuild = self.set_timer(wait, self._prebuild_next, name="prebuild")

    async def _prebuild_next(self) -> None:
        """The next stage's pane, built while nobody types (F5 then shows it at once)."""
        self._prebuild = None
        idle = time.monotonic() - getattr(self.app, "last_key_at", 0.0)
        if idle < PREBUILD_IDLE_S:
            self._arm_prebuild(PREBUILD_IDLE_S - idle)
            return
        stages = [stage.key for stage in self.live.engine.agenda.stages]
        shown = self.query_one(ContentSwitcher).current
        index = stages.index(shown) + 1 if shown in stages else len(stages)
        if index < len(stages) and not self.session.closed and self.is_attached:
            await self._pane(stages[index])

    def _panes(self) -> list[StagePane]:
        """The stage panes built so far: the switcher's children, without walking every
        widget of every stage as a DOM query does (this runs on each edit)."""
        switcher = self.query_one("#stages", ContentSwitcher)
        return [child for child in switcher.children if isinstance(child, StagePane)]

    def on_mount(self) -> None:
        reason = self.session.lock_message
        self._show_title()
        if self.read_only and reason:
            self.notify(reason, title="Read-only", severity="warning", timeout=8)
        self.set_interval(TICK_S, self.tick)
        self.app.settle_cursor(self)  # type: ignore[attr-defined]
        # The coach reads every text of the record: for a timeline of 10,000 events that
        # is most of a second, so it reads after the first frame rather than before.
        self.tick(coach=False)
        self.call_after_refresh(self._coach)
        self.call_after_refresh(self._focus_stage)
        if self.live.pm.conflicts:
            self._show_conflicts()
        self.call_after_refresh(self._after_first_frame)
        self._arm_prebuild()

    def _after_first_frame(self) -> None:
        """What the first frame does without: the participants' line (the first opening of
        a meeting makes its join code, which takes a while on purpose: see
        pmtui.core.contrib) and the sync conflicts' banner while there are none."""
        if self.session.closed or not self.is_attached:
            return
        if not self.live.pm.conflicts:
            self.mount(self._conflict_banner(), before=self.query_one("#stages"))
        self.app.archive.open_participation(self.session)  # type: ignore[attr-defined]
        self.mount_all(facilitation.bar(self), before=self.query_one(QuietFooter))

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
            self.call_next(self._show_stage)
        self.query_one(MeetingHeader).show_view(view, self._state_line())
        if view.running and now - self._last_clock_save >= CLOCK_SAVE_EVERY_S:
            self.save()
        elif self.live.drafts_version != self._drafts_saved and not self.session.closed:
            self.save()  # typed but not added: on disk within a tick

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

    async def _move(self, name: str, *args: object) -> None:
        """Another stage: text waiting for its debounce is written first, and the stage is
        on screen, with the cursor in it, before this returns."""
        self._commit_text()
        self._clock_action(name, *args)
        await self._show_stage()

    async def action_next(self) -> None:
        await self._move("next")

    async def action_back(self) -> None:
        await self._move("back")

    async def action_skip(self) -> None:
        await self._move("skip")

    def action_jump(self) -> None:
        from pmtui.ui.dialogs import StagePicker

        # The picker goes to the stage itself, from the key that picks it, so the keys
        # typed after that key wait for the stage (a result callback would run later).
        self.app.push_screen(StagePicker(self.live.engine.view(self._now()), self.go_to))

    async def go_to(self, index: int) -> None:
        """The stage at `index` in the agenda (0 is the set-up where there is one)."""
        await self._move("jump", index)

    async def go_to_setup(self) -> None:
        """The set-up stage (title, zone, people), from anywhere in the meeting."""
        keys = [s.key for s in self.live.engine.agenda.stages]
        if "setup" in keys:
            await self.go_to(keys.index("setup"))

    def action_toggle_bell(self) -> None:
        self.bell_on = not self.bell_on
        self.notify("Bell on" if self.bell_on else "Bell muted", timeout=2)

    def _focus_stage(self) -> None:
        pane = self.query_one(ContentSwitcher).visible_content
        if isinstance(pane, StagePane):
            pane.focus_first()
        self.call_after_refresh(self._show_focused, 2)

    def _show_focused(self, refreshes: int = 0) -> None:
        if refreshes:
            self.call_after_refresh(self._show_focused, refreshes - 1)
        elif self.focused is not None:
            self.focused.scroll_visible(animate=False, immediate=True)

    # -- edits and saving -------------------------------------------------------------------

    @on(StagePane.Edited)
    def edited(self, message: StagePane.Edited) -> None:
        # The record was saved when it changed (LiveMeeting.on_change).
        for pane in self._panes():
            if pane is not message.pane:
                pane.stale = True
        self._show_title()

    def _show_title(self) -> None:
        """The header's title and incident id, as the record has them now."""
        self.query_one(MeetingHeader).show_title(
            self.live.pm.title,
            self.live.pm.incident_id,
            self.session.lock_message if self.read_only else None,
        )

    def save(self) -> None:
        """Hand the current record to the background writer."""
        self._last_clock_save = self._now()
        self._drafts_saved = self.live.drafts_version
        self.session.save()

    # -- drafts, pastes, and the places one types in ------------------------------------------

    @on(Input.Changed)
    def keep_draft(self, event: Input.Changed) -> None:
        """Text in an entry line is kept with the record until it is added."""
        entry = _entry_module()
        if entry is None:  # the set-up's fields, as it opens
            return
        if isinstance(event.input, entry.EntryLine) and event.input.id and not self.read_only:
            self.live.set_draft(event.input.id, event.value)

    def on_entry_line_lines_pasted(self, event: EntryLine.LinesPasted) -> None:
        """A paste of several lines in an entry line: one item each, or one item."""
        from pmtui.ui.dialogs import PasteChoice

        entry, lines = event.entry, event.lines
        pane = next((a for a in entry.ancestors if isinstance(a, StagePane)), None)
        if pane is None or not pane.can_add_lines(entry):
            entry.insert_text_at_cursor(" ".join(lines))
            self.notify(f"{len(lines)} lines pasted as one line", timeout=4)
            return

        def chosen(choice: str | None) -> None:
            if choice == "each" and pane is not None:
                pane.add_lines(entry, lines)
            elif choice == "one":
                entry.insert_text_at_cursor(" ".join(lines))
            self.set_focus(entry)

        self.app.push_screen(PasteChoice(lines, pane.item_name(entry)), chosen)

    def _entries(self) -> list[Widget]:
        """The places one types in on the current stage, in reading order."""
        switcher = self.query_one(ContentSwitcher)
        pane = switcher.visible_content
        if pane is None:
            return []
        return [
            w
            for w in pane.query("Input, TextArea, Select, Choice")
            if w.focusable and w.display and not w.disabled
        ]

    def action_focus_entry(self, step: int) -> None:
        """Tab and Shift+Tab: the next place to type, never a list whose keys act."""
        entries = self._entries()
        if not entries:
            self.focus_next() if step > 0 else self.focus_previous()
            return
        focused = self.focused
        entry = _entry_module()
        through = entry is not None and isinstance(focused, entry.TypeThrough)
        own = focused.entry_for("a") if through else None  # type: ignore[union-attr]
        mine = [w for w in entries if own and w.id == own.lstrip("#")]
        if focused in entries:
            index = (entries.index(focused) + step) % len(entries)
        elif mine and step > 0:  # from a list, its own entry line
            index = entries.index(mine[0])
        else:
            # From a list: the entry after it in reading order (or before, going back).
            after = [i for i, w in enumerate(entries) if focused is None or _before(focused, w)]
            if step > 0:
                index = after[0] if after else 0
            else:
                index = (after[0] - 1) % len(entries) if after else len(entries) - 1
        target = entries[index]
        self.set_focus(target)
        target.scroll_visible(animate=False)

    def action_findings(self) -> None:
        from pmtui.ui.dialogs import FindingsList

        self.app.push_screen(FindingsList(self.findings))

    def on_resize(self) -> None:
        # A large terminal (a room's big screen) gets a countdown twice as tall.
        large = self.size.width >= 150 and self.size.height >= 45
        self.query_one(MeetingHeader).set_class(large, "-large")
        # A short terminal: one-row entry forms, so tables keep their rows.
        self.set_class(self.size.height < 30, "-short")

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
        self._show_title()  # an undone title or incident id leaves the header too
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
            closed = await self.session.close_async()
        finally:
            notice.dismiss()
        if closed:
            self._sync_after_close()
        return closed

    def _sync_after_close(self) -> None:
        """The auto-sync switch (`pmtui sync auto on`): sync now the meeting is closed."""
        from pmtui.service.sync import sync_after_close

        archive = getattr(self.app, "archive", None)
        if archive is None or self.read_only:
            return
        app = self.app

        def done(line: str, ok: bool) -> None:
            with contextlib.suppress(RuntimeError):  # the app has exited meanwhile
                app.call_from_thread(
                    app.notify, line, title="Sync", severity="information" if ok else "warning"
                )

        sync_after_close(archive, done)

    async def action_leave(self) -> None:
        if await self.close_meeting():
            self.app.show_home()  # type: ignore[attr-defined]
        else:
            self.notify("The last save did not complete; staying here.", severity="error")

    def action_help(self) -> None:
        from pmtui.ui.dialogs import HelpScreen

        self.app.push_screen(HelpScreen(self))

    # -- sync conflicts (pmtui.ui.conflicts) ---------------------------------------------

    def _conflict_banner(self) -> Widget:
        from pmtui.ui.conflicts import ConflictBanner

        return ConflictBanner(id="conflict-banner")

    def _show_conflicts(self) -> None:
        from pmtui.ui.conflicts import ConflictBanner

        keys = getattr(self.app, "keymap", {}).get("meeting.conflicts", "f12")
        key = self.app.get_key_display(Binding(keys.split(",")[0], ""))
        for banner in self.query(ConflictBanner):
            banner.show_count(len(self.live.pm.conflicts), key)

    def action_conflicts(self) -> None:
        from pmtui.ui.conflicts import ConflictDialog

        if not self.live.pm.conflicts:
            self.notify("No sync conflicts in this meeting", timeout=3)
            return

        def chosen(choice: tuple[str, bool] | None) -> None:
            if choice is None:
                return
            self._commit_text()
            try:
                self.live.resolve_conflict(choice[0], take_other=choice[1])
            except ValueError as error:
                self.notify(str(error), severity="warning")
                return
            self.save()
            for pane in self._panes():
                pane.refresh_record()
            self._show_conflicts()
            self._show_title()
            self.notify("Conflict resolved (Ctrl+Z undoes)", timeout=3)

        dialog = ConflictDialog(list(self.live.pm.conflicts), read_only=self.read_only)
        self.app.push_screen(dialog, chosen)

    def action_export(self) -> None:
        from pmtui.ui.exporting import export_minutes

        self._commit_text()
        export_minutes(self)


def _before(a: Widget, b: Widget) -> bool:
    """Whether `a` comes before `b` on screen, reading top to bottom, left to right."""
    ra, rb = a.region, b.region
    return (ra.y, ra.x) < (rb.y, rb.x)
