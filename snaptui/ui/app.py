"""The snaptui application: a thin shell that owns the AWS client and the top-level screen."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from snaptui.aws.client import AwsClient
from snaptui.aws.errors import AwsError
from snaptui.aws.models import Instance
from snaptui.aws.settings import AwsSettings
from snaptui.ui.columns import INSTANCE_COLUMNS
from snaptui.ui.widgets.resource_table import ResourceTable
from snaptui.ui.widgets.status_bar import SessionInfo, StatusBar


class SnaptuiApp(App[None]):
    CSS_PATH = Path(__file__).with_name("snaptui.tcss")
    TITLE = "snaptui"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("r", "refresh", "Refresh", id="refresh"),
    ]

    def __init__(
        self,
        settings: AwsSettings,
        *,
        demo: bool = False,
        profile_label: str = "default",
        endpoint_label: str = "AWS",
        startup_problem: str | None = None,
        client: AwsClient | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.client = client or AwsClient(settings)
        self.session_info = SessionInfo(
            profile=profile_label,
            region=settings.region,
            endpoint=endpoint_label,
            demo=demo,
            read_only=settings.read_only,
        )
        self.startup_problem = startup_problem
        self._opened = False

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield Static(id="message", classes="-hidden")
        yield ResourceTable[Instance](INSTANCE_COLUMNS, id="instances")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(StatusBar).info = self.session_info
        if self.startup_problem:
            self.show_message(self.startup_problem, error=False)
        self.load_instances()

    def show_message(self, text: str, *, error: bool = True) -> None:
        message = self.query_one("#message", Static)
        message.update(text)
        message.set_class(error, "-error")
        message.remove_class("-hidden")

    def clear_message(self) -> None:
        self.query_one("#message", Static).add_class("-hidden")

    async def _ensure_open(self) -> None:
        if self._opened:
            return
        await self.client.open()
        self._opened = True
        identity = await self.client.identity()
        self.session_info = self.session_info.with_identity(identity.account, identity.arn)
        self.query_one(StatusBar).info = self.session_info

    @work(exclusive=True, group="instances", exit_on_error=False)
    async def load_instances(self) -> None:
        table = self.query_one("#instances", ResourceTable)
        table.loading = True
        try:
            await self._ensure_open()
            first = True
            async for page in self.client.instances():
                if first:
                    table.replace_all(page)
                    table.loading = False
                    first = False
                else:
                    table.add_items(page)
            if first:
                table.replace_all([])
            self.clear_message()
            self.session_info = replace(self.session_info, refreshed=datetime.now().astimezone())
            self.query_one(StatusBar).info = self.session_info
        except AwsError as exc:
            self.show_message(f"{exc}  — press r to retry")
        finally:
            table.loading = False

    def action_refresh(self) -> None:
        self.load_instances()

    async def action_quit(self) -> None:
        await self.client.close()
        self.exit()

    async def on_unmount(self) -> None:
        await self.client.close()
