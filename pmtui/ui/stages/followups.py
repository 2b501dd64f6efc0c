"""The Follow-ups stage: a new meeting opens with the open action items of earlier
postmortems, overdue first, and one key per decision. Each decision is written to the
item's own meeting (through its lock, by pmtui.service.ledger) and noted in this
meeting's record, so its minutes say what was reviewed and decided."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static
from textual.worker import Worker, WorkerState

from pmtui.core.ledger import Change, Filters, LedgerRow, meeting_tags
from pmtui.core.live import LiveMeeting
from pmtui.core.models import FollowUp
from pmtui.service.errors import ArchiveError
from pmtui.ui.dialogs import Dialog
from pmtui.ui.stages.base import StagePane

if TYPE_CHECKING:
    from pmtui.service.ledger import FollowThrough

# With more open items than this, those sharing a tag with this incident come first.
MANY = 15
# Rows drawn at most (a table of thousands takes seconds to build on the UI thread).
SHOWN = 1000


class AskDialog(Dialog[str | None]):
    """One line of text (a new owner, a new date); Esc cancels."""

    def __init__(self, title: str, placeholder: str) -> None:
        super().__init__(title)
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield self.title_label()
            yield Input(placeholder=self.placeholder, id="ask-input")
            yield Static("Enter saves · Esc cancels", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())


class FollowUpsPane(StagePane):
    BINDINGS: ClassVar[list[BindingType]] = [
        # Control keys, as on every list of the meeting: typed letters never decide.
        Binding("ctrl+x", "decide('done')", "Done", id="followups.done"),
        Binding("ctrl+w", "decide('wontdo')", "Won't do", id="followups.wontdo"),
        Binding("ctrl+t", "decide('due')", "New date", id="followups.due"),
        Binding("ctrl+o", "decide('assign')", "New owner", id="followups.owner"),
    ]

    def __init__(self, live: LiveMeeting, *, read_only: bool, id: str) -> None:
        super().__init__(live, read_only=read_only, id=id)
        self._rows: list[LedgerRow] = []
        self._service: object | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="followups-hint", classes="hint")
        table: DataTable[str | Text] = DataTable(id="followups-table", cursor_type="row")
        # The decision first: at 80 columns a long title would push it off the screen.
        for column in ("decided", "overdue", "prio", "title", "owner", "due", "meeting"):
            table.add_column(column, key=column)
        yield table

    def on_mount(self) -> None:
        # StagePane's own on_mount runs too (Textual calls each class's handler).
        if self.is_attached:
            self.load()

    def _ft(self):  # type: ignore[no-untyped-def]
        from pmtui.service.ledger import FollowThrough

        archive = getattr(self.app, "archive", None)
        return FollowThrough(archive) if archive is not None else None

    def load(self) -> None:
        """Read the open items of every earlier meeting in a worker thread (seconds on
        a large archive): the stage shows at once, with "loading…" until they come."""
        self._hint(Text("loading the open items of earlier postmortems…", "italic"))
        try:
            service = self._ft()
        except ArchiveError as error:  # a policy file that cannot be read
            self.notify(str(error), severity="warning")
            service = None
        if service is None:
            self._show([])
            return
        self.run_worker(lambda: _open_items(service), group="followups", thread=True)

    @on(Worker.StateChanged)
    def loaded(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "followups" or event.state is not WorkerState.SUCCESS:
            return
        rows, problem = event.worker.result  # type: ignore[misc]
        if problem:
            self.notify(problem, severity="warning")
        self._show(rows)

    def _show(self, rows: list[LedgerRow]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        rows = [r for r in rows if r.meeting_id != self.live.pm.id]
        mine = set(meeting_tags(self.live.pm))
        if len(rows) > MANY and mine:
            rows.sort(key=lambda r: not (set(r.tags) & mine))  # stable: overdue order kept
        self._rows = rows[:SHOWN]
        decided = {f.action_id: f.decision for f in self.live.pm.follow_ups}
        for r in self._rows:
            table.add_row(
                Text(decided.get(r.id, ""), "bold green"),
                Text(f"{r.days_overdue}d" if r.days_overdue else "", "bold red"),
                r.priority,
                Text(_cut(r.title, 48)),
                Text(r.owner or "—"),
                r.due.isoformat() + (" (policy)" if r.due_by_policy else ""),
                Text(_cut(r.meeting_title, 28)),
                key=r.id,
            )
        late = sum(1 for r in rows if r.overdue)
        listed = f" (the first {SHOWN} listed)" if len(rows) > SHOWN else ""
        hint = (
            f"{len(rows)} open item(s) from earlier postmortems, {late} overdue{listed} · "
            "Ctrl+X done · Ctrl+W won't do · Ctrl+T new date · Ctrl+O new owner"
            if rows
            else "No open action items in earlier postmortems: move on (n)."
        )
        self._hint(Text(hint, "dim"))

    def _hint(self, text: Text) -> None:
        self.query_one("#followups-hint", Static).update(text)

    def refresh_record(self) -> None:
        decided = {f.action_id: f.decision for f in self.live.pm.follow_ups}
        table = self.query_one(DataTable)
        for r in self._rows:
            table.update_cell(r.id, "decided", Text(decided.get(r.id, ""), "bold green"))

    def focus_first(self) -> None:
        self.focus_now(self.query_one(DataTable))

    def _current(self) -> LedgerRow | None:
        table = self.query_one(DataTable)
        if not self._rows or table.row_count == 0:
            return None
        return self._rows[table.cursor_row]

    def action_decide(self, kind: str) -> None:
        row = self._current()
        if row is None:
            return
        if self.read_only:
            self.notify("This meeting is open read-only.", severity="warning")
            return
        if kind == "due":
            self.app.push_screen(
                AskDialog("New due date", "friday, in 2 weeks, 2026-12-24"),
                lambda text: self._with_date(row, text),
            )
        elif kind == "assign":
            self.app.push_screen(
                AskDialog("New owner", "name"),
                lambda text: text and self._decide(row, Change("assign", owner=text)),
            )
        elif kind == "wontdo":
            why = f"decided at the follow-ups of {self.live.pm.title!r}"
            self._decide(row, Change("wontdo", why=why))
        else:
            self._decide(row, Change("done"))

    def _with_date(self, row: LedgerRow, text: str | None) -> None:
        if not text:
            return
        from pmtui.core.actions import parse_due
        from pmtui.core.timeutil import TimeError

        service = self._ft()
        today = service.today if service is not None else row.due
        try:
            due = parse_due(text, today) or today + timedelta(days=7)
        except TimeError as error:
            self.notify(str(error), severity="warning")
            return
        self._decide(row, Change("due", due=due))

    def _decide(self, row: LedgerRow, change: Change) -> None:
        service = self._ft()
        if service is None:
            return
        try:
            service.change_item(row.meeting_id, row.id, change)
        except ArchiveError as error:
            self.notify(str(error), title="Not changed", severity="warning", timeout=8)
            return
        decision = change.describe()
        self.apply(
            self.live.record_follow_up, FollowUp(row.meeting_id, row.id, row.title, decision)
        )


def _open_items(service: FollowThrough) -> tuple[list[LedgerRow], str]:
    """Every open item of the archive, and a problem to show; runs in a worker thread."""
    try:
        return service.ledger(Filters()), ""
    except ArchiveError as error:
        return [], str(error)


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
