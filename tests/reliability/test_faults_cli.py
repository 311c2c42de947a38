"""Faults through the fault proxy, as a script running the headless CLI meets them.

Every command runs as a subprocess (``python -m snaptui ...``, stdin not a terminal) against
the seeded moto fleet behind a FaultProxy, with ``[network] read_timeout = 1, max_attempts = 3``
from a config file. A command completes (exit 0, the full result) or fails with exactly one
``snaptui: error: ...`` line naming the code and the operation, and never a traceback.

Cases that do not share a proxy run side by side: each gets a FaultProxy of its own in front
of the same moto, so their rules and logs never mix.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.cli._helpers import Result, set_transition
from tests.reliability.fault_proxy import FaultProxy

REGION = "us-east-1"
READ_TIMEOUT = 1
MAX_ATTEMPTS = 3

Run = Callable[..., Result]


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f"[network]\nread_timeout = {READ_TIMEOUT}\nmax_attempts = {MAX_ATTEMPTS}\n")
    return path


def command(endpoint: str, config: Path, *args: str) -> tuple[list[str], dict[str, str]]:
    argv = [sys.executable, "-m", "snaptui", "--endpoint-url", endpoint, "--region", REGION]
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "SNAPTUI_CONFIG": str(config),
        "AWS_ENDPOINT_URL": endpoint,  # nothing can reach real AWS, whatever the flags say
    }
    return [*argv, *args], env


@pytest.fixture
def snaptui(config_file: Path) -> Run:
    """``snaptui(endpoint, *args)``: run the real command through ``endpoint``."""

    def run(endpoint: str, *args: str, timeout: float = 60) -> Result:
        argv, env = command(endpoint, config_file, *args)
        done = subprocess.run(
            argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout, env=env
        )
        return Result(done.returncode, done.stdout, done.stderr)

    return run


@pytest.fixture
def proxies(seeded_proxy: FaultProxy) -> Iterator[Callable[[], FaultProxy]]:
    """More proxies in front of the same seeded moto, one per case that runs side by side."""
    with ExitStack() as stack:
        yield lambda: stack.enter_context(FaultProxy(seeded_proxy.target))


def side_by_side(*calls: Callable[[], Result]) -> list[Result]:
    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def backend(proxy: FaultProxy) -> Any:
    return boto3.client("ec2", region_name=REGION, endpoint_url=proxy.target)


def backend_ids(proxy: FaultProxy, kind: str) -> set[str]:
    ec2 = backend(proxy)
    if kind == "snapshots":
        return {s["SnapshotId"] for s in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]}
    if kind == "volumes":
        return {v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]}
    if kind == "images":
        return {i["ImageId"] for i in ec2.describe_images(Owners=["self"])["Images"]}
    reservations = ec2.describe_instances()["Reservations"]
    return {i["InstanceId"] for r in reservations for i in r["Instances"]}


def snapshots_of(proxy: FaultProxy, volume: str) -> set[str]:
    found = backend(proxy).describe_snapshots(
        OwnerIds=["self"], Filters=[{"Name": "volume-id", "Values": [volume]}]
    )["Snapshots"]
    return {s["SnapshotId"] for s in found}


def fresh_volume(proxy: FaultProxy) -> str:
    return backend(proxy).create_volume(Size=8, AvailabilityZone=f"{REGION}a")["VolumeId"]


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def assert_no_traceback(result: Result) -> None:
    for stream in (result.stderr, result.stdout):
        assert "Traceback" not in stream and 'File "' not in stream, stream


def the_error_line(result: Result) -> str:
    """The failure, as exactly one line on stderr (and nothing on stdout)."""
    assert_no_traceback(result)
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("snaptui: error: ")
    return line


# ---------------------------------------------------------------------------------------------
# Reads


READS = [
    # kind, operation, fault, times, delay
    ("snapshots", "DescribeSnapshots", "throttle", 2, 0.0),
    ("volumes", "DescribeVolumes", "truncate", 1, 0.0),
    ("instances", "DescribeInstances", "internal", 1, 0.0),
    ("images", "DescribeImages", "slow", 1, READ_TIMEOUT + 1.0),
]


def test_reads_with_a_passing_fault_complete(proxies, snaptui: Run):
    cases = []
    for kind, operation, fault, times, delay in READS:
        proxy = proxies()
        rule = proxy.inject(fault, operation=operation, times=times, delay=delay)
        cases.append((kind, proxy, rule))

    results = side_by_side(
        *(lambda kind=kind, proxy=proxy: snaptui(proxy.url, "ls", kind, "--json")
          for kind, proxy, _ in cases)
    )  # fmt: skip

    for (kind, proxy, rule), result in zip(cases, results, strict=True):
        assert result.code == 0, (kind, rule.fault, result.stderr)
        assert_no_traceback(result)
        assert result.stderr == ""
        assert {item["id"] for item in result.json[kind]} == backend_ids(proxy, kind)
        assert rule.hits == rule.times  # the fault did happen, and was retried past
        assert [s.fault for s in proxy.calls(rule.operation)][: rule.times + 1] == [
            *[rule.fault] * rule.times,
            None,
        ]


def test_ls_under_endless_throttling_is_one_line_and_exit_3(seeded_proxy: FaultProxy, snaptui):
    proxy = seeded_proxy
    proxy.inject("throttle", operation="DescribeSnapshots", times=None)

    result = snaptui(proxy.url, "ls", "snapshots", "--json")

    assert result.code == 3
    line = the_error_line(result)
    assert line == (
        "snaptui: error: RequestLimitExceeded: Request limit exceeded. (DescribeSnapshots)"
    )
    assert len(proxy.calls("DescribeSnapshots")) == MAX_ATTEMPTS  # from the config file


# ---------------------------------------------------------------------------------------------
# A snapshot whose reply is lost


def test_a_snapshot_whose_reply_is_lost_is_made_once(proxies, snaptui: Run):
    cases = []
    for fault, delay in (("slow", READ_TIMEOUT + 1.0), ("reset", 0.0)):
        proxy = proxies()
        volume = fresh_volume(proxy)
        # The DryRun preflight goes through: only the real call loses its reply.
        proxy.inject(
            fault, operation="CreateSnapshot", after_forward=True, delay=delay, dry_run=False
        )
        cases.append((fault, proxy, volume))

    results = side_by_side(
        *(lambda proxy=proxy, volume=volume: snaptui(proxy.url, "snapshot", volume, "--json")
          for _, proxy, volume in cases)
    )  # fmt: skip

    for (fault, proxy, volume), result in zip(cases, results, strict=True):
        assert_no_traceback(result)
        (created,) = snapshots_of(proxy, volume)  # exactly one, at the backend
        sent = [s for s in proxy.calls("CreateSnapshot") if not s.dry_run]
        assert len(sent) == 1 and sent[0].fault == fault  # sent once, never again
        assert result.code == 0, (fault, result.stderr)
        assert result.json["snapshot_ids"] == [created] and result.json["ok"]
        assert result.json["recovered"] is True
        assert "the reply to CreateSnapshot was lost; found what it made by its tag" in (
            result.stderr
        )


def test_snapshot_wait_rides_out_throttled_polls(moto: str, seeded_proxy: FaultProxy, config_file):
    proxy = seeded_proxy
    set_transition(moto, 3)  # pending for 3 s, so the wait polls a few times
    volume = fresh_volume(proxy)
    argv, env = command(proxy.url, config_file, "snapshot", volume, "--wait", "--json")
    process = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not [s for s in proxy.calls("CreateSnapshot") if not s.dry_run]:
            assert process.poll() is None and time.monotonic() < deadline, "no CreateSnapshot"
            time.sleep(0.02)
        # Created: now the polls of the wait are throttled, one of them past its retries.
        rule = proxy.inject("throttle", operation="DescribeSnapshots", times=MAX_ATTEMPTS + 1)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    result = Result(process.returncode, stdout, stderr)

    assert result.code == 0, result.stderr
    assert_no_traceback(result)
    assert rule.hits == MAX_ATTEMPTS + 1
    (created,) = snapshots_of(proxy, volume)
    assert result.json["snapshot_ids"] == [created] and result.json["waited"]
    assert [s["state"] for s in result.json["snapshots"]] == ["completed"]
    assert "RequestLimitExceeded while polling: trying again" in result.stderr


# ---------------------------------------------------------------------------------------------
# Credentials and endpoints


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        ("expired", "ExpiredToken: The security token included in the request is expired"),
        (
            "request_expired",
            "RequestExpired: Request has expired. (expired credentials, or the clock of this "
            "machine is off by > 5 minutes)",
        ),
    ],
)
def test_expired_credentials_are_one_line_that_says_what_to_do(
    seeded_proxy: FaultProxy, snaptui, fault, says
):
    proxy = seeded_proxy
    proxy.inject(fault, times=None)

    result = snaptui(proxy.url, "ls", "volumes")

    assert result.code == 3
    line = the_error_line(result)
    assert says in line
    assert "(DescribeVolumes)" in line
    # The test session's credentials are AWS_* variables of the environment:
    assert "export fresh ones (or use --profile), then run the command again" in line
    assert len(proxy.calls("DescribeVolumes")) == 1  # expired credentials are not retried


def test_an_unreachable_endpoint_is_one_line_naming_it(snaptui: Run):
    url = closed_port_url()

    result = snaptui(url, "ls", "instances", "--endpoint-url", url)

    assert result.code == 3
    line = the_error_line(result)
    assert line == (
        f"snaptui: error: EndpointConnectionError: cannot connect to {url}/: check the network "
        "(and any proxy) and the endpoint URL (DescribeInstances)"
    )


def test_the_renewal_hint_follows_the_profile(tmp_path, monkeypatch):
    """What the line above says for the other kinds of credentials (no subprocess needed)."""
    from snaptui.aws.errors import CredentialsError, ThrottledError
    from snaptui.commands._runner import describe_failure

    config = tmp_path / "aws-config"
    config.write_text(
        "[profile sso]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n"
        "sso_account_id = 123456789012\nsso_role_name = Ops\n"
        "[profile ops]\nrole_arn = arn:aws:iam::123456789012:role/ops\nsource_profile = sso\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    expired = CredentialsError("ExpiredToken", "expired", operation="DescribeVolumes")

    assert describe_failure(expired, profile="sso")[1].endswith(
        "; run 'aws sso login --profile sso --use-device-code', then run the command again"
    )
    assert describe_failure(expired, profile="ops")[1].endswith(
        "; renew the credentials of profile ops, then run the command again"
    )
    throttled = ThrottledError("RequestLimitExceeded", "slow down", operation="DescribeVolumes")
    assert describe_failure(throttled, profile="sso")[1] == (
        "error: RequestLimitExceeded: slow down (DescribeVolumes)"
    )
