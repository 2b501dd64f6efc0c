"""A DataTable that does not render every visible cell again when one row is added.

Textual's DataTable keys its cell cache on a counter that every change bumps (add_row,
update_cell, a resize), so adding one event to a 300-event timeline renders all the
visible cells from scratch: most of the time between Enter and the new row on screen.
Here a body cell's rendering is also kept under everything it is drawn from (its value,
its place, width, styles, cursor and hover, focus), so unchanged cells are reused. The
rendering itself is still DataTable's (this only looks it up first); header cells are
left to DataTable. Written against the pinned Textual (see pyproject.toml).
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.widgets import DataTable

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

    def _clear_caches(self) -> None:
        super()._clear_caches()
        self._steady_cells.clear()

    def notify_style_update(self) -> None:
        self._steady_cells.clear()
        super().notify_style_update()
