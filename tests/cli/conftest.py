"""One ``snaptui demo serve`` for the whole CLI suite, and a runner for the real command.

The commands run as subprocesses (``python -m snaptui ...``) with the environment the root
conftest prepared: fake credentials, no profile, XDG directories in the test home (so the
audit log lands there, where ``audit_records`` reads it). Every call names the demo endpoint
explicitly, and ``AWS_ENDPOINT_URL`` points there too, so nothing can reach real AWS.

The backend is shared, so tests pick distinct hosts and volumes and look ids up by name.
Snapshots go from pending to completed in ``TRANSITION_SECONDS`` (the demo's 45 s would make
``--wait`` tests slow).
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.cli_process import run_snaptui

from ._helpers import REGION, TRANSITION_SECONDS, Result, ec2_client, set_transition

READY_RE = re.compile(r"ready at (http://127\.0\.0\.1:\d+)")


def _read_until_ready(process: subprocess.Popen[str], lines: queue.Queue[str | None]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.put(line)
    lines.put(None)


@pytest.fixture(scope="session")
def demo_endpoint() -> Iterator[str]:
    """``snaptui demo serve --port 0``: parse its endpoint URL, stop it with Ctrl-C at the end."""
    process = subprocess.Popen(
        [sys.executable, "-m", "snaptui", "demo", "serve", "--port", "0"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_read_until_ready, args=(process, lines), daemon=True).start()
    url = None
    try:
        while url is None:
            line = lines.get(timeout=90)
            if line is None:
                pytest.fail(f"snaptui demo serve exited with {process.wait(5)} before ready")
            match = READY_RE.search(line)
            url = match.group(1) if match else None
        set_transition(url, TRANSITION_SECONDS)
        yield url
    finally:
        process.send_signal(signal.SIGINT)  # run_standalone stops its backend on Ctrl-C
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def snaptui(demo_endpoint: str):  # type: ignore[no-untyped-def]
    """``snaptui(*args)`` runs the real command against the demo backend; stdin is not a TTY.

    The session flags go before the command unless ``flags_after=True``.
    """
    env = {**os.environ, "AWS_ENDPOINT_URL": demo_endpoint, "NO_COLOR": "1"}
    session = ["--endpoint-url", demo_endpoint, "--region", REGION]

    def run(*args: str, flags_after: bool = False, timeout: float = 60) -> Result:
        argv = [*args, *session] if flags_after else [*session, *args]
        done = run_snaptui(*argv, env=env, timeout=timeout)
        return Result(done.returncode, done.stdout, done.stderr)

    return run


@pytest.fixture(scope="session")
def inventory(snaptui) -> dict[str, list[dict[str, Any]]]:  # type: ignore[no-untyped-def]
    """``ls KIND --json`` of every kind, as the demo was seeded (run side by side: 2 s, not 6)."""
    kinds = ("instances", "volumes", "images", "snapshots")
    with ThreadPoolExecutor(len(kinds)) as pool:
        runs = pool.map(lambda kind: snaptui("ls", kind, "--json"), kinds)
        results = dict(zip(kinds, runs, strict=True))
    for result in results.values():
        assert result.code == 0, result.stderr
    return {kind: result.json[kind] for kind, result in results.items()}


@pytest.fixture(scope="session")
def fleet(inventory) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    """Name -> id of the demo's instances, volumes and images (ids are seeded, names stable)."""
    return {
        kind: {item["name"]: item["id"] for item in inventory[kind] if item["name"]}
        for kind in ("instances", "volumes", "images")
    }


@pytest.fixture(scope="session")
def seeded_snapshots(inventory) -> dict[str, list[dict[str, Any]]]:  # type: ignore[no-untyped-def]
    """Volume id -> its snapshots as seeded, newest first."""
    by_volume: dict[str, list[dict[str, Any]]] = {}
    for snapshot in inventory["snapshots"]:
        by_volume.setdefault(snapshot["volume_id"], []).append(snapshot)
    return by_volume


@pytest.fixture(scope="session")
def ec2(demo_endpoint: str) -> Any:
    """boto3 against the demo backend: checks what the commands did, with no subprocess."""
    return ec2_client(demo_endpoint)
