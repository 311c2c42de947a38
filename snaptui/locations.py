"""Where snaptui keeps its files: XDG directories via platformdirs, overridable for tests.

``config.toml`` is the user's (hand-edited, never rewritten by the UI); ``state.toml`` is the
app's own (theme and last session chosen in the UI); both are private to the user.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "snaptui"


def config_file() -> Path:
    """``config.toml``; ``SNAPTUI_CONFIG`` points elsewhere."""
    override = os.environ.get("SNAPTUI_CONFIG")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


def state_dir() -> Path:
    """State the app writes itself (audit log, UI state); created on first use, mode 0700."""
    path = Path(platformdirs.user_state_dir(APP))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def state_file() -> Path:
    """``state.toml``: what the user chose inside the UI (theme, last profile and region)."""
    return state_dir() / "state.toml"


def log_file() -> Path:
    """The debug log; never the terminal, which belongs to the UI."""
    return state_dir() / "snaptui.log"
