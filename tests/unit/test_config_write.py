"""Writing snaptui's TOML files: a round trip, atomic, private, never a credential."""

from __future__ import annotations

import os
import stat
import tomllib

import pytest

from snaptui import config, toml_files
from snaptui.commands.config import EXAMPLE, commented


def full_config() -> config.Config:
    return config.Config(
        profile="ops",
        region="eu-west-1",
        read_only=False,
        refresh_interval=3.0,
        theme="nord",
        tags={"team": "platform"},
        keys={"refresh": "f5,r"},
        restore=config.RestoreDefaults(volume_type="gp3", attach="source"),
        profiles={
            "prod": config.ProfileSettings(
                read_only=True, region="us-east-1", tags={"env": "prod"}
            ),
            "dev": config.ProfileSettings(),
        },
    )


def test_round_trip(tmp_path):
    path = tmp_path / "config.toml"
    config.save(full_config(), path)
    loaded = config.load(path)
    assert loaded.problem is None
    assert loaded.config == full_config()


def test_written_files_are_private(tmp_path):
    path = tmp_path / "sub" / "config.toml"
    config.save(full_config(), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_failed_rename_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    config.save(config.Config(region="eu-west-1"), path)
    before = path.read_bytes()

    def crash(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="No space left"):
        config.save(full_config(), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]


def test_credentials_are_never_written(tmp_path):
    path = tmp_path / "state.toml"
    with pytest.raises(ValueError, match="refusing to write credentials"):
        toml_files.write_toml(path, {"theme": "nord", "aws": {"aws_secret_access_key": "x"}})
    assert not path.exists()


def test_the_documented_example_sets_every_key_and_is_valid(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(EXAMPLE)
    loaded = config.load(path)
    assert loaded.problem is None
    data = tomllib.loads(EXAMPLE)
    assert set(data) == config.KNOWN_KEYS[()]
    assert set(data["restore"]) == config.KNOWN_KEYS[("restore",)]
    assert set(data["profiles"]["prod"]) == {"read_only", "region", "tags"}
    assert loaded.config.read_only_profiles == {"prod"}


def test_the_commented_example_changes_nothing(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(commented(EXAMPLE))
    loaded = config.load(path)
    assert loaded.problem is None and loaded.config == config.Config()
