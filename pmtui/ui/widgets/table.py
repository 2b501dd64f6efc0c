"""A DataTable that does not render every visible cell again when one row is added.

Textual's DataTable keys its cell cache on a counter that every change bumps (add_row,
update_cell, a resize), so adding one event to a 300-event timeline renders all the
visible cells from scratch: most of the time between Enter and the new row on screen.
Here a body cell's rendering is also kept under everything it is drawn from (its value,
its place, width, styles, cursor and hover, focus), so unchanged cells are reused. The
rendering itself is still DataTable's (this only looks it up first); header cells are
left to DataTable. New rows are measured by their text where they are one line of
text (`_update_dimensions`), and many rows can be added at once (`add_rows_at_once`).
Written against the pinned Textual (see pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.widgets import DataTable
from textual.widgets.data_table import Row, RowKey

SegmentLines = list[list[Segment]]


class RowTable(DataTable[Any]):
    """A table of rows where Home and End go to the first and last row (DataTable's own
    Home and End scroll sideways), as in every list of the meeting."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home", "first_row", "First", show=False),
        Binding("end", "last_row", "Last", show=False),
    ]

    def action_first_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=0)

    def action_last_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1)


class CellCachedTable(RowTable):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Set first: DataTable's own set-up may already clear the caches.
        self._steady_cells: LRUCache[tuple[Any, ...], tuple[object, SegmentLines]] = LRUCache(10000)
        super().__init__(*args, **kwargs)

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> SegmentLines:
        if row_index < 0 or column_index < 0:  # the header row, row labels
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        row = self.rows.get(row_key) if row_key is not None else None
        if row is None or column_key is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        value = self._data[row_key].get(column_key)
        key = (
            row_key,
            column_key,
            row_index,
            column_index,
            base_style,
            width,
            cursor,
            hover,
            row.height,
            row.auto_height,
            self.cell_padding,
            self.show_cursor,
            self.cursor_type,
            self._show_hover_cursor,
            self.fixed_rows,
            self.fixed_columns,
            self.cursor_foreground_priority,
            self.cursor_background_priority,
            self._pseudo_class_state,
        )
        cached = self._steady_cells.get(key)
        if cached is not None and cached[0] is value:
            return cached[1]
        lines = super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        self._steady_cells[key] = (value, lines)
        return lines

    def add_rows_at_once(
        self, rows: list[tuple[Any, ...]], keys: list[str], heights: list[int] | None = None
    ) -> None:
        """Add many rows at the end, as `add_row` would one by one (one line each unless
        `heights` says otherwise).

        `add_row` re-validates the cursor (a reactive) for every row, which for a
        timeline of 10,000 events is over a second before the first frame; here the
        rows go in together and the cursor is checked once."""
        if not rows:
            return
        columns = self.ordered_columns
        start = self.row_count
        heights = heights or [1] * len(rows)
        for offset, (cells, key, height) in enumerate(zip(rows, keys, heights, strict=True)):
            row_key = RowKey(key)
            if row_key in self._row_locations:
                raise ValueError(f"The row key {key!r} already exists.")
            self._row_locations[row_key] = start + offset
            self._data[row_key] = {
                column.key: cell for column, cell in zip(columns, cells, strict=True)
            }
            self.rows[row_key] = Row(row_key, height)
            self._new_rows.add(row_key)
        self._require_update_dimensions = True
        was_empty = start == 0
        self.cursor_coordinate = self.cursor_coordinate
        if was_empty and self.columns and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()
        self._update_count += 1
        self.check_idle()

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """Measure one-line cells by their text instead of through Rich.

        DataTable measures every cell of every new row with Rich's measuring protocol: a
        timeline of 10,000 events took seconds to open. A one-line plain string or Text
        is as wide as its characters' cells, which is what Rich would have found; other
        cells (and rows of automatic height) are still left to DataTable."""
        others = []
        columns = self.ordered_columns
        for row_key in new_rows:
            row = self.rows.get(row_key)
            data = self._data.get(row_key)
            if row is None or data is None or row.auto_height or row.label is not None:
                others.append(row_key)
                continue
            widths = []
            for column in columns:
                value = data.get(column.key)
                plain = value.plain if isinstance(value, Text) else value
                # A str cell is read as markup by DataTable: "[" may not show as typed.
                markup = not isinstance(value, Text) and "[" in str(value)
                if not isinstance(plain, str) or "\n" in plain or markup:
                    break
                widths.append(len(plain) if plain.isascii() else cell_len(plain))
            else:
                for column, width in zip(columns, widths, strict=True):
                    if width > column.content_width:
                        column.content_width = width
                continue
            others.append(row_key)
        super()._update_dimensions(others)

    def _clear_caches(self) -> None:
        super()._clear_caches()
        self._steady_cells.clear()

    def notify_style_update(self) -> None:
        self._steady_cells.clear()
        super().notify_style_update()
