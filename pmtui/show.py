"""Rich renderings of the archive and of one record, for `pmtui list` and `pmtui show`."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.cells import cell_len, set_cell_size
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from pmtui.core import timeutil
from pmtui.core import whys as whytree
from pmtui.core.controls import for_terminal
from pmtui.core.models import Postmortem
from pmtui.core.timeline import marker_warnings, metric_lines
from pmtui.core.whys import CAUSE_LABELS


def print_renderable(renderable: RenderableType, *, wrap: bool = True) -> None:
    Console(highlight=False).print(
        renderable, no_wrap=not wrap, overflow="ellipsis" if not wrap else None
    )


def _day(iso: str | None) -> str:
    return for_terminal(iso[:10]) if isinstance(iso, str) else ""


def _one(value: object) -> str:
    """User text for one line of the terminal: no control, bidi or line-break character."""
    return for_terminal(value if isinstance(value, str) else str(value))


def _many(value: str) -> str:
    """User text that may run over lines: newlines kept, other controls escaped."""
    return for_terminal(value, multiline=True)


def meetings_table(rows: list[dict[str, Any]], width: int | None = None) -> RenderableType:
    """The archive as aligned columns.

    Laid out by hand rather than with rich.Table: a Table of 1,000 rows takes most of a
    second to measure, this takes milliseconds. Widths count terminal cells, so wide
    characters in titles keep the columns straight.
    """
    if not rows:
        return Text("No meetings yet. Start one with `pmtui new` or `pmtui import FILE`.")
    width = width or Console().width
    cells = [
        (
            _one(row["id"][:8]),
            _one(row.get("title", "")),
            _one(row.get("severity", "") or "—"),
            _one(row.get("status", "")),
            _day(row.get("incident_at") or row.get("held_at")),
            str(row.get("open_actions", 0)),
        )
        for row in rows
    ]
    header = ("id", "title", "severity", "status", "date", "open actions")
    fixed = [max(cell_len(r[i]) for r in [header, *cells]) for i in range(len(header))]
    others = sum(fixed) - fixed[1] + 2 * (len(header) - 1)
    fixed[1] = max(12, min(fixed[1], width - others))
    styles = ("bold cyan", "", "", "", "", "")
    text = Text()
    text.append(f"{len(rows)} meeting(s)\n", style="bold")
    for n, line in enumerate([header, *cells]):
        for i, value in enumerate(line):
            cell = set_cell_size(value, fixed[i]) if i != 5 else value.rjust(fixed[i])
            if i == 1 and cell_len(value) > fixed[1]:
                cell = set_cell_size(value, fixed[1] - 1) + "…"
            text.append(cell, style="bold" if n == 0 else styles[i])
            if i < len(line) - 1:
                text.append("  ")
        text.append("\n")
        if n == 0:
            text.append("─" * min(width, sum(fixed) + 2 * (len(header) - 1)) + "\n", "dim")
    text.rstrip()
    return text


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

    timeline = Table(box=box.SIMPLE_HEAD, title="Timeline", title_justify="left")
    timeline.add_column("time", no_wrap=True)
    timeline.add_column("kind", no_wrap=True)
    timeline.add_column("event", overflow="fold")
    for event in pm.sorted_timeline():
        timeline.add_row(
            timeutil.utc_and_local(event.at, tz), event.kind.value, Text(_many(event.text))
        )
    parts.append(timeline)

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
    open_causes = whytree.unaddressed(pm)
    if open_causes and pm.whys:
        parts.append(
            _field(
                "Root causes no action item addresses",
                "\n".join(f"• {cause.text}" for cause in open_causes),
            )
        )
    return Group(*parts)
