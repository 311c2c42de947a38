"""The TOML files snaptui keeps: find a key's line, refuse credentials, write atomically.

Shared by ``config.toml`` (read; written only when created) and ``state.toml`` (written by
the UI). Every write replaces the file in one step (temp file + rename) with mode 0600, and
nothing that names a credential is ever written.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli_w

__all__ = [
    "CREDENTIAL_KEYS",
    "credential_keys_in",
    "line_of",
    "write_text_atomically",
    "write_toml",
]

CREDENTIAL_KEYS = frozenset(
    {
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "aws_security_token",
        "access_key_id",
        "secret_access_key",
        "session_token",
        "credential_process",
        "password",
        "mfa_code",
        "token_code",
    }
)
"""Key names that would put a credential in a snaptui file; refused when read and written."""

# ---------------------------------------------------------------------------------------------
# Locating keys in the text, so messages can name the line.

_HEADER_RE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_PART = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_KEY_RE = re.compile(rf"^\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=")


def _split_dotted(text: str) -> tuple[str, ...]:
    parts = re.findall(_PART, text)
    return tuple(p[1:-1] if p[:1] in "\"'" else p for p in parts)


def line_of(text: str, path: tuple[str, ...]) -> int | None:
    """The 1-based line where the key *path* (or its closest enclosing key) is written."""
    table: tuple[str, ...] = ()
    found: dict[tuple[str, ...], int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER_RE.match(line)
        if header:
            table = _split_dotted(header.group(1))
            found.setdefault(table, number)
            continue
        key = _KEY_RE.match(line)
        if key:
            found.setdefault(table + _split_dotted(key.group(1)), number)
    for end in range(len(path), 0, -1):
        if path[:end] in found:
            return found[path[:end]]
    return None


# ---------------------------------------------------------------------------------------------
# Credentials.


def credential_keys_in(
    data: Mapping[str, Any], prefix: tuple[str, ...] = ()
) -> list[tuple[str, ...]]:
    """Paths of every key in *data* (nested tables included) that names a credential."""
    found: list[tuple[str, ...]] = []
    for key, value in data.items():
        path = (*prefix, str(key))
        if str(key).lower() in CREDENTIAL_KEYS:
            found.append(path)
        elif isinstance(value, Mapping):
            found.extend(credential_keys_in(value, path))
    return found


# ---------------------------------------------------------------------------------------------
# Writing.


def write_text_atomically(path: Path, text: str) -> None:
    """Replace *path* with *text* in one step (temp file + rename), mode 0600.

    A crash or a failed rename leaves the old file as it was and no temp file behind.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:  # make the rename itself durable; not every filesystem allows this
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def write_toml(path: Path, data: Mapping[str, Any]) -> None:
    """Write *data* as TOML (tomli-w), atomically. Raises ValueError for credential keys."""
    secrets = credential_keys_in(data)
    if secrets:
        names = ", ".join(".".join(p) for p in secrets)
        raise ValueError(f"refusing to write credentials to {path}: {names}")
    write_text_atomically(path, tomli_w.dumps(dict(data)))
