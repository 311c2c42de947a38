"""The command line: flags, clear errors for bad input, version."""

import subprocess

import pytest

from snaptui import __version__
from snaptui.cli import EXIT_USAGE, main
from tests.cli_process import run_snaptui


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return run_snaptui(*args)


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"snaptui {__version__}"


def test_help_lists_the_flags():
    result = run_cli("--help")
    for flag in ("--profile", "--region", "--endpoint-url", "--read-only", "--demo", "--version"):
        assert flag in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--endpoint-url", "localhost:5000"], "is not a URL: give scheme and host"),
        (["--endpoint-url", "http://127.0.0.1:99999"], "has an invalid port"),
        (["--region", "Europe"], "'Europe' is not an AWS region name"),
        (["--profile", "missing-profile", "--region", "us-east-1"], "'missing-profile' is not in"),
    ],
)
def test_bad_input_gets_one_clear_line(args, message, capsys):
    assert main(args) == EXIT_USAGE
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_missing_region_names_the_ways_to_set_it(monkeypatch, capsys):
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    assert main([]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "--region" in err and "AWS_REGION" in err
