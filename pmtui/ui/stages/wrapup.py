"""The last stage: wrap-up — summary, impact, trigger, detection, resolution, owner, status.

The meeting's own facts (title, zone, people) are in the set-up (pmtui.ui.stages.setup).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.widgets import Input, Label, Select, Static, TextArea
from textual.worker import Worker, WorkerState

from pmtui.core import timeline as timeline_rules
from pmtui.core import whys as whytree
from pmtui.core.ledger import meeting_tags
from pmtui.core.live import snapshot
from pmtui.core.models import Postmortem, Status
from pmtui.service.archive import Archive
from pmtui.service.errors import ArchiveError
from pmtui.ui.stages.base import TAG_KEY
from pmtui.ui.stages.fields import FieldsPane


class WrapUpPane(FieldsPane):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(TAG_KEY, "tags", "Tags", id="wrapup.tags"),
    ]
    COACH_FIELDS = ("title", "summary", "impact", "trigger", "detection", "resolution")
    LINE_FIELDS = (("owner", "Postmortem owner"),)
    TEXT_FIELDS = (
        ("summary", "Summary"),
        ("impact", "Impact"),
        ("trigger", "Trigger"),
        ("detection", "Detection"),
        ("resolution", "Resolution"),
    )
    HINT = "Saved as you type · Tab next field · Ctrl+Z undoes · title, zone, people: F7 0 (set-up)"

    def compose(self) -> ComposeResult:
        yield Static(id="wrapup-metrics", classes="pane-info")
        yield Static(id="wrapup-causes", classes="pane-info")
        yield Static(classes="meeting-tags pane-info")
        with VerticalScroll(id="wrapup-scroll", classes="fields-scroll"):
            for name, label in self.TEXT_FIELDS:
                yield Label(label, classes="field-label", id=f"label-{name}")
                yield TextArea(
                    id=f"field-{name}",
                    classes="record-field record-text",
                    soft_wrap=True,
                    show_line_numbers=False,
                )
            with Grid(id="wrapup-lines", classes="field-lines"):
                for name, label in self.LINE_FIELDS:
                    yield Label(label)
                    yield Input(
                        id=f"field-{name}",
                        classes="record-field",
                        compact=True,
                        select_on_focus=False,
                    )
                yield Label("Status")
                # Built holding the record's status: a box built as "draft" announces
                # that value once mounted, which read as an edit and saved a published
                # meeting back as a draft.
                yield Select(
                    [(s.value, s) for s in Status],
                    allow_blank=False,
                    value=self.live.pm.status,
                    id="field-status",
                    compact=True,
                )
        yield Static(id="wrapup-hint", classes="hint fields-hint")

    def focus_first(self) -> None:
        self.focus_now(self.query_one("#field-summary", TextArea))

    def refresh_facts(self) -> None:
        pm = self.live.pm
        parts = [f"{label} {value}" for label, value in timeline_rules.metric_lines(pm)]
        self.query_one("#wrapup-metrics", Static).update(Text(" · ".join(parts), style="bold"))
        self._show_open_causes()

    def mark_findings(self) -> None:
        """A ⚑ after the label of each text the coach has something to say about."""
        flagged = self.flagged_fields()
        for name, label in self.TEXT_FIELDS:
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
                done = Text("\n").join([recurring, done]) if self.live.pm.whys else recurring
            causes.update(done)
            return
        text = Text(f"◆ Root causes with no action item ({len(open_causes)}):", style="bold yellow")
        for cause in open_causes:
            text.append(f"\n  • {cause.text}", style="yellow")
        text.append("\n  (Action items stage: Ctrl+L on an item links it to a why)", style="dim")
        causes.update(Text("\n").join([recurring, text]) if recurring else text)

    _recurring_text: Text = Text()
    _recurring_for: tuple[str, ...] | None = None  # the tags it was read for

    def _recurring(self) -> Text:
        """Tags this meeting shares with earlier postmortems: the recurring cause is the
        finding. Read from the archive in a worker thread when the tags change; shown
        when it comes."""
        tags = tuple(meeting_tags(self.live.pm))
        if tags != self._recurring_for:
            self._recurring_for = tags
            archive = getattr(self.app, "archive", None)
            if archive is None or not tags:
                self._recurring_text = Text()
            else:
                pm = snapshot(self.live.pm)  # the worker reads a copy, not the live record
                self.run_worker(
                    lambda: (tags, _recurring_text(archive, pm)),
                    group="recurring",
                    thread=True,
                    exclusive=True,
                )
        return self._recurring_text

    @on(Worker.StateChanged)
    def recurring_read(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "recurring" or event.state is not WorkerState.SUCCESS:
            return
        tags, text = event.worker.result  # type: ignore[misc]
        if tags == self._recurring_for:
            self._recurring_text = text
            self._show_open_causes()


def _recurring_text(archive: Archive, pm: Postmortem) -> Text:
    """The recurring-causes note; runs in a worker thread."""
    from pmtui.service.ledger import FollowThrough

    try:
        found = FollowThrough(archive).recurring(pm)
    except ArchiveError:
        return Text()
    lines = [Text(f"↻ {item.describe()}", style="bold magenta") for item in found[:3]]
    return Text("\n").join(lines)
