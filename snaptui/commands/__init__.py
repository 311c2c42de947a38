"""Subcommands of ``snaptui``: one module each, with ``add_parser(subparsers)``.

Each module's ``add_parser`` registers its parser and sets ``run=`` (a function taking the
parsed args and returning the exit code). Modules are imported only to build the parser.
"""

from __future__ import annotations

import argparse
import importlib

COMMAND_MODULES = [
    "snaptui.commands.demo",
    "snaptui.commands.config",
    "snaptui.commands.doctor",
    "snaptui.commands.ls",
    "snaptui.commands.snapshot",
    "snaptui.commands.restore",
    "snaptui.commands.compare",
    "snaptui.commands.image",
    "snaptui.commands.launch",
    "snaptui.commands.copy",
    "snaptui.commands.delete",
    "snaptui.commands.wait",
    "snaptui.commands.prune",
    "snaptui.commands.completion",
]


def add_command_parsers(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_parser(subparsers)
