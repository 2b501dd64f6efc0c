"""Rich renderings of the archive and of one record, for `pmtui list` and `pmtui show`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.color import ColorSystem
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from pmtui import columns as text_columns
from pmtui.core import timeutil
from pmtui.core import whys as whytree
from pmtui.core.controls import for_terminal
from pmtui.core.models import Postmortem
from pmtui.core.timeline import marker_warnings, metric_lines
from pmtui.core.whys import CAUSE_LABELS


def print_renderable(renderable: RenderableType, *, wrap: bool = True) -> None:
    console = Console(highlight=False)
    parts = renderable.renderables if isinstance(renderable, Group) else [renderable]
    for part in parts:
        if isinstance(part, TimelineView | MeetingsTable):
            part.write(console)
        else:
            console.print(part, no_wrap=not wrap, overflow="ellipsis" if not wrap else None)


def _day(iso: str | None) -> str:
    return for_terminal(iso[:10]) if isinstance(iso, str) else ""


def _one(value: object) -> str:
    """User text for one line of the terminal: no control, bidi or line-break character."""
    return for_terminal(value if isinstance(value, str) else str(value))


def _many(value: str) -> str:
    """User text that may run over lines: newlines kept, other controls escaped."""
    return for_terminal(value, multiline=True)


def meetings_table(rows: list[dict[str, Any]], width: int | None = None) -> RenderableType:
    """The archive as aligned columns (see MeetingsTable)."""
    if not rows:
        return Text("No meetings yet. Start one with `pmtui new` or `pmtui import FILE`.")
    return MeetingsTable(rows, width)


class MeetingsTable:
    """The archive as aligned columns.

    Laid out by hand rather than with rich.Table: a Table of 1,000 rows takes most of a
    second to measure, and even one Text of 10,000 lines took Rich 6 s to print. Widths
    count terminal cells, so wide characters in titles keep the columns straight."""

    HEADER = ("id", "title", "severity", "status", "date", "open actions", "deadline")
    STYLES = ("bold cyan", "", "", "", "", "", "yellow")

    def __init__(self, rows: list[dict[str, Any]], width: int | None = None) -> None:
        self.width = width
        # Column by column: a column of plain text (most of them) is checked once, not
        # cell by cell (10,000 rows).
        columns = [
            text_columns.one_line([row["id"][:8] for row in rows]),
            text_columns.one_line([row.get("title", "") for row in rows]),
            text_columns.one_line([row.get("severity", "") or "—" for row in rows]),
            text_columns.one_line([row.get("status", "") for row in rows]),
            [_day(row.get("incident_at") or row.get("held_at")) for row in rows],
            [str(row.get("open_actions", 0)) for row in rows],
            text_columns.one_line([row.get("deadline", "") for row in rows]),
        ]
        self.columns = columns
        self.count = len(rows)

    def _fitted(self, width: int) -> tuple[list[list[str]], int]:
        """The columns, header first, each cell fitted to its column and followed by
        the gap to the next; and the width of the rule under the header."""
        header = self.HEADER
        columns = [[name, *column] for name, column in zip(header, self.columns, strict=True)]
        fixed = list(map(text_columns.width, columns))
        others = sum(fixed) - fixed[1] + 2 * (len(header) - 1)
        fixed[1] = max(12, min(fixed[1], width - others))
        last = len(header) - 1
        fitted = [
            [value.rjust(fixed[i]) + "  " for value in column]
            if i == 5
            else text_columns.fit(column, fixed[i], "  ")
            for i, column in enumerate(columns[:last])
        ]
        fitted.append(columns[last])
        return fitted, min(width, sum(fixed) + 2 * last)

    def lines(self, width: int) -> list[list[tuple[str, str]]]:
        """Each line as (text, style) pieces, cut to fit `width`."""
        fitted, rule = self._fitted(width)
        out: list[list[tuple[str, str]]] = [[(f"{self.count} meeting(s)", "bold")]]
        bold = ("bold",) * len(self.HEADER)
        for n, line in enumerate(zip(*fitted, strict=True)):
            out.append(list(zip(line, bold if n == 0 else self.STYLES, strict=True)))
            if n == 0:
                out.append([("─" * rule, "dim")])
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for pieces in self.lines(self.width or options.max_width):
            for text, style in pieces:
                yield Segment(text, Style.parse(style) if style else None)
            yield Segment.line()

    def write(self, console: Console) -> None:
        """Print straight to the console's file, styled for its colours (if any)."""
        system = _COLOR_SYSTEMS.get(console.color_system or "")
        width = self.width or console.width
        if system is None:  # a pipe or a file: the text alone, a line at a time
            fitted, rule = self._fitted(width)
            out = [f"{self.count} meeting(s)"]
            out += ["".join(line).rstrip() for line in zip(*fitted, strict=True)]
            out.insert(2, "─" * rule)
            console.file.write("\n".join(out) + "\n")
            return
        styles = {name: Style.parse(name) for name in {*self.STYLES, "bold", "dim"} if name}
        out = []
        for pieces in self.lines(width):
            out.append(
                "".join(
                    styles[style].render(text, color_system=system) if style else text
                    for text, style in pieces
                ).rstrip()
            )
        console.file.write("\n".join(out) + "\n")


