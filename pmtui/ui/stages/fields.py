"""Panes of record fields (the set-up and the wrap-up): one-line and free-text fields,
saved about half a second after the last keystroke and when the field loses focus, so a
killed terminal loses at most that half second.
"""

from __future__ import annotations

import re
from typing import ClassVar

from textual import on
from textual.timer import Timer
from textual.widgets import Input, Select, Static, TextArea

from pmtui.core.live import LiveMeeting
from pmtui.core.models import Participant, Status
from pmtui.ui.stages.base import StagePane, tag_line

DEBOUNCE_S = 0.5
_ROLE_SPLIT = re.compile(r"\s+[—–-]\s+|\s*[,:]\s*|\s*\(")


def parse_participants(text: str) -> list[Participant]:
    """One person a line: `Name — Role`, `Name, Role`, `Name: Role` or `Name (Role)`."""
    people = []
    for line in text.splitlines():
        parts = _ROLE_SPLIT.split(line.strip(), maxsplit=1)
        name = parts[0].strip()
        role = parts[1].strip().rstrip(")").strip() if len(parts) > 1 else ""
        if name:
            people.append(Participant(name=name, role=role))
    return people


def format_participants(people: list[Participant]) -> str:
    return "\n".join(f"{p.name} — {p.role}" if p.role else p.name for p in people)


class FieldsPane(StagePane):
    """Record fields with ids `field-<name>`: Inputs for LINE_FIELDS, TextAreas for
    TEXT_FIELDS, and optionally the participants and the status."""

    LINE_FIELDS: ClassVar[tuple[tuple[str, str], ...]] = ()
    TEXT_FIELDS: ClassVar[tuple[tuple[str, str], ...]] = ()
    # Fields whose half-typed value is usually invalid: saved on Enter or leaving the field.
    COMMIT_ON_LEAVE: ClassVar[frozenset[str]] = frozenset({"timezone"})
    STYLES = None  # the set-up's and wrap-up's fields are styled by the app's stylesheet
    HINT = "Saved as you type · Ctrl+Z undoes the last change"

    def __init__(self, live: LiveMeeting, *, read_only: bool, id: str) -> None:
        super().__init__(live, read_only=read_only, id=id)
        self._pending: dict[str, str] = {}
        self._timer: Timer | None = None

    def _value(self, name: str) -> str:
        if name == "facilitator":
            return self.live.pm.meeting.facilitator
        value: str = getattr(self.live.pm, name)
        return value

    def on_mount(self) -> None:
        self.refresh_record()

    def refresh_record(self) -> None:
        pm = self.live.pm
        with self.prevent(Input.Changed, TextArea.Changed, Select.Changed):
            for name, _ in self.LINE_FIELDS:
                field = self.query_one(f"#field-{name}", Input)
                if name not in self._pending and field.value != self._value(name):
                    field.value = self._value(name)
            for name, _ in self.TEXT_FIELDS:
                area = self.query_one(f"#field-{name}", TextArea)
                if name not in self._pending and area.text != self._value(name):
                    area.load_text(self._value(name))
            for people in self.query("#field-participants").results(TextArea):
                if "participants" not in self._pending and (
                    parse_participants(people.text) != pm.participants
                ):
                    people.load_text(format_participants(pm.participants))
            for status in self.query("#field-status").results(Select):
                status.value = pm.status
        self.refresh_facts()
        self._show_tags()
        self._hint(self.HINT)

    def _show_tags(self) -> None:
        """The meeting's tags, where the pane has a line for them."""
        from rich.text import Text

        for line in self.query(".meeting-tags").results(Static):
            shown = Text("Tags  ", "bold")
            if self.live.pm.tags:
                shown.append_text(tag_line(self.live.pm.tags))
                if not self.read_only:
                    shown.append("   Ctrl+G changes them", "dim")
            elif self.read_only:
                shown.append("none", "dim")
            else:
                shown.append("none yet · Ctrl+G picks contributing factors", "dim")
            line.update(shown)

    def action_tags(self) -> None:
        self.pick_tags(f"Tags of the meeting: {self.live.pm.title}")

    def refresh_facts(self) -> None:
        """Redraw what the pane shows beside its fields (metrics, open causes)."""

    def _hint(self, message: str, *, error: bool = False) -> None:
        from rich.text import Text

        style = "bold red" if error else "dim"
        for hint in self.query(".fields-hint").results(Static):
            hint.update(Text(message, style=style))

    # -- debounced commits -----------------------------------------------------------------

    @on(Input.Changed, ".record-field")
    def line_changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("field-")
        if name not in self._pending and event.value == self._value(name):
            return  # what the record holds (a field built with its value): not an edit
        self._queue(name, event.value, debounce=name not in self.COMMIT_ON_LEAVE)

    @on(TextArea.Changed, ".record-field")
    def text_changed(self, event: TextArea.Changed) -> None:
        name = (event.text_area.id or "").removeprefix("field-")
        self._queue(name, event.text_area.text, debounce=True)

    @on(Input.Submitted, ".record-field")
    def line_submitted(self) -> None:
        self.commit_pending()

    @on(Select.Changed, "#field-status")
    def status_changed(self, event: Select.Changed) -> None:
        # The Select reports the value a redraw set too: only a different one is an edit.
        if isinstance(event.value, Status) and event.value != self.live.pm.status:
            self.apply(self.live.set_choice, "status", event.value)

    def on_descendant_blur(self) -> None:
        self.commit_pending()

    def on_descendant_focus(self, event: object) -> None:
        # The field with the cursor is always on screen (returning to a stage can put
        # the cursor in a field scrolled away).
        focused = self.screen.focused
        if focused is not None:
            focused.scroll_visible(animate=False)

    def _queue(self, name: str, value: str, *, debounce: bool) -> None:
        if self.read_only:
            return
        self._pending[name] = value
        if self._timer is not None:
            self._timer.stop()
        if debounce:
            self._timer = self.set_timer(DEBOUNCE_S, self.commit_pending)

    def commit_pending(self) -> None:
        """Write every field typed since the last commit into the record."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        pending, self._pending = self._pending, {}
        for name, value in pending.items():
            if name == "participants":
                change, args = self.live.set_participants, (parse_participants(value),)
            elif name == "facilitator":
                change, args = self.live.set_facilitator, (value,)
            else:
                change, args = self.live.set_field, (name, value)
            if self.apply(change, *args) is None and name != "participants":
                self._hint(f"{name}: not saved — fix it and press Enter", error=True)
