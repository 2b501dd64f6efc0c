"""The set-up, before the timeline and untimed: the meeting's title, incident id,
severity, time zone (times on the timeline are typed in it), facilitator, and who is
there in which role. Reachable again at any time (F7 then 0, or the command palette).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.widgets import Input, Label, Static, TextArea

from pmtui.ui.stages.base import TAG_KEY
from pmtui.ui.stages.fields import FieldsPane, format_participants


class SetupPane(FieldsPane):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(TAG_KEY, "tags", "Tags", id="setup.tags"),
    ]
    COACH_FIELDS = ()
    LINE_FIELDS = (
        ("title", "Title"),
        ("incident_id", "Incident id"),
        ("severity", "Severity"),
        ("timezone", "Time zone"),
        ("facilitator", "Facilitator"),
    )
    HINT = (
        "Saved as you type · Tab next field · the time zone is saved on Enter or Tab "
        "(Europe/London, any case) · F5 starts the timeline"
    )

    def compose(self) -> ComposeResult:
        yield Static(
            "Before the timeline: what the minutes need, and the zone times are typed in.",
            classes="pane-info",
        )
        yield Static(classes="meeting-tags pane-info")
        with VerticalScroll(id="setup-scroll", classes="fields-scroll"):
            with Grid(id="setup-lines", classes="field-lines"):
                for name, label in self.LINE_FIELDS:
                    yield Label(label)
                    # Built with its value and as valid (it has no validators): a value
                    # set later, or the validity class Input then adds, restyles the field.
                    yield Input(
                        self._value(name),
                        id=f"field-{name}",
                        classes="record-field -valid",
                        compact=True,
                        select_on_focus=False,
                    )
            yield Label("Participants and roles — one a line: Name — Role", classes="field-label")
            yield TextArea(
                format_participants(self.live.pm.participants),
                id="field-participants",
                classes="record-field record-text",
                soft_wrap=True,
                show_line_numbers=False,
            )
        yield Static(id="setup-hint", classes="hint fields-hint")

    def focus_first(self) -> None:
        self.focus_now(self.query_one("#field-title", Input))
