"""What every stage pane shares: the live meeting, edits that report back, read-only mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from pmtui.core.coach import Finding, place
from pmtui.core.live import EditError, LiveMeeting
from pmtui.ui.styles import STAGES_CSS

# The tag picker's key on the stages that tag (the picker itself loads when opened).
TAG_KEY = "ctrl+g"


def tag_line(tags: list[str]) -> Text:
    """How a list of tags reads on a stage."""
    return Text(" · ".join(tags), "italic cyan")


class StagePane(Vertical):
    """A stage's screen area. It asks the live meeting what to show and tells it what changed."""

    # The record's fields this stage edits, as coach finding paths start (see core.coach).
    COACH_FIELDS: tuple[str, ...] = ()
    # The stylesheet read before the pane is first built (see pmtui.ui.styles); None: the
    # app's own has all it needs.
    STYLES: ClassVar[str | None] = STAGES_CSS

    class Edited(Message):
        """The record changed: save it and redraw what shows it."""

        def __init__(self, pane: StagePane) -> None:
            super().__init__()
            self.pane = pane

    def __init__(self, live: LiveMeeting, *, read_only: bool, id: str) -> None:
        super().__init__(id=id, classes="stage-pane")
        self.live = live
        self.read_only = read_only
        self.stale = False  # another stage changed the record since this one was drawn

    def apply(self, change: Callable[..., Any], *args: Any) -> Any:
        """Make one edit; returns its result (True if it has none), or None when refused.

        A refused edit becomes a message for the facilitator, never a traceback.
        """
        if self.read_only:
            self.notify("This meeting is open read-only.", severity="warning")
            return None
        try:
            result = change(*args)
        except EditError as error:
            self.notify(str(error), severity="warning")
            return None
        self.post_message(self.Edited(self))
        self.refresh_record()
        return True if result is None else result

    def pick_tags(self, heading: str, why_id: str = "") -> None:
        """Open the tag picker on the meeting's tags, or on the why with `why_id`."""
        from pmtui.ui.tagpicker import TagPicker, team_vocabulary

        if self.read_only:
            self.notify("This meeting is open read-only.", severity="warning")
            return
        known, problem = team_vocabulary(self.app)
        if problem:
            self.notify(f"{problem}; the default tags are offered", severity="warning")
        self.app.push_screen(
            TagPicker(
                heading,
                known,
                self.live.tags_of(why_id),
                lambda tag: self.apply(self.live.toggle_tag, tag, why_id),
            )
        )

    def focus_now(self, widget: Widget) -> None:
        """Move the cursor at once. `Widget.focus()` waits its turn in the message queue,
        so keys a fast typist already sent would still land in the old field."""
        self.screen.set_focus(widget)

    _coach_line: Static | None = None

    def on_mount(self) -> None:
        if not self.is_attached:
            # Removed before its mount ran: a pane built while nobody typed (or on a stage
            # key) as the meeting closed. There is nothing to show it on.
            return
        self._coach_line = Static(classes="coach-line")
        self._coach_line.display = False
        self.mount(self._coach_line)
        self.show_findings(getattr(self.screen, "findings", []))
        self.restore_drafts()

    def restore_drafts(self) -> None:
        """Put text typed but not added before (a killed terminal) back in its entry line."""
        if not self.live.pm.drafts:
            return  # most meetings: the entry lines' module is not needed yet
        from pmtui.ui.widgets.entry import EntryLine

        for entry in self.query(EntryLine):
            draft = self.live.pm.drafts.get(entry.id or "")
            if draft and not entry.value:
                entry.value = draft

    # -- multi-line pastes: stages that can add one item per line say so ---------------------

    # Entry lines (by id) where a pasted line can be one item, and what the item is called.
    LINE_ITEMS: dict[str, str] = {}  # noqa: RUF012 (read-only)

    def can_add_lines(self, entry: Widget) -> bool:
        """Whether a paste of several lines into `entry` can become one item per line."""
        return entry.id in self.LINE_ITEMS

    def item_name(self, entry: Widget) -> str:
        return self.LINE_ITEMS.get(entry.id or "", "item")

    def add_lines(self, entry: Widget, lines: list[str]) -> None:
        """Add one item per line: each goes through the entry line as if typed and Entered."""
        from textual.widgets import Input

        if isinstance(entry, Input):
            for line in lines:
                entry.post_message(Input.Submitted(entry, line))

    _mine: tuple[Finding, ...] = ()

    def flagged_fields(self) -> set[str]:
        """The fields of this stage the coach has something to say about (to mark them)."""
        return {f.field for f in self._mine}

    def show_findings(self, findings: list[Finding]) -> None:
        """The coach's findings in this stage's text, on one line; hidden when none."""
        mine = [f for f in findings if f.field.startswith(self.COACH_FIELDS)]
        marked = self.flagged_fields()
        self._mine = tuple(mine)
        line = self._coach_line
        if line is None:
            return
        line.display = bool(mine)
        if mine:
            first = mine[0]
            text = Text.assemble(
                ("⚑ ", "bold magenta"),
                (f"{place(first.field)}, “{first.words}”: ", "bold"),
                first.suggestion,
            )
            if len(mine) > 1:
                text.append(f"  (+{len(mine) - 1} more: Ctrl+F lists them)", style="dim")
            line.update(text)
        if marked != self.flagged_fields():
            self.mark_findings()

    def mark_findings(self) -> None:
        """Redraw the ⚑ beside each item the coach flags (stages that list items)."""

    def refresh_record(self) -> None:
        """Redraw from the record (after an edit, an undo or a reload)."""

    def commit_pending(self) -> None:
        """Write typed text that is waiting for its debounce (stages with free text)."""

    def focus_first(self) -> None:
        """Put the cursor where typing usually starts on this stage."""