def _field(label: str, value: str) -> RenderableType:
    text = Text()
    text.append(f"{label}\n", style="bold")
    text.append(_many(value) or "—", style="" if value else "dim")
    return text


def _items(body: Text) -> Text:
    text = Text("Action items\n", style="bold")
    text.append_text(body)
    text.rstrip()
    return text


_COLOR_SYSTEMS = {
    "standard": ColorSystem.STANDARD,
    "256": ColorSystem.EIGHT_BIT,
    "truecolor": ColorSystem.TRUECOLOR,
    "windows": ColorSystem.WINDOWS,
}


class TimelineView:
    """The timeline as three aligned columns, the event's text wrapped under its column.

    Laid out by hand for the width it is given: a rich Table of 10,000 events took 15 s
    to measure; this takes a fraction of a second."""

    def __init__(self, pm: Postmortem, tz: tzinfo) -> None:
        # One line each, control characters shown escaped: the text is written to the
        # terminal as it is, past Rich.
        self.rows = [
            (timeutil.utc_and_local(e.at, tz), e.kind.value, _one(" ".join(e.text.split())))
            for e in pm.sorted_timeline()
        ]

    def lines(self, width: int) -> list[tuple[str, Style]]:
        """The lines to print at `width`, each with its style."""
        header = ("time", "kind", "event")
        at_w = max(cell_len(r[0]) for r in [header, *self.rows])
        kind_w = max(len(r[1]) for r in [header, *self.rows])
        text_w = max(12, width - at_w - kind_w - 6)
        plain = Style()
        out = [
            ("Timeline", Style(italic=True)),
            (f"  {'time'.ljust(at_w)}  {'kind'.ljust(kind_w)}  event", Style(bold=True)),
            ("─" * min(width, at_w + kind_w + text_w + 6), Style(dim=True)),
        ]
        indent = " " * (at_w + kind_w + 6)
        for at, kind, body in self.rows:
            wrapped = _wrap(body, text_w)
            out.append((f"  {at.ljust(at_w)}  {kind.ljust(kind_w)}  {wrapped[0]}", plain))
            out.extend((f"{indent}{line}", plain) for line in wrapped[1:])
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line, style in self.lines(options.max_width):
            yield Segment(line, style)
            yield Segment.line()

    def write(self, console: Console) -> None:
        """Print straight to the console's file: Rich would split and crop every one of
        the lines again, which for 10,000 events is most of a second."""
        system = _COLOR_SYSTEMS.get(console.color_system or "")
        out = []
        for line, style in self.lines(console.width):
            out.append(style.render(line, color_system=system) if system else line)
        console.file.write("\n".join(out) + "\n")


def _wrap(text: str, width: int) -> list[str]:
    """Words (single-spaced) into lines of at most `width` cells; a longer word is cut."""
    ascii_only = text.isascii()  # then a character is a cell, and len() is enough
    if len(text) <= width and (ascii_only or cell_len(text) <= width):
        return [text]
    if ascii_only:
        return _wrap_ascii(text, width)
    return _wrap_cells(text, width, cell_len)


def _wrap_ascii(text: str, width: int) -> list[str]:
    """`_wrap` for text of one cell a character: each break found by one search for the
    last space that fits (a timeline of 10,000 events wraps in a few milliseconds)."""
    lines = []
    while len(text) > width:
        cut = text.rfind(" ", 0, width + 1)
        if cut > 0:
            lines.append(text[:cut])
            text = text[cut + 1 :]
        else:  # a word longer than the column: cut where the column ends
            lines.append(text[:width])
            text = text[width:]
    lines.append(text)
    return lines


