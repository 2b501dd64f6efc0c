"""Stage 5: wrap-up — summary, impact, trigger, detection, resolution, people and status.

Free text is saved about half a second after the last keystroke, and when the field loses
focus, so a killed terminal loses at most that half second.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.timer import Timer
from textual.widgets import Input, Label, Select, Static, TextArea

from pmtui.core import timeline as timeline_rules
from pmtui.core import whys as whytree
from pmtui.core.live import LiveMeeting
from pmtui.core.models import Participant, Status
from pmtui.ui.stages.base import StagePane

DEBOUNCE_S = 0.5
LINE_FIELDS = (
    ("title", "Title"),
    ("incident_id", "Incident id"),
    ("severity", "Severity"),
    ("owner", "Postmortem owner"),
    ("timezone", "Time zone (IANA)"),
)
TEXT_FIELDS = (
    ("summary", "Summary"),
    ("impact", "Impact"),
    ("trigger", "Trigger"),
    ("detection", "Detection"),
    ("resolution", "Resolution"),
)
# Fields whose half-typed value is usually invalid: saved on Enter or leaving the field.
COMMIT_ON_LEAVE = {"timezone"}
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


class WrapUpPane(StagePane):
    COACH_FIELDS = ("title", "summary", "impact", "trigger", "detection", "resolution")

    def __init__(self, live: LiveMeeting, *, read_only: bool, id: str) -> None:
        super().__init__(live, read_only=read_only, id=id)
        self._pending: dict[str, str] = {}
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="wrapup-metrics", classes="pane-info")
        yield Static(id="wrapup-causes", classes="pane-info")
        with VerticalScroll(id="wrapup-scroll"):
            with Grid(id="wrapup-lines"):
                for name, label in LINE_FIELDS:
                    yield Label(label)
                    yield Input(id=f"field-{name}", classes="record-field")
                yield Label("Status")
                # Built holding the record's status: a box built as "draft" announces
                # that value once mounted, which read as an edit and saved a published
                # meeting back as a draft.
                yield Select(
                    [(s.value, s) for s in Status],
                    allow_blank=False,
                    value=self.live.pm.status,
                    id="field-status",
                )
            for name, label in TEXT_FIELDS:
                yield Label(label, classes="field-label", id=f"label-{name}")
                yield TextArea(
                    id=f"field-{name}",
                    classes="record-field record-text",
                    soft_wrap=True,
                    show_line_numbers=False,
                )
            yield Label("Participants — one a line: Name — Role", classes="field-label")
            yield TextArea(
                id="field-participants",
                classes="record-field record-text",
                soft_wrap=True,
                show_line_numbers=False,
            )
        yield Static(id="wrapup-hint", classes="hint")

    def on_mount(self) -> None:
        self.refresh_record()

    def focus_first(self) -> None:
        self.focus_now(self.query_one("#field-summary", TextArea))

    def refresh_record(self) -> None:
        pm = self.live.pm
        with self.prevent(Input.Changed, TextArea.Changed, Select.Changed):
            for name, _ in LINE_FIELDS:
                field = self.query_one(f"#field-{name}", Input)
                if name not in self._pending and field.value != getattr(pm, name):
                    field.value = getattr(pm, name)
            for name, _ in TEXT_FIELDS:
                area = self.query_one(f"#field-{name}", TextArea)
                if name not in self._pending and area.text != getattr(pm, name):
                    area.load_text(getattr(pm, name))
            people = self.query_one("#field-participants", TextArea)
            if "participants" not in self._pending:
                wanted = format_participants(pm.participants)
                if parse_participants(people.text) != pm.participants:
                    people.load_text(wanted)
            self.query_one("#field-status", Select).value = pm.status
        parts = [f"{label} {value}" for label, value in timeline_rules.metric_lines(pm)]
        self.query_one("#wrapup-metrics", Static).update(Text(" · ".join(parts), style="bold"))
        self._show_open_causes()
        self._hint("Saved as you type · Ctrl+Z undoes the last change")

    def mark_findings(self) -> None:
        """A ⚑ after the label of each text the coach has something to say about."""
        flagged = self.flagged_fields()
        for name, label in TEXT_FIELDS:
            shown = Text(label)
            if name in flagged:
                shown.append("  ⚑ see the coach's line below", style="bold magenta")
            self.query_one(f"#label-{name}", Label).update(shown)

    def _show_open_causes(self) -> None:
        """Every root cause no action item addresses: the last chance to agree on one."""
        causes = self.query_one("#wrapup-causes", Static)
        recurring = self._recurring()
        causes.display = bool(self.live.pm.whys) or bool(recurring)
        open_causes = whytree.unaddressed(self.live.pm)
        if not open_causes:
            done = Text("✓ Every root cause has an action item", style="green")
            if recurring:
                done = recurring + done if self.live.pm.whys else recurring
            causes.update(done)
            return
        text = Text(f"◆ Root causes with no action item ({len(open_causes)}):", style="bold yellow")
        for cause in open_causes:
            text.append(f"\n  • {cause.text}", style="yellow")
        text.append("\n  (stage 4: l on an action item links it to a why)", style="dim")
        causes.update(recurring + text if recurring else text)

    _recurring_text: Text | None = None

    def _recurring(self) -> Text:
        """Tags this meeting shares with earlier postmortems: the recurring cause is the
        finding. Read from the archive once per visit of the stage."""
        if self._recurring_text is None:
            text = Text()
            archive = getattr(self.app, "archive", None)
            if archive is not None and (self.live.pm.tags or self.live.pm.whys):
                from pmtui.service.errors import ArchiveError
                from pmtui.service.ledger import FollowThrough

                try:
                    found = FollowThrough(archive).recurring(self.live.pm)
                except ArchiveError:
                    found = []
                for item in found[:3]:
                    text.append(f"↻ {item.describe()}\n", style="bold magenta")
            self._recurring_text = text
        return self._recurring_text

    def _hint(self, message: str, *, error: bool = False) -> None:
        style = "bold red" if error else "dim"
        self.query_one("#wrapup-hint", Static).update(Text(message, style=style))

    # -- debounced commits -----------------------------------------------------------------

    @on(Input.Changed, ".record-field")
    def line_changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("field-")
        self._queue(name, event.value, debounce=name not in COMMIT_ON_LEAVE)

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
            else:
                change, args = self.live.set_field, (name, value)
            if self.apply(change, *args) is None and name != "participants":
                self._hint(f"{name}: not saved — fix it and press Enter", error=True)
