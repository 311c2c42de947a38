"""The top line: who and where you are (account, principal, profile, region, endpoint), badges."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static


@dataclass(frozen=True)
class SessionInfo:
    profile: str
    region: str
    endpoint: str
    demo: bool = False
    read_only: bool = False
    account: str | None = None
    principal: str | None = None
    refreshed: datetime | None = None

    def with_identity(self, account: str, principal: str) -> SessionInfo:
        return replace(self, account=account, principal=principal)


def short_principal(arn: str) -> str:
    """``arn:aws:sts::123:assumed-role/Ops/alice`` -> ``assumed-role/Ops/alice``."""
    return arn.split(":", 5)[-1] if arn.count(":") >= 5 else arn


def status_text(info: SessionInfo) -> Text:
    text = Text()
    text.append(" snaptui ", style="bold reverse")
    if info.demo:
        text.append(" ")
        text.append(" DEMO ", style="bold black on yellow")
    if info.read_only:
        text.append(" ")
        text.append(" READ-ONLY ", style="bold white on blue")
    text.append(" ")
    text.append(info.account or "account …", style="bold")
    if info.principal:
        text.append(f" {short_principal(info.principal)}", style="dim")
    text.append(f"  profile {info.profile}  ")
    text.append(info.region, style="bold")
    text.append(f"  {info.endpoint}", style="dim")
    if info.refreshed:
        text.append(f"  ⟳ {info.refreshed:%H:%M:%S}", style="dim")
    return text


class StatusBar(Static):
    info: reactive[SessionInfo | None] = reactive(None)

    def watch_info(self, info: SessionInfo | None) -> None:
        if info is not None:
            self.update(status_text(info))
