"""The demo backend's process lifecycle: ready line, clean stop, no orphans, clear errors."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from botocore.exceptions import ClientError

from snaptui.demo import backend as backend_module
from snaptui.demo.backend import DemoBackend, DemoError

from ._clients import client

SERVER = [sys.executable, "-m", "snaptui.demo.server", "--port", "0"]


def _gone(pid: int, timeout: float = 8.0) -> bool:
    """True once ``pid`` no longer runs (a zombie waiting to be reaped counts as gone)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except (ProcessLookupError, FileNotFoundError):
            return True
        time.sleep(0.05)
    return False


def _refuses_connections(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
    except OSError:
        return True
    return False


def test_ready_backend_serves_the_seeded_fleet_and_stops_without_leftovers() -> None:
    demo = DemoBackend(scale="small")
    with demo:
        url, pid = demo.endpoint_url, demo.pid
        assert url.startswith("http://127.0.0.1:")
        reservations = client("ec2", url).describe_instances()["Reservations"]
        names = {
            tag["Value"]
            for reservation in reservations
            for instance in reservation["Instances"]
            for tag in instance["Tags"]
            if tag["Key"] == "Name"
        }
        assert {"prod-db-primary", "prod-web-1", "staging-db", "dev-sandbox"} <= names
        # The time transition is on: new snapshots start pending.
        ec2 = client("ec2", url)
        volume = ec2.describe_volumes(MaxResults=5)["Volumes"][0]["VolumeId"]
        assert ec2.create_snapshot(VolumeId=volume)["State"] == "pending"
    assert pid is not None and _gone(pid)
    assert _refuses_connections(url)
    demo.stop()  # idempotent
    with pytest.raises(DemoError, match="not running"):
        demo.endpoint_url  # noqa: B018


def test_child_exits_when_its_stdin_closes_and_on_sigterm() -> None:
    for stop in ("close stdin", "sigterm"):
        child = subprocess.Popen(
            [*SERVER, "--snapshot-seconds", "0"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        try:
            ready = child.stdout.readline().decode()
            assert ready.startswith("ready http://127.0.0.1:")
            # moto prints "Unable to find appropriate backend for dlm" to stdout: not to ours.
            with pytest.raises(ClientError):
                client("dlm", ready.split()[1]).get_lifecycle_policies()
            if stop == "close stdin":
                child.stdin.close()
            else:
                child.send_signal(signal.SIGTERM)
            assert child.wait(timeout=8) == 0, stop
            assert child.stdout.read() == b""  # nothing but the ready line, ever
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()


def test_child_does_not_outlive_a_parent_killed_with_sigkill() -> None:
    parent_code = (
        "from snaptui.demo.backend import DemoBackend\n"
        "demo = DemoBackend(snapshot_seconds=0)\n"
        "demo.start()\n"
        "print(demo.pid, flush=True)\n"
        "import time; time.sleep(60)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", parent_code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    try:
        child_pid = int(parent.stdout.readline())
        assert not _gone(child_pid, timeout=0.2)
        parent.kill()
        parent.wait()
        assert _gone(child_pid), "the demo server outlived its SIGKILLed parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def test_bad_scale_is_a_clear_error_before_and_inside_the_child() -> None:
    with pytest.raises(DemoError, match=r"unknown demo scale 'huge': choose one of small, large"):
        DemoBackend(scale="huge").start()
    child = subprocess.run(
        [*SERVER, "--scale", "huge"], input=b"", capture_output=True, timeout=30, check=False
    )
    assert child.returncode == 1
    assert child.stdout == b"error unknown demo scale 'huge': choose one of small, large\n"


def test_port_in_use_is_reported_instead_of_hanging() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(DemoError, match=f"port {port} on 127.0.0.1 is in use"):
            DemoBackend(port=port, timeout=30).start()


def test_missing_moto_and_timeout_give_one_line_errors(monkeypatch) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(backend_module.importlib.util, "find_spec", lambda name: None)
        with pytest.raises(DemoError, match=r"pip install 'snaptui\[demo\]'"):
            DemoBackend().start()

    demo = DemoBackend(timeout=0.05)
    with pytest.raises(DemoError, match="did not become ready within 0.05 s") as excinfo:
        demo.start()
    assert "\n" not in str(excinfo.value)
    assert demo.pid is None and not demo.is_running()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_run_standalone_prints_how_to_connect_and_stops_on_ctrl_c(signum: int) -> None:
    code = (
        "import sys\n"
        "from snaptui.demo.backend import run_standalone\n"
        "sys.exit(run_standalone(0, 'small'))\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        lines = []
        while not lines or not lines[-1].startswith("Press Ctrl-C"):
            line = process.stdout.readline()
            assert line, f"run_standalone ended early: {lines}"
            lines.append(line.rstrip("\n"))
        text = "\n".join(lines)
        url = next(word for word in text.split() if word.startswith("http://127.0.0.1:"))
        assert f"snaptui --endpoint-url {url} --region us-east-1" in text
        assert "export AWS_ACCESS_KEY_ID=" in text
        process.send_signal(signum)
        assert process.wait(timeout=10) == 0
        assert process.stdout.read().strip() == "Stopping the demo backend."
        assert _refuses_connections(url)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
