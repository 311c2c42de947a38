"""A DataTable keyed by resource id: shows any view, keeps the cursor on the same resource.

Live updates replace cells in place (toolong's rule: replace, don't pile up). A full rebuild
happens only when the set or order of rows changes, and the cursor follows its resource.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from snaptui.ui.columns import CELL_PADDING, SCROLLBAR, Column, row

SAMPLE_ROWS = 300


class ResourceTable(DataTable[Any]):
    """Rows are resources (anything with ``.id``); the row key is that id."""

    BINDINGS = [Binding("enter", "select_cursor", "Open", id="open")]

    class Resized(Message):
        """The table's width changed: which columns fit may have changed too."""

    def on_resize(self, event: events.Resize) -> None:
        self.post_message(self.Resized())

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.items: dict[str, Any] = {}
        self._order: list[str] = []
        self._columns_shown: tuple[Column[Any], ...] = ()
        self._planned: tuple[object, ...] = ()
        """The columns (and labels) chosen before measuring every row; unchanged = same look."""
        self._view_columns: tuple[Column[Any], ...] = ()

    @property
    def shown_columns(self) -> tuple[Column[Any], ...]:
        return self._columns_shown

    @property
    def selected_id(self) -> str | None:
        if not self._order or not 0 <= self.cursor_row < len(self._order):
            return None
        return self._order[self.cursor_row]

    @property
    def selected(self) -> Any | None:
        key = self.selected_id
        return self.items.get(key) if key is not None else None

    def show(
        self,
        columns: tuple[Column[Any], ...],
        labels: Sequence[str],
        items: Sequence[Any],
        now: datetime,
        *,
        cursor_id: str | None = None,
        width: int | None = None,
    ) -> None:
        """Display *items*; rebuild only what changed. *labels* carry the sort indicator."""
        room = (width or self.size.width or self.app.size.width) - SCROLLBAR
        label_of = {c.key: label for c, label in zip(columns, labels, strict=True)}
        # Which columns fit is decided on measured widths of a sample (cheap for 10,000 rows),
        # then the kept columns are measured over every row.
        sample = [row(columns, item, now) for item in items[:SAMPLE_ROWS]]
        keep = _fit(columns, _widths(columns, label_of, sample), room)
        shown = tuple(columns[i] for i in keep)
        shown_labels = tuple(label_of[c.key] for c in shown)
        new_view = columns is not self._view_columns
        self._view_columns = columns
        keep_cursor = cursor_id if cursor_id is not None or new_view else self.selected_id
        old_index = 0 if new_view else self.cursor_row
        order = [item.id for item in items]
        planned = (shown, shown_labels)
        if planned == self._planned and order == self._order:
            changed = [item for item in items if self.items.get(item.id) is not item]
            self.update_items(changed, now)
            return
        rows = [row(shown, item, now) for item in items]
        widths = _widths(shown, label_of, rows)
        again = _fit(shown, widths, room)
        if len(again) < len(shown):
            shown = tuple(shown[i] for i in again)
            shown_labels = tuple(label_of[c.key] for c in shown)
            widths = [widths[i] for i in again]
            rows = [tuple(cells[i] for i in again) for cells in rows]
        self.clear(columns=True)
        for column, column_width in zip(shown, widths, strict=True):
            self.add_column(label_of[column.key], key=column.key, width=column_width)
        self._columns_shown, self._planned = shown, planned
        self.items = {item.id: item for item in items}
        self._order = order
        for item, cells in zip(items, rows, strict=True):
            self.add_row(*cells, key=item.id)
        self._restore_cursor(keep_cursor, old_index)

    def _restore_cursor(self, cursor_id: str | None, old_index: int) -> None:
        if not self._order:
            return
        try:
            index = self._order.index(cursor_id) if cursor_id else -1
        except ValueError:
            index = -1
        if index < 0:
            index = min(max(old_index, 0), len(self._order) - 1)
        self.move_cursor(row=index, animate=False, scroll=True)

    def update_items(self, items: Sequence[Any], now: datetime) -> int:
        """Replace the cells of rows already shown (live progress); returns rows touched."""
        touched = 0
        for item in items:
            if item.id not in self.items:
                continue
            self.items[item.id] = item
            cells = row(self._columns_shown, item, now)
            for column, cell in zip(self._columns_shown, cells, strict=True):
                self.update_cell(item.id, column.key, cell)
            touched += 1
        return touched


def _fit(columns: Sequence[Column[Any]], widths: Sequence[int], room: int) -> list[int]:
    """Indexes of the columns to keep: drop the least important (highest priority number,
    rightmost first) until the measured widths fit in *room*; priority 0 always stays."""
    keep = list(range(len(columns)))
    while sum(widths[i] + CELL_PADDING for i in keep) > room:
        droppable = [i for i in keep if columns[i].priority > 0]
        if not droppable:
            break
        keep.remove(max(droppable, key=lambda i: (columns[i].priority, i)))
    # A less important but narrow column may still fit in what a wide one left.
    used = sum(widths[i] + CELL_PADDING for i in keep)
    for i in sorted(set(range(len(columns))) - set(keep), key=lambda i: (columns[i].priority, i)):
        if used + widths[i] + CELL_PADDING <= room:
            keep.append(i)
            used += widths[i] + CELL_PADDING
    return sorted(keep)


def _widths(
    columns: Sequence[Column[Any]], label_of: dict[str, str], rows: Sequence[Sequence[object]]
) -> list[int]:
    return [
        column.width or max([cell_len(label_of[column.key]), *(_width(r[i]) for r in rows)])
        for i, column in enumerate(columns)
    ]


def _width(cell: object) -> int:
    """Cells a value takes on screen.

    Columns get explicit widths from their content: DataTable's own auto-width measures rows
    only when its queue goes idle and keeps lines it painted before, so new rows could show
    clipped to the label width until the next key press.
    """
    return cell.cell_len if isinstance(cell, Text) else cell_len(str(cell))
