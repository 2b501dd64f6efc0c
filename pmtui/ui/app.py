"""The Textual application and its one factory, `make_app`, used by the CLI and the tests."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable

from textual import events
from textual.app import App, SystemCommand
from textual.dom import DOMNode
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme
from textual.timer import Timer

from pmtui.core.clock import Clock, SystemClock
from pmtui.core.coach import Rule
from pmtui.core.values import value
from pmtui.service.archive import Archive
from pmtui.service.errors import ArchiveError
from pmtui.service.session import MeetingSession
from pmtui.ui.styles import APP_CSS, SCREENS_CSS

HIGH_CONTRAST = Theme(
    name="pmtui-high-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#00ffff",
    warning="#ffaf00",
    error="#ff5f5f",
    success="#00ff00",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#262626",
    dark=True,
)


@value(frozen=True)
class Start:
    """What the app opens with: the home screen, a meeting, or a new meeting."""

    meeting_id: str | None = None
    new_title: str | None = None
    minutes: int = 30
    follow: bool = False  # follow `meeting_id` read-only instead of running it
    presenter: bool = False  # following, start on the presenter screen
    # A meeting the caller has opened already (pmtui open: its record is read once).
    session: MeetingSession | None = None
    join: bool = False  # following as a participant who writes notes and votes
    name: str | None = None  # the participant's name (asked when None)
    code: str | None = None  # the meeting's join code (asked when None)

    def __init__(
        self,
        meeting_id: str | None = None,
        new_title: str | None = None,
        minutes: int = 30,
        follow: bool = False,
        presenter: bool = False,
        session: MeetingSession | None = None,
        join: bool = False,
        name: str | None = None,
        code: str | None = None,
    ) -> None:
        self.__dict__.update(
            meeting_id=meeting_id,
            new_title=new_title,
            minutes=minutes,
            follow=follow,
            presenter=presenter,
            session=session,
            join=join,
            name=name,
            code=code,
        )


def _submits(widget: object) -> bool:
    """Whether Enter on `widget` submits what it holds to its pane."""
    from pmtui.ui.widgets.choice import Choice
    from pmtui.ui.widgets.entry import EntryLine

    return isinstance(widget, EntryLine | Choice)


class _Underneath(Screen[None]):
    """The screen under every other (Textual's own is a plain `Screen`): a subclass, as
    the meeting and home screens are. Textual parses a default stylesheet again for each
    depth in the class tree it is inherited at, and the plain screen's styles were parsed
    at one depth before the first frame and again at another for the screen pushed over it."""


class PmtuiApp(App[None]):
    CSS_PATH = APP_CSS
    TITLE = "pmtui"

    def get_default_screen(self) -> Screen[None]:
        return _Underneath(id="_default")

    def __init__(
        self,
        archive: Archive,
        clock: Clock,
        *,
        start: Start | None = None,
        cursor_blink: bool = True,
        high_contrast: bool = False,
        keymap: dict[str, str] | None = None,
        coach_rules: list[Rule] | None = None,
    ) -> None:
        super().__init__()
        self.archive = archive
        self.clock = clock
        self.start = start or Start()
        self.cursor_blink = cursor_blink
        self.coach_rules = coach_rules
        self.register_theme(HIGH_CONTRAST)
        if high_contrast:
            self.theme = HIGH_CONTRAST.name
        # Kept for the help screen, which lists every stage's keys, focused or not.
        self.keymap = dict(keymap or {})
        if keymap:
            self.set_keymap(keymap)
        # When the last key or paste came: the meeting builds its next stage only when
        # nobody has typed for a while (MeetingScreen._prebuild_next).
        self.last_key_at = 0.0
        # Keys held back while what Enter submitted is handled (see `on_event`).
        self._held: list[events.Key | events.Paste] | None = None
        self._hold_timer: Timer | None = None

    async def on_event(self, event: events.Event) -> None:
        # A key the focused widget did not take comes back here to be matched against
        # the bindings: only a key arriving from the terminal is held.
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            self.last_key_at = time.monotonic()
            if self._held is not None:
                self._held.append(event)
                return
            if isinstance(event, events.Key) and event.key == "enter" and _submits(self.focused):
                self._hold_keys()
        await super().on_event(event)

    # Enter in an entry line (or the timeline's kind box) posts a message that its pane
    # handles: it adds the note and empties the line, or moves to the next field. Keys
    # that came after Enter were meanwhile handed to the line: two notes typed quickly,
    # or while the app was busy, became one note, added twice, and "14:32", Enter,
    # "Deploy began" typed the words into the time. Keys after such an Enter now wait
    # until the message has been handled (it reaches the app last), then go on in order.
    SUBMIT_WAIT_S = 0.5  # at most: a handler that stops the message never lets it reach us

    def _hold_keys(self) -> None:
        self._held = []
        self._hold_timer = self.set_timer(self.SUBMIT_WAIT_S, self._release_keys)

    def _release_keys(self) -> None:
        held, self._held = self._held, None
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
        for event in held or []:
            # Fresh events, posted in the order they came: one may be another Enter.
            if isinstance(event, events.Key):
                self.post_message(events.Key(event.key, event.character))
            else:
                self.post_message(events.Paste(event.text))

    def on_input_submitted(self) -> None:
        self.call_later(self._release_keys)  # after the focus moves the handlers made

    def on_choice_submitted(self) -> None:
        self.call_later(self._release_keys)

    # Called once, right after the first frame (pmtui's command line turns the garbage
    # collector back on there).
    after_first_frame: Callable[[], object] | None = None

    def on_mount(self) -> None:
        # Runs once the first screen has been drawn (whichever it is, opened below).
        self.call_after_refresh(self._first_frame_done)
        if self.start.session is not None:
            self._show_meeting(self.start.session)
        elif self.start.meeting_id and self.start.join:
            self.join_meeting(self.start.meeting_id, self.start.name, self.start.code)
        elif self.start.meeting_id and self.start.follow:
            self.follow_meeting(self.start.meeting_id, presenter=self.start.presenter)
        elif self.start.meeting_id:
            if not self.open_meeting(self.start.meeting_id, home_on_failure=True):
                return
        elif self.start.new_title is not None:
            self.new_meeting(self.start.new_title, self.start.minutes)
        else:
            self.show_home()

    def _first_frame_done(self) -> None:
        self.read_screen_styles()
        if self.after_first_frame is not None:
            self.after_first_frame()

    def read_screen_styles(self) -> None:
        """Read the styles of the screens pushed later (pmtui.ui.styles), after the first
        frame: parsed on their own, they cost a few milliseconds. A screen pushed before
        this runs reads them itself (its CSS_PATH); Textual then parses every style again."""
        if not self.stylesheet.has_source(SCREENS_CSS):
            self.stylesheet.read(SCREENS_CSS)

    # -- navigation -------------------------------------------------------------------------

    def show_home(self) -> None:
        from pmtui.ui.home import HomeScreen

        if isinstance(self.screen, HomeScreen):
            return
        if len(self.screen_stack) > 1:
            self.switch_screen(HomeScreen())
        else:
            self.push_screen(HomeScreen())

    def _show_meeting(self, session: MeetingSession) -> None:
        from pmtui.ui.meeting import MeetingScreen

        screen = MeetingScreen(session)
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def open_meeting(
        self, meeting_id: str, *, home_on_failure: bool = False, stage: str = ""
    ) -> bool:
        """Open a stored meeting for editing (read-only if another pmtui has it); `stage`
        is one to show first (the ledger opens a meeting at its action items)."""
        try:
            # The meeting screen lets participants join after its first frame.
            session = self.archive.open_session(
                meeting_id, self.clock, coach_rules=self.coach_rules, participants=False
            )
        except ArchiveError as error:
            self.notify(str(error), title="Cannot open", severity="error", timeout=10)
            if home_on_failure:
                self.show_home()
            return False
        if stage:  # read-only too: a search hit in a published meeting is shown
            with contextlib.suppress(KeyError, ValueError):
                session.live.control("jump", session.live.engine.agenda.index_of(stage))
        self._show_meeting(session)
        if session.read_only and "published" in (session.lock_message or ""):
            self.notify(session.lock_message or "", title="Read-only", timeout=10)
        elif session.read_only:
            self.notify(
                f"This copy does not change as the facilitator edits: "
                f"`pmtui follow {meeting_id[:8]}` shows the meeting live.",
                title="Follow instead",
                timeout=10,
            )
        return True

    def follow_meeting(self, meeting_id: str, *, presenter: bool = False) -> bool:
        """Follow a meeting someone else runs: live, read-only, never taking its lock."""
        from pmtui.ui.follow import FollowScreen

        try:
            session = self.archive.follow(meeting_id, self.clock)
            first = session.open()
        except ArchiveError as error:
            self.notify(str(error), title="Cannot follow", severity="error", timeout=10)
            self.show_home()
            return False
        self.push_screen(FollowScreen(session, first, presenter=presenter))
        return True

    def join_meeting(self, meeting_id: str, name: str | None, code: str | None) -> None:
        """Follow a meeting as a participant (see pmtui.ui.participant)."""
        from pmtui.service.inbox import InboxWriter
        from pmtui.ui.participant import JoinScreen, ParticipantScreen

        try:
            session = self.archive.follow(meeting_id, self.clock)
            first = session.open()
            path = self.archive.meeting_file(meeting_id)
            if name is None or code is None:
                self.push_screen(JoinScreen(session, first, path, name, code))
                return
            writer = InboxWriter(path, meeting_id, name, code)
        except ArchiveError as error:
            self.exit(return_code=2, message=f"pmtui: {error}")
            return
        self.push_screen(ParticipantScreen(session, first, writer))

    def new_meeting(self, title: str, minutes: int) -> None:
        try:
            meeting_id = self.archive.create(title, minutes, self.clock)
        except ArchiveError as error:
            self.notify(str(error), title="Meeting not created", severity="error", timeout=10)
            self.show_home()
            return
        self.open_meeting(meeting_id, home_on_failure=True)

    def import_file(self, path: str) -> str | None:
        """Import a session file; returns the problem as one line, or None."""
        try:
            pm = self.archive.import_file(path)
        except ArchiveError as error:
            return str(error)
        self.notify(f"Imported {pm.title}", timeout=4)
        return None

    # -- app-wide ---------------------------------------------------------------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Notifications here carry what people typed (titles, why answers, file names), so
        they are plain text: a `[/]` in an event must show as typed, not break the toast."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        from pmtui.ui.commands import NAMES, SETUP_COMMANDS
        from pmtui.ui.meeting import MeetingScreen

        for command in super().get_system_commands(screen):
            # Textual's Quit exits at once; ours saves first (Ctrl+Q), named below.
            if command.title.lower() != "quit":
                yield command
        yield SystemCommand(
            "High-contrast theme",
            "Switch to or from the high-contrast theme for screen-sharing",
            self.action_toggle_contrast,
        )
        if not isinstance(screen, MeetingScreen):
            yield SystemCommand("Quit", "Quit pmtui (Ctrl+Q)", self.action_quit)
            return
        seen: set[str] = set()
        for _key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.id or not binding.description or binding.id in seen:
                continue
            seen.add(binding.id)
            name, help_line = NAMES.get(binding.id, (binding.description, ""))
            key = self.get_key_display(binding)
            yield SystemCommand(
                name,
                f"{help_line} · {key}" if help_line else key,
                _runner(active.node, binding.action),
            )
        for name, help_line in SETUP_COMMANDS:
            yield SystemCommand(name, f"{help_line} · F7 0", screen.go_to_setup)

    def action_toggle_contrast(self) -> None:
        self.theme = "textual-dark" if self.theme == HIGH_CONTRAST.name else HIGH_CONTRAST.name

    async def action_quit(self) -> None:
        from pmtui.ui.meeting import MeetingScreen

        for screen in list(self.screen_stack):
            if isinstance(screen, MeetingScreen) and not await screen.close_meeting():
                self.notify("The last save did not complete; not quitting.", severity="error")
                return
        self.exit()

    def settle_cursor(self, under: DOMNode) -> None:
        """Stop text cursors blinking when asked (snapshots must not flicker)."""
        if not self.cursor_blink:
            for widget in under.query("Input, TextArea"):
                widget.cursor_blink = False  # type: ignore[attr-defined]


def _runner(node: DOMNode, action: str):  # type: ignore[no-untyped-def]
    """Run a binding's action on the widget or screen that owns the binding (an action of
    a stage's list is not the screen's)."""

    async def run() -> None:
        await node.run_action(action)

    return run


def make_app(
    archive: Archive,
    clock: Clock | None = None,
    *,
    start: Start | None = None,
    cursor_blink: bool = True,
    high_contrast: bool = False,
    keymap: dict[str, str] | None = None,
    coach_rules: list[Rule] | None = None,
) -> PmtuiApp:
    """The one way to build the app, for the CLI and for tests (inject a fake clock there)."""
    return PmtuiApp(
        archive,
        clock or SystemClock(),
        start=start,
        cursor_blink=cursor_blink,
        high_contrast=high_contrast,
        keymap=keymap,
        coach_rules=coach_rules,
    )
