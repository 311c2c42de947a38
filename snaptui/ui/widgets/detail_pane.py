"""The pane that shows every attribute and tag of the selected resource."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static


def detail_table(rows: Sequence[tuple[str, str | Text]]) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for label, value in rows:
        table.add_row(label, value)
    return table


class DetailPane(VerticalScroll, can_focus=False):
    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="detail-body")

    def show(self, rows: Sequence[tuple[str, str | Text]]) -> None:
        body = self.query_one("#detail-body", Static)
        body.update(detail_table(rows) if rows else Text("Nothing selected", style="dim"))