def _wrap_cells(text: str, width: int, size_of: Callable[[str], int]) -> list[str]:
    lines: list[str] = []
    line, used = "", 0
    for word in text.split(" "):
        size = size_of(word)
        while size > width:  # a link or a token longer than the column
            if line:
                lines.append(line)
                line, used = "", 0
            lines.append(set_cell_size(word, width))
            word = word[len(set_cell_size(word, width).rstrip()) or 1 :]
            size = size_of(word)
        if line and used + 1 + size > width:
            lines.append(line)
            line, used = word, size
        else:
            line, used = (f"{line} {word}", used + 1 + size) if line else (word, size)
    lines.append(line)
    return lines


def record_view(pm: Postmortem) -> RenderableType:
    """The whole record, in the order a reader of the minutes expects."""
    tz = timeutil.zone(pm.timezone)
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    # Cells as Text, not str: a str cell is read as Rich markup, and `[link=…]` in a
    # user's field would print a terminal hyperlink.
    rows = [
        ("id", _one(pm.id)),
        ("incident", _one(pm.incident_id) or "—"),
        ("severity", _one(pm.severity) or "—"),
        ("status", pm.status.value),
        *([("tags", _one(", ".join(pm.tags)))] if pm.tags else []),
        ("owner", _one(pm.owner) or "—"),
        ("time zone", _one(pm.timezone)),
        (
            "participants",
            ", ".join(_one(f"{p.name} ({p.role})" if p.role else p.name) for p in pm.participants)
            or "—",
        ),
    ]
    for label, value in rows:
        head.add_row(label, Text(value))

    parts: list[RenderableType] = [Panel(head, title=Text(_one(pm.title), style="bold"))]
    for label in ("summary", "impact", "trigger", "detection", "resolution"):
        parts.append(_field(label.capitalize(), getattr(pm, label)))

    parts.append(TimelineView(pm, tz))

    lines = " · ".join(f"{label.lower()} {value}" for label, value in metric_lines(pm))
    parts.append(Text.assemble(("Metrics  ", "bold"), lines))
    for warning in marker_warnings(pm):
        parts.append(Text(f"⚠ {_one(warning)}", style="yellow"))

    for label, items in (
        ("What went right", pm.went_right),
        ("What went wrong", pm.went_wrong),
        ("Where we got lucky", pm.got_lucky),
    ):
        parts.append(_field(label, "\n".join(f"• {note.text}" for note in items)))

    for n, chain in enumerate(pm.whys, 1):
        lines = [
            f"{row.indent}{row.level}. {_one(row.why.text)}"
            + (f"  [{CAUSE_LABELS[row.why.cause]}]" if row.why.cause else "")
            for row in whytree.rows(chain)
        ]
        parts.append(_field(f"Five Whys #{n}: {_one(chain.problem)}", "\n".join(lines)))

    # One block per item rather than a table of eight columns, which no terminal of
    # ordinary width can show without breaking words.
    items = Text()
    for item in pm.action_items:
        facts = [
            _one(item.owner) or "no owner",
            f"due {item.due.isoformat()}" if item.due else "no due date",
            item.priority.value,
            item.type.value,
            _one(item.ticket),
            item.status.value,
        ]
        items.append(f"• {_one(item.title)}\n")
        items.append(f"  {' · '.join(f for f in facts if f)}\n", style="dim")
        if item.addresses:
            items.append(f"  addresses: {_one(whytree.text_of(pm, item.addresses))}\n", style="dim")
    parts.append(_items(items) if pm.action_items else _field("Action items", ""))
    parts += _follow_through(pm)
    open_causes = whytree.unaddressed(pm)
    if open_causes and pm.whys:
        parts.append(
            _field(
                "Root causes no action item addresses",
                "\n".join(f"• {cause.text}" for cause in open_causes),
            )
        )
    if pm.conflicts:
        from pmtui.core.merge import describe

        lines = "\n".join(f"• {_one(describe(c))}" for c in pm.conflicts)
        parts.append(
            Text(
                f"⚠ {len(pm.conflicts)} sync conflict(s), kept until resolved "
                "(`pmtui sync resolve`)",
                style="yellow",
            )
        )
        parts.append(_field("Conflicts", lines))
    return Group(*parts)


def _follow_through(pm: Postmortem) -> list[RenderableType]:
    """The review history and the follow-ups this meeting decided, when there are any."""
    from pmtui.core.review import describe

    parts: list[RenderableType] = []
    if pm.follow_ups:
        lines = [
            f"• {_one(f.title)} ({f.meeting_id[:8]}): {_one(f.decision)}" for f in pm.follow_ups
        ]
        parts.append(_field("Follow-ups from earlier postmortems", "\n".join(lines)))
    if pm.history:
        parts.append(_field("Review history", "\n".join(_one(describe(h)) for h in pm.history)))
    return parts
