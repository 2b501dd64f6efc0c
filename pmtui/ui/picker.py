"""The import picker: bring messages of a Slack export (or a PagerDuty log, a Statuspage
incident, a plain timeline) into an open meeting's timeline, chosen one by one.

Every message of the window is listed in time order; typing in the search box narrows
the list; Space selects, `a` selects all shown, `n` none; 1–4 mark a message as start,
detection, mitigation or resolution (0 takes the mark off) and `m` accepts the marker
suggested from its words. Enter hands the selection back, and the timeline adds it as one
undo step. Files are read by the application layer in a worker thread, with a progress
line; Esc cancels at any point and nothing is added.

The list draws only the lines on screen (`ScrollView.render_line`), so 10,000 messages
scroll and filter as quickly as 10.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input

from pmtui.core import timeutil
from pmtui.core.importers import Batch
from pmtui.core.importers.picking import Pick
from pmtui.core.live import LiveMeeting
from pmtui.core.models import EventKind, TimelineEvent
from pmtui.service.errors import ArchiveError
from pmtui.ui.dialogs import Dialog
from pmtui.ui.widgets.line import Line

MARK_KEYS = {
    "1": EventKind.START,
    "2": EventKind.DETECTION,
    "3": EventKind.MITIGATION,
    "4": EventKind.RESOLUTION,
}
MARK_STYLE = {
    EventKind.START: "bold red",
    EventKind.DETECTION: "bold yellow",
    EventKind.MITIGATION: "bold cyan",
    EventKind.RESOLUTION: "bold green",
}


@dataclass(frozen=True)
class Imported:
    """What the picker hands back: the events chosen and the people who wrote them."""

    events: list[TimelineEvent]
    people: list[str]


class Cancelled(Exception):
    """Esc while the files were being read."""


class PickList(ScrollView, can_focus=True):
    """The entries shown by a Pick, one line each, drawn only where they are on screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "edge(0)", "First", show=False),
        Binding("end", "edge(1)", "Last", show=False),
        Binding("space", "toggle", "Select", id="import.select"),
        Binding("a", "all", "All shown", id="import.all"),
        Binding("n", "none", "None shown", id="import.none"),
        Binding("m", "accept", "Accept marker", id="import.accept"),
        Binding("1,2,3,4,0", "mark", "Mark", show=False, id="import.mark"),
    ]

    @dataclass
    class Changed(Message):
        """The selection or a mark changed (to update the count)."""

    def __init__(self, pick: Pick, tz: tzinfo, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.pick = pick
        self.tz = tz
        self.cursor = 0

    def reset(self, pick: Pick) -> None:
        self.pick = pick
        self.cursor = 0
        self.shown_changed()

    def shown_changed(self) -> None:
        self.cursor = min(self.cursor, max(0, len(self.pick.shown) - 1))
        self.virtual_size = Size(self.size.width, len(self.pick.shown))
        self.scroll_to(y=0, animate=False)
        self.refresh()

    def current(self) -> int | None:
        shown = self.pick.shown
        return shown[self.cursor] if 0 <= self.cursor < len(shown) else None

    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.size.width
        shown = self.pick.shown
        if not 0 <= row < len(shown):
            return Strip.blank(width, self.rich_style)
        text = self._line(shown[row])
        if row == self.cursor:
            text.stylize("reverse" if self.has_focus else "underline")
        segments = list(text.render(self.app.console))
        return Strip(segments).crop_extend(0, width, self.rich_style)

    def _line(self, index: int) -> Text:
        pick = self.pick
        entry = pick.entries[index]
        local = entry.at.astimezone(self.tz)
        text = Text("✔ " if index in pick.selected else "· ", style="bold green")
        text.append(f"{local:%m-%d %H:%M:%S} ", style="dim")
        kind = pick.kind_of(index)
        if kind is not EventKind.EVENT:
            text.append(f"{kind.value:<11} ", style=MARK_STYLE[kind])
        elif entry.suggested is not None:
            text.append(f"{entry.suggested.value + '?':<11} ", style="italic dim")
        else:
            text.append(" " * 12)
        if entry.thread:
            text.append("↳ ", style="dim")
        text.append(entry.text)
        if entry.note:
            text.append(f"  {entry.note}", style="dim")
        return text

    # -- keys -----------------------------------------------------------------------------

    def _go(self, row: int) -> None:
        count = len(self.pick.shown)
        self.cursor = max(0, min(row, count - 1))
        top, height = self.scroll_offset.y, max(1, self.size.height)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)
        self.refresh()

    def action_move(self, step: int) -> None:
        self._go(self.cursor + step)

    def action_page(self, step: int) -> None:
        self._go(self.cursor + step * max(1, self.size.height - 1))

    def action_edge(self, end: int) -> None:
        self._go(len(self.pick.shown) - 1 if end else 0)

    def _changed(self) -> None:
        self.refresh()
        self.post_message(self.Changed())

    def action_toggle(self) -> None:
        if (index := self.current()) is not None:
            self.pick.toggle(index)
            self._go(self.cursor + 1)
            self._changed()

    def action_all(self) -> None:
        self.pick.select_shown()
        self._changed()

    def action_none(self) -> None:
        self.pick.clear_shown()
        self._changed()

    def action_accept(self) -> None:
        if (index := self.current()) is not None and self.pick.accept_suggestion(index):
            self._changed()

    def on_key(self, event: events.Key) -> None:
        # The digits share one binding id (so a keymap can move them); which one was
        # pressed decides the marker.
        if event.key in MARK_KEYS or event.key == "0":
            event.stop()
            event.prevent_default()
            if (index := self.current()) is not None:
                self.pick.mark(index, MARK_KEYS.get(event.key))
                self._changed()

    def action_mark(self) -> None:  # reached only through a keymap's own key
        self.action_accept()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.pick.shown))


