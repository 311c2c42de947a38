"""The real ``snaptui`` command, run as users run it: a new Python process."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping


def run_snaptui(
    *args: str, env: Mapping[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``python -m snaptui ARGS``: stdin is not a terminal, stdout and stderr are captured as
    text. ``env`` None inherits the test environment (fake credentials, the test home)."""
    return subprocess.run(
        [sys.executable, "-m", "snaptui", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=None if env is None else dict(env),
    )
