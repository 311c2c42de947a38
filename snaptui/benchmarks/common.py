"""Helpers shared by the benchmark phases: environment, loopback guard, /proc, statistics."""

from __future__ import annotations

import ipaddress
import json
import os
import platform
import resource
import statistics
import sys
import time
import urllib.request
from collections.abc import Sequence
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit

REGION = "us-east-1"
MB = 1024 * 1024


def note(message: str) -> None:
    """Progress for the person running the benchmark: stderr only, stdout is the JSON."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def use_fake_credentials() -> None:
    """Drop every AWS_* variable of the shell, then use the demo's fake keys (as the CLI does)."""
    from snaptui.cli import _use_demo_credentials

    _use_demo_credentials()
    os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"


def check_loopback(url: str) -> str:
    """The benchmark only ever talks to a server on this machine."""
    host = urlsplit(url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise SystemExit(f"--endpoint must be a loopback URL (127.0.0.1, localhost, ::1): {url}")
    return url.rstrip("/")


def moto_api(endpoint: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """GET (or POST *body* as JSON to) moto's own API on the loopback demo backend."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{check_loopback(endpoint)}{path}", data=data)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
        text = response.read().decode() or "null"
    return json.loads(text)


def proc_status_mb() -> dict[str, float | None]:
    """This process's resident set now (VmRSS) and at its peak (VmHWM, ru_maxrss), in MB."""
    found: dict[str, float | None] = {"vm_rss_mb": None, "vm_hwm_mb": None}
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    found[f"{key.lower()[:2]}_{key[2:].lower()}_mb"] = int(value.split()[0]) / 1024
    except OSError:
        pass
    found["ru_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return found


def process_cpu_s(pid: int | None) -> float | None:
    """User + system CPU seconds of another process (the demo backend), from /proc."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: Sequence[float], pct: float) -> float | None:
    """Nearest-rank percentile (no interpolation); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 2)


def rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def cpu_share(seconds: float = 0.25) -> float:
    """The share of one core a busy Python loop gets right now (1.0 on an idle machine).

    Other processes on a 2-core machine (test runs, the backend) lower it; every figure of a
    run with a low share is slower than the app's own cost.
    """
    began, cpu = time.perf_counter(), time.thread_time()
    while time.perf_counter() - began < seconds:
        pass
    return round((time.thread_time() - cpu) / (time.perf_counter() - began), 2)


def load_now() -> dict[str, Any]:
    try:
        load: list[float] | None = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {"loadavg": load, "cpu_share": cpu_share()}


def machine_info() -> dict[str, Any]:
    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    return {
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "at_start": load_now(),
        "packages": {
            name: version(name)
            for name in ("snaptui", "textual", "rich", "boto3", "botocore", "aiobotocore", "moto")
        },
    }
