"""The Textual application and its one factory, `make_app`, used by the CLI and the tests."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from textual.app import App, SystemCommand
from textual.dom import DOMNode
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme

from pmtui.core import sessionfile
from pmtui.core.clock import Clock, SystemClock
from pmtui.core.coach import Rule
from pmtui.core.live import LiveMeeting
from pmtui.resources import resource_dir
from pmtui.store.store import Store, StoreError

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


@dataclass(frozen=True)
class Start:
    """What the app opens with: the home screen, a meeting, or a new meeting."""

    meeting_id: str | None = None
    new_title: str | None = None
    minutes: int = 30


class PmtuiApp(App[None]):
    CSS_PATH = str(resource_dir("styles") / "pmtui.tcss")
    TITLE = "pmtui"

    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        start: Start | None = None,
        cursor_blink: bool = True,
        high_contrast: bool = False,
        keymap: dict[str, str] | None = None,
        coach_rules: list[Rule] | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.clock = clock
        self.start = start or Start()
        self.cursor_blink = cursor_blink
        self.coach_rules = coach_rules
        self.register_theme(HIGH_CONTRAST)
        if high_contrast:
            self.theme = HIGH_CONTRAST.name
        if keymap:
            self.set_keymap(keymap)

    def on_mount(self) -> None:
        if self.start.meeting_id:
            if not self.open_meeting(self.start.meeting_id, home_on_failure=True):
                return
        elif self.start.new_title is not None:
            self.new_meeting(self.start.new_title, self.start.minutes)
        else:
            self.show_home()

    # -- navigation -------------------------------------------------------------------------

    def show_home(self) -> None:
        from pmtui.ui.home import HomeScreen

        if isinstance(self.screen, HomeScreen):
            return
        if len(self.screen_stack) > 1:
            self.switch_screen(HomeScreen())
        else:
            self.push_screen(HomeScreen())

    def _show_meeting(self, live: LiveMeeting, handle: object) -> None:
        from pmtui.ui.meeting import MeetingScreen

        screen = MeetingScreen(live, handle)  # type: ignore[arg-type]
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def open_meeting(self, meeting_id: str, *, home_on_failure: bool = False) -> bool:
        """Open a stored meeting for editing (read-only if another pmtui has it)."""
        try:
            handle = self.store.open(meeting_id, write=True)
        except StoreError as error:
            self.notify(str(error), title="Cannot open", severity="error", timeout=10)
            if home_on_failure:
                self.show_home()
            return False
        try:
            live = LiveMeeting.from_record(handle.record, self.clock)
        except sessionfile.SessionFileError as error:
            handle.close()
            self.notify(str(error), title="Cannot open", severity="error", timeout=10)
            if home_on_failure:
                self.show_home()
            return False
        self._show_meeting(live, handle)
        return True

    def new_meeting(self, title: str, minutes: int) -> None:
        live = LiveMeeting.new(title, minutes, self.clock)
        meeting_id = self.store.create(live.record())
        self.open_meeting(meeting_id, home_on_failure=True)

    def import_file(self, path: str) -> str | None:
        """Import a session file; returns the problem as one line, or None."""
        try:
            pm = sessionfile.read_session_file(Path(path).expanduser())
            self.store.create(sessionfile.to_record(pm))
        except (sessionfile.SessionFileError, StoreError) as error:
            return str(error)
        except OSError as error:
            return f"{path}: {error.strerror or error}"
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
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "High-contrast theme",
            "Switch to or from the high-contrast theme for screen-sharing",
            self.action_toggle_contrast,
        )
        for _key, active in screen.active_bindings.items():
            binding = active.binding
            if binding.id and binding.description:
                yield SystemCommand(
                    binding.description,
                    f"{binding.id} · key {self.get_key_display(binding)}",
                    _runner(active.node, binding.action),
                )

    def action_toggle_contrast(self) -> None:
        self.theme = "textual-dark" if self.theme == HIGH_CONTRAST.name else HIGH_CONTRAST.name

    async def action_quit(self) -> None:
        from pmtui.ui.meeting import MeetingScreen

        for screen in self.screen_stack:
            if isinstance(screen, MeetingScreen) and not screen.close_meeting():
                self.notify("The last save did not complete; not quitting.", severity="error")
                return
        self.exit()

    def settle_cursor(self, screen: Screen[object]) -> None:
        """Stop text cursors blinking when asked (snapshots must not flicker)."""
        if not self.cursor_blink:
            for widget in screen.query("Input, TextArea"):
                widget.cursor_blink = False  # type: ignore[attr-defined]


def _runner(node: DOMNode, action: str):  # type: ignore[no-untyped-def]
    """Run a binding's action on the widget or screen that owns the binding (an action of
    a stage's list is not the screen's)."""

    async def run() -> None:
        await node.run_action(action)

    return run


def load_keymap(path: Path | None = None) -> tuple[dict[str, str], str | None]:
    """The user's keymap (`{"meeting.next": "f5,ctrl+n"}`), and a problem to show, if any."""
    if path is None:
        from platformdirs import user_config_dir

        env = os.environ.get("PMTUI_KEYMAP")
        path = Path(env) if env else Path(user_config_dir("pmtui")) / "keymap.json"
    if not path.is_file():
        return {}, None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return {}, f"{path}: keymap ignored ({error})"
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        return {}, f'{path}: keymap ignored (expected {{"binding.id": "key,key"}})'
    return data, None


def make_app(
    store: Store,
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
        store,
        clock or SystemClock(),
        start=start,
        cursor_blink=cursor_blink,
        high_contrast=high_contrast,
        keymap=keymap,
        coach_rules=coach_rules,
    )
