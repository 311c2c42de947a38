"""Modals for credentials: the MFA code prompt and the offer to re-authenticate.

Both replace something that would otherwise happen on a hidden terminal (botocore's getpass
prompt) or not at all (expired credentials in the middle of a session). The logic lives in
``snaptui.ui.auth``; these screens only ask and return the answer.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

__all__ = ["MfaPromptScreen", "ReauthScreen"]

_CODE_RE = re.compile(r"^\d{6}$")


class MfaPromptScreen(ModalScreen[str | None]):
    """Asks for the MFA code an assume-role profile needs; dismisses with it, or None."""

    DEFAULT_CSS = """
    MfaPromptScreen { align: center middle; }
    #mfa-box {
        width: 68; max-width: 100%; height: auto;
        border: round $warning; padding: 0 1; background: $surface;
    }
    #mfa-code { width: 16; margin: 1 0; }
    #mfa-hint { color: $text-muted; }
    """
    AUTO_FOCUS = "#mfa-code"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="mfa_cancel")]

    def __init__(self, profile: str | None, serial: str | None) -> None:
        super().__init__()
        self.profile = profile or "default"
        self.serial = serial

    def compose(self) -> ComposeResult:
        body = Text()
        body.append(f"Profile {self.profile}", style="bold")
        body.append(" assumes a role that requires an MFA code.\n")
        body.append("Device: ")
        body.append(self.serial or "(the profile's mfa_serial)", style="bold")
        with Vertical(id="mfa-box"):
            yield Static(Text("MFA code", style="bold"), id="mfa-title")
            yield Static(body, id="mfa-body")
            yield Input(
                placeholder="6 digits",
                password=True,
                restrict=r"[0-9]*",
                max_length=6,
                id="mfa-code",
            )
            yield Static("enter submits · esc cancels (AWS calls then fail)", id="mfa-hint")

    @on(Input.Submitted, "#mfa-code")
    def submitted(self, event: Input.Submitted) -> None:
        code = event.value.strip()
        if not _CODE_RE.match(code):
            self.query_one("#mfa-hint", Static).update(
                Text("The code has 6 digits (esc cancels)", style="bold red")
            )
            return
        self.dismiss(code)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReauthScreen(ModalScreen[bool]):
    """Expired, missing or refused credentials: say why and what re-authenticating will do.

    Dismisses with True to re-authenticate now, False for later.
    """

    DEFAULT_CSS = """
    ReauthScreen { align: center middle; }
    #reauth-box {
        width: 80; max-width: 100%; height: auto; max-height: 90%;
        border: round $error; padding: 0 1; background: $surface;
    }
    #reauth-body { margin: 1 0; }
    #reauth-buttons { height: auto; }
    #reauth-buttons Button { margin-right: 2; }
    """
    AUTO_FOCUS = "#reauth-go"
    BINDINGS = [Binding("escape", "later", "Later", id="reauth_later")]

    def __init__(self, *, error: str, doing: str, plan: str, clock_note: str | None = None) -> None:
        super().__init__()
        self.error = error
        self.doing = doing
        self.plan = plan
        self.clock_note = clock_note

    def compose(self) -> ComposeResult:
        body = Text()
        body.append(self.error, style="bold")
        body.append(f"\n(while {self.doing})\n\n", style="dim")
        if self.clock_note:
            body.append(self.clock_note + "\n\n", style="bold red")
        body.append(self.plan)
        body.append("\n\nLive refresh is paused; what is on screen stays as it was.", style="dim")
        with Vertical(id="reauth-box"):
            yield Static(Text("Credentials problem", style="bold"), id="reauth-title")
            yield Static(body, id="reauth-body")
            with Horizontal(id="reauth-buttons"):
                yield Button("Re-authenticate", id="reauth-go", variant="primary")
                yield Button("Later (esc)", id="reauth-later")

    @on(Button.Pressed, "#reauth-go")
    def go(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#reauth-later")
    def later(self) -> None:
        self.dismiss(False)

    def action_later(self) -> None:
        self.dismiss(False)
