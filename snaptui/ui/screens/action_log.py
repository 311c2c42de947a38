"""``@``: the AWS calls made in this session — operation, ids, outcome, request id, duration."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from snaptui.aws.context import CallRecord
from snaptui.ui.render import CALL_RECORD_LABELS, call_record_cells


class ActionLogScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,at", "dismiss", "Close", id="close_log")]

    def __init__(self, records: Sequence[CallRecord]) -> None:
        super().__init__()
        self.records = list(records)

    def compose(self) -> ComposeResult:
        yield Static(
            f" AWS calls this session: {len(self.records)} (newest first; ids only, "
            "never credentials) — esc closes",
            id="log-title",
        )
        yield DataTable(id="log-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#log-table", DataTable)
        table.add_columns(*CALL_RECORD_LABELS)
        local = None
        for record in reversed(self.records):
            table.add_row(*call_record_cells(record, local))
        table.focus()
