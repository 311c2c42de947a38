"""Two snapshots side by side: metadata and tags at once, changed blocks as they are listed.

The metadata diff is pure and instant; the changed blocks come from ListChangedBlocks in a
worker that can be cancelled (esc) and whose result is cached per pair by the app.
"""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from snaptui.aws.compare import Comparison, compare_snapshots
from snaptui.aws.diff import metadata_diff, older_first
from snaptui.aws.errors import AwsError
from snaptui.aws.models import Snapshot
from snaptui.ui.compare_rows import COLUMNS, compare_rows
from snaptui.ui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from snaptui.ui.app import SnaptuiApp


class CompareScreen(Screen[None]):
    BINDINGS = [Binding("escape,q", "close", "Back (cancels a running compare)", id="close")]

    def __init__(self, a: Snapshot, b: Snapshot) -> None:
        super().__init__()
        self.older, self.newer, _ = older_first(a, b)
        self.cancel_flag = threading.Event()
        self.comparison: Comparison | None = None

    @property
    def snap(self) -> SnaptuiApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield Static(
            f" Compare  {self.older.id} (older)  →  {self.newer.id} (newer)", id="compare-title"
        )
        yield DataTable(id="compare-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="compare-progress")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(StatusBar).info = self.snap.session_info
        table = self.query_one("#compare-table", DataTable)
        table.add_columns(*COLUMNS)
        self.show_rows(metadata_diff(self.older, self.newer))
        self.set_progress("Listing changed blocks… (esc cancels)")
        table.focus()
        self.run_compare()

    def strip_width(self) -> int:
        return max(20, min(64, (self.size.width or self.app.size.width) // 2 - 22))

    def show_rows(self, comparison) -> None:  # type: ignore[no-untyped-def]
        table = self.query_one("#compare-table", DataTable)
        table.clear()
        for field, older, newer in compare_rows(
            comparison, self.snap.now(), strip_width=self.strip_width()
        ):
            table.add_row(field, older, newer)

    def set_progress(self, text: str) -> None:
        self.query_one("#compare-progress", Static).update(f" {text}")

    def _progress(self, blocks: int) -> None:
        self.set_progress(f"Listing changed blocks… {blocks:,} so far (esc cancels)")

    @work(exclusive=True, group="compare", exit_on_error=False)
    async def run_compare(self) -> None:
        loop = asyncio.get_running_loop()
        cache = self.snap.compare_cache
        older, newer, flag = self.older, self.newer, self.cancel_flag

        def report(blocks: int) -> None:  # called on the AWS thread
            loop.call_soon_threadsafe(self._progress, blocks)

        try:
            comparison = await self.snap.client.run(
                lambda service: compare_snapshots(
                    service.ctx, older, newer, cache=cache, progress=report, cancel=flag
                )
            )
        except AwsError as exc:
            self.set_progress(f"Compare failed: {exc}")
            return
        if flag.is_set():
            return
        self.comparison = comparison
        self.show_rows(comparison)
        blocks = comparison.blocks
        title = getattr(blocks, "title", None)
        self.set_progress(f"Changed blocks: {title}" if title else "Done")

    def action_close(self) -> None:
        self.cancel_flag.set()
        self.workers.cancel_group(self, "compare")
        self.dismiss()
