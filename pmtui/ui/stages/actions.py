"""Stage 4: action items — a table, and a form below it to add or edit in place."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Select, Static

from pmtui.core import timeutil
from pmtui.core import whys as whytree
from pmtui.core.actions import action_warnings, parse_due
from pmtui.core.models import ActionItem, ActionStatus, ActionType, Priority
from pmtui.ui.dialogs import WhyPicker
from pmtui.ui.stages.base import StagePane

COLUMNS = ("title", "owner", "due", "priority", "type", "ticket", "status")
# Widths of every column but the title, which takes what is left (cell padding included).
FIXED_WIDTH = 14 + 12 + 10 + 10 + 10 + 12 + 10
MIN_TITLE = 24
STATUS_STYLE = {ActionStatus.OPEN: "bold", ActionStatus.DONE: "green", ActionStatus.WONT_DO: "dim"}


class ActionTable(DataTable[Text | str]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Edit", id="actions.edit"),
        Binding("d,delete", "delete", "Delete", id="actions.delete"),
        Binding("x", "toggle_done", "Done/open", id="actions.toggle_done"),
        Binding("l", "link", "Link to why", id="actions.link"),
        Binding("a", "add", "Add", id="actions.add"),
    ]

    def action_edit(self) -> None:
        self.query_ancestor(ActionsPane).edit_selected()

    def action_delete(self) -> None:
        self.query_ancestor(ActionsPane).delete_selected()

    def action_toggle_done(self) -> None:
        self.query_ancestor(ActionsPane).toggle_done()

    def action_link(self) -> None:
        self.query_ancestor(ActionsPane).link_selected()

    def action_add(self) -> None:
        self.query_ancestor(ActionsPane).query_one("#action-title", Input).focus()


class ActionsPane(StagePane):
    COACH_FIELDS = ("action_items",)

    editing: int | None = None

    def compose(self) -> ComposeResult:
        yield ActionTable(id="actions-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="action-warnings", classes="pane-info")
        yield Static(id="action-link", classes="pane-info")
        with Horizontal(classes="entry-form", id="action-form-1"):
            yield Input(placeholder="action item — Enter adds", id="action-title")
            yield Input(placeholder="owner", id="action-owner")
            yield Input(placeholder="due: friday, in 2 weeks, 2026-12-01", id="action-due")
        with Horizontal(classes="entry-form", id="action-form-2"):
            yield Select(
                [(p.value, p) for p in Priority],
                value=Priority.P2,
                allow_blank=False,
                id="action-priority",
            )
            yield Select(
                [(t.value, t) for t in ActionType],
                value=ActionType.PREVENT,
                allow_blank=False,
                id="action-type",
            )
            yield Input(placeholder="ticket", id="action-ticket")
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
        title_width = max(MIN_TITLE, self.size.width - FIXED_WIDTH - 4)
        for column in COLUMNS:
            table.add_column(column, key=column, width=title_width if column == "title" else None)
        flagged = self.flagged_fields()
        for i, item in enumerate(self.live.pm.action_items):
            table.add_row(
                Text.assemble(("⚑ ", "bold magenta"), item.title)
                if f"action_items[{i}].title" in flagged
                else Text(item.title),  # Text: what people type is not Rich markup
                Text(item.owner) if item.owner else Text("no owner", style="yellow"),
                item.due.isoformat() if item.due else Text("no date", style="yellow"),
                item.priority.value,
                item.type.value,
                Text(item.ticket),
                Text(item.status.value, style=STATUS_STYLE[item.status]),
                key=str(i),
            )
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
        index = self._selected()
        text = Text()
        if index is not None and index < len(pm.action_items):
            if addresses := pm.action_items[index].addresses:
                text.append("→ addresses: ", "dim").append(addresses)
            elif pm.whys:
                text.append("→ not linked to a why (l links it)", "dim")
        if pm.whys and (open_causes := whytree.unaddressed(pm)):
            count = len(open_causes)
            text.append("   " if text else "")
            text.append(f"◆ {count} root cause{'s' if count > 1 else ''} with no action", "yellow")
        self.query_one("#action-link", Static).update(text)

    def mark_findings(self) -> None:
        self.refresh_record()

    def _hint(self, message: str | None = None, *, error: bool = False) -> None:
        if message is None:
            if self.editing is None:
                message = (
                    "Enter adds · in the table: e edit, d delete, x done/open, l link to a why"
                )
            else:
                message = f"Editing action {self.editing + 1}: Enter saves, Esc cancels"
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
            addresses=(
                self.live.pm.action_items[self.editing].addresses
                if self.editing is not None
                else ""
            ),
        )

    @on(Input.Submitted, "#action-form-1 Input, #action-ticket")
    def submit(self) -> None:
        item = self._form_item()
        if item is None:
            return
        if self.editing is None:
            index = self.apply(self.live.add_action, item)
        else:
            index = self.apply(self.live.update_action, self.editing, item)
            index = self.editing if index is not None else None
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
        self._hint()

    def key_escape(self) -> None:
        if self.editing is not None:
            self._reset_form()
            self.focus_now(self.query_one(ActionTable))

    def _selected(self) -> int | None:
        return self.query_one(ActionTable).cursor_row if self.live.pm.action_items else None

    def edit_selected(self) -> None:
        index = self._selected()
        if index is None:
            return
        item = self.live.pm.action_items[index]
        self.editing = index
        self.query_one("#action-title", Input).value = item.title
        self.query_one("#action-owner", Input).value = item.owner
        self.query_one("#action-due", Input).value = item.due.isoformat() if item.due else ""
        self.query_one("#action-ticket", Input).value = item.ticket
        self.query_one("#action-priority", Select).value = item.priority
        self.query_one("#action-type", Select).value = item.type
        self.query_one("#action-status", Select).value = item.status
        self.focus_now(self.query_one("#action-title", Input))
        self._hint()

    def delete_selected(self) -> None:
        index = self._selected()
        if index is not None and self.apply(self.live.delete_action, index):
            self.notify("Action item deleted (Ctrl+Z undoes)")

    def toggle_done(self) -> None:
        index = self._selected()
        if index is None:
            return
        item = self.live.pm.action_items[index]
        status = ActionStatus.OPEN if item.status is ActionStatus.DONE else ActionStatus.DONE
        self.apply(self.live.update_action, index, replace(item, status=status))

    def link_selected(self) -> None:
        index = self._selected()
        if index is None:
            return
        current = self.live.pm.action_items[index].addresses

        def linked(why: str | None) -> None:
            if why is not None and self.apply(self.live.link_action, index, why):
                self.notify(f"Linked to: {why}" if why else "Link taken off")

        self.app.push_screen(WhyPicker(self.live.pm, current), linked)

    @on(DataTable.RowSelected, "#actions-table")
    def row_chosen(self) -> None:
        self.edit_selected()
