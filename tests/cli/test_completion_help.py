"""Shell completion scripts and ``--help``: generated from the parser, so never out of date."""

from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path

import pytest

from snaptui.cli import build_parser
from tests.cli_process import run_snaptui

HEADLESS = (
    "ls",
    "snapshot",
    "restore",
    "compare",
    "image",
    "launch",
    "copy",
    "delete",
    "wait",
    "prune",
    "completion",
)


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def test_every_headless_command_has_help_with_an_example():
    commands = _subparsers(build_parser())
    for name in HEADLESS:
        text = commands[name].format_help()
        assert "examples:" in text, name
        assert f"snaptui {name}" in text.split("examples:")[1], name


def _script(shell: str, tmp_path: Path) -> Path:
    result = run_snaptui("completion", shell)
    assert result.returncode == 0, result.stderr
    path = tmp_path / f"snaptui.{shell}"
    path.write_text(result.stdout)
    return path


BASH_PROBE = """
source {script}
t() {{
    COMP_WORDS=("$@"); COMP_CWORD=$((${{#COMP_WORDS[@]}}-1))
    _snaptui; echo "${{COMPREPLY[*]}}"
}}
t snaptui l
t snaptui ls ''
t snaptui --region us-east-1 ls snapshots --v
t snaptui copy snap-1 --to-region eu-west-
t snaptui image i-1 --architecture ''
t snaptui demo serve --scale ''
t snaptui prune vol-1 --keep ''
"""


def test_bash_completion_completes_commands_options_and_values(tmp_path):
    script = _script("bash", tmp_path)
    result = subprocess.run(
        ["bash", "--norc", "-c", BASH_PROBE.format(script=script)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "ls launch",
        "instances volumes snapshots images",
        "--volume",
        "eu-west-1 eu-west-2 eu-west-3",
        "x86_64 arm64",
        "small large",
        "",  # --keep takes a number: nothing to offer
    ]


ZSH_PROBE = """
compdef() {{ :; }}
compadd() {{ print -r -- "compadd $*"; }}
_describe() {{ print -r -- "describe ${{(P)4}}"; }}
source {script}
t() {{ words=("$@"); CURRENT=${{#words}}; PREFIX=${{words[CURRENT]}}; _snaptui; }}
t snaptui ''
t snaptui ls ''
t snaptui demo serve --scale ''
"""


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_completion_is_valid_and_describes_the_commands(tmp_path):
    script = _script("zsh", tmp_path)
    check = subprocess.run(["zsh", "-n", str(script)], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr
    result = subprocess.run(
        ["zsh", "-f", "-c", ZSH_PROBE.format(script=script)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    top, kinds, scales = result.stdout.splitlines()
    assert "ls:list instances, volumes, snapshots or images" in top
    assert "prune:" in top and "completion:" in top
    assert kinds == "describe instances volumes snapshots images"
    assert scales == "compadd -- small large"


def test_zsh_script_is_an_autoloadable_completion_function(tmp_path):
    text = _script("zsh", tmp_path).read_text()
    assert text.startswith("#compdef snaptui\n")
    assert "compdef _snaptui snaptui" in text
