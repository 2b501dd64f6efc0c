"""A timeline kept during the incident in a spreadsheet or a document: a CSV file or a
Markdown table with a time column and an event column, a kind column optional.

Times are read as the facilitator's typed times are (`pmtui.core.timeparse`): `14:32`,
`2:32pm`, `2026-11-20 14:32`, ISO-8601; a time without a date takes the date of the row
above (23:58 then 00:03 is the next day). A separate date column is read too.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, tzinfo

from pmtui.core import timeutil
from pmtui.core.importers import Batch, Entry, ImportFormatError, clean, shown
from pmtui.core.models import EventKind
from pmtui.core.timeparse import parse_event_time

TIME_HEADERS = (
    "time",
    "when",
    "timestamp",
    "at",
    "time (utc)",
    "datetime",
    "date/time",
    "date time",
)
DATE_HEADERS = ("date", "day")
TEXT_HEADERS = (
    "event",
    "what",
    "what happened",
    "description",
    "text",
    "summary",
    "details",
    "note",
    "notes",
    "message",
)
KIND_HEADERS = ("kind", "type", "marker", "category")
KIND_WORDS = {
    "start": EventKind.START,
    "impact": EventKind.START,
    "impact start": EventKind.START,
    "began": EventKind.START,
    "detection": EventKind.DETECTION,
    "detected": EventKind.DETECTION,
    "detect": EventKind.DETECTION,
    "mitigation": EventKind.MITIGATION,
    "mitigated": EventKind.MITIGATION,
    "mitigate": EventKind.MITIGATION,
    "resolution": EventKind.RESOLUTION,
    "resolved": EventKind.RESOLUTION,
    "resolve": EventKind.RESOLUTION,
    "event": EventKind.EVENT,
    "": EventKind.EVENT,
}
_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")


def read_csv(text: str, *, tz: tzinfo, day: date | None, source: str = "") -> Batch:
    """Entries from CSV text (comma, semicolon or tab separated, as a spreadsheet saves)."""
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as error:
        raise ImportFormatError(f"is not CSV ({error})", source=source) from None
    return _rows(rows, tz=tz, day=day, source=source, first_line=1)


def read_markdown(text: str, *, tz: tzinfo, day: date | None, source: str = "") -> Batch:
    """Entries from the first Markdown table in `text`."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().startswith("|")), None)
    if start is None or start + 1 >= len(lines) or not _SEPARATOR.match(lines[start + 1].strip()):
        raise ImportFormatError(
            "has no Markdown table (a header row, then |---|---|)", source=source
        )
    rows = [_cells(lines[start])]
    for line in lines[start + 2 :]:
        if not line.strip().startswith("|"):
            break
        rows.append(_cells(line))
    return _rows(rows, tz=tz, day=day, source=source, first_line=start + 1, skip_separator=True)


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    cells = re.split(r"(?<!\\)\|", body)
    return [cell.strip().replace("\\|", "|") for cell in cells]


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [clean(h).lower().strip("*_` ") for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def _cells_of(row: list[str]) -> Callable[[int | None], str]:
    return lambda i: row[i].strip() if i is not None and i < len(row) else ""


def _rows(
    rows: list[list[str]],
    *,
    tz: tzinfo,
    day: date | None,
    source: str,
    first_line: int,
    skip_separator: bool = False,
) -> Batch:
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise ImportFormatError("is empty", source=source)
    header = rows[0]
    at_col = _column(header, TIME_HEADERS)
    date_col = _column(header, DATE_HEADERS)
    text_col = _column(header, TEXT_HEADERS)
    kind_col = _column(header, KIND_HEADERS)
    if at_col is None and date_col is not None:
        at_col, date_col = date_col, None
    if at_col is None or text_col is None:
        found = ", ".join(shown(h) for h in header[:6])
        raise ImportFormatError(
            f"needs a time column and an event column (found {found})", source=source, entry="row 1"
        )
    batch = Batch()
    previous = None
    if day is not None:
        previous = timeutil.localize(datetime.combine(day, time(0)), tz).astimezone(UTC)
    # Only a date the file or the caller gives is used, never today's.
    now = datetime(1900, 1, 1, tzinfo=UTC)
    for n, row in enumerate(rows[1:], 2):
        where = f"row {n}"
        cell = _cells_of(row)
        raw_time, text = cell(at_col), clean(cell(text_col))
        if date_col is not None and cell(date_col):
            raw_time = f"{cell(date_col)} {raw_time}".strip()
        if not raw_time and not text:
            continue
        if not text:
            raise ImportFormatError("has no event text", source=source, entry=where)
        try:
            parsed = parse_event_time(raw_time, tz=tz, previous=previous, now=now)
        except timeutil.TimeError as error:
            raise ImportFormatError(str(error), source=source, entry=where) from None
        if parsed.at.year <= 1900:
            raise ImportFormatError(
                f"{shown(raw_time)} has no date, and no row above gives one (write the date "
                "in the first row, or give --date)",
                source=source,
                entry=where,
            )
        word = clean(cell(kind_col)).lower()
        if word not in KIND_WORDS:
            allowed = "start, detection, mitigation, resolution, event"
            raise ImportFormatError(
                f"kind {shown(word)} is not one of: {allowed}", source=source, entry=where
            )
        previous = parsed.at
        batch.entries.append(Entry(at=parsed.at, text=text, kind=KIND_WORDS[word]))
    batch.sort()
    return batch
