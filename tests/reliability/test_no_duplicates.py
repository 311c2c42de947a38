"""A mutating call whose reply is lost must not create anything twice -- proven over HTTP.

The proxy lets moto apply the request, then resets the connection, answers too late or answers
500: botocore would retry each of those. snaptui sends calls without a ClientToken once
(throttling and refused connects excepted), finds what the lost call made by its request-id
tag, and the backend ends up with exactly one resource.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from snaptui.aws import AwsContext, AwsSettings, Ec2Service
from snaptui.aws.action_errors import AmbiguousOutcomeError
from snaptui.aws.action_plans import (
    plan_create_image,
    plan_restore,
    plan_snapshot,
    plan_snapshot_set,
)
from snaptui.aws.actions import Actions
from snaptui.aws.audit import AuditLog
from tests.reliability.fault_proxy import FaultProxy

REGION = "us-east-1"
READ_TIMEOUT = 1.0
# Each lost reply: (fault, delay). "slow" answers after the client's read timeout.
LOST_REPLIES = [("reset", 0.0), ("slow", READ_TIMEOUT + 1.0), ("internal", 0.0)]


@pytest.fixture
def ec2(moto: str) -> Any:
    return boto3.client("ec2", region_name=REGION, endpoint_url=moto)


@pytest.fixture
async def service(proxy: FaultProxy) -> AsyncIterator[Ec2Service]:
    settings = AwsSettings(region=REGION, endpoint_url=proxy.url, read_timeout=READ_TIMEOUT)
    async with AwsContext(settings) as ctx:
        ctx.sleep = _no_wait
        yield Ec2Service(ctx)


async def _no_wait(seconds: float) -> None:
    return None


@pytest.fixture
def audit(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "audit.jsonl")


@pytest.fixture
def actions(audit: AuditLog) -> Actions:
    return Actions(audit, settle_delays=(0.2, 0.5), poll_interval=0)


def instance_with_volume(ec2: Any) -> tuple[str, str]:
    instance = ec2.run_instances(
        ImageId="ami-12345678",
        MinCount=1,
        MaxCount=1,
        Placement={"AvailabilityZone": f"{REGION}a"},
    )["Instances"][0]["InstanceId"]
    volume = ec2.create_volume(Size=10, AvailabilityZone=f"{REGION}a")["VolumeId"]
    ec2.attach_volume(VolumeId=volume, InstanceId=instance, Device="/dev/sdf")
    return instance, volume


def own_snapshots(ec2: Any) -> list[dict[str, Any]]:
    return ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]


@pytest.mark.parametrize(("fault", "delay"), LOST_REPLIES)
async def test_create_snapshot_with_a_lost_reply_makes_one_snapshot(
    proxy: FaultProxy, service: Ec2Service, actions: Actions, audit: AuditLog, ec2, fault, delay
):
    _, volume = instance_with_volume(ec2)
    request = await plan_snapshot(service, volume, reason="safety")
    proxy.inject(fault, operation="CreateSnapshot", after_forward=True, delay=delay)

    result = await actions.create_snapshot(service, request)

    (only,) = own_snapshots(ec2)
    assert result.snapshot_id == only["SnapshotId"] and result.recovered
    assert len(proxy.calls("CreateSnapshot")) == 1  # sent once, never again
    (record,) = [r for r in audit.read() if r["operation"] == "CreateSnapshot"]
    assert record["outcome"] == "ok" and record["resource_ids"] == [only["SnapshotId"]]


@pytest.mark.parametrize(("fault", "delay"), LOST_REPLIES)
async def test_create_snapshot_set_with_a_lost_reply_makes_one_set(
    proxy: FaultProxy, service: Ec2Service, actions: Actions, ec2, fault, delay
):
    instance, _ = instance_with_volume(ec2)
    request = await plan_snapshot_set(service, instance)
    proxy.inject(fault, operation="CreateSnapshots", after_forward=True, delay=delay)

    result = await actions.create_snapshot_set(service, request)

    snapshots = own_snapshots(ec2)
    assert len(snapshots) == len(request.volumes) == 2  # root + data, once each
    assert {s["SnapshotId"] for s in snapshots} == set(result.snapshot_ids)
    assert len(proxy.calls("CreateSnapshots")) == 1


@pytest.mark.parametrize(("fault", "delay"), LOST_REPLIES)
async def test_create_image_with_a_lost_reply_makes_one_image(
    proxy: FaultProxy, service: Ec2Service, actions: Actions, ec2, fault, delay
):
    instance, _ = instance_with_volume(ec2)
    request = await plan_create_image(service, instance, name="before-deploy", reboot=False)
    proxy.inject(fault, operation="CreateImage", after_forward=True, delay=delay)

    result = await actions.create_image(service, request)

    (image,) = ec2.describe_images(Owners=["self"])["Images"]
    assert result.image_id == image["ImageId"] and result.recovered
    assert len(proxy.calls("CreateImage")) == 1


async def test_a_lost_request_is_reported_as_unknown_and_the_rerun_creates_exactly_one(
    proxy: FaultProxy, service: Ec2Service, actions: Actions, ec2
):
    """Reset *before* moto saw it: nothing exists, snaptui says it cannot know; running the same
    request again looks first, finds nothing, and creates one."""
    _, volume = instance_with_volume(ec2)
    request = await plan_snapshot(service, volume)
    proxy.inject("reset", operation="CreateSnapshot")

    with pytest.raises(AmbiguousOutcomeError) as caught:
        await actions.create_snapshot(service, request)
    assert own_snapshots(ec2) == []
    assert "look again in a minute before trying again" in str(caught.value)

    result = await actions.create_snapshot(service, request)
    (only,) = own_snapshots(ec2)
    assert result.snapshot_id == only["SnapshotId"]
    assert len(proxy.calls("CreateSnapshot")) == 2


async def test_throttled_create_snapshot_is_retried_and_makes_one(
    proxy: FaultProxy, service: Ec2Service, actions: Actions, ec2
):
    """Throttling is a refusal: nothing was applied, so sending again is safe."""
    _, volume = instance_with_volume(ec2)
    request = await plan_snapshot(service, volume)
    proxy.inject("throttle", operation="CreateSnapshot", times=2)

    result = await actions.create_snapshot(service, request)

    (only,) = own_snapshots(ec2)
    assert result.snapshot_id == only["SnapshotId"] and not result.recovered
    assert [s.fault for s in proxy.calls("CreateSnapshot")] == ["throttle", "throttle", None]


async def test_restore_with_a_lost_reply_is_resent_with_its_client_token(
    proxy: FaultProxy, service: Ec2Service, actions: Actions, ec2
):
    """CreateVolume carries a ClientToken: sending it again is idempotent, and one volume
    exists afterwards."""
    _, volume = instance_with_volume(ec2)
    snapshot = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    before = {v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]}
    request = await plan_restore(service, snapshot)
    proxy.inject("reset", operation="CreateVolume", after_forward=True)

    result = await actions.restore_volume(service, request)

    created = {v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]} - before
    assert created == {result.volume_id}
    sent = proxy.calls("CreateVolume")
    assert len(sent) == 2 and sent[0].params["ClientToken"] == sent[1].params["ClientToken"]


async def test_a_refused_connect_is_retried_because_nothing_was_sent():
    """Nothing listens on the port: the request never left, so retrying it is safe."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    settings = AwsSettings(region=REGION, endpoint_url=closed, max_attempts=3, connect_timeout=1)
    async with AwsContext(settings) as ctx:
        ctx.sleep = record
        with pytest.raises(Exception) as caught:
            await ctx.call("ec2", "CreateSnapshot", VolumeId="vol-0123456789abcdef0")
    assert getattr(caught.value, "code", None) == "EndpointConnectionError"
    assert len(waits) == 2  # three attempts in all