class ImportScreen(Dialog[Imported | None]):
    """Choose a file, read it, pick its messages; Enter adds them (one undo step)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("enter", "add", "Add selected", id="import.add", priority=False),
        Binding("slash", "search", "Search", id="import.search", show=False),
    ]

    def __init__(self, live: LiveMeeting, path: str = "", channel: str = "") -> None:
        super().__init__("Import into the timeline")
        self.live = live
        self.tz = timeutil.zone(live.pm.timezone)
        self.pick = Pick([])
        self.batch = Batch()
        self._start = (path, channel)
        self._cancelled = False
        self._loading = False

    def compose(self) -> ComposeResult:
        path, channel = self._start
        with Vertical(classes="dialog wide", id="import-dialog"):
            yield self.title_label()
            with Horizontal(id="import-source"):
                yield Input(
                    path,
                    placeholder="Slack export (ZIP or folder), PagerDuty or Statuspage JSON, "
                    "CSV or Markdown — Enter reads it",
                    id="import-path",
                )
                yield Input(channel, placeholder="#channel (Slack)", id="import-channel")
            yield Line(id="import-status", classes="hint")
            yield Input(placeholder="search — every word must appear", id="import-search")
            yield PickList(self.pick, self.tz, id="import-list")
            yield Line(id="import-count", classes="pane-info")
            yield Line(
                Text(
                    "Space select · a all shown · n none · 1 start 2 detection 3 mitigation "
                    "4 resolution 0 unmark · m accept suggestion · Enter adds · Esc cancels",
                    style="dim",
                ),
                classes="hint",
            )

    def on_mount(self) -> None:
        self._count()
        self.query_one("#import-status", Line).show(Text("Give a file and press Enter", "dim"))
        if self._start[0]:
            self._read()
        else:
            self.set_focus(self.query_one("#import-path", Input))

    # -- reading ---------------------------------------------------------------------------

    @on(Input.Submitted, "#import-path")
    @on(Input.Submitted, "#import-channel")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._read()

    def _read(self) -> None:
        from pmtui.service import importing

        raw = self.query_one("#import-path", Input).value.strip()
        status = self.query_one("#import-status", Line)
        if not raw:
            status.show(Text("Give the file or folder to import", "yellow"))
            return
        path = Path(raw).expanduser()
        try:
            kind = importing.detect(path)
        except ArchiveError as error:
            status.show(Text(str(error), "bold red"))
            return
        channel = self.query_one("#import-channel", Input).value.strip()
        if kind == "slack" and not channel:
            status.show(Text("Which channel? Type it in the channel box", "yellow"))
            self.set_focus(self.query_one("#import-channel", Input))
            return
        source = importing.Source(kind, path, channel=channel, markers=True)
        pm = self.live.pm
        have = frozenset(e.kind for e in pm.timeline if e.kind is not EventKind.EVENT)
        start = pm.incident_date()
        day = start.astimezone(self.tz).date() if start else None
        self._cancelled = False
        self._loading = True
        status.show(Text(f"Reading {path.name}…", "bold"))

        def work() -> None:
            try:
                batch = importing.read_source(
                    source, tz_name=pm.timezone, have=have, default_day=day, progress=progress
                )
            except Cancelled:
                return
            except ArchiveError as error:
                self.app.call_from_thread(self._failed, str(error))
                return
            self.app.call_from_thread(self._loaded, batch)

        def progress(what: str, done: int, total: int) -> None:
            if self._cancelled:
                raise Cancelled
            self.app.call_from_thread(self._progress, what, done, total)

        self.run_worker(work, thread=True, exclusive=True, group="import")

    def _progress(self, what: str, done: int, total: int) -> None:
        part = f"{done} of {total} files" if total else f"{done} files"
        self.query_one("#import-status", Line).show(Text(f"Reading {what}: {part}", "bold"))

    def _failed(self, message: str) -> None:
        self._loading = False
        self.query_one("#import-status", Line).show(Text(message, "bold red"))

    def _loaded(self, batch: Batch) -> None:
        self._loading = False
        self.batch = batch
        self.pick = Pick(batch.entries)
        listing = self.query_one(PickList)
        listing.reset(self.pick)
        skipped = ", ".join(f"{n} {why}" for why, n in batch.skipped.items())
        line = f"{len(batch.entries)} messages" + (f" · skipped {skipped}" if skipped else "")
        self.query_one("#import-status", Line).show(Text(line, "green"))
        self._count()
        self.set_focus(listing)

    # -- choosing ---------------------------------------------------------------------------

    @on(Input.Changed, "#import-search")
    def _search(self, event: Input.Changed) -> None:
        self.pick.search(event.value)
        self.query_one(PickList).shown_changed()
        self._count()

    @on(Input.Submitted, "#import-search")
    def _search_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.set_focus(self.query_one(PickList))

    @on(PickList.Changed)
    def _count(self) -> None:
        pick = self.pick
        marks = ", ".join(f"{kind.value}" for kind in pick.marks.values())
        text = Text(f"{pick.count} selected", style="bold")
        text.append(f" · {len(pick.shown)} of {len(pick.entries)} shown")
        if marks:
            text.append(f" · marked: {marks}")
        self.query_one("#import-count", Line).show(text)

    def action_search(self) -> None:
        self.set_focus(self.query_one("#import-search", Input))

    def action_add(self) -> None:
        if self.focused is not None and self.focused.id in ("import-path", "import-channel"):
            return
        if not self.pick.count:
            self.notify("Select messages first (Space, or a for all shown)", severity="warning")
            return
        self.dismiss(Imported(self.pick.chosen(), self.pick.people(self.batch.participants)))

    def action_cancel(self) -> None:
        self._cancelled = True
        self.dismiss(None)
