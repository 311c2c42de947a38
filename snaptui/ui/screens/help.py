"""``?``: every key that works here, generated from the bindings so it can never drift."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

KEY_NAMES = {
    "question_mark": "?",
    "at": "@",
    "slash": "/",
    "colon": ":",
    "escape": "esc",
    "enter": "enter",
}

EXTRA = (
    ("ctrl+p", "Command palette: find a resource by name or id, switch view or region"),
    ("↑ ↓ pgup pgdn", "Move the cursor"),
    ("tab", "In the : prompt, accept the suggested completion"),
)


def key_label(key: str) -> str:
    return " ".join(KEY_NAMES.get(k, k) for k in key.split(","))


def help_table(bindings: list[Binding]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    seen: set[str] = set()
    for binding in bindings:
        action = binding.action.removeprefix("app.")
        if action in seen or not binding.description:
            continue
        seen.add(action)
        table.add_row(key_label(binding.key), binding.description)
    for key, text in EXTRA:
        table.add_row(key, text)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="close_help"),
    ]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        bindings = [
            binding
            for binding in (*self.under.BINDINGS, *self.app.BINDINGS)
            if isinstance(binding, Binding)
            and self.under.check_action(binding.action, ()) is not False
        ]
        with VerticalScroll(id="help-box"):
            yield Static(Text("snaptui keys", style="bold"), id="help-title")
            yield Static(help_table(bindings), id="help-body")
            yield Static(Text("esc closes", style="dim"))
