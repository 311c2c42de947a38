"""state.toml: what the UI remembers, apart from the hand-edited config.toml."""

from __future__ import annotations

import stat

from snaptui import locations, state


def test_missing_or_broken_state_gives_defaults(tmp_path):
    assert state.load(tmp_path / "absent.toml") == state.UiState()
    broken = tmp_path / "state.toml"
    broken.write_text("theme = \n")
    assert state.load(broken) == state.UiState()


def test_update_round_trips_and_is_private(tmp_path):
    path = tmp_path / "state.toml"
    state.update(path, theme="nord")
    state.update(path, last_profile="prod", last_region="eu-west-1")
    loaded = state.load(path)
    assert loaded == state.UiState(theme="nord", last_profile="prod", last_region="eu-west-1")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_columns_round_trip(tmp_path):
    path = tmp_path / "state.toml"
    chosen = {"snapshots": ("id", "state", "size")}
    state.save(state.UiState(columns=chosen), path)
    assert state.load(path).columns == chosen


def test_no_write_when_nothing_changed(tmp_path):
    path = tmp_path / "state.toml"
    state.update(path, theme="nord")
    before = path.stat().st_mtime_ns
    path.chmod(0o400)  # a write would now replace the file (and reset the mode)
    state.update(path, theme="nord")
    assert path.stat().st_mtime_ns == before and stat.S_IMODE(path.stat().st_mode) == 0o400


def test_an_unwritable_state_dir_is_not_an_error(tmp_path):
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("")
    assert state.update(blocked / "state.toml", theme="nord").theme == "nord"


def test_state_lives_in_the_user_state_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert locations.state_file() == tmp_path / "snaptui" / "state.toml"
