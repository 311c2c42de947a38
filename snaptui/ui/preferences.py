"""The user's choices applied to the running app: theme, key remapping, remembered session.

Read from ``config.toml`` (hand-edited) and ``state.toml`` (what the user picked in the UI);
only ``state.toml`` is ever written. With no state file (tests, ``--demo`` runs that should
leave no trace) nothing is remembered.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from pathlib import Path
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.dom import DOMNode
from textual.theme import Theme

from snaptui import state
from snaptui.aws.settings import AwsSettings
from snaptui.config import Config

if TYPE_CHECKING:
    from textual.app import App

__all__ = ["Preferences", "known_binding_ids"]

log = logging.getLogger(__name__)


def known_binding_ids() -> set[str]:
    """Every binding id a keymap can name: the bindings of all of snaptui's screens and widgets
    (and Textual's own widgets), found by importing every screen module."""
    import snaptui.ui.screens as screens

    for module in pkgutil.iter_modules(screens.__path__):
        try:
            importlib.import_module(f"{screens.__name__}.{module.name}")
        except Exception:  # a screen being written must not break start-up
            log.exception("cannot import screen module %s", module.name)
    ids: set[str] = set()
    pending: list[type] = [DOMNode]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        for binding in cls.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return ids


class Preferences:
    def __init__(self, app: App[object], config: Config, state_file: Path | None) -> None:
        self.app = app
        self.config = config
        self.state_file = state_file
        self._theme_seen: str | None = None

    def apply(self) -> None:
        """At mount: the remembered or configured theme, the key remapping."""
        self._apply_theme()
        self._apply_keymap()

    # -- theme ----------------------------------------------------------------------------------

    def _apply_theme(self) -> None:
        remembered = state.load(self.state_file).theme if self.state_file else None
        for source, name in (("state.toml", remembered), ("config.toml", self.config.theme)):
            if not name:
                continue
            if name in self.app.available_themes:
                self.app.theme = name
                break
            self.app.notify(
                f"{source}: unknown theme {name!r}; themes: "
                + ", ".join(sorted(self.app.available_themes)),
                severity="warning",
                timeout=10,
            )
        self._theme_seen = self.app.theme
        if self.state_file is not None:
            self.app.theme_changed_signal.subscribe(self.app, self._theme_changed)

    def _theme_changed(self, theme: Theme) -> None:
        if theme.name == self._theme_seen:
            return  # the start-up theme being applied, not a choice
        self._theme_seen = theme.name
        state.update(self.state_file, theme=theme.name)

    # -- keys -----------------------------------------------------------------------------------

    def _apply_keymap(self) -> None:
        keys = dict(self.config.keys)
        if not keys:
            return
        known = known_binding_ids()
        unknown = sorted(set(keys) - known)
        if unknown:
            self.app.notify(
                f"config.toml [keys]: no binding with id {', '.join(unknown)}; ids: "
                + ", ".join(sorted(known)),
                severity="warning",
                timeout=12,
            )
        self.app.set_keymap({k: v for k, v in keys.items() if k not in unknown})

    # -- the session ----------------------------------------------------------------------------

    def remember_session(self, settings: AwsSettings) -> None:
        """The profile and region the user switched to (shown by doctor and config show).

        Not for the demo, whose region says nothing about the user's own accounts.
        """
        if self.state_file is not None and not getattr(self.app, "demo", False):
            state.update(
                self.state_file, last_profile=settings.profile, last_region=settings.region
            )
