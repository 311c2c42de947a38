"""The fault proxy itself: each fault reaches botocore as the real failure would."""

from __future__ import annotations

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

from tests.reliability.fault_proxy import FaultProxy


def ec2(url: str, *, read_timeout: float = 10, attempts: int = 1):  # type: ignore[no-untyped-def]
    config = Config(
        retries={"mode": "standard", "total_max_attempts": attempts},
        read_timeout=read_timeout,
        connect_timeout=2,
    )
    return boto3.client("ec2", region_name="us-east-1", endpoint_url=url, config=config)


@pytest.mark.parametrize(
    ("fault", "code", "status"),
    [
        ("throttle", "RequestLimitExceeded", 503),
        ("throttling", "Throttling", 400),
        ("internal", "InternalError", 500),
        ("unavailable", "Unavailable", 503),
        ("expired", "ExpiredToken", 400),
        ("request_expired", "RequestExpired", 400),
    ],
)
def test_error_faults_arrive_as_the_aws_error(proxy: FaultProxy, fault, code, status):
    proxy.inject(fault, operation="DescribeVolumes")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        ec2(proxy.url).describe_volumes()
    assert caught.value.response["Error"]["Code"] == code
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    ec2(proxy.url).describe_volumes()  # times=1: the next one goes through
    assert [(s.operation, s.fault, s.forwarded) for s in proxy.seen] == [
        ("DescribeVolumes", fault, False),
        ("DescribeVolumes", None, True),
    ]


def test_reset_truncate_and_slow_are_transport_failures(proxy: FaultProxy):
    proxy.inject("reset", operation="DescribeVolumes")
    with pytest.raises(botocore.exceptions.ConnectionClosedError):
        ec2(proxy.url).describe_volumes()
    proxy.inject("truncate", operation="DescribeVolumes")
    with pytest.raises(botocore.exceptions.BotoCoreError):
        ec2(proxy.url).describe_volumes()
    proxy.inject("slow", operation="DescribeVolumes", delay=1.5)
    with pytest.raises(botocore.exceptions.ReadTimeoutError):
        ec2(proxy.url, read_timeout=0.5).describe_volumes()


def test_after_forward_the_backend_applied_it(proxy: FaultProxy):
    client = ec2(proxy.url)
    volume = client.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    proxy.inject("reset", operation="CreateSnapshot", after_forward=True)
    with pytest.raises(botocore.exceptions.ConnectionClosedError):
        client.create_snapshot(VolumeId=volume)
    snapshots = client.describe_snapshots(OwnerIds=["self"])["Snapshots"]
    assert [s["VolumeId"] for s in snapshots] == [volume]
    assert proxy.calls("CreateSnapshot")[0].forwarded


def test_the_log_tells_mutating_calls_and_dry_runs_apart(proxy: FaultProxy):
    client = ec2(proxy.url)
    client.describe_instances()
    with pytest.raises(botocore.exceptions.ClientError):
        client.create_volume(AvailabilityZone="us-east-1a", Size=1, DryRun=True)
    assert [(s.service, s.operation, s.dry_run) for s in proxy.mutating()] == [
        ("ec2", "CreateVolume", True)
    ]
    assert proxy.operations() == ["DescribeInstances", "CreateVolume"]


def test_unknown_fault_is_refused(proxy: FaultProxy):
    with pytest.raises(ValueError, match="unknown fault"):
        proxy.inject("gremlins")
