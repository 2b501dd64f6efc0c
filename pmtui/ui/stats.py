"""Trends from home: the figures of `pmtui stats` (postmortems held, median time to
detect / mitigate / resolve, action items opened / closed / overdue, recurring tags),
grouped by month, severity or tag, with a plotext bar chart. The figures are computed in
a worker thread; the chart is drawn at the widget's size."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from pmtui.core.stats import GROUPINGS, Group, Stats, duration
from pmtui.service.errors import ArchiveError
from pmtui.ui.styles import SCREENS_CSS
from pmtui.ui.widgets.footer import QuietFooter

if TYPE_CHECKING:
    from pmtui.ui.app import PmtuiApp

COLUMNS = (
    ("group", "group"),
    ("held", "held"),
    ("detect", "detect"),
    ("mitigate", "mitigate"),
    ("resolve", "resolve"),
    ("opened", "opened"),
    ("closed", "closed"),
    ("overdue", "overdue"),
    ("tags", "top tags"),
)
BARS = 24  # groups in the chart at most (the latest)


def compute(app: PmtuiApp, by: str) -> tuple[Stats | None, str]:
    """The figures, or a problem to show; runs in a worker thread."""
    from pmtui.service.ledger import FollowThrough

    try:
        return FollowThrough(app.archive).stats(by=by), ""
    except (ArchiveError, ValueError, OSError) as error:
        return None, str(error)


class BarChart(Widget):
    """Postmortems held and action items overdue per group, drawn by plotext."""

    DEFAULT_CSS = "BarChart { height: 1fr; min-height: 6; }"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.groups: list[Group] = []
        self._drawn: tuple[object, ...] = ()
        self._text = Text()

    def show(self, groups: list[Group]) -> None:
        self.groups = groups[-BARS:]
        self.refresh()

    def render(self) -> RenderResult:
        width, height = self.size.width, self.size.height
        if not self.groups or width < 20 or height < 5:
            return Text("")
        key = (width, height, id(self.groups))
        if key != self._drawn:
            self._drawn = key
            self._text = _draw(self.groups, width, height)
        return self._text


def _draw(groups: list[Group], width: int, height: int) -> Text:
    import plotext

    labels = [g.key for g in groups]
    held = [g.held for g in groups]
    late = [g.overdue for g in groups]
    top = max([*held, *late, 1])
    plotext.clf()
    plotext.plot_size(width, height)
    plotext.theme("clear")
    plotext.multiple_bar(
        labels, [held, late], labels=["postmortems", "overdue actions"], color=["cyan", "red"]
    )
    step = max(1, top // max(1, (height - 4) // 2))
    plotext.yticks(list(range(0, top + 1, step)))
    drawn = str(plotext.build())
    plotext.clf()
    return Text.from_ansi(drawn, no_wrap=True)


class StatsScreen(Screen[None]):
    CSS_PATH = SCREENS_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Meetings", id="stats.home"),
        Binding("g", "regroup", "Group by", id="stats.group"),
        Binding("r", "reload", "Refresh", id="stats.reload"),
    ]

    def __init__(self, by: str = "month") -> None:
        super().__init__()
        self.by = by
        self.stats: Stats | None = None

    @property
    def pmtui(self) -> PmtuiApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="stats-title")
        table: DataTable[str | Text] = DataTable(id="stats-table", cursor_type="row")
        for key, label in COLUMNS:
            table.add_column(label, key=key)
        yield table
        yield Static(id="stats-tags", classes="hint")
        yield BarChart(id="stats-chart")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.action_reload()

    def action_regroup(self) -> None:
        self.by = GROUPINGS[(GROUPINGS.index(self.by) + 1) % len(GROUPINGS)]
        self.action_reload()

    def action_reload(self) -> None:
        self._title(Text(" · loading…", "italic"))
        app, by = self.pmtui, self.by
        self.run_worker(lambda: (by, *compute(app, by)), group="stats", thread=True, exclusive=True)

    def _title(self, more: Text) -> None:
        title = Text.assemble(("Trends", "bold"), f" by {self.by}")
        self.query_one("#stats-title", Static).update(title + more)

    @on(Worker.StateChanged)
    def computed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "stats" or event.state is not WorkerState.SUCCESS:
            return
        by, stats, problem = event.worker.result  # type: ignore[misc]
        if by != self.by:
            return  # grouped again meanwhile
        self.stats = stats
        self._show(stats, problem)

    def _show(self, stats: Stats | None, problem: str) -> None:
        table = self.query_one(DataTable)
        table.clear()
        tags = self.query_one("#stats-tags", Static)
        chart = self.query_one(BarChart)
        if stats is None or not stats.total.held:
            self._title(Text(f" · ⚠ {problem}" if problem else " · no postmortems yet", "yellow"))
            tags.update("")
            chart.show([])
            return
        for group in [*stats.groups, stats.total]:
            table.add_row(*_cells(group), key=group.key if group is not stats.total else None)
        # The total and the latest groups (months run oldest first) in view.
        table.move_cursor(row=table.row_count - 1, animate=False)
        total = stats.total
        self._title(
            Text.assemble(
                f" · {total.held} postmortem{'s' if total.held != 1 else ''} · ",
                (f"{total.overdue} actions overdue", "bold red" if total.overdue else ""),
                (f"   g: by {_next(self.by)}", "dim"),
            )
        )
        shown = ", ".join(f"{t} ({n})" for t, n in stats.recurring_tags[:6])
        tags.update(
            Text.assemble(
                ("Recurring tags: ", "bold"),
                shown or "none shared by two postmortems",
                ("\ndetect, mitigate, resolve: median time from the start of impact", "dim"),
            )
        )
        chart.show(stats.groups)


def _next(by: str) -> str:
    return GROUPINGS[(GROUPINGS.index(by) + 1) % len(GROUPINGS)]


def _cells(group: Group) -> list[str | Text]:
    figures = group.as_dict()
    style = "bold" if group.key == "all" else ""
    return [
        Text(group.key, style),
        str(group.held),
        duration(figures["median_detect_s"]),
        duration(figures["median_mitigate_s"]),
        duration(figures["median_resolve_s"]),
        str(group.opened),
        str(group.closed),
        Text(str(group.overdue), "bold red" if group.overdue else ""),
        Text(", ".join(figures["top_tags"])),
    ]
