"""``state.toml``: what the user chose inside the UI, remembered across restarts.

The theme picked in the palette, the last profile and region, column choices. It lives in
the user state directory, apart from the hand-edited ``config.toml``, which snaptui never
rewrites. Writes are atomic and private (``toml_files.write_toml``). Losing this file costs
nothing but those choices, so a broken one is logged and replaced, never shown as an error.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from snaptui import locations
from snaptui.toml_files import write_toml

__all__ = ["UiState", "load", "save", "update"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UiState:
    theme: str | None = None
    """The Textual theme last picked in the UI; it wins over config.toml's ``theme``."""
    last_profile: str | None = None
    last_region: str | None = None
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Column keys chosen per view (``"snapshots" -> ("id", "state", ...)``)."""

    def to_toml(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for key in ("theme", "last_profile", "last_region"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        if self.columns:
            data["columns"] = {view: list(keys) for view, keys in self.columns.items()}
        return data


def _str_or_none(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def _columns(data: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    table = data.get("columns")
    if not isinstance(table, dict):
        return {}
    return {
        str(view): tuple(str(k) for k in keys)
        for view, keys in table.items()
        if isinstance(keys, list) and all(isinstance(k, str) for k in keys)
    }


def load(path: Path | None = None) -> UiState:
    """The remembered state; defaults when the file is missing or unreadable."""
    path = path or locations.state_file()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return UiState()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        log.warning("ignoring unreadable %s: %s", path, exc)
        return UiState()
    return UiState(
        theme=_str_or_none(data, "theme"),
        last_profile=_str_or_none(data, "last_profile"),
        last_region=_str_or_none(data, "last_region"),
        columns=_columns(data),
    )


def save(state: UiState, path: Path | None = None) -> None:
    """Write the state atomically (mode 0600). Raises OSError."""
    write_toml(path or locations.state_file(), state.to_toml())


def update(path: Path | None = None, **changes: Any) -> UiState:
    """Load, change and save in one go; a failed write is logged, never raised.

    Nothing is written when nothing changed.
    """
    path = path or locations.state_file()
    current = load(path)
    changed = replace(current, **changes)
    if changed != current:
        try:
            save(changed, path)
        except OSError as exc:
            log.warning("cannot write %s: %s", path, exc)
    return changed
