"""The user's ``config.toml``: read with tomllib, never rewritten behind the user's back.

A malformed file must not stop an engineer mid-incident: it is reported (with the line) and
snaptui starts with defaults.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from snaptui import locations


@dataclass(frozen=True)
class Config:
    """Settings from ``config.toml``; every field has a default."""

    profile: str | None = None
    """Profile used when neither --profile nor AWS_PROFILE is given."""
    region: str | None = None
    """Region used when no flag, AWS_REGION, AWS_DEFAULT_REGION or profile region is set."""
    read_only: bool = False
    """Open every session read-only."""
    refresh_interval: float = 5.0
    """Seconds between progress polls while snapshots are pending."""
    read_only_profiles: frozenset[str] = field(default_factory=frozenset)
    """Profiles that always open read-only (``[profiles.NAME] read_only = true``)."""


@dataclass(frozen=True)
class LoadedConfig:
    config: Config
    path: Path
    problem: str | None = None
    """Why the file was not used, if it was not (shown to the user; defaults apply)."""


def _parse(data: dict[str, object]) -> Config:
    def opt_str(key: str) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value:
            raise ValueError(f"`{key}` must be a non-empty string")
        return value

    read_only = data.get("read_only", False)
    if not isinstance(read_only, bool):
        raise ValueError("`read_only` must be true or false")
    interval = data.get("refresh_interval", 5.0)
    if (
        not isinstance(interval, int | float)
        or isinstance(interval, bool)
        or not 1 <= interval <= 3600
    ):
        raise ValueError("`refresh_interval` must be a number of seconds from 1 to 3600")
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        raise ValueError("`profiles` must be a table, e.g. [profiles.prod]")
    read_only_profiles = frozenset(
        name
        for name, table in profiles.items()
        if isinstance(table, dict) and table.get("read_only") is True
    )
    return Config(
        profile=opt_str("profile"),
        region=opt_str("region"),
        read_only=read_only,
        refresh_interval=float(interval),
        read_only_profiles=read_only_profiles,
    )


def load(path: Path | None = None) -> LoadedConfig:
    """Read the config file; a missing file is not a problem, a malformed one is reported."""
    path = path or locations.config_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return LoadedConfig(Config(), path)
    except OSError as exc:
        return LoadedConfig(Config(), path, f"cannot read {path}: {exc.strerror}; using defaults")
    try:
        return LoadedConfig(_parse(tomllib.loads(text)), path)
    except tomllib.TOMLDecodeError as exc:
        return LoadedConfig(Config(), path, f"{path} is not valid TOML ({exc}); using defaults")
    except ValueError as exc:
        return LoadedConfig(Config(), path, f"{path}: {exc}; using defaults")
