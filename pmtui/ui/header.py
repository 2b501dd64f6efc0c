"""The part of the meeting screen that is always visible: title, stage, clocks, save state.

Four lines beside the countdown, each with one thing, so each stays readable at 80x24:
the title, the stages, the meeting clock, and the save state with the coach's count.
A paused or finished meeting changes the whole header's colour, not only a word. On a
large terminal (class `-large`, set by the meeting screen) the countdown is drawn in a
font twice as tall.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits

from pmtui.core.agenda import stage_numbers
from pmtui.core.engine import MeetingView
from pmtui.core.timeutil import clock_face, human_duration
from pmtui.ui.widgets.line import Line

SHORT_TITLES = {
    "setup": "Set-up",
    "timeline": "Timeline",
    "lessons": "Right·Wrong·Lucky",
    "whys": "Five Whys",
    "actions": "Actions",
    "wrapup": "Wrap-up",
}


def stage_strip(view: MeetingView, width: int = 200) -> Text:
    """`1 Timeline › 2 Right·Wrong·Lucky › …` with the current stage highlighted.

    Where that does not fit, the other stages shrink to their numbers, so the current
    stage is never cut off.
    """
    full = _strip(view, compact=False)
    return full if full.cell_len <= width else _strip(view, compact=True)


def _strip(view: MeetingView, *, compact: bool) -> Text:
    text = Text()
    numbers = stage_numbers([s.timebox_s > 0 for s in view.spent])
    for i, stage in enumerate(view.spent):
        if i:
            text.append(" › ", style="dim")
        name = SHORT_TITLES.get(stage.key, stage.title)
        n = numbers[i]
        label = f" {n} " if compact and i != view.index else f" {n} {name} "
        if i == view.index:
            text.append(label, style="bold reverse")
        elif stage.skipped:
            text.append(label, style="dim strike")
        elif stage.visited:
            text.append(label)
        else:
            text.append(label, style="dim")
    return text


def meeting_line(view: MeetingView) -> Text:
    """Meeting clock, plan delta and run state in one line."""
    elapsed = clock_face(view.meeting_elapsed_s)
    budget = clock_face(view.meeting_budget_s)
    text = Text.assemble(("Meeting ", "dim"), (f"{elapsed} / {budget}", "bold"))
    delta = int(view.schedule_delta_s)
    if view.started and abs(delta) >= 60:
        word = "behind plan" if delta > 0 else "ahead of plan"
        style = "bold red" if delta > 0 else "green"
        text.append(f" · {human_duration(abs(delta))} {word}", style=style)
    elif view.started:
        text.append(" · on plan", style="green")
    if view.finished:
        text.append(" · finished (F4 reopens)", style="bold")
    elif not view.started:
        text.append(" · not started (F2 starts)", style="yellow")
    elif not view.running:
        text.append(" · ❚❚ paused (F2 resumes)", style="bold yellow")
    return text


# A countdown font three rows taller than Textual's Digits, for the far end of a room.
_BIG = {
    "0": ("█▀▀█", "█  █", "█  █", "█  █", "█▄▄█"),
    "1": (" ▄█ ", "  █ ", "  █ ", "  █ ", " ▄█▄"),
    "2": ("█▀▀█", "   █", "█▀▀▀", "█   ", "█▄▄▄"),
    "3": ("█▀▀█", "   █", " ▀▀█", "   █", "█▄▄█"),
    "4": ("█  █", "█  █", "▀▀▀█", "   █", "   █"),
    "5": ("█▀▀▀", "█   ", "▀▀▀█", "   █", "▄▄▄█"),
    "6": ("█▀▀▀", "█   ", "█▀▀█", "█  █", "█▄▄█"),
    "7": ("▀▀▀█", "   █", "  █ ", " █  ", " █  "),
    "8": ("█▀▀█", "█  █", "█▀▀█", "█  █", "█▄▄█"),
    "9": ("█▀▀█", "█  █", "▀▀▀█", "   █", "▄▄▄█"),
    ":": ("  ", "▀ ", "  ", "▀ ", "  "),
    "+": ("   ", " █ ", "▀█▀", " ▀ ", "   "),
    "-": ("   ", "   ", "▀▀▀", "   ", "   "),
}


def big_clock(face: str) -> str:
    """`12:34` in a five-row block font."""
    glyphs = [_BIG.get(c, _BIG["-"]) for c in face]
    return "\n".join(" ".join(g[row] for g in glyphs) for row in range(5))


class StageStrip(Line):
    """The stage strip, drawn for the width it has: on the first frame that width is not
    known yet, so the strip is drawn again when its size is (a follower whose meeting is
    not running gets no later tick to fix it)."""

    _view: MeetingView | None = None

    def show_stages(self, view: MeetingView) -> None:
        self._view = view
        self.show(stage_strip(view, self.size.width or 200), layout=False)

    def on_resize(self) -> None:
        if self._view is not None:
            self.show_stages(self._view)


class MeetingHeader(Horizontal):
    """Title, stage strip, meeting clock and save indicator, with a large countdown."""

    def compose(self) -> ComposeResult:
        with Vertical(id="header-left"):
            yield Line(id="header-title")
            yield StageStrip(id="header-stages")
            yield Line(id="header-meeting")
            yield Line(id="header-state")
        with Vertical(id="header-clock"):
            # Paused, as a meeting opens: the first show_view then restyles nothing.
            yield Digits("00:00", id="countdown", classes="-paused")
            yield Line(id="countdown-big", classes="-paused")
            yield Line(id="countdown-label")

    def show_title(self, title: str, incident_id: str, read_only: str | None) -> None:
        text = Text()
        if incident_id:
            text.append(f"{incident_id} · ", style="bold cyan")
        text.append(title, style="bold")
        if read_only:
            text.append("  READ-ONLY", style="bold reverse red")
        self.query_one("#header-title", Line).show(text, layout=False)

    def show_view(self, view: MeetingView, save_state: Text) -> None:
        self.query_one("#header-stages", StageStrip).show_stages(view)
        self.query_one("#header-meeting", Line).show(meeting_line(view), layout=False)
        self.query_one("#header-state", Line).show(save_state, layout=False)
        digits = self.query_one("#countdown", Digits)
        if view.finished:
            shown, label = clock_face(view.meeting_elapsed_s), "meeting finished"
        elif not view.stage.timed:
            shown, label = clock_face(view.meeting_budget_s), "untimed · planned"
        elif view.overrun_s > 0:
            shown, label = "+" + clock_face(view.overrun_s), "over"
        else:
            shown, label = clock_face(view.stage_left_s), "left"
        if view.started and not view.running and not view.finished:
            label = "❚❚ PAUSED · F2"
        elif not view.started:
            label = "not started · F2"
        if digits.value != shown:
            digits.update(shown)
            self.query_one("#countdown-big", Line).show(big_clock(shown), layout=False)
        overrun = view.overrun_s > 0 and not view.finished
        for clock in (digits, self.query_one("#countdown-big", Line)):
            clock.set_class(overrun, "-overrun")
            clock.set_class(view.in_last_minute and not overrun, "-last-minute")
            clock.set_class(not view.running, "-paused")
        self.set_class(view.started and not view.running and not view.finished, "-paused")
        self.set_class(view.finished, "-finished")
        self.query_one("#countdown-label", Line).show(label, layout=False)
