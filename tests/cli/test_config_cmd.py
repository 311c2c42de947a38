"""``snaptui config path|show|edit|example``."""

from __future__ import annotations

import json
import stat
import sys
import tomllib

import pytest

from snaptui.cli import main
from snaptui.commands.config import EXAMPLE

WRITER = "import sys; open(sys.argv[-1], 'w').write(sys.argv[1].replace('|', chr(10)))"


@pytest.fixture
def config_file(tmp_path, monkeypatch):
    path = tmp_path / "snaptui" / "config.toml"
    monkeypatch.setenv("SNAPTUI_CONFIG", str(path))
    return path


def editor_writing(monkeypatch, text: str) -> None:
    """$EDITOR is a script that replaces the file with *text* (``|`` = newline)."""
    monkeypatch.setenv("EDITOR", f"{sys.executable} -c \"{WRITER}\" '{text}'")
    monkeypatch.delenv("VISUAL", raising=False)


def test_path_follows_the_override(config_file, capsys):
    assert main(["config", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(config_file)


def test_path_defaults_to_the_user_config_dir(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("SNAPTUI_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert main(["config", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "snaptui" / "config.toml")


def test_show_prints_the_settings_in_effect(config_file, capsys):
    config_file.parent.mkdir()
    config_file.write_text('region = "eu-west-1"\n[profiles.prod]\nread_only = true\n')
    assert main(["config", "show"]) == 0
    out = capsys.readouterr().out
    data = tomllib.loads(out)
    assert data["region"] == "eu-west-1" and data["refresh_interval"] == 5.0
    assert data["profiles"]["prod"]["read_only"] is True


def test_show_names_the_line_of_a_problem(config_file, capsys):
    config_file.parent.mkdir()
    config_file.write_text('region = "eu-west-1"\nrefresh_interval = "fast"\n')
    assert main(["config", "show", "--json"]) == 2
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert "line 2" in report["problems"][0]
    assert report["config"]["refresh_interval"] == 5.0  # defaults in effect


def test_edit_creates_a_private_commented_file_and_validates(config_file, monkeypatch, capsys):
    monkeypatch.setenv("EDITOR", "true")
    monkeypatch.delenv("VISUAL", raising=False)
    assert main(["config", "edit"]) == 0
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
    assert "# [profiles.prod]" in config_file.read_text()
    assert "is valid" in capsys.readouterr().out


def test_edit_reports_problems_after_saving(config_file, monkeypatch, capsys):
    editor_writing(monkeypatch, 'region = "eu-west-1"|read_only = maybe')
    assert main(["config", "edit"]) == 2
    err = capsys.readouterr().err
    assert "line 2" in err and "using defaults" in err


def test_edit_accepts_a_valid_file(config_file, monkeypatch, capsys):
    editor_writing(monkeypatch, 'theme = "nord"|[profiles.prod]|read_only = true')
    assert main(["config", "edit"]) == 0
    assert 'theme = "nord"' in config_file.read_text()


def test_edit_refuses_credentials(config_file, monkeypatch, capsys):
    editor_writing(monkeypatch, 'aws_secret_access_key = "abc"')
    assert main(["config", "edit"]) == 2
    assert "is a credential" in capsys.readouterr().err


def test_example_is_complete_toml(capsys):
    assert main(["config", "example"]) == 0
    out = capsys.readouterr().out
    assert out == EXAMPLE
    assert tomllib.loads(out)["profiles"]["prod"]["read_only"] is True
