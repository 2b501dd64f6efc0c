"""Stage 4: action items — a table, and a form below it to add or edit in place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Input, Select, Static

from pmtui.core import timeutil
from pmtui.core import whys as whytree
from pmtui.core.actions import action_warnings, parse_due
from pmtui.core.models import ActionItem, ActionStatus, ActionType, Priority
from pmtui.ui.dialogs import WhyPicker
from pmtui.ui.stages.base import StagePane
from pmtui.ui.widgets.entry import EntryLine, TypeThrough
from pmtui.ui.widgets.table import RowTable

COLUMNS = ("title", "owner", "due", "priority", "type", "ticket", "status")
# On a narrow screen priority, type and ticket go under the title, so every column stays
# in view and the title keeps room to wrap.
NARROW_COLUMNS = ("title", "owner", "due", "status")
# Widths of the columns but the title, which takes what is left (cell padding included).
FIXED_WIDTHS = {"owner": 14, "due": 12, "priority": 10, "type": 10, "ticket": 12, "status": 10}
MIN_TITLE = 20
NARROW_BELOW = 110  # pane width
# A new item starts from these, never from the item added before it.
DEFAULT_PRIORITY = Priority.P2
DEFAULT_TYPE = ActionType.PREVENT
STATUS_STYLE = {ActionStatus.OPEN: "bold", ActionStatus.DONE: "green", ActionStatus.WONT_DO: "dim"}


class ActionTable(TypeThrough, RowTable):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+e", "edit", "Edit", id="actions.edit"),
        Binding("delete,ctrl+d", "delete", "Delete", id="actions.delete"),
        Binding("ctrl+x", "toggle_done", "Done/open", id="actions.toggle_done"),
        Binding("ctrl+l", "link", "Link to why", id="actions.link"),
        Binding("insert", "add", "Add", show=False, id="actions.add"),
    ]

    @dataclass
    class AddRequested(Message):
        pass

    @dataclass
    class EditRequested(Message):
        action_id: str

    @dataclass
    class DeleteRequested(Message):
        action_id: str

    @dataclass
    class ToggleDoneRequested(Message):
        action_id: str

    @dataclass
    class LinkRequested(Message):
        """Pick the why this action item addresses."""

        action_id: str

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.item_ids: list[str] = []  # the ids of the rows' action items, set by the pane

    def entry_for(self, character: str) -> str:
        return "#action-title"

    def selected_id(self) -> str | None:
        """The id of the action item under the cursor, if any."""
        row = self.cursor_row
        return self.item_ids[row] if 0 <= row < len(self.item_ids) else None

    def _ask(self, request: Callable[[str], Message]) -> None:
        if (action_id := self.selected_id()) is not None:
            self.post_message(request(action_id))

    def action_edit(self) -> None:
        self._ask(self.EditRequested)

    def action_delete(self) -> None:
        self._ask(self.DeleteRequested)

    def action_toggle_done(self) -> None:
        self._ask(self.ToggleDoneRequested)

    def action_link(self) -> None:
        self._ask(self.LinkRequested)

    def action_add(self) -> None:
        self.post_message(self.AddRequested())


class ActionsPane(StagePane):
    COACH_FIELDS = ("action_items",)
    LINE_ITEMS = {"action-title": "action item"}  # noqa: RUF012

    def add_lines(self, entry: Widget, lines: list[str]) -> None:
        for line in lines:
            item = ActionItem(title=line, priority=DEFAULT_PRIORITY, type=DEFAULT_TYPE)
            self.apply(self.live.add_action, item)

    editing: str | None = None  # the id of the action item the form edits

    def compose(self) -> ComposeResult:
        yield ActionTable(id="actions-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="action-warnings", classes="pane-info")
        yield Static(id="action-link", classes="pane-info")
        with Horizontal(classes="entry-form", id="action-form-1"):
            yield EntryLine(placeholder="action item — Enter adds", id="action-title")
            yield EntryLine(placeholder="owner", id="action-owner")
            yield EntryLine(placeholder="due: friday, in 2 weeks, 2026-12-01", id="action-due")
        with Horizontal(classes="entry-form", id="action-form-2"):
            yield Select(
                [(p.value, p) for p in Priority],
                value=DEFAULT_PRIORITY,
                allow_blank=False,
                id="action-priority",
            )
            yield Select(
                [(t.value, t) for t in ActionType],
                value=DEFAULT_TYPE,
                allow_blank=False,
                id="action-type",
            )
            yield EntryLine(placeholder="ticket", id="action-ticket")
            yield Select(
                [(s.value, s) for s in ActionStatus],
                value=ActionStatus.OPEN,
                allow_blank=False,
                id="action-status",
            )
        yield Static(id="action-hint", classes="hint")

    def on_mount(self) -> None:
        self.refresh_record()
        self._hint()

    def focus_first(self) -> None:
        self.focus_now(self.query_one("#action-title", Input))

    def on_resize(self) -> None:
        self.refresh_record()

    def refresh_record(self) -> None:
        table = self.query_one(ActionTable)
        row = table.cursor_row
        table.clear(columns=True)
        narrow = self.size.width < NARROW_BELOW
        columns = NARROW_COLUMNS if narrow else COLUMNS
        fixed = sum(FIXED_WIDTHS[c] for c in columns if c != "title")
        # Cell padding is 1 each side; the scrollbar takes 2.
        title_width = max(MIN_TITLE, self.size.width - fixed - 2 * len(columns) - 4)
        for column in columns:
            width = title_width if column == "title" else FIXED_WIDTHS[column] - 2
            table.add_column(column, key=column, width=width)
        flagged = self.flagged_fields()
        table.item_ids = [item.id for item in self.live.pm.action_items]
        for i, item in enumerate(self.live.pm.action_items):
            # Text: what people type is not Rich markup. Long titles wrap in their row.
            title = Text(item.title, overflow="fold")
            if f"action_items[{i}].title" in flagged:
                title = Text.assemble(("⚑ ", "bold magenta"), title)
            if narrow:
                title.append(f"\n{item.priority.value} · {item.type.value}", style="dim")
                if item.ticket:
                    title.append(f" · {item.ticket}", style="dim")
            cells = {
                "title": title,
                "owner": Text(item.owner, overflow="fold")
                if item.owner
                else Text("no owner", style="yellow"),
                "due": item.due.isoformat() if item.due else Text("no date", style="yellow"),
                "priority": item.priority.value,
                "type": item.type.value,
                "ticket": Text(item.ticket, overflow="fold"),
                "status": Text(item.status.value, style=STATUS_STYLE[item.status]),
            }
            table.add_row(*(cells[c] for c in columns), key=str(i), height=None)
        if self.live.pm.action_items:
            table.move_cursor(row=min(row, len(self.live.pm.action_items) - 1))
        weak = [
            f"item {i + 1}: {', '.join(warnings)}"
            for i, item in enumerate(self.live.pm.action_items)
            if (warnings := action_warnings(item))
        ]
        line = Text("⚠ " + " · ".join(weak), style="yellow") if weak else Text("")
        self.query_one("#action-warnings", Static).update(line)
        self._show_link()

    @on(DataTable.RowHighlighted, "#actions-table")
    def _show_link(self) -> None:
        """What the highlighted item addresses, and how many root causes still have none."""
        pm = self.live.pm
        item = self._item(self.query_one(ActionTable).selected_id())
        text = Text()
        if item is not None:
            if item.addresses:
                text.append("→ addresses: ", "dim").append(whytree.text_of(pm, item.addresses))
            elif pm.whys:
                text.append("→ not linked to a why (Ctrl+L links it)", "dim")
        if pm.whys and (open_causes := whytree.unaddressed(pm)):
            count = len(open_causes)
            text.append("   " if text else "")
            text.append(f"◆ {count} root cause{'s' if count > 1 else ''} with no action", "yellow")
        self.query_one("#action-link", Static).update(text)

    def mark_findings(self) -> None:
        self.refresh_record()

    def _hint(self, message: str | None = None, *, error: bool = False) -> None:
        if message is None:
            if (index := self._index(self.editing)) is None:
                message = (
                    "Enter adds · Tab next field · in the table: Enter edit, Del delete, "
                    "Ctrl+X done/open, Ctrl+L link to a why"
                )
            else:
                message = f"Editing action {index + 1}: Enter saves, Esc cancels"
        self.query_one("#action-hint", Static).update(
            Text(message, style="bold red" if error else "dim")
        )

    def _today(self) -> date:
        """Today in the session's time zone: what "friday" and "in 2 weeks" count from."""
        tz = timeutil.zone(self.live.pm.timezone)
        return datetime.fromtimestamp(self.live.clock.now(), tz).date()

    @on(Input.Changed, "#action-due")
    def preview_due(self, event: Input.Changed) -> None:
        if not event.value.strip():
            self._hint()
            return
        try:
            due = parse_due(event.value, self._today())
        except timeutil.TimeError as error:
            self._hint(str(error), error=True)
            return
        if due is not None:
            self.query_one("#action-hint", Static).update(
                Text(f"→ due {due:%a %Y-%m-%d}", style="green")
            )

    def _form_item(self) -> ActionItem | None:
        try:
            due = parse_due(self.query_one("#action-due", Input).value, self._today())
        except timeutil.TimeError as error:
            self._hint(str(error), error=True)
            self.focus_now(self.query_one("#action-due", Input))
            return None
        return ActionItem(
            title=self.query_one("#action-title", Input).value.strip(),
            owner=self.query_one("#action-owner", Input).value.strip(),
            due=due,
            priority=self.query_one("#action-priority", Select).value,  # type: ignore[arg-type]
            type=self.query_one("#action-type", Select).value,  # type: ignore[arg-type]
            ticket=self.query_one("#action-ticket", Input).value.strip(),
            status=self.query_one("#action-status", Select).value,  # type: ignore[arg-type]
            addresses=editing.addresses if (editing := self._item(self.editing)) else "",
        )

    @on(Input.Submitted, "#action-form-1 Input, #action-ticket")
    def submit(self) -> None:
        item = self._form_item()
        if item is None:
            return
        if self.editing is None:
            index = self.apply(self.live.add_action, item)
        else:
            done = self.apply(self.live.update_action, self.editing, item)
            index = self._index(self.editing) if done is not None else None
        if index is None:
            return
        self._reset_form()
        self.query_one(ActionTable).move_cursor(row=index)
        self.focus_now(self.query_one("#action-title", Input))

    def _reset_form(self) -> None:
        self.editing = None
        for name in ("title", "owner", "due", "ticket"):
            self.query_one(f"#action-{name}", Input).value = ""
        self.query_one("#action-status", Select).value = ActionStatus.OPEN
        self.query_one("#action-priority", Select).value = DEFAULT_PRIORITY
        self.query_one("#action-type", Select).value = DEFAULT_TYPE
        self._hint()

    def key_escape(self) -> None:
        if self.editing is not None:
            self._reset_form()
            self.focus_now(self.query_one(ActionTable))

    def _index(self, action_id: str | None) -> int | None:
        """Where the action item with this id is in the list (None: none, or gone)."""
        if action_id is None:
            return None
        items = self.live.pm.action_items
        return next((i for i, a in enumerate(items) if a.id == action_id), None)

    def _item(self, action_id: str | None) -> ActionItem | None:
        index = self._index(action_id)
        return None if index is None else self.live.pm.action_items[index]

    @on(ActionTable.AddRequested)
    def add(self) -> None:
        self.focus_now(self.query_one("#action-title", Input))

    @on(ActionTable.EditRequested)
    def edit(self, event: ActionTable.EditRequested) -> None:
        item = self._item(event.action_id)
        if item is None:
            return
        self.editing = item.id
        self.query_one("#action-title", Input).value = item.title
        self.query_one("#action-owner", Input).value = item.owner
        self.query_one("#action-due", Input).value = item.due.isoformat() if item.due else ""
        self.query_one("#action-ticket", Input).value = item.ticket
        self.query_one("#action-priority", Select).value = item.priority
        self.query_one("#action-type", Select).value = item.type
        self.query_one("#action-status", Select).value = item.status
        self.focus_now(self.query_one("#action-title", Input))
        self._hint()

    @on(ActionTable.DeleteRequested)
    def delete(self, event: ActionTable.DeleteRequested) -> None:
        if self.apply(self.live.delete_action, event.action_id):
            self.notify("Action item deleted (Ctrl+Z undoes)")

    @on(ActionTable.ToggleDoneRequested)
    def toggle_done(self, event: ActionTable.ToggleDoneRequested) -> None:
        item = self._item(event.action_id)
        if item is None:
            return
        status = ActionStatus.OPEN if item.status is ActionStatus.DONE else ActionStatus.DONE
        self.apply(self.live.update_action, item.id, replace(item, status=status))

    @on(ActionTable.LinkRequested)
    def link(self, event: ActionTable.LinkRequested) -> None:
        item = self._item(event.action_id)
        if item is None:
            return

        def linked(why_id: str | None) -> None:
            if why_id is not None and self.apply(self.live.link_action, item.id, why_id):
                text = whytree.text_of(self.live.pm, why_id)
                self.notify(f"Linked to: {text}" if why_id else "Link taken off")

        self.app.push_screen(WhyPicker(self.live.pm, item), linked)

    @on(DataTable.RowSelected, "#actions-table")
    def row_chosen(self) -> None:
        self.query_one(ActionTable).action_edit()
