"""The part of the meeting screen that is always visible: title, stage, clocks, save state."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits

from pmtui.core.engine import MeetingView
from pmtui.core.timeutil import clock_face, human_duration
from pmtui.ui.widgets.line import Line

SHORT_TITLES = {
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
    for i, stage in enumerate(view.spent):
        if i:
            text.append(" › ", style="dim")
        name = SHORT_TITLES.get(stage.key, stage.title)
        label = f" {i + 1} " if compact and i != view.index else f" {i + 1} {name} "
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
        text.append(" · meeting finished", style="bold")
    elif not view.started:
        text.append(" · not started (F2 starts)", style="yellow")
    elif not view.running:
        text.append(" · ❚❚ paused (F2 resumes)", style="bold yellow")
    return text


class MeetingHeader(Horizontal):
    """Title, stage strip, meeting clock and save indicator, with a large countdown."""

    def compose(self) -> ComposeResult:
        with Vertical(id="header-left"):
            yield Line(id="header-title")
            yield Line(id="header-stages")
            yield Line(id="header-meeting")
        with Vertical(id="header-clock"):
            yield Digits("00:00", id="countdown")
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
        stages = self.query_one("#header-stages", Line)
        stages.show(stage_strip(view, stages.size.width or 200), layout=False)
        line = meeting_line(view)
        line.append("   ")
        line.append_text(save_state)
        self.query_one("#header-meeting", Line).show(line, layout=False)
        digits = self.query_one("#countdown", Digits)
        if view.overrun_s > 0:
            shown = "+" + clock_face(view.overrun_s)
            label = f"over · {view.stage.title}"
        else:
            shown = clock_face(view.stage_left_s)
            label = f"left · {view.stage.title}"
        if digits.value != shown:
            digits.update(shown)
        digits.set_class(view.overrun_s > 0, "-overrun")
        digits.set_class(view.in_last_minute and view.overrun_s <= 0, "-last-minute")
        digits.set_class(not view.running, "-paused")
        self.query_one("#countdown-label", Line).show(label, layout=False)
