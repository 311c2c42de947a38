"""A DataTable keyed by resource id that fills page by page and keeps its cursor on refresh."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Generic, Protocol, TypeVar

from textual.widgets import DataTable

from snaptui.ui.columns import Column, row, visible_columns


class HasId(Protocol):
    @property
    def id(self) -> str: ...


M = TypeVar("M", bound=HasId)


class ResourceTable(DataTable[object], Generic[M]):
    """Rows are resources; the row key is the resource id, so updates replace rows in place."""

    def __init__(self, columns: tuple[Column[M], ...], *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.all_columns = columns
        self.items: dict[str, M] = {}

    def on_mount(self) -> None:
        self._build_columns()

    def _build_columns(self) -> None:
        self.shown = visible_columns(self.all_columns, self.app.size.width)
        self.clear(columns=True)
        for column in self.shown:
            self.add_column(column.label, key=column.key, width=column.width)

    def replace_all(self, items: Iterable[M], now: datetime | None = None) -> None:
        self.clear()
        self.items.clear()
        self.add_items(items, now)

    def add_items(self, items: Iterable[M], now: datetime | None = None) -> None:
        now = now or datetime.now(UTC)
        for item in items:
            self.items[item.id] = item
            self.add_row(*row(self.shown, item, now), key=item.id)

    @property
    def selected(self) -> M | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return self.items.get(key) if key is not None else None
