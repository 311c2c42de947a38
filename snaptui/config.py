"""The user's ``config.toml``: read with tomllib, never rewritten behind the user's back.

A malformed file must not stop an engineer mid-incident: it is reported (naming the line) and
snaptui starts with defaults. When the unreadable file marks anything ``read_only = true``,
the defaults are read-only too: a typo must never turn a prod profile writable.

The file never holds credentials. Keys such as ``aws_secret_access_key`` are refused (left
out, with a message): credentials belong to the AWS chain (``~/.aws``, SSO, instance profile).

What the UI changes (theme, last profile and region) goes to ``state.toml`` (``snaptui.state``),
so this file and its comments stay exactly as the user wrote them.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from snaptui import locations
from snaptui.toml_files import credential_keys_in, line_of, write_toml

if TYPE_CHECKING:
    from snaptui.aws.resolve import Resolved

__all__ = [
    "ATTACH_CHOICES",
    "VOLUME_TYPES",
    "Config",
    "ConfigError",
    "LoadedConfig",
    "NetworkSettings",
    "ProfileSettings",
    "RestoreDefaults",
    "load",
    "parse",
    "parse_text",
    "resolve_profile",
    "resolve_region",
    "save",
]

Attach = Literal["ask", "never", "source"]
ATTACH_CHOICES: tuple[Attach, ...] = ("ask", "never", "source")
VOLUME_TYPES = ("same", "gp3", "gp2", "io1", "io2", "st1", "sc1", "standard")

_REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
_RESERVED_TAG_PREFIXES = ("aws:", "snaptui:")
MAX_USER_TAGS = 40
"""AWS allows 50 tags per resource; snaptui's provenance tags need the rest."""


class ConfigError(ValueError):
    """A value in the file is wrong; ``path`` is its key, e.g. ``("profiles", "prod", "tags")``."""

    def __init__(self, path: tuple[str, ...], message: str) -> None:
        self.path = path
        super().__init__(message)


@dataclass(frozen=True)
class ProfileSettings:
    """``[profiles.NAME]``: what snaptui does differently for one AWS profile."""

    read_only: bool = False
    """Refuse every mutating call while this profile is active (prod)."""
    region: str | None = None
    """Region for this profile; beats the profile's region in ~/.aws/config, not --region or
    AWS_REGION/AWS_DEFAULT_REGION."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags added to everything created with this profile (on top of the global ``[tags]``)."""


@dataclass(frozen=True)
class RestoreDefaults:
    """``[restore]``: what a restore proposes before the user changes anything."""

    volume_type: str = "same"
    """``"same"``: the source volume's type (gp3 when unknown); or a type such as ``"gp3"``."""
    attach: Attach = "ask"
    """``"ask"``: the restore form asks; ``"never"``: restore detached; ``"source"``: propose
    the instance the snapshot's volume was attached to (still confirmed)."""

    @property
    def fixed_volume_type(self) -> str | None:
        """The type to pass to the restore planner; None lets it follow the source volume."""
        return None if self.volume_type == "same" else self.volume_type


