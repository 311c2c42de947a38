"""The confirmation: exactly what will happen, whether IAM allows it, and an explicit yes.

Creating things asks once with Cancel focused. Destroying asks for the resource id to be typed
(all of it, or its last characters); the button stays disabled until it matches.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from snaptui.aws.action_results import Permission
from snaptui.ui.action_specs import typed_id_matches

CHECK_STYLES = {"blocked": "bold red", "warn": "bold yellow", "info": "dim"}


def summary_table(lines: Sequence[tuple[str, object]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for label, value in lines:
        table.add_row(label, str(value))
    return table


def permission_text(permission: Permission | None) -> Text:
    if permission is None:
        return Text("Permission check: not run", style="dim")
    if permission.allowed:
        return Text("✓ Permission check (DryRun): permitted", style="green")
    missing = f": missing {permission.missing_action}" if permission.missing_action else ""
    return Text(f"✗ Permission check (DryRun): not permitted{missing}", style="bold red")


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel_confirm")]

    def __init__(
        self,
        title: str,
        summary: Sequence[tuple[str, object]],
        *,
        verb: str,
        permission: Permission | None,
        checks: Sequence[tuple[str, str]] = (),
        typed_id: str | None = None,
        blocked: bool = False,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.summary = summary
        self.verb = verb
        self.permission = permission
        self.checks = checks
        self.typed_id = typed_id
        self.blocked = blocked

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="confirm-box"):
            yield Static(Text(self.title_text, style="bold"))
            yield Static(summary_table(self.summary), id="confirm-summary")
            for level, message in self.checks:
                mark = {"blocked": "✗ ", "warn": "! ", "info": "· "}.get(level, "")
                yield Static(Text(mark + message, style=CHECK_STYLES.get(level, "")))
            yield Static(permission_text(self.permission), id="confirm-permission")
            if self.typed_id and not self.blocked:
                yield Static(
                    f"Type {self.typed_id} (or its last 6 characters) to {self.verb.lower()}:"
                )
                yield Input(id="confirm-typed", placeholder=self.typed_id)
            with Horizontal(id="confirm-buttons"):
                yield Button("Cancel", id="confirm-cancel")
                yield Button(
                    self.verb,
                    id="confirm-go",
                    variant="error" if self.typed_id else "primary",
                    disabled=self.blocked or bool(self.typed_id),
                )

    def on_mount(self) -> None:
        if self.typed_id and not self.blocked:
            self.query_one("#confirm-typed", Input).focus()
        else:
            self.query_one("#confirm-cancel", Button).focus()  # the safe choice

    @on(Input.Changed, "#confirm-typed")
    def typed(self, event: Input.Changed) -> None:
        assert self.typed_id is not None
        self.query_one("#confirm-go", Button).disabled = not typed_id_matches(
            event.value, self.typed_id
        )

    @on(Input.Submitted, "#confirm-typed")
    def typed_enter(self) -> None:
        if not self.query_one("#confirm-go", Button).disabled:
            self.dismiss(True)

    @on(Button.Pressed, "#confirm-go")
    def go(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
