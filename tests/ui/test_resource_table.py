"""ResourceTable on its own: a tiny App, synthetic resources, what a user sees and does."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from snaptui.ui.columns import Column
from snaptui.ui.widgets.resource_table import ResourceTable

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Disk:
    id: str
    name: str
    size: int
    state: str = "available"
    age: timedelta = timedelta(hours=1)


COLUMNS: tuple[Column[Disk], ...] = (
    Column("id", "Disk", lambda d, now: d.id, 0),
    Column("name", "Name", lambda d, now: d.name or "-", 1),
    Column("state", "State", lambda d, now: Text(d.state, style="green"), 0),
    Column("size", "Size", lambda d, now: f"{d.size} GiB", 2),
    Column("age", "Age", lambda d, now: f"{int((now - (NOW - d.age)).total_seconds())}s", 3),
)
LABELS = [c.label for c in COLUMNS]


def disks(count: int, prefix: str = "d") -> list[Disk]:
    return [Disk(f"{prefix}-{i:05d}", f"disk {i}", 8 * (i % 5 + 1)) for i in range(count)]


class TableApp(App[None]):
    def __init__(self, items: list[Disk]) -> None:
        super().__init__()
        self.initial = items
        self.messages: list[Any] = []

    def compose(self) -> ComposeResult:
        yield ResourceTable(id="table")

    def on_mount(self) -> None:
        self.table.show(COLUMNS, LABELS, self.initial, NOW)
        self.table.focus()

    @property
    def table(self) -> ResourceTable:
        return self.query_one(ResourceTable)

    @on(ResourceTable.RowHighlighted)
    @on(ResourceTable.RowSelected)
    @on(ResourceTable.HeaderSelected)
    def record(self, message: Any) -> None:
        self.messages.append(message)

    def of(self, kind: type) -> list[Any]:
        return [m for m in self.messages if isinstance(m, kind)]


def screen_lines(table: ResourceTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


async def test_rows_are_rendered_with_a_header_and_cells_as_text():
    app = TableApp(disks(30))
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        table = app.table
        assert table.row_count == 30
        assert [str(c) for c in table.get_row_at(1)] == ["d-00001", "disk 1", "available",
                                                         "16 GiB", "3600s"]  # fmt: skip
        assert isinstance(table.get_cell("d-00002", "state"), Text)
        assert str(table.get_cell("d-00002", "size")) == "24 GiB"
        assert [str(c.key.value) for c in table.columns.values()] == [c.key for c in COLUMNS]
        assert str(table.columns["name"].label) == "Name"
        lines = screen_lines(table)
        assert lines[0].startswith(" Disk     Name     State      Size    Age")
        assert lines[1].startswith(" d-00000  disk 0   available  8 GiB   3600s")
        assert len(lines[1]) == table.size.width
        assert "d-00010" in lines[-1]  # 11 rows under the header, no more
        screenshot = app.export_screenshot()
        assert "d-00005" in screenshot and "d-00020" not in screenshot


async def test_strings_are_never_parsed_as_markup():
    app = TableApp([Disk("d-1", "[bold]not markup[/bold]", 8)])
    async with app.run_test(size=(80, 6)) as pilot:
        await pilot.pause()
        assert "[bold]not markup[/bold]" in screen_lines(app.table)[1]


async def test_keys_move_the_cursor_and_post_highlighted_then_enter_selects():
    app = TableApp(disks(100))
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        table = app.table
        assert table.cursor_row == 0 and table.selected_id == "d-00000"
        await pilot.press("down", "down")
        assert table.cursor_row == 2 and table.selected_id == "d-00002"
        await pilot.press("pagedown")
        assert table.cursor_row == 2 + 11
        await pilot.press("end")
        assert table.selected_id == "d-00099"
        assert "d-00099" in screen_lines(table)[-1]  # scrolled into view
        await pilot.press("home", "up")  # up at the top stays there
        assert table.cursor_row == 0 and table.scroll_y == 0
        await pilot.press("down", "enter")
        await pilot.pause()
        highlighted = app.of(ResourceTable.RowHighlighted)
        assert [m.row_id for m in highlighted][-3:] == ["d-00099", "d-00000", "d-00001"]
        assert highlighted[-1].cursor_row == 1 and highlighted[-1].row_key.value == "d-00001"
        selected = app.of(ResourceTable.RowSelected)
        assert [m.row_id for m in selected] == ["d-00001"]
        assert selected[0].control is table


async def test_j_and_k_are_left_to_the_app():
    app = TableApp(disks(10))
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.press("j", "j", "k")
        assert app.table.cursor_row == 0


async def test_messages_still_reach_handlers_written_for_datatable():
    received: list[str] = []

    class Legacy(TableApp):
        @on(DataTable.RowHighlighted, "#table")
        def legacy_highlighted(self, event: DataTable.RowHighlighted) -> None:
            received.append(f"highlighted {event.row_key.value}")

        @on(DataTable.RowSelected, "#table")
        def legacy_selected(self, event: DataTable.RowSelected) -> None:
            received.append(f"selected {event.row_key.value}")

        @on(DataTable.HeaderSelected, "#table")
        def legacy_header(self, event: DataTable.HeaderSelected) -> None:
            received.append(f"header {event.column_key.value}")

    app = Legacy(disks(5))
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.press("down", "enter")
        await pilot.click(ResourceTable, offset=(12, 0))
        await pilot.pause()
        assert received[-3:] == ["highlighted d-00001", "selected d-00001", "header name"]


async def test_clicks_header_sorts_row_moves_cursor_double_click_opens():
    app = TableApp(disks(20))
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        # " Disk     Name     State      Size    Age" -- Size starts at x=29
        await pilot.click(ResourceTable, offset=(30, 0))
        await pilot.pause()
        headers = app.of(ResourceTable.HeaderSelected)
        assert [h.column_key.value for h in headers] == ["size"]
        assert headers[0].column_index == 3 and headers[0].label.plain == "Size"
        await pilot.click(ResourceTable, offset=(3, 4))
        await pilot.pause()
        assert app.table.selected_id == "d-00003"
        assert not app.of(ResourceTable.RowSelected)
        await pilot.double_click(ResourceTable, offset=(3, 5))
        await pilot.pause()
        assert app.table.selected_id == "d-00004"
        assert [m.row_id for m in app.of(ResourceTable.RowSelected)] == ["d-00004"]


async def test_update_in_place_keeps_the_cursor_and_repaints_only_that_row():
    items = disks(50)
    app = TableApp(items)
    async with app.run_test(size=(80, 12)) as pilot:
        table = app.table
        table.move_cursor(row=3)
        await pilot.pause()
        layout, order = table._layout, table._order
        screen_lines(table)  # paints (and caches) the visible lines
        kept = {key: cached[2] for key, cached in table._strips.items()}
        changed = replace(items[5], state="in-use")
        repainted: list[int] = []
        refresh_row = table._refresh_row
        table._refresh_row = lambda index: repainted.append(index) or refresh_row(index)  # type: ignore[method-assign]

        table.show(COLUMNS, LABELS, [*items[:5], changed, *items[6:]], NOW)

        assert table._layout is layout and table._order is order  # no rebuild
        assert repainted == [5]
        assert table.items["d-00005"] is changed
        assert str(table.get_cell("d-00005", "state")) == "in-use"
        assert table.selected_id == "d-00003"
        screen_lines(table)
        assert table._strips["d-00004"][2] is kept["d-00004"]  # other lines not redrawn
        assert table._strips["d-00005"][2] is not kept["d-00005"]

        repainted.clear()
        again = replace(changed, state="deleting")
        assert table.update_items([again, Disk("unknown", "", 1)], NOW) == 1
        assert repainted == [5] and "deleting" in screen_lines(table)[6]


async def test_a_wider_cell_widens_its_column():
    items = disks(5)
    app = TableApp(items)
    async with app.run_test(size=(100, 12)) as pilot:
        await pilot.pause()
        table = app.table
        assert table.columns["state"].width == len("available")
        table.update_items([replace(items[2], state="in-use (attaching)")], NOW)
        await pilot.pause()
        assert table.columns["state"].width == len("in-use (attaching)")
        assert "in-use (attaching)" in screen_lines(table)[3]


async def test_reshow_in_another_order_keeps_the_cursor_on_the_same_resource():
    items = disks(40)
    app = TableApp(items)
    async with app.run_test(size=(80, 12)) as pilot:
        table = app.table
        table.move_cursor(row=7)
        await pilot.pause()
        table.show(COLUMNS, LABELS, list(reversed(items)), NOW)
        await pilot.pause()
        assert table.selected_id == "d-00007" and table.cursor_row == 32
        assert "d-00007" in "".join(screen_lines(table))  # scrolled to it
        # A filter that hides the row: the cursor stays at the same position.
        table.show(COLUMNS, LABELS, items[20:], NOW)
        assert table.cursor_row == 19 and table.selected_id == "d-00039"
        # cursor_id wins
        table.show(COLUMNS, LABELS, items, NOW, cursor_id="d-00011")
        assert table.selected_id == "d-00011"


async def test_narrow_tables_drop_the_least_important_columns():
    app = TableApp(disks(5))
    async with app.run_test(size=(34, 8)) as pilot:
        await pilot.pause()
        keys = list(app.table.columns)
        assert "id" in keys and "state" in keys and "age" not in keys


async def test_empty_table_shows_the_header_only():
    app = TableApp([])
    async with app.run_test(size=(80, 6)) as pilot:
        await pilot.pause()
        table = app.table
        assert table.row_count == 0 and table.selected_id is None and table.selected is None
        lines = screen_lines(table)
        assert lines[0].startswith(" Disk ") and all(not line.strip() for line in lines[1:])
        await pilot.press("down", "enter", "end", "pagedown")
        assert not app.of(ResourceTable.RowSelected)
        table.show(COLUMNS, LABELS, disks(3), NOW)
        await pilot.pause()
        assert table.selected_id == "d-00000"
        assert [m.row_id for m in app.of(ResourceTable.RowHighlighted)] == ["d-00000"]


async def test_ages_follow_now_for_the_rows_painted():
    app = TableApp(disks(3))
    async with app.run_test(size=(80, 6)) as pilot:
        await pilot.pause()
        table = app.table
        table.show(COLUMNS, LABELS, list(table.items.values()), NOW + timedelta(seconds=5))
        await pilot.pause()
        assert "3605s" in screen_lines(table)[1]


async def test_ten_thousand_rows_show_and_scroll(capsys):
    from time import perf_counter

    items = disks(10_000)
    app = TableApp([])
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.table
        began = perf_counter()
        table.show(COLUMNS, LABELS, items, NOW)
        shown = perf_counter()
        await pilot.pause()
        while table._unmeasured:  # the rest are measured in the background
            await pilot.pause()
        assert table.row_count == 10_000 and table.selected_id == "d-00000"
        began_filter = perf_counter()
        table.show(COLUMNS, LABELS, items[::3], NOW)
        filtered = perf_counter()
        assert table.row_count == 3_334
        await pilot.press("end")
        assert table.selected_id == "d-09999"
        assert "d-09999" in screen_lines(table)[-1]
        with capsys.disabled():
            print(
                f"\n[10,000 rows] show {1000 * (shown - began):.1f} ms, "
                f"re-show 3,334 {1000 * (filtered - began_filter):.1f} ms"
            )


async def test_rows_measured_in_the_background_widen_their_column():
    items = disks(10_000)
    items[-1] = Disk("d-09999", "a much longer name than the others", 8)
    app = TableApp([])
    async with app.run_test(size=(120, 12)) as pilot:
        table = app.table
        table.show(COLUMNS, LABELS, items, NOW)
        assert table._unmeasured  # show() measured only what its time budget allowed
        assert table.columns["name"].width < len(items[-1].name)
        while table._unmeasured:
            await pilot.pause()
        await pilot.pause()
        assert table.columns["name"].width == len(items[-1].name)
        assert table.selected_id == "d-00000"
