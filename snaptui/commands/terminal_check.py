"""What the terminal can show, and what to change when it is less than it could be.

Over SSH to a bastion the usual losses are colour (``COLORTERM`` is not forwarded unless
``SendEnv``/``AcceptEnv`` say so) and UTF-8 (a ``LANG`` the bastion has no locale for).
"""

from __future__ import annotations

import codecs
import locale
import os
import shutil
import sys
from collections.abc import Mapping
from typing import Any

MIN_SIZE = (80, 24)


def _color_system(env: Mapping[str, str]) -> str:
    """What Rich (and so Textual) would use with this environment."""
    from rich.console import Console

    console = Console(force_terminal=True, _environ=dict(env))
    return console.color_system or "none"


def _encoding() -> str:
    name = locale.getpreferredencoding(False) or "ascii"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name


def _is_utf8(lang: str) -> bool:
    """``en_US.UTF-8``, ``C.utf8``: the charset part of a locale name says UTF-8."""
    charset = lang.partition(".")[2].partition("@")[0].lower().replace("-", "")
    return charset == "utf8"


def _size() -> tuple[int, int] | None:
    for stream in (sys.__stdout__, sys.__stderr__, sys.__stdin__):
        try:
            if stream is not None and stream.isatty():
                size = os.get_terminal_size(stream.fileno())
                return size.columns, size.lines
        except (OSError, ValueError):
            continue
    return None


def terminal_report(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    env = os.environ if env is None else env
    term = env.get("TERM", "")
    colorterm = env.get("COLORTERM", "")
    ssh = bool(env.get("SSH_CONNECTION") or env.get("SSH_TTY"))
    multiplexer = "tmux" if env.get("TMUX") else "screen" if env.get("STY") else None
    colors = _color_system(env)
    encoding = _encoding()
    size = _size()
    lang = env.get("LC_ALL") or env.get("LC_CTYPE") or env.get("LANG") or ""
    hints: list[str] = []

    if not term or term == "dumb":
        hints.append(f"TERM is {term or 'unset'}: export TERM=xterm-256color")
    if colorterm not in ("truecolor", "24bit"):
        if ssh:
            hints.append(
                "COLORTERM is not forwarded over SSH, so colours are reduced: add "
                "`SendEnv COLORTERM` under the bastion's Host in ~/.ssh/config and "
                "`AcceptEnv COLORTERM` to its sshd_config (or export COLORTERM=truecolor "
                "on the bastion if your terminal supports 24-bit colour)"
            )
        else:
            hints.append("export COLORTERM=truecolor if your terminal supports 24-bit colour")
    if multiplexer and "256color" not in term:
        hints.append(
            f"inside {multiplexer} TERM is {term or 'unset'}: set its default-terminal to "
            "tmux-256color / screen-256color (and add `set -as terminal-features ',*:RGB'` "
            "for tmux)"
        )
    if not _is_utf8(lang) or encoding != "utf-8":
        hints.append(
            f"the locale is {lang or 'not set'} (Python sees {encoding}): without UTF-8, "
            "lines and symbols are garbled; export LANG=C.UTF-8 (`locale -a` lists what the "
            "bastion has; ssh forwards LANG/LC_* from your machine with SendEnv)"
        )
    if size is not None and (size[0] < MIN_SIZE[0] or size[1] < MIN_SIZE[1]):
        hints.append(f"the terminal is {size[0]}x{size[1]}; snaptui needs at least 80x24")
    if env.get("NO_COLOR"):
        hints.append("NO_COLOR is set: snaptui shows no colours")
    width, height = shutil.get_terminal_size((0, 0)) if size is None else size
    return {
        "term": term or None,
        "colorterm": colorterm or None,
        "colors": colors,
        "size": f"{width}x{height}" if width else "not a terminal",
        "encoding": encoding,
        "locale": lang or None,
        "ssh": ssh,
        "multiplexer": multiplexer,
        "no_color": bool(env.get("NO_COLOR")),
        "hints": hints,
    }
