"""A virtualized table keyed by resource id: shows any view, keeps the cursor on the same resource.

Why not DataTable: it renders and measures every cell of every new row when it goes idle, parses
string cells as markup, and its ``clear()`` + ``add_row`` rebuild allocates per row; at 10,000
snapshots that blocked the UI loop for seconds. This widget uses Textual's line API: it paints
only the visible lines, and measures cells by their cell length (no console render) once per
item object, so a filter that only narrows the rows measures nothing new. Many new rows at once
are measured a few milliseconds at a time, the rest in the background.

Live updates replace cells in place (toolong's rule: replace, don't pile up) and repaint only
their lines. When the set or order of rows changes, the cursor follows its resource.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from time import perf_counter
from typing import Any, ClassVar, NamedTuple, cast

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from snaptui.ui.columns import SCROLLBAR, Cell, Column
from snaptui.ui.columns import row as row_cells
from snaptui.ui.widgets.table_render import (
    as_text,
    cell_widths,
    column_at,
    column_widths,
    fit,
    line_segments,
    line_width,
    max_widths,
    scroll_for_row,
)

MEASURE_BUDGET = 0.008
"""Seconds of measuring new rows inside ``show``, then per turn of the event loop in the
background: 10,000 new rows (about 12 µs each with the snapshot columns on a quiet machine)
never block the UI loop for long."""
MIN_MEASURED = 64
"""Rows measured per step whatever the budget, so the work always advances."""
CACHED_VIEWS = 4
"""Views (column sets) whose measured widths are kept: switching back to one is instant."""
ROWS_KEPT = 500
"""Rows whose cells and painted line are kept (a few screens' worth)."""
MAX_MEASURED_ROWS = 50_000
"""Beyond this many measured rows in one view, rows no longer shown are forgotten."""


@dataclass(slots=True)
class _Entry:
    """One row's cells for every column of the view, and what they were computed from."""

    item: Any
    cells: tuple[Cell, ...]
    widths: tuple[int, ...]
    now: datetime


@dataclass(slots=True)
class _Measures:
    """The widths of one view's rows, including rows a filter hides right now.

    Only widths are kept for every row: tuples of ints, which the garbage collector stops
    tracking, so 10,000 rows do not make every full collection slower. Cells are computed
    again for the rows painted (``ResourceTable._entry``).
    """

    columns: tuple[Column[Any], ...]
    items: dict[str, Any] = field(default_factory=dict)
    """The item object each row's widths were measured from."""
    widths: dict[str, tuple[int, ...]] = field(default_factory=dict)


class _Layout(NamedTuple):
    shown: tuple[int, ...]
    """Indexes of the shown columns among the view's columns."""
    widths: tuple[int, ...]
    labels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TableColumn:
    """A shown column, shaped like DataTable's (``key.value``, ``label``) for callers and tests."""

    key: ColumnKey
    label: Text
    width: int


class _RowMessage:
    """What ResourceTable's row messages add to DataTable's: the table and the row's id."""

    def __init__(self, table: ResourceTable, cursor_row: int, row_id: str) -> None:
        super().__init__(cast(DataTable[Any], table), cursor_row, RowKey(row_id))  # type: ignore[call-arg]
        self.table = table
        self.row_id = row_id

    @property
    def control(self) -> ResourceTable:
        return self.table


class ResourceTable(ScrollView, can_focus=True):
    """Rows are resources (anything with ``.id``); the row key is that id.

    ``show`` displays a view; ``update_items`` replaces rows in place. The first line is the
    header (clicking a label posts ``HeaderSelected``); below it one line per row.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open", id="open"),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "cursor_top", "Top", show=False),
        Binding("end,ctrl+end", "cursor_bottom", "Bottom", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "resource-table--header",
        "resource-table--cursor",
        "resource-table--even-row",
    }

    # The look of DataTable (Textual 8.2), under this widget's own component classes.
    DEFAULT_CSS = """
    ResourceTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;

        &:focus {
            background-tint: $foreground 5%;
            & > .resource-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .resource-table--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark {
            & > .resource-table--even-row {
                background: $surface-darken-1 40%;
            }
        }
        & > .resource-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .resource-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .resource-table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .resource-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    # -- messages -------------------------------------------------------------------------------
    # They subclass DataTable's so that handlers written for DataTable messages (``@on(
    # DataTable.RowHighlighted, "#table")``) still run; ``@on(ResourceTable.RowHighlighted)``
    # is the name to use.

    class RowHighlighted(_RowMessage, DataTable.RowHighlighted):
        """The cursor moved to another resource."""

    class RowSelected(_RowMessage, DataTable.RowSelected):
        """Enter (or a double click) on a row."""

    class HeaderSelected(DataTable.HeaderSelected):
        """A click on a column's label; ``column_key.value`` is the column's key."""

        def __init__(
            self, table: ResourceTable, column_key: str, column_index: int, label: Text
        ) -> None:
            super().__init__(
                cast(DataTable[Any], table), ColumnKey(column_key), column_index, label
            )
            self.table = table

        @property
        def control(self) -> ResourceTable:  # type: ignore[override]
            return self.table

    class Resized(Message):
        """The table's width changed: which columns fit may have changed too."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.items: dict[str, Any] = {}
        """The shown resources by id."""
        self._order: list[str] = []
        """The shown ids, top to bottom."""
        self._view_columns: tuple[Column[Any], ...] = ()
        self._views: dict[int, _Measures] = {}
        """Per view, keyed by the id of its columns tuple (which the value keeps alive)."""
        self._measures = _Measures(())
        """The current view's."""
        self._rows: dict[str, _Entry] = {}
        """Cells of the rows painted (or asked for) lately."""
        self._now: datetime | None = None
        self._room = 0
        self._labels: dict[str, str] = {}
        self._layout: _Layout | None = None
        self._plan_inputs: tuple[int, tuple[str, ...]] | None = None
        self._columns_shown: tuple[Column[Any], ...] = ()
        self._columns: dict[str, TableColumn] = {}
        self._checked: tuple[tuple[int, int], ...] = ()
        """(index among the view's columns, width) of the shown columns sized by content."""
        self._cursor = 0
        self._highlighted: str | None = None
        """The id last announced with RowHighlighted."""
        self._row_index: dict[str, int] | None = None
        self._strips: dict[str, tuple[_Entry, tuple[object, ...], Strip]] = {}
        self._header: tuple[tuple[object, ...], Strip] | None = None
        self._unmeasured: list[Any] = []
        self._row_cost = 20e-6
        """Seconds to measure one row, as last seen."""
        self._relayout_pending = False
        self._style_cache: dict[tuple[bool, bool, bool], tuple[Style, Style]] = {}

    def on_resize(self, event: events.Resize) -> None:
        self.post_message(self.Resized())

    # -- what callers read ----------------------------------------------------------------------

    @property
    def shown_columns(self) -> tuple[Column[Any], ...]:
        return self._columns_shown

    @property
    def columns(self) -> dict[str, TableColumn]:
        """The shown columns by key, left to right."""
        return self._columns

    @property
    def row_count(self) -> int:
        return len(self._order)

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def selected_id(self) -> str | None:
        if not self._order or not 0 <= self._cursor < len(self._order):
            return None
        return self._order[self._cursor]

    @property
    def selected(self) -> Any | None:
        key = self.selected_id
        return self.items.get(key) if key is not None else None

    def get_cell(self, row_id: str, column_key: str) -> Text:
        """The cell of resource *row_id* in column *column_key* (any column of the view).

        Raises KeyError for an unknown row or column.
        """
        for index, column in enumerate(self._view_columns):
            if column.key == column_key:
                return as_text(self._entry(row_id).cells[index])
        raise KeyError(column_key)

    def get_row_at(self, index: int) -> list[Text]:
        """The shown cells of the row at *index*, left to right."""
        cells = self._entry(self._order[index]).cells
        return [as_text(cells[i]) for i in self._shown_index]

    @property
    def _shown_index(self) -> tuple[int, ...]:
        return self._layout.shown if self._layout else ()

    @property
    def _widths(self) -> tuple[int, ...]:
        return self._layout.widths if self._layout else ()

    # -- showing a view -------------------------------------------------------------------------

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
        """Display *items*; redo only what changed. *labels* carry the sort indicator.

        Same columns, labels, widths and order: only the rows whose item object changed are
        repainted (and the visible ones when *now* moved, for their ages). Otherwise the new
        order is laid out, the cursor staying on its resource (*cursor_id* if given).
        """
        self._room = (width or self.size.width or self.app.size.width) - SCROLLBAR
        new_view = columns is not self._view_columns
        if new_view:
            self._switch_view(columns)
        self._labels = {c.key: label for c, label in zip(columns, labels, strict=True)}
        keep_cursor = cursor_id if cursor_id is not None or new_view else self.selected_id
        old_index = 0 if new_view else self._cursor
        now_moved = now != self._now
        self._now = now
        order = [item.id for item in items]
        measured = self._measures.items
        stale = [item for item in items if measured.get(item.id) is not item]
        affordable = self._affordable()
        self._measure(stale[:affordable])
        self._unmeasured = stale[affordable:]
        if len(measured) > MAX_MEASURED_ROWS:
            self._forget_hidden(order)
        same_order = order == self._order
        inputs = (self._room, tuple(labels))
        if stale or not same_order or inputs != self._plan_inputs or self._layout is None:
            layout = self._plan(order)  # widths may have changed
        else:
            layout = self._layout
        self._plan_inputs = inputs
        if same_order and layout == self._layout:
            self._replace_in_place(stale, repaint_all=now_moved)
        else:
            self.items = {item.id: item for item in items}
            self._order = order
            self._row_index = None
            self._lay_out(layout)
            self._restore_cursor(keep_cursor, old_index)
            self.refresh()
        self._measure_in_background()

    def update_items(self, items: Sequence[Any], now: datetime) -> int:
        """Replace rows already shown (live progress) and repaint their lines only.

        Returns the rows touched. Columns widen if a new cell needs it.
        """
        self._now = now
        touched, widened = 0, False
        for item in items:
            if item.id not in self.items:
                continue
            self.items[item.id] = item
            widened = self._overflows(self._entry(item.id).widths) or widened
            self._refresh_row(self._index_of(item.id))
            touched += 1
        if widened:
            self._relayout()
        return touched

    def _switch_view(self, columns: tuple[Column[Any], ...]) -> None:
        measures = self._views.pop(id(columns), None) or _Measures(columns)
        self._views[id(columns)] = measures  # the most recent last
        while len(self._views) > CACHED_VIEWS:
            del self._views[next(iter(self._views))]
        self._measures = measures
        self._view_columns = columns
        self._layout = None
        self._rows.clear()

    def _forget_hidden(self, order: Sequence[str]) -> None:
        old = self._measures
        self._measures = _Measures(
            old.columns,
            {key: old.items[key] for key in order if key in old.items},
            {key: old.widths[key] for key in order if key in old.widths},
        )
        self._views[id(old.columns)] = self._measures

    def _replace_in_place(self, changed: Sequence[Any], *, repaint_all: bool) -> None:
        """The same rows in the same order: swap the *changed* item objects, repaint their lines
        (or every visible line when the time moved: ages are recomputed as lines repaint)."""
        for item in changed:
            self.items[item.id] = item
        if repaint_all or len(changed) > self.size.height:
            self.refresh()
        else:
            for item in changed:
                self._refresh_row(self._index_of(item.id))

    def _plan(self, order: Sequence[str]) -> _Layout:
        """Widths over every row measured so far, and the columns that fit in the room."""
        columns = self._view_columns
        widths_of = self._measures.widths
        rows = list(map(widths_of.get, order))
        if None in rows:  # not measured yet
            rows = [w for w in rows if w is not None]
        measured = max_widths(rows, len(columns))
        labels = [self._labels[c.key] for c in columns]
        widths = column_widths([c.width for c in columns], labels, measured)
        keep = tuple(fit(columns, widths, self._room))
        return _Layout(keep, tuple(widths[i] for i in keep), tuple(labels[i] for i in keep))

    def _lay_out(self, layout: _Layout) -> None:
        """Adopt *layout*: shown columns, their widths; forget painted lines."""
        self._layout = layout
        columns = self._view_columns
        self._columns_shown = tuple(columns[i] for i in layout.shown)
        self._columns = {
            columns[i].key: TableColumn(ColumnKey(columns[i].key), Text(label), width)
            for i, label, width in zip(layout.shown, layout.labels, layout.widths, strict=True)
        }
        self._checked = tuple(
            (i, width)
            for i, width in zip(layout.shown, layout.widths, strict=True)
            if not columns[i].width
        )
        self._forget_lines()

    def _relayout(self) -> None:
        """Re-measure (cheap: cached widths) and adopt the result if the layout changed."""
        self._relayout_pending = False
        if self._layout is None:
            return
        layout = self._plan(self._order)
        if layout != self._layout:
            self._lay_out(layout)
            self.refresh()

    def _forget_lines(self) -> None:
        self._strips.clear()
        self._header = None
        width = line_width(self._widths) if self._layout else 0
        self.virtual_size = Size(width, len(self._order) + 1)

    # -- measuring rows -------------------------------------------------------------------------

    def _measure(self, items: Sequence[Any]) -> None:
        """Record the widths of *items*' cells (the cells themselves are not kept)."""
        assert self._now is not None
        columns, now = self._view_columns, self._now
        measured, widths_of = self._measures.items, self._measures.widths
        began = perf_counter()
        for item in items:
            key = item.id
            measured[key] = item
            widths_of[key] = cell_widths(row_cells(columns, item, now))
        if len(items) >= MIN_MEASURED:  # learn what a row costs on this machine, this view
            cost = (perf_counter() - began) / len(items)
            self._row_cost = (self._row_cost + cost) / 2

    def _affordable(self) -> int:
        """Rows to measure in one step to stay within MEASURE_BUDGET."""
        return max(MIN_MEASURED, int(MEASURE_BUDGET / self._row_cost))

    def _measure_in_background(self) -> None:
        """Measure the rows ``show`` left, a chunk per turn of the loop, then re-fit once."""
        if self._unmeasured and self.is_mounted:
            self.run_worker(self._measure_rest(), group="resource-table-measure", exclusive=True)

    async def _measure_rest(self) -> None:
        while self._unmeasured:
            await asyncio.sleep(0)
            count = self._affordable()
            batch = self._unmeasured[:count]
            del self._unmeasured[:count]
            shown = self.items
            self._measure([item for item in batch if shown.get(item.id) is item])
        self._relayout()

    def _entry(self, row_id: str) -> _Entry:
        """The row's cells for its current item and the table's current time.

        Computing them also refreshes the row's widths; a cell grown wider than its column
        (an age from "59m" to "1h00m") re-fits the columns after this repaint.
        """
        item = self.items[row_id]
        entry = self._rows.get(row_id)
        if entry is None or entry.item is not item or entry.now != self._now:
            assert self._now is not None
            cells = row_cells(self._view_columns, item, self._now)
            entry = _Entry(item, cells, cell_widths(cells), self._now)
            if len(self._rows) > ROWS_KEPT:
                self._rows.clear()
            self._rows[row_id] = entry
            self._measures.items[row_id] = item
            self._measures.widths[row_id] = entry.widths
            if self._overflows(entry.widths) and not self._relayout_pending:
                self._relayout_pending = True
                self.call_after_refresh(self._relayout)
        return entry

    def _overflows(self, widths: tuple[int, ...]) -> bool:
        """Is a cell wider than its (content-sized) column?"""
        return any(widths[i] > width for i, width in self._checked)

    def _index_of(self, row_id: str) -> int:
        if self._row_index is None:
            self._row_index = {key: i for i, key in enumerate(self._order)}
        return self._row_index[row_id]

    # -- the cursor -----------------------------------------------------------------------------

    def move_cursor(
        self,
        *,
        row: int | None = None,
        column: int | None = None,
        animate: bool = False,
        scroll: bool = True,
    ) -> None:
        """Put the cursor on row *row* (clamped); *column* is accepted and ignored (DataTable's
        signature). Posts RowHighlighted when the highlighted resource changes."""
        if row is None or not self._order:
            return
        row = min(max(row, 0), len(self._order) - 1)
        old, self._cursor = self._cursor, row
        if old != row:
            self._refresh_row(old)
            self._refresh_row(row)
        if scroll:
            self._scroll_to_cursor(animate)
        self._announce()

    def _restore_cursor(self, cursor_id: str | None, old_index: int) -> None:
        if not self._order:
            self._cursor = 0
            self._highlighted = None
            return
        try:
            index = self._order.index(cursor_id) if cursor_id else -1
        except ValueError:
            index = -1
        if index < 0:
            index = min(max(old_index, 0), len(self._order) - 1)
        self.move_cursor(row=index, animate=False, scroll=True)

    def _announce(self) -> None:
        key = self.selected_id
        if key is not None and key != self._highlighted:
            self._highlighted = key
            self.post_message(self.RowHighlighted(self, self._cursor, key))

    @property
    def _visible_rows(self) -> int:
        """Rows that fit under the header."""
        return max(self.scrollable_content_region.height - 1, 0)

    def _scroll_to_cursor(self, animate: bool = False, *, deferred: bool = False) -> None:
        if self.size.height == 0:  # not laid out yet: once it is
            if not deferred:
                self.call_after_refresh(self._scroll_to_cursor, deferred=True)
            return
        top = round(self.scroll_y)
        target = scroll_for_row(self._cursor, top, self._visible_rows)
        if target != top:
            self.scroll_to(y=target, animate=animate, force=True)

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self._cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self._cursor + 1)

    def action_page_up(self) -> None:
        page = max(self._visible_rows, 1)
        self.scroll_to(y=max(round(self.scroll_y) - page, 0), animate=False, force=True)
        self.move_cursor(row=self._cursor - page)

    def action_page_down(self) -> None:
        page = max(self._visible_rows, 1)
        self.scroll_to(y=round(self.scroll_y) + page, animate=False, force=True)
        self.move_cursor(row=self._cursor + page)

    def action_cursor_top(self) -> None:
        self.move_cursor(row=0)

    def action_cursor_bottom(self) -> None:
        self.move_cursor(row=len(self._order) - 1)

    def action_select_cursor(self) -> None:
        key = self.selected_id
        if key is not None:
            self.post_message(self.RowSelected(self, self._cursor, key))

    def on_click(self, event: events.Click) -> None:
        """A label sorts (HeaderSelected); a row takes the cursor; a double click opens it."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        x = offset.x + self.scroll_offset.x
        if offset.y == 0:
            index = column_at(self._widths, x)
            if index is not None:
                column = self._columns_shown[index]
                label = self._columns[column.key].label
                self.post_message(self.HeaderSelected(self, column.key, index, label))
            return
        index = offset.y - 1 + self.scroll_offset.y
        if 0 <= index < len(self._order):
            event.stop()
            self.move_cursor(row=index)
            if event.chain >= 2:
                self.action_select_cursor()

    # -- painting -------------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style_cache.clear()
        self._strips.clear()
        self._header = None
        self.refresh()

    def _refresh_row(self, index: int) -> None:
        self.refresh_line(index + 1)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        if y == 0 and self._layout is not None:
            strip = self._header_strip(width)
        else:
            index = y - 1 + scroll_y
            if self._layout is None or not 0 <= index < len(self._order):
                return Strip.blank(width, self._row_styles(False, False)[0])
            strip = self._row_strip(index, width)
        return strip.crop_extend(scroll_x, scroll_x + width, None)

    def _header_strip(self, width: int) -> Strip:
        state = (width, self.has_focus)
        if self._header is not None and self._header[0] == state:
            return self._header[1]
        style = self.get_component_styles("resource-table--header").rich_style
        labels = [Text(label) for label in self._layout.labels] if self._layout else []
        strip = self._paint(labels, style, Style(), width)
        self._header = (state, strip)
        return strip

    def _row_strip(self, index: int, width: int) -> Strip:
        key = self._order[index]
        entry = self._entry(key)
        cursor = index == self._cursor
        state = (width, cursor, index % 2 == 0, self.has_focus)
        cached = self._strips.get(key)
        if cached is not None and cached[0] is entry and cached[1] == state:
            return cached[2]
        row_style, post = self._row_styles(cursor, index % 2 == 0)
        cells = [entry.cells[i] for i in self._shown_index]
        strip = self._paint(cells, row_style, post, width)
        if len(self._strips) > ROWS_KEPT:
            self._strips.clear()
        self._strips[key] = (entry, state, strip)
        return strip

    def _row_styles(self, cursor: bool, even: bool) -> tuple[Style, Style]:
        """(style under the cells, style over them) of a row, as DataTable composes them.

        Cached until the styles change (``notify_style_update``): computing a component's
        style walks the DOM.
        """
        key = (cursor, even, self.has_focus)
        styles = self._style_cache.get(key)
        if styles is None:
            if even:  # DataTable's "even" row is the first one
                base = self.get_component_styles("resource-table--even-row").rich_style
            else:
                base = self.rich_style
            post = Style()
            if cursor:
                highlight = self.get_component_rich_style("resource-table--cursor")
                base += highlight
                # The cursor's colours win over the cells' own (DataTable's "css" priority).
                post = Style.from_color(highlight.color, highlight.bgcolor)
            styles = self._style_cache[key] = (base, post)
        return styles

    def _paint(self, cells: Sequence[Cell], style: Style, post: Style, width: int) -> Strip:
        """One line: the cells composed, styled over *style* (and under *post*), and extended
        in the row's style to the widget's width."""
        length = line_width(self._widths)
        segments = line_segments(cells, self._widths, self.app.console)
        strip = Strip(list(Segment.apply_style(segments, style, post)), length)
        return strip.extend_cell_length(max(width, length), style + post)
