"""Search every meeting from home: type (three characters or more), the hits appear
as typing pauses, each with its meeting, its place as the meeting names it ("Chain 1,
why 3") and the words around it. The search runs in a worker thread, never on the UI's."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from pmtui.core.search import Hit, stage_of
from pmtui.service.errors import ArchiveError
from pmtui.ui.styles import SCREENS_CSS
from pmtui.ui.widgets.footer import QuietFooter

if TYPE_CHECKING:
    from pmtui.ui.app import PmtuiApp

MIN_QUERY = 3  # as the search index needs (a trigram)
DEBOUNCE_S = 0.3
SHOWN = 300  # hits listed at most (the count says how many there were)


def find(
    app: PmtuiApp, query: str, progress: Callable[[int, int], None] | None = None
) -> tuple[list[Hit], str, str]:
    """The hits for `query`, a problem to show instead of them ("" when none), and a
    warning to show with them ("" when none: else a damaged meeting left out, or a search
    index that could not be brought up to date, as `pmtui search` warns of them). Runs in
    a worker thread: everything it touches is read-only. `progress(done, total)` hears of
    the search index being built (the first search of a large archive reads it all)."""
    from pmtui.service.ledger import FollowThrough

    service = FollowThrough(app.archive)
    try:
        hits = service.search(query, progress=progress)
    except (ArchiveError, ValueError, OSError) as error:
        return [], str(error), ""
    except Exception as error:  # a damaged search cache and the like: never a traceback
        return [], f"the search failed ({type(error).__name__}: {error})", ""
    # By meeting (the index keeps them in the order it read the files), each meeting's
    # hits in its reading order.
    hits.sort(key=lambda h: (h.meeting_title.casefold(), h.meeting_id))
    return hits, "", _warning(service.problems, str(app.archive.settings.data_dir))


def _warning(problems: list[str], folder: str) -> str:
    """The first problem, its files named inside the data folder (a one-line status has
    no room for the folder's own path), and how many more there were."""
    if not problems:
        return ""
    first = problems[0].replace(folder.rstrip("/\\") + os.sep, "")
    more = len(problems) - 1
    return first + (f" (and {more} more problem{'s' if more != 1 else ''})" if more else "")


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    width = max(width, 12)
    return text if len(text) <= width else text[: width - 1] + "…"


def _snippet(hit: Hit, room: int) -> tuple[str, str, str]:
    """The hit with as much context as fits in `room` characters: what one side does not
    use, the other side gets (a hit near the start shows more of what follows)."""
    before, found, after = hit.snippet(room)
    left = max(0, room - len(found))
    keep = min(len(before), max(left // 2, left - len(after)))
    if len(before) > keep:
        before = "…" + before[len(before) - keep + 1 :] if keep > 0 else ""
    rest = left - len(before)
    if len(after) > rest:
        after = after[: rest - 1] + "…" if rest > 0 else ""
    return before, found, after


class HitList(OptionList):
    """The hits; Enter opens the meeting of the highlighted one."""


class SearchScreen(Screen[None]):
    CSS_PATH = SCREENS_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Meetings", id="search.home"),
        Binding("down", "to_hits", "Hits", show=False, id="search.hits"),
        Binding("slash", "to_query", "Search box", id="search.query"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._timer: Timer | None = None
        self._asked = ""  # the query of the search running or shown
        self._hits: list[Hit] = []
        self._busy = False  # a search is running

    @property
    def pmtui(self) -> PmtuiApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(Text("Search every meeting", "bold"), id="search-title")
        yield Input(placeholder="words to find (3 characters or more)", id="search-query")
        yield Static(id="search-status", classes="hint")
        yield HitList(id="search-hits")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.pmtui.settle_cursor(self)
        self._status(Text("Type what to look for: a title, a why, a note, an owner…", "dim"))
        self.query_one(Input).focus()

    def _status(self, text: Text) -> None:
        self.query_one("#search-status", Static).update(text)

    # -- typing -----------------------------------------------------------------------

    @on(Input.Changed, "#search-query")
    def typed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE_S, self.run_search)

    @on(Input.Submitted, "#search-query")
    def submitted(self) -> None:
        """Enter searches at once (no wait), then moves to the hits."""
        if self._timer is not None:
            self._timer.stop()
        query = " ".join(self.query_one(Input).value.split())
        if query and query == self._asked and self._hits:
            self.action_to_hits()
        else:
            self.run_search()

    def run_search(self) -> None:
        self._timer = None
        query = " ".join(self.query_one(Input).value.split())
        if query == self._asked:
            return
        self._asked = query
        if not query:
            self._show([], "")
            self._status(Text("Type what to look for.", "dim"))
            return
        if len(query) < MIN_QUERY:
            self._show([], "")
            self._status(Text(f"Type at least {MIN_QUERY} characters to search.", "dim"))
            return
        self._status(Text(f"searching for “{query}”…", "italic"))
        if not self._busy:
            self._start(query)
        # else: the search under way ends first, then this one starts (see `searched`)

    def _start(self, query: str) -> None:
        """One search at a time: the first one builds the search index, and two builds at
        once would wait on each other's lock."""
        self._busy = True
        app = self.pmtui

        def building(done: int, total: int) -> None:  # from the worker thread
            line = f"building the search index: {done:,} of {total:,} meetings read…"
            app.call_from_thread(self._building, Text(line, "italic"))

        self.run_worker(lambda: (query, *find(app, query, building)), group="search", thread=True)

    def _building(self, line: Text) -> None:
        if self.is_attached:  # the build goes on after Esc; the next search uses it
            self._status(line)

    @on(Worker.StateChanged)
    def searched(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        finished = (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)
        if worker.group != "search" or event.state not in finished:
            return
        self._busy = False
        if event.state is not WorkerState.SUCCESS:  # `find` catches errors: not expected
            self._show([], "the search stopped; type again to retry")
            return
        query, hits, problem, warning = worker.result  # type: ignore[misc]
        if query == self._asked:
            self._show(hits, problem, warning)
        elif len(self._asked) >= MIN_QUERY:
            self._start(self._asked)  # typing went on meanwhile: search what is there now

    # -- showing ----------------------------------------------------------------------

    def _show(self, hits: list[Hit], problem: str, warning: str = "") -> None:
        """The hits, or the problem instead of them; a warning goes on a line of its own
        under the count, cut to the width (the hits keep their room)."""
        self._hits = hits[:SHOWN]
        listed = self.query_one(HitList)
        listed.clear_options()
        if problem:
            self._status(Text(f"⚠ {problem}", "yellow"))
            return
        if not self._asked:
            return
        caveat = Text()
        if warning:
            room = max(20, self.size.width - 4)  # inside the status line's padding
            caveat = Text(f"\n⚠ {_cut(warning, room - 2)}", "yellow")
        if not hits:
            self._status(Text.assemble(Text(f"Nothing found for “{self._asked}”.", "dim"), caveat))
            return
        meetings = len({h.meeting_id for h in hits})
        line = Text(
            f"{len(hits)} hit{'s' if len(hits) != 1 else ''} in {meetings} meeting"
            f"{'s' if meetings != 1 else ''}"
        )
        if len(hits) > SHOWN:
            line.append(f" (the first {SHOWN} shown: type more words)")
        line.append(" · ↓ to the hits, Enter opens the meeting there, Esc back", "dim")
        self._status(line + caveat)
        room = max(40, self.size.width - 8)  # inside the list's border and scroll bar
        listed.add_options(Option(self._entry(hit, room)) for hit in self._hits)
        listed.highlighted = 0

    @staticmethod
    def _entry(hit: Hit, room: int) -> Text:
        """Two lines: the meeting and the place; the words around the hit, marked."""
        title = _cut(hit.meeting_title, room - len(hit.place) - 5)
        entry = Text.assemble((title, "bold"), ("  ·  ", "dim"), (hit.place, "cyan"))
        before, found, after = _snippet(hit, room - 2)
        entry.append("\n  ")
        entry.append(before)
        entry.append(found, "bold reverse")
        entry.append(after)
        return entry

    # -- moving and opening -----------------------------------------------------------

    def action_to_hits(self) -> None:
        if self._hits:
            self.query_one(HitList).focus()

    def action_to_query(self) -> None:
        self.query_one(Input).focus()

    @on(OptionList.OptionSelected, "#search-hits")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        if 0 <= event.option_index < len(self._hits):
            hit = self._hits[event.option_index]
            self.pmtui.open_meeting(hit.meeting_id, stage=stage_of(hit.place))
