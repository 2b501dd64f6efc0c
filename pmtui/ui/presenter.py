"""The presenter screen: what a room reads from the back of it.

The stage, a countdown drawn in block letters as large as its part of the screen allows,
the meeting clock, and the current stage's content in bold, spaced, wrapped text. It
shows what the follow screen below it hands it on every tick and snapshot.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from pmtui.core import whys as whytree
from pmtui.core.engine import MeetingView
from pmtui.core.live import LESSON_COLUMNS, LESSON_TITLES, LiveMeeting
from pmtui.core.models import Postmortem
from pmtui.core.timeutil import clock_face, zone
from pmtui.resources import resource_dir
from pmtui.service.follow import ENDED, Snapshot
from pmtui.ui.follow import countdown, follower_line
from pmtui.ui.header import SHORT_TITLES

# A 3x5 pixel font: enough for a countdown, and it scales by whole cells.
GLYPHS = {
    "0": ("###", "#.#", "#.#", "#.#", "###"),
    "1": (".#.", "##.", ".#.", ".#.", "###"),
    "2": ("###", "..#", "###", "#..", "###"),
    "3": ("###", "..#", "###", "..#", "###"),
    "4": ("#.#", "#.#", "###", "..#", "..#"),
    "5": ("###", "#..", "###", "..#", "###"),
    "6": ("###", "#..", "###", "#.#", "###"),
    "7": ("###", "..#", ".#.", ".#.", ".#."),
    "8": ("###", "#.#", "###", "#.#", "###"),
    "9": ("###", "#.#", "###", "..#", "###"),
    ":": (".", "#", ".", "#", "."),
    "+": ("...", ".#.", "###", ".#.", "..."),
    "-": ("...", "...", "###", "...", "..."),
    " ": (".", ".", ".", ".", "."),
}
GLYPH_ROWS = 5


def big_text(text: str, width: int, height: int) -> list[str]:
    """`text` in block letters, as large as fits `width` x `height` cells (a cell is about
    twice as tall as wide, so a pixel is twice as many cells across as down)."""
    glyphs = [GLYPHS.get(ch, GLYPHS[" "]) for ch in text]
    columns = sum(len(g[0]) for g in glyphs) + max(0, len(glyphs) - 1)  # one pixel apart
    scale_y = min(height // GLYPH_ROWS, width // (2 * columns)) if columns else 0
    if scale_y < 1:
        return [text]
    scale_x = 2 * scale_y
    lines = []
    for row in range(GLYPH_ROWS):
        pixels = ".".join(g[row] for g in glyphs)
        line = "".join(("█" if p == "#" else " ") * scale_x for p in pixels)
        lines.extend([line] * scale_y)
    return lines


class BigClock(Widget):
    """A countdown drawn to fill the widget."""

    DEFAULT_CSS = "BigClock { height: 1fr; width: 1fr; content-align: center middle; }"

    face = "00:00"

    def show(self, face: str, style: str) -> None:
        if (face, style) != (self.face, getattr(self, "_style", None)):
            self.face = face
            self._style = style
            self.refresh()

    def render(self) -> Text:
        lines = big_text(self.face, self.size.width, self.size.height)
        return Text("\n".join(lines), style=getattr(self, "_style", "bold green"))


def stage_content(pm: Postmortem, stage: str, rows: int) -> Text:
    """The stage's content as a room reads it: one item a paragraph, the newest kept."""
    text = Text()
    if stage == "timeline":
        tz = zone(pm.timezone)
        events = pm.sorted_timeline()[-max(1, rows // 2) :]
        for event in events:
            at = event.at.astimezone(tz)
            text.append(f"{at:%H:%M}  ", style="bold cyan")
            text.append(event.text + "\n\n", style="bold")
        if not events:
            text.append("No events yet.", style="dim")
    elif stage == "lessons":
        for column in LESSON_COLUMNS:
            text.append(LESSON_TITLES[column] + "\n", style="bold underline cyan")
            notes = getattr(pm, column)
            for note in notes:
                votes = f"  (+{note.votes})" if note.votes else ""
                text.append(f"• {note.text}{votes}\n", style="bold")
            if not notes:
                text.append("—\n", style="dim")
            text.append("\n")
    elif stage == "whys":
        for chain in pm.whys:
            text.append(f"Problem: {chain.problem}\n", style="bold underline cyan")
            for row in whytree.rows(chain):
                cause = f"  [{row.why.cause}]" if row.why.cause != "none" else ""
                text.append(f"{row.indent}Why {row.label}: {row.why.text}{cause}\n", style="bold")
            text.append("\n")
        if not pm.whys:
            text.append("No why chains yet.", style="dim")
    elif stage == "actions":
        for item in pm.action_items:
            owner = f" — {item.owner}" if item.owner else ""
            due = f", due {item.due:%Y-%m-%d}" if item.due else ""
            text.append(f"[{item.priority}] ", style="bold magenta")
            text.append(f"{item.title}{owner}{due}\n\n", style="bold")
        if not pm.action_items:
            text.append("No action items yet.", style="dim")
    else:
        for label, value in (
            ("Summary", pm.summary),
            ("Impact", pm.impact),
            ("Trigger", pm.trigger),
            ("Detection", pm.detection),
            ("Resolution", pm.resolution),
        ):
            if value:
                text.append(f"{label}\n", style="bold underline cyan")
                text.append(value + "\n\n", style="bold")
        text.append(f"Status: {pm.status}", style="bold")
    return text


class PresenterScreen(Screen[None]):
    """Large and legible from the back of a room; keys only to leave it."""

    CSS_PATH = str(resource_dir("styles") / "follow.tcss")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p,escape", "app.pop_screen", "Follow view", priority=True, id="presenter.back"),
        Binding("q", "app.quit", "Quit", priority=True, id="presenter.quit"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="presenter-top"):
            yield Static(id="presenter-stage")
            yield BigClock(id="presenter-countdown")
            yield Static(id="presenter-meeting")
        yield Static(id="presenter-content")
        yield Static(id="presenter-status")

    def show(self, live: LiveMeeting, view: MeetingView, snapshot: Snapshot) -> None:
        if not self.is_mounted:
            return
        name = SHORT_TITLES.get(view.stage.key, view.stage.title)
        stage = Text.assemble(
            (f" Stage {view.index + 1} of {view.count} ", "reverse bold"),
            ("  "),
            (name, "bold"),
            ("  ·  " + live.pm.title, "dim"),
        )
        self.query_one("#presenter-stage", Static).update(stage)
        face, label = countdown(view)
        style = "bold green"
        if view.overrun_s > 0:
            style = "bold red"
        elif view.in_last_minute:
            style = "bold yellow"
        elif not view.running:
            style = "bold grey50"
        self.query_one(BigClock).show(face, style)
        meeting = follower_line(view, running_meeting=snapshot.facilitator.present)
        meeting.append(f"   {label}", style="dim")
        self.query_one("#presenter-meeting", Static).update(meeting)
        content = self.query_one("#presenter-content", Static)
        content.update(stage_content(live.pm, view.stage.key, content.size.height or 20))
        status = Text()
        if snapshot.facilitator.state == ENDED:
            status.append(f"⚠ {snapshot.facilitator.message}", style="bold reverse red")
        elif not snapshot.facilitator.present:
            status.append(f"○ {snapshot.facilitator.message}", style="bold yellow")
        status.append("  following · p or Esc: back", style="dim")
        self.query_one("#presenter-status", Static).update(status)


__all__ = ["PresenterScreen", "big_text", "clock_face", "stage_content"]