@dataclass(frozen=True)
class NetworkSettings:
    """``[network]``: how long to wait for AWS and how often to try (botocore's own defaults
    are 60 s reads and 3 attempts; a bastion on a flaky link wants to hear sooner)."""

    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    max_attempts: int = 5
    """Attempts per request, the first included. Calls that must not be applied twice are
    only re-sent when AWS refused them (see snaptui.aws.context)."""


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
    theme: str | None = None
    """A Textual theme name; a theme picked in the UI (remembered in state.toml) wins."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags added to everything snaptui creates, whatever the profile."""
    keys: Mapping[str, str] = field(default_factory=dict)
    """Key remapping: binding id -> keys, e.g. ``{"refresh": "ctrl+r,f5"}`` (App.set_keymap)."""
    restore: RestoreDefaults = field(default_factory=RestoreDefaults)
    network: NetworkSettings = field(default_factory=NetworkSettings)
    profiles: Mapping[str, ProfileSettings] = field(default_factory=dict)

    @property
    def read_only_profiles(self) -> frozenset[str]:
        """Profiles that always open read-only (``[profiles.NAME] read_only = true``)."""
        return frozenset(name for name, p in self.profiles.items() if p.read_only)

    def profile_settings(self, profile: str | None) -> ProfileSettings:
        return self.profiles.get(profile or "default") or ProfileSettings()

    def is_read_only(self, profile: str | None) -> bool:
        """Read-only for every profile, or for this one."""
        return self.read_only or self.profile_settings(profile).read_only

    def region_for(self, profile: str | None) -> str | None:
        """The region ``[profiles.NAME]`` sets, if any (see ``ProfileSettings.region``)."""
        return self.profile_settings(profile).region

    def tags_for(self, profile: str | None) -> dict[str, str]:
        """Tags to add to everything created with *profile*: ``[tags]``, then the profile's."""
        return {**self.tags, **self.profile_settings(profile).tags}

    def to_toml(self) -> dict[str, Any]:
        """The settings as a TOML document (defaults included; None values left out)."""
        data: dict[str, Any] = {}
        for key in ("profile", "region"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        data["read_only"] = self.read_only
        data["refresh_interval"] = self.refresh_interval
        if self.theme is not None:
            data["theme"] = self.theme
        data["tags"] = dict(self.tags)
        data["keys"] = dict(self.keys)
        data["restore"] = {"volume_type": self.restore.volume_type, "attach": self.restore.attach}
        data["network"] = {
            "connect_timeout": self.network.connect_timeout,
            "read_timeout": self.network.read_timeout,
            "max_attempts": self.network.max_attempts,
        }
        profiles: dict[str, Any] = {}
        for name, p in self.profiles.items():
            table: dict[str, Any] = {"read_only": p.read_only}
            if p.region is not None:
                table["region"] = p.region
            if p.tags:
                table["tags"] = dict(p.tags)
            profiles[name] = table
        data["profiles"] = profiles
        return data


@dataclass(frozen=True)
class LoadedConfig:
    config: Config
    path: Path
    problems: tuple[str, ...] = ()
    """What the user should know: why the file was not used, or which keys were ignored."""

    @property
    def problem(self) -> str | None:
        """All problems in one message (shown at start-up), or None."""
        return "; ".join(self.problems) if self.problems else None

    @property
    def used_defaults(self) -> bool:
        """True when the file exists but could not be used at all."""
        return any("using defaults" in p for p in self.problems)


# ---------------------------------------------------------------------------------------------
# Parsing.


def _where(text: str, path: tuple[str, ...]) -> str:
    line = line_of(text, path)
    return f"line {line}: " if line else ""


def _drop(data: dict[str, Any], path: tuple[str, ...]) -> None:
    node: Any = data
    for key in path[:-1]:
        node = node.get(key)
        if not isinstance(node, dict):
            return
    node.pop(path[-1], None)


def _opt_str(data: Mapping[str, Any], key: str, path: tuple[str, ...] = ()) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError((*path, key), f"`{key}` must be a non-empty string")
    return value


def _opt_region(data: Mapping[str, Any], path: tuple[str, ...] = ()) -> str | None:
    region = _opt_str(data, "region", path)
    if region is not None and not _REGION_RE.match(region):
        raise ConfigError((*path, "region"), f"`region` {region!r} is not a region like eu-west-1")
    return region


def _bool(data: Mapping[str, Any], key: str, path: tuple[str, ...] = ()) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError((*path, key), f"`{key}` must be true or false (no quotes)")
    return value


def _table(data: Mapping[str, Any], key: str, path: tuple[str, ...] = ()) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        dotted = ".".join((*path, key))
        raise ConfigError((*path, key), f"`{key}` must be a table, e.g. [{dotted}]")
    return value


def _tags(data: Mapping[str, Any], path: tuple[str, ...]) -> dict[str, str]:
    tags = _table(data, path[-1], path[:-1])
    for key, value in tags.items():
        where = (*path, key)
        if not isinstance(value, str):
            raise ConfigError(where, f'tag `{key}` must have a string value, e.g. {key} = "x"')
        if not 1 <= len(key) <= 128 or len(value) > 256:
            raise ConfigError(where, f"tag `{key}`: keys are 1-128 characters, values up to 256")
        if key.lower().startswith(_RESERVED_TAG_PREFIXES):
            raise ConfigError(where, f"tag `{key}`: the aws: and snaptui: prefixes are reserved")
    if len(tags) > MAX_USER_TAGS:
        raise ConfigError(path, f"at most {MAX_USER_TAGS} tags (AWS allows 50 per resource)")
    return dict(tags)


def _keys(data: Mapping[str, Any]) -> dict[str, str]:
    keys = _table(data, "keys")
    for binding_id, value in keys.items():
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(
                ("keys", binding_id),
                f'[keys] `{binding_id}` must be keys as a string, e.g. {binding_id} = "ctrl+r"',
            )
    return {str(k): str(v).replace(" ", "") for k, v in keys.items()}


def _restore(data: Mapping[str, Any]) -> RestoreDefaults:
    table = _table(data, "restore")
    volume_type = table.get("volume_type", "same")
    if volume_type not in VOLUME_TYPES:
        raise ConfigError(
            ("restore", "volume_type"),
            f"[restore] `volume_type` must be one of {', '.join(VOLUME_TYPES)}",
        )
    attach = table.get("attach", "ask")
    if attach not in ATTACH_CHOICES:
        raise ConfigError(
            ("restore", "attach"), f"[restore] `attach` must be one of {', '.join(ATTACH_CHOICES)}"
        )
    return RestoreDefaults(volume_type=volume_type, attach=attach)


def _number(table: Mapping[str, Any], key: str, default: float, low: float, high: float) -> float:
    value = table.get(key, default)
    if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high:
        raise ConfigError(
            ("network", key), f"[network] `{key}` must be a number from {low:g} to {high:g}"
        )
    return value


def _network(data: Mapping[str, Any]) -> NetworkSettings:
    table = _table(data, "network")
    attempts = _number(table, "max_attempts", 5, 1, 20)
    if not isinstance(attempts, int):
        raise ConfigError(
            ("network", "max_attempts"), "[network] `max_attempts` must be a whole number"
        )
    return NetworkSettings(
        connect_timeout=float(_number(table, "connect_timeout", 5.0, 0.1, 300)),
        read_timeout=float(_number(table, "read_timeout", 30.0, 0.1, 900)),
        max_attempts=attempts,
    )


def _profiles(data: Mapping[str, Any]) -> dict[str, ProfileSettings]:
    profiles: dict[str, ProfileSettings] = {}
    for name, table in _table(data, "profiles").items():
        path = ("profiles", name)
        if not isinstance(table, dict):
            raise ConfigError(path, f"`profiles.{name}` must be a table, e.g. [profiles.{name}]")
        profiles[name] = ProfileSettings(
            read_only=_bool(table, "read_only", path),
            region=_opt_region(table, path),
            tags=_tags(table, (*path, "tags")) if "tags" in table else {},
        )
    return profiles


def _refresh_interval(data: Mapping[str, Any]) -> float:
    interval = data.get("refresh_interval", 5.0)
    if (
        not isinstance(interval, int | float)
        or isinstance(interval, bool)
        or not 1 <= interval <= 3600
    ):
        raise ConfigError(
            ("refresh_interval",), "`refresh_interval` must be a number of seconds from 1 to 3600"
        )
    return float(interval)


KNOWN_KEYS: dict[tuple[str, ...], frozenset[str]] = {
    (): frozenset(
        {
            "profile",
            "region",
            "read_only",
            "refresh_interval",
            "theme",
            "tags",
            "keys",
            "restore",
            "network",
            "profiles",
        }
    ),
    ("restore",): frozenset({"volume_type", "attach"}),
    ("network",): frozenset({"connect_timeout", "read_timeout", "max_attempts"}),
}
_PROFILE_KEYS = frozenset({"read_only", "region", "tags"})


def _unknown_keys(data: Mapping[str, Any]) -> list[tuple[str, ...]]:
    unknown = [(k,) for k in data if k not in KNOWN_KEYS[()]]
    for table_name in ("restore", "network"):
        table = data.get(table_name)
        if isinstance(table, dict):
            known = KNOWN_KEYS[(table_name,)]
            unknown += [(table_name, k) for k in table if k not in known]
    profiles = data.get("profiles")
    if isinstance(profiles, dict):
        for name, table in profiles.items():
            if isinstance(table, dict):
                unknown += [("profiles", name, k) for k in table if k not in _PROFILE_KEYS]
    return unknown


def parse(data: Mapping[str, Any]) -> Config:
    """Build a Config from parsed TOML. Raises ConfigError naming the key that is wrong."""
    return Config(
        profile=_opt_str(data, "profile"),
        region=_opt_region(data),
        read_only=_bool(data, "read_only"),
        refresh_interval=_refresh_interval(data),
        theme=_opt_str(data, "theme"),
        tags=_tags(data, ("tags",)) if "tags" in data else {},
        keys=_keys(data),
        restore=_restore(data),
        network=_network(data),
        profiles=_profiles(data),
    )


_READ_ONLY_TRUE_RE = re.compile(r"(?m)^\s*[^#\n]*read_only\s*=\s*true\b")


def _fallback(text: str) -> Config:
    """Defaults for a file that cannot be used: read-only if the file asked for it anywhere."""
    return Config(read_only=bool(_READ_ONLY_TRUE_RE.search(text)))


def _fallback_note(config: Config) -> str:
    if config.read_only:
        return "using defaults, read-only (the file marks something read_only) until it is fixed"
    return "using defaults"


def parse_text(text: str, path: Path) -> LoadedConfig:
    """Parse the text of a config file; never raises (problems are in the result)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        fallback = _fallback(text)
        return LoadedConfig(
            fallback, path, (f"{path} is not valid TOML ({exc}); {_fallback_note(fallback)}",)
        )
    notes: list[str] = []
    for key_path in credential_keys_in(data):
        _drop(data, key_path)
        notes.append(
            f"{path} {_where(text, key_path)}`{'.'.join(key_path)}` is a credential and was "
            "ignored: snaptui never reads credentials from its config; keep them in the AWS "
            "chain (~/.aws/credentials, `aws sso login`, an instance profile) and delete the key"
        )
    for key_path in _unknown_keys(data):
        notes.append(f"{path} {_where(text, key_path)}unknown key `{'.'.join(key_path)}` ignored")
    try:
        config = parse(data)
    except ConfigError as exc:
        fallback = _fallback(text)
        return LoadedConfig(
            fallback,
            path,
            (*notes, f"{path} {_where(text, exc.path)}{exc}; {_fallback_note(fallback)}"),
        )
    return LoadedConfig(config, path, tuple(notes))


def load(path: Path | None = None) -> LoadedConfig:
    """Read the config file; a missing file is not a problem, a malformed one is reported."""
    path = path or locations.config_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return LoadedConfig(Config(), path)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        return LoadedConfig(Config(), path, (f"cannot read {path}: {reason}; using defaults",))
    return parse_text(text, path)


def save(config: Config, path: Path | None = None) -> Path:
    """Write *config* as a complete config.toml (comments are not kept: for new files)."""
    path = path or locations.config_file()
    write_toml(path, config.to_toml())
    return path


# ---------------------------------------------------------------------------------------------
# How the config takes part in choosing the profile and region (the CLI and doctor share it).


def resolve_profile(
    flag: str | None, config: Config, environ: Mapping[str, str] | None = None
) -> Resolved:
    """The profile and where it came from: --profile, AWS_PROFILE, then ``profile`` here.

    Returns ``snaptui.aws.resolve.Resolved``; raises its ResolveError for an unknown profile.
    """
    from snaptui.aws.resolve import Resolved, profile_region
    from snaptui.aws.resolve import resolve_profile as resolve_aws_profile

    resolved = resolve_aws_profile(flag, environ)
    if resolved.value is None and config.profile:
        profile_region(config.profile)  # raises ResolveError for an unknown profile
        return Resolved(config.profile, "snaptui config")
    return resolved


def resolve_region(
    flag: str | None,
    profile: str | None,
    config: Config,
    environ: Mapping[str, str] | None = None,
) -> Resolved:
    """The region and its source: --region, AWS_REGION, AWS_DEFAULT_REGION, then
    ``[profiles.NAME] region`` here, the profile's region in ~/.aws/config, ``region`` here.

    Raises ``snaptui.aws.resolve.ResolveError`` when nothing sets one.
    """
    from snaptui.aws.resolve import Resolved
    from snaptui.aws.resolve import resolve_region as resolve_aws_region

    env = os.environ if environ is None else environ
    per_profile = config.region_for(profile)
    from_env = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
    if per_profile and not flag and not from_env:
        return Resolved(per_profile, f"snaptui config [profiles.{profile or 'default'}]")
    return resolve_aws_region(flag, profile, env, configured=config.region)
