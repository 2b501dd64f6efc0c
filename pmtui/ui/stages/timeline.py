"""Stage 1: timeline review. A table of events in time order and a quick-entry line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Input

from pmtui.core import timeline as timeline_rules
from pmtui.core import timeutil
from pmtui.core.models import EventKind, TimelineEvent
from pmtui.ui.stages.base import StagePane
from pmtui.ui.widgets.choice import Choice
from pmtui.ui.widgets.entry import EntryLine, TypeThrough
from pmtui.ui.widgets.line import Line
from pmtui.ui.widgets.table import CellCachedTable

if TYPE_CHECKING:
    from pmtui.core.timeparse import ParsedTime

KIND_WIDTH = 10
KIND_STYLE = {
    EventKind.START: "bold red",
    EventKind.DETECTION: "bold yellow",
    EventKind.MITIGATION: "bold cyan",
    EventKind.RESOLUTION: "bold green",
    EventKind.EVENT: "",
}


class EventTable(TypeThrough, CellCachedTable):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+e", "edit", "Edit", id="timeline.edit"),
        Binding("delete,ctrl+d", "delete", "Delete", id="timeline.delete"),
        Binding("ctrl+k", "cycle_kind", "Kind", id="timeline.kind"),
        Binding("shift+up", "move(-1)", "Move up", show=False, id="timeline.move_up"),
        Binding("shift+down", "move(1)", "Move down", show=False, id="timeline.move_down"),
        Binding("insert", "add", "Add", show=False, id="timeline.add"),
        Binding("ctrl+o", "import", "Import", id="timeline.import"),
    ]

    @dataclass
    class AddRequested(Message):
        pass

    @dataclass
    class ImportRequested(Message):
        """Open the import picker (Slack, PagerDuty, Statuspage, a plain timeline)."""

    @dataclass
    class EditRequested(Message):
        event_id: str

    @dataclass
    class DeleteRequested(Message):
        event_id: str

    @dataclass
    class CycleKindRequested(Message):
        """Give the event the next kind (event, start, detection, …)."""

        event_id: str

    @dataclass
    class MoveRequested(Message):
        event_id: str
        step: int  # -1 up, 1 down, among events at the same time

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.event_ids: list[str] = []  # the ids of the rows' events, set by the pane

    def entry_for(self, character: str) -> str:
        # A digit or a sign starts a time; anything else is what happened.
        return "#event-time" if character.isdigit() or character in "+-" else "#event-text"

    def selected_id(self) -> str | None:
        """The id of the event under the cursor, if any."""
        row = self.cursor_row
        return self.event_ids[row] if 0 <= row < len(self.event_ids) else None

    def _ask(self, request: Callable[[str], Message]) -> None:
        if (event_id := self.selected_id()) is not None:
            self.post_message(request(event_id))

    def action_edit(self) -> None:
        self._ask(self.EditRequested)

    def action_delete(self) -> None:
        self._ask(self.DeleteRequested)

    def action_cycle_kind(self) -> None:
        self._ask(self.CycleKindRequested)

    def action_move(self, step: int) -> None:
        self._ask(lambda event_id: self.MoveRequested(event_id, step))

    def action_add(self) -> None:
        self.post_message(self.AddRequested())

    def action_import(self) -> None:
        self.post_message(self.ImportRequested())


class TimelinePane(StagePane):
    """Add, edit, delete and reorder timeline events; the metrics update as you go."""

    COACH_FIELDS = ("timeline",)

    editing: str | None = None  # the id of the event the form edits
    _shown: list[tuple[str, Text, str]] = []  # noqa: RUF012 (replaced, never mutated)

    def on_mount(self) -> None:
        self._row_cache: dict[tuple[int, str, bool], tuple[TimelineEvent, tuple[str, Text, str]]]
        self._row_cache = {}
        self._heights: dict[tuple[str, int, int], int] = {}
        self.refresh_record()

    def compose(self) -> ComposeResult:
        yield Line(id="timeline-metrics", classes="pane-info")
        yield EventTable(id="events", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="event-form", classes="entry-form"):
            yield EntryLine(placeholder="time: 14:32, 10:36Z, -5m, now", id="event-time")
            # The kind after the text, not between: Tab from the time goes to the text.
            # Between them, a facilitator typing "14:32", Tab, "Deploy began" sent the
            # words to the kind's first-letter keys (D, e) and lost them.
            yield EntryLine(placeholder="what happened — Enter adds", id="event-text")
            yield Choice(list(EventKind), EventKind.EVENT, id="event-kind")
        yield Line(id="event-hint", classes="hint")

    def focus_first(self) -> None:
        self.focus_now(self.query_one("#event-time", Input))

    # -- drawing ----------------------------------------------------------------------------

    _layout: tuple[str, int, int] | None = None  # zone, time width, text width of the columns

    def on_resize(self) -> None:
        self.refresh_record()

    def _columns(self, table: EventTable, tz: tzinfo, rows: list[tuple[str, Text, Text]]) -> None:
        """Columns for this zone and width: the time column as wide as its widest time,
        the event column taking the rest, so a long event wraps inside its row instead of
        running off the screen. Rebuilt when the zone, the width or a time's width changes."""
        label = "time (UTC)" if timeutil.is_utc(tz) else f"UTC · {_zone_label(tz)}"
        time_width = max([len(label), *(len(line) for r in rows for line in r[0].split("\n"))])
        available = self.size.width or 118
        # Three cells of padding (1 each side) and the scrollbar.
        text_width = max(20, available - time_width - KIND_WIDTH - 6 - 2)
        layout = (str(tz), time_width, text_width)
        if layout == self._layout:
            return
        self._layout = layout
        cursor = table.cursor_row
        table.clear(columns=True)
        table.add_column(label, key="time", width=time_width)
        table.add_column("kind", key="kind", width=KIND_WIDTH)
        table.add_column("event", key="text", width=text_width)
        self._shown = []
        self._restore_cursor = cursor

    _restore_cursor: int | None = None

    def refresh_record(self) -> None:
        table = self.query_one(EventTable)
        tz = timeutil.zone(self.live.pm.timezone)
        events = self.live.events()
        show_date = timeline_rules.date_changes(events, tz)
        rows = [self._row(event, tz, show_date[i]) for i, event in enumerate(events)]
        self._columns(table, tz, rows)
        table.event_ids = [event.id for event in events]
        if len(self._row_cache) > 2 * len(rows) + 64:  # forget deleted and edited events
            alive = {id(event) for event in events}
            self._row_cache = {k: v for k, v in self._row_cache.items() if k[0] in alive}
        self._update_rows(table, rows)
        if self._restore_cursor is not None and rows:
            table.move_cursor(row=min(self._restore_cursor, len(rows) - 1))
        self._restore_cursor = None
        self._show_metrics()

    def _row(self, event: TimelineEvent, tz: tzinfo, with_date: bool) -> tuple[str, Text, Text]:
        """An event's table row, formatted once. Edits replace events rather than change
        them, so the event object itself (kept in the cache) is a safe key."""
        key = (id(event), str(tz), with_date)
        cached = self._row_cache.get(key)
        if cached is None or cached[0] is not event:
            row = (
                self._format_time(event.at, tz, with_date=with_date),
                Text(event.kind.value, style=KIND_STYLE[event.kind]),
                # Text: a plain string would be read as Rich markup. Folded, so a long
                # word (a URL, a log line) wraps too.
                Text(event.text, overflow="fold"),
            )
            cached = (event, row)
            self._row_cache[key] = cached
        return cached[1]

    def _update_rows(self, table: EventTable, rows: list[tuple[str, Text, Text]]) -> None:
        """Change only the rows that changed: a 300-row table re-laid out on every
        keystroke costs a tenth of a second; appending one row costs almost nothing."""
        shown = self._shown
        same = 0
        while same < min(len(shown), len(rows)) and shown[same] == rows[same]:
            same += 1
        if len(rows) >= len(shown) and same == len(shown):
            table.add_rows_at_once(
                rows[same:],
                [str(i) for i in range(same, len(rows))],
                [self._height(row) for row in rows[same:]],
            )
        elif len(rows) == len(shown) and all(
            self._height(shown[i]) == self._height(rows[i]) for i in range(same, len(rows))
        ):
            columns = ("time", "kind", "text")
            for i in range(same, len(rows)):
                for column, old, new in zip(columns, shown[i], rows[i], strict=True):
                    if old != new:
                        table.update_cell(str(i), column, new)
        else:
            cursor = table.cursor_row
            table.clear()
            table.add_rows_at_once(
                rows, [str(i) for i in range(len(rows))], [self._height(row) for row in rows]
            )
            if rows:
                table.move_cursor(row=min(cursor, len(rows) - 1))
        self._shown = rows

    def _height(self, row: tuple[str, Text, Text]) -> int:
        """The lines a row takes: its event wrapped at the event column's width, or its
        time and date. Worked out here, once per text and width, rather than by
        DataTable's auto height, which measures rows again as the table changes."""
        width = self._layout[2] if self._layout else 80
        key = (row[2].plain, width, row[0].count("\n"))
        height = self._heights.get(key)
        if height is None:
            lines = row[2].wrap(self.app.console, width, overflow="fold")
            height = max(len(lines), row[0].count("\n") + 1)
            if len(self._heights) > 4096:  # forget old texts and widths
                self._heights.clear()
            self._heights[key] = height
        return height

    @staticmethod
    def _format_time(at: datetime, tz: tzinfo, *, with_date: bool) -> str:
        """`14:32` (the column says UTC), `14:32 · 15:32 CET` in another zone; the date
        (UTC, and local where it differs) where it changes."""
        utc = at.astimezone(UTC)
        text = f"{utc.hour:02d}:{utc.minute:02d}"  # not strftime: 10,000 rows add up
        if not timeutil.is_utc(tz):
            local = at.astimezone(tz)
            text += f" · {local.hour:02d}:{local.minute:02d} {local.tzname()}"
        if with_date:  # on a line of its own above the time, to keep the column narrow
            local_day = at.astimezone(tz).date()
            day = f"{utc:%Y-%m-%d}"
            if local_day != utc.date():
                day += f" · {local_day:%m-%d}"
            text = f"{day}\n{text}"
        return text

    def _show_metrics(self) -> None:
        parts = [f"{label} {value}" for label, value in timeline_rules.metric_lines(self.live.pm)]
        line = Text(" · ".join(parts), style="bold")
        warnings = timeline_rules.marker_warnings(self.live.pm)
        if warnings:
            line.append("\n⚠ " + " · ".join(warnings), style="yellow")
        self.query_one("#timeline-metrics", Line).show(line)

    # -- entry ------------------------------------------------------------------------------

    def _parse(self) -> ParsedTime:
        text = self.query_one("#event-time", Input).value
        events = self.live.events()
        if (index := self._index(self.editing)) is not None:
            previous = events[index - 1].at if index > 0 else None
        else:
            previous = events[-1].at if events else None
        # Imported here: the parser is only needed once someone types a time.
        from pmtui.core.timeparse import parse_event_time

        now = datetime.fromtimestamp(self.live.clock.now(), UTC)
        return parse_event_time(text, tz=self.live.pm.timezone, previous=previous, now=now)

    @on(Input.Changed, "#event-time")
    def preview_time(self) -> None:
        """Show the full resolved timestamp as soon as the input can be read."""
        hint = self.query_one("#event-hint", Line)
        if not self.query_one("#event-time", Input).value.strip():
            hint.show(self._idle_hint())
            return
        try:
            parsed = self._parse()
        except timeutil.TimeError as error:
            hint.show(Text(str(error), style="yellow"))
            return
        note = f" ({parsed.note})" if parsed.note else ""
        hint.show(Text(f"→ {parsed.display}{note}", style="green"))

    def _idle_hint(self) -> Text:
        if (index := self._index(self.editing)) is not None:
            return Text(f"Editing event {index + 1}: Enter saves, Esc cancels", "bold")
        return Text(
            "Enter adds the event · Tab next field · in the table: Enter edit, Del delete, "
            "Ctrl+K kind",
            "dim",
        )

    @on(Input.Submitted, "#event-time")
    def time_entered(self) -> None:
        self.focus_now(self.query_one("#event-text", Input))

    @on(Input.Submitted, "#event-text")
    @on(Choice.Submitted, "#event-kind")
    def submit(self) -> None:
        time_input = self.query_one("#event-time", Input)
        text_input = self.query_one("#event-text", Input)
        try:
            parsed = self._parse()
        except timeutil.TimeError as error:
            self.query_one("#event-hint", Line).show(Text(str(error), style="bold red"))
            self.focus_now(time_input)
            return
        kind = self.query_one("#event-kind", Choice).value
        if self.editing is None:
            index = self.apply(self.live.add_event, parsed.at, text_input.value, kind)
        else:
            index = self.apply(
                self.live.update_event, self.editing, parsed.at, text_input.value, kind
            )
        if index is None:
            return
        self._reset_form()
        self.query_one(EventTable).move_cursor(row=index)
        self.focus_now(time_input)

    def _reset_form(self) -> None:
        self.editing = None
        self.query_one("#event-time", Input).value = ""
        self.query_one("#event-text", Input).value = ""
        self.query_one("#event-kind", Choice).value = EventKind.EVENT
        self.query_one("#event-hint", Line).show(self._idle_hint())

    def key_escape(self) -> None:
        if self.editing is not None:
            self._reset_form()
            self.focus_now(self.query_one(EventTable))

    # -- table actions ---------------------------------------------------------------------

    def _index(self, event_id: str | None) -> int | None:
        """Where the event with this id is in time order (None: not there)."""
        if event_id is None:
            return None
        ids = self.query_one(EventTable).event_ids
        return ids.index(event_id) if event_id in ids else None

    def _event(self, event_id: str) -> TimelineEvent | None:
        index = self._index(event_id)
        return None if index is None else self.live.events()[index]

    @on(EventTable.AddRequested)
    def add(self) -> None:
        self.focus_now(self.query_one("#event-time", Input))

    @on(EventTable.ImportRequested)
    def open_import(self) -> None:
        if self.read_only:
            self.notify("This meeting is open read-only.", severity="warning")
            return
        from pmtui.ui.picker import Imported, ImportScreen

        def done(result: Imported | None) -> None:
            if not result:
                return
            outcome = self.apply(self.live.add_imported, result.events, result.people)
            if outcome is None:
                return
            added, known = outcome
            there = f", {known} already there" if known else ""
            self.notify(f"{added} event(s) imported{there} (Ctrl+Z undoes)")

        self.app.push_screen(ImportScreen(self.live), done)

    @on(EventTable.EditRequested)
    def edit(self, request: EventTable.EditRequested) -> None:
        event = self._event(request.event_id)
        if event is None:
            return
        tz = timeutil.zone(self.live.pm.timezone)
        self.editing = event.id
        local = event.at.astimezone(tz)
        self.query_one("#event-time", Input).value = f"{local:%Y-%m-%d %H:%M:%S}"
        self.query_one("#event-text", Input).value = event.text
        self.query_one("#event-kind", Choice).value = event.kind
        self.focus_now(self.query_one("#event-text", Input))
        self.query_one("#event-hint", Line).show(self._idle_hint())

    @on(EventTable.DeleteRequested)
    def delete(self, request: EventTable.DeleteRequested) -> None:
        if self.apply(self.live.delete_event, request.event_id) is not None:
            self.notify("Event deleted (Ctrl+Z undoes)")

    @on(EventTable.CycleKindRequested)
    def cycle_kind(self, request: EventTable.CycleKindRequested) -> None:
        event = self._event(request.event_id)
        if event is None:
            return
        kinds = list(EventKind)
        kind = kinds[(kinds.index(event.kind) + 1) % len(kinds)]
        self.apply(self.live.update_event, event.id, event.at, event.text, kind)

    @on(EventTable.MoveRequested)
    def move(self, request: EventTable.MoveRequested) -> None:
        moved = self.apply(self.live.move_event, request.event_id, request.step)
        if moved is not None:
            self.query_one(EventTable).move_cursor(row=moved)

    @on(DataTable.RowSelected, "#events")
    def row_chosen(self) -> None:
        self.query_one(EventTable).action_edit()


def _zone_label(tz: tzinfo) -> str:
    """`London` for Europe/London: the column header says which local time it shows."""
    return str(tz).rsplit("/", 1)[-1].replace("_", " ")
