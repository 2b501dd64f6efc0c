"""The action-item ledger as a screen (from home): every open item of every meeting,
most overdue first; the same decisions as `pmtui actions`, through each meeting's lock."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.widgets.data_table import CellDoesNotExist
from textual.worker import Worker, WorkerState

from pmtui.core.ledger import Change, Filters, LedgerRow, sort_rows
from pmtui.service.errors import ArchiveError
from pmtui.service.ledger import FollowThrough
from pmtui.ui.stages.followups import AskDialog, _cut
from pmtui.ui.widgets.footer import QuietFooter

if TYPE_CHECKING:
    from pmtui.ui.app import PmtuiApp

SORTS = ("overdue", "due", "owner", "meeting")
# Rows drawn at most: a table of 10,000 rows takes seconds to build on the UI thread, and
# nobody reads past the first screens of the most overdue.
SHOWN = 1000


def read_ledger(app: PmtuiApp, filters: Filters) -> tuple[list[LedgerRow], str]:
    """The ledger's rows and a problem to show ("" when none); runs in a worker thread."""
    try:
        return FollowThrough(app.archive).ledger(filters), ""
    except ArchiveError as error:
        return [], str(error)


class LedgerScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Home", id="ledger.home"),
        Binding("enter", "open", "Open meeting", id="ledger.open"),
        Binding("d", "decide('done')", "Done", id="ledger.done"),
        Binding("t", "decide('due')", "New date", id="ledger.due"),
        Binding("o", "decide('assign')", "New owner", id="ledger.owner"),
        Binding("f", "toggle_overdue", "Overdue only", id="ledger.overdue"),
        Binding("a", "toggle_all", "All / open", id="ledger.all"),
        Binding("s", "sort", "Sort", id="ledger.sort"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filters = Filters()
        self.sort = SORTS[0]
        self._rows: list[LedgerRow] = []  # as listed
        self._read: list[LedgerRow] = []  # every row of the last read
        self._loading = False

    @property
    def pmtui(self) -> PmtuiApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="ledger-title")
        table: DataTable[str | Text] = DataTable(id="ledger", cursor_type="row", zebra_stripes=True)
        for column in ("overdue", "prio", "title", "owner", "due", "status", "meeting", "id"):
            table.add_column(column, key=column)
        yield table
        yield QuietFooter()

    def on_screen_resume(self) -> None:
        # Also when the screen is first shown (a reload from on_mount too read it twice).
        self.reload()

    def reload(self) -> None:
        """Read the ledger in a worker thread (seconds on a large archive); the screen
        says "loading…" meanwhile and stays responsive."""
        self._loading = True
        self._title("loading…")
        app, filters = self.pmtui, self.filters
        self.run_worker(
            lambda: (filters, *read_ledger(app, filters)),
            group="ledger",
            thread=True,
            exclusive=True,
        )

    @on(Worker.StateChanged)
    def loaded(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "ledger" or event.state is not WorkerState.SUCCESS:
            return
        filters, rows, problem = event.worker.result  # type: ignore[misc]
        if filters != self.filters:
            return  # filtered again meanwhile: a newer read is on its way
        self._loading = False
        if problem:
            self.notify(problem, severity="error")
        self._show(rows)

    def _show(self, rows: list[LedgerRow]) -> None:
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        if self.sort == "overdue":
            rows = sort_rows(rows)
        elif self.sort == "due":
            rows.sort(key=lambda r: r.due)
        elif self.sort == "owner":
            rows.sort(key=lambda r: (r.owner.casefold() or "~", r.due))
        elif self.sort == "meeting":
            rows.sort(key=lambda r: (r.meeting_title.casefold(), r.due))
        self._read = rows
        self._rows = rows[:SHOWN]
        for r in self._rows:
            table.add_row(
                Text(f"{r.days_overdue}d" if r.days_overdue else "", "bold red"),
                r.priority,
                Text(_cut(r.title, 56)),
                Text(r.owner or "—"),
                r.due.isoformat() + (" (policy)" if r.due_by_policy else ""),
                r.status,
                Text(_cut(r.meeting_title, 30)),
                r.id[:8],
                key=r.id,
            )
        if rows:
            table.move_cursor(row=min(keep, len(rows) - 1))
        late = sum(1 for r in rows if r.overdue)
        shown = "all items" if self.filters.include_closed else "open items"
        if self.filters.overdue:
            shown = "overdue items"
        self._title(
            "loading…"
            if self._loading
            else f"{len(rows)} {shown}, {late} overdue · sorted by {self.sort}"
            + (f" · the first {SHOWN} listed" if len(rows) > SHOWN else "")
        )
        table.focus()

    def _title(self, what: str) -> None:
        self.query_one("#ledger-title", Static).update(
            Text.assemble(("Action items", "bold"), f"  {what}")
        )

    def _current(self) -> LedgerRow | None:
        table = self.query_one(DataTable)
        return self._rows[table.cursor_row] if self._rows and table.row_count else None

    def action_toggle_overdue(self) -> None:
        self.filters = Filters(overdue=not self.filters.overdue)
        self.reload()

    def action_toggle_all(self) -> None:
        self.filters = Filters(include_closed=not self.filters.include_closed)
        self.reload()

    def action_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self._show(self._read)  # a new order of the rows read already

    def action_open(self) -> None:
        row = self._current()
        if row is not None:
            self.pmtui.open_meeting(row.meeting_id, stage="actions")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_decide(self, kind: str) -> None:
        row = self._current()
        if row is None:
            return
        if kind == "due":
            self.app.push_screen(
                AskDialog("New due date", "friday, in 2 weeks, 2026-12-24"),
                lambda text: text and self._dated(row, text),
            )
        elif kind == "assign":
            self.app.push_screen(
                AskDialog("New owner", "name"),
                lambda text: text and self._change(row, Change("assign", owner=text)),
            )
        else:
            self._change(row, Change("done"))

    def _dated(self, row: LedgerRow, text: str) -> None:
        from pmtui.core.actions import parse_due
        from pmtui.core.timeutil import TimeError

        try:
            due = parse_due(text, FollowThrough(self.pmtui.archive).today)
        except (TimeError, ArchiveError) as error:
            self.notify(str(error), severity="warning")
            return
        self._change(row, Change("due", due=due))

    def _change(self, row: LedgerRow, change: Change) -> None:
        try:
            done = FollowThrough(self.pmtui.archive).change_item(row.meeting_id, row.id, change)
        except ArchiveError as error:
            self.notify(str(error), title="Not changed", severity="warning", timeout=8)
            return
        self.notify(done.describe(), timeout=4)
        # The row says so at once; the ledger is read again behind "loading…".
        column, value = {
            "due": ("due", change.due.isoformat() if change.due else "(policy)"),
            "assign": ("owner", change.owner),
        }.get(change.kind, ("status", change.describe()))
        with contextlib.suppress(CellDoesNotExist):
            self.query_one(DataTable).update_cell(row.id, column, Text(value, "bold green"))
        self.reload()
