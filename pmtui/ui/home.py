"""The home screen: recent meetings to resume, a new meeting, an import."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static

from pmtui.service.errors import ArchiveError
from pmtui.ui.dialogs import ImportDialog, NewMeetingDialog
from pmtui.ui.widgets.footer import QuietFooter

if TYPE_CHECKING:
    from pmtui.ui.app import PmtuiApp

# The most recent meetings listed; older ones are a search away. Building a table of
# 10,000 rows took seconds on the UI thread.
SHOWN = 1000


class HomeScreen(Screen[None]):
    _hint = Text()  # the hint shown, without the follow-through line (never changed in place)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New meeting", id="home.new"),
        Binding("i", "import", "Import", id="home.import"),
        Binding("enter", "open", "Open", show=True, id="home.open"),
        Binding("r", "reload", "Refresh", id="home.reload"),
        Binding("a", "ledger", "Action items", id="home.ledger"),
        Binding("slash", "search", "Search", id="home.search"),
        Binding("s", "stats", "Trends", id="home.stats"),
        Binding("q", "app.quit", "Quit", id="home.quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(
            Text.assemble(("pmtui", "bold"), "  blameless postmortem meetings"),
            id="home-title",
        )
        table: DataTable[str] = DataTable(id="meetings", cursor_type="row", zebra_stripes=True)
        for column in ("title", "severity", "status", "incident date", "open actions", "id"):
            table.add_column(column, key=column)
        yield table
        yield Static(id="home-hint", classes="hint")
        yield QuietFooter()

    @property
    def pmtui(self) -> PmtuiApp:
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.pmtui.settle_cursor(self)
        # The first read comes with the screen's first resume (it follows the mount).

    def on_screen_resume(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        """Read the archive in a worker thread: the screen is drawn at once, and a large
        archive (10,000 meetings) never holds up the keys."""
        if not self.query_one(DataTable).row_count:
            self.query_one("#home-hint", Static).update(Text("reading the archive…", "dim"))
        self._read_archive()

    @work(thread=True, exclusive=True, group="home-read")
    def _read_archive(self) -> None:
        archive = self.pmtui.archive
        try:
            rows, problems = archive.list(), archive.problems()
        except ArchiveError as error:
            rows, problems = [], [str(error)]
        # The rows first: the overdue counts read every summary again (a large archive's
        # rows would wait for them), and their line follows when they are counted.
        self.app.call_from_thread(self._show, rows, problems)
        if rows:
            self.app.call_from_thread(self._show_follow, self._follow_through(rows))

    def _show_follow(self, follow: Text) -> None:
        if follow:
            self.query_one("#home-hint", Static).update(self._hint + follow)

    def _show(self, rows: list[dict[str, Any]], problems: list[str]) -> None:
        table = self.query_one(DataTable)
        kept = (
            table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            if (table.row_count)
            else None
        )
        table.clear()
        for row in rows[:SHOWN]:
            date = row.get("incident_at") or row.get("held_at") or ""
            table.add_row(  # Text: titles are what people typed, not Rich markup
                Text(row.get("title", "")),
                Text(row.get("severity", "")),
                Text(row.get("status", "")),
                date[:10],
                str(row.get("open_actions", 0)),
                row["id"][:8],
                key=row["id"],
            )
        if kept is not None and kept in table.rows:
            table.move_cursor(row=table.get_row_index(kept))
        if rows:
            hint = Text(
                "n new meeting · i import a session file · Enter opens · / searches · "
                "s trends · q quits",
                "dim",
            )
            if len(rows) > SHOWN:
                hint.append(
                    f"\nthe {SHOWN:,} most recent of {len(rows):,} meetings · / searches them all",
                    "dim",
                )
        elif problems:
            hint = Text(
                f"No meeting could be read: {len(problems)} damaged file"
                f"{'s' if len(problems) > 1 else ''}, left untouched (below). "
                "Press n to start a meeting, or i to import a session file.",
                "bold yellow",
            )
        else:
            hint = Text(
                "No meetings yet. Press n to start one, or i to import a session file.", "bold"
            )
        # Damage is shown whether or not anything else could be listed: an archive whose
        # every file is damaged is not an empty one.
        for problem in problems:
            hint.append(f"\n⚠ {problem}", style="yellow")
        self._hint = hint
        self.query_one("#home-hint", Static).update(hint)
        if self.app.screen is self:
            table.focus()

    def _follow_through(self, rows: list[dict[str, object]]) -> Text:
        """The overdue count (from the summaries alone) and postmortems past deadline."""
        from pmtui.service.ledger import FollowThrough

        try:
            service = FollowThrough(self.pmtui.archive)
            late, deadlines = service.overdue_counts(rows)
        except ArchiveError as error:
            return Text(f"\n⚠ {error}", "yellow")
        text = Text()
        if late:
            text.append(f"\n⚠ {late} overdue action item{'s' if late > 1 else ''}", "bold red")
            text.append(" · a opens the ledger", "dim")
        for title, what in deadlines[:3]:
            text.append(f"\n⏰ {title}: {what}", "yellow")
        return text

    def action_ledger(self) -> None:
        from pmtui.ui.ledger import LedgerScreen

        self.app.push_screen(LedgerScreen())

    def action_search(self) -> None:
        from pmtui.ui.search import SearchScreen

        self.app.push_screen(SearchScreen())

    def action_stats(self) -> None:
        from pmtui.ui.stats import StatsScreen

        self.app.push_screen(StatsScreen())

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key:
            self.pmtui.open_meeting(key)

    @on(DataTable.RowSelected)
    def chosen(self) -> None:
        self.action_open()

    def action_new(self) -> None:
        def create(answer: tuple[str, int] | None) -> None:
            if answer is not None:
                self.pmtui.new_meeting(*answer)

        self.app.push_screen(NewMeetingDialog(), create)

    def action_import(self) -> None:
        dialog = ImportDialog()

        def imported(path: str | None) -> None:
            if path is None:
                return
            error = self.pmtui.import_file(path)
            if error:
                self.notify(error, title="Not imported", severity="error", timeout=10)
            self.action_reload()

        self.app.push_screen(dialog, imported)
