"""Restore (CreateVolume + AttachVolume) end to end against moto: defaults, validation before
anything is created, the next free device, ClientToken idempotency, failures after creation."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from snaptui.aws import Ec2Service, EndpointError, InvalidRequestError, ThrottledError
from snaptui.aws.action_plans import plan_restore
from snaptui.aws.actions import Actions
from snaptui.aws.audit import AuditLog
from snaptui.aws.validation import ValidationError

from ._seed import REGION


def tags_of(item: dict[str, Any]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in item.get("Tags") or ()}


def all_volumes(ec2: Any) -> dict[str, dict[str, Any]]:
    return {v["VolumeId"]: v for v in ec2.describe_volumes()["Volumes"]}


@pytest.fixture
def audit(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "audit.jsonl")


@pytest.fixture
def actions(audit: AuditLog) -> Actions:
    return Actions(audit, settle_delays=(), poll_interval=0)


@pytest.fixture
def source(ec2) -> dict[str, str]:
    """An io2 volume (1000 IOPS, tagged) and a snapshot of it tagged like snaptui does."""
    volume_id = ec2.create_volume(
        Size=20,
        AvailabilityZone=f"{REGION}b",
        VolumeType="io2",
        Iops=1000,
        TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "pg"}]}],
    )["VolumeId"]
    snapshot_id = ec2.create_snapshot(
        VolumeId=volume_id,
        TagSpecifications=[
            {
                "ResourceType": "snapshot",
                "Tags": [
                    {"Key": "Name", "Value": "pg nightly"},
                    {"Key": "team", "Value": "storage"},
                    {"Key": "snaptui:request-id", "Value": "the-snapshot-request"},
                    {"Key": "snaptui:source-device", "Value": "/dev/sdf"},
                ],
            }
        ],
    )["SnapshotId"]
    return {"volume": volume_id, "snapshot": snapshot_id}


def make_target(ec2: Any, az: str, devices: dict[str, int]) -> str:
    instance_id = ec2.run_instances(
        ImageId="ami-12345678", MinCount=1, MaxCount=1, Placement={"AvailabilityZone": az}
    )["Instances"][0]["InstanceId"]
    for device, size in devices.items():
        volume_id = ec2.create_volume(Size=size, AvailabilityZone=az)["VolumeId"]
        ec2.attach_volume(VolumeId=volume_id, InstanceId=instance_id, Device=device)
    return instance_id


async def test_restore_and_attach_at_the_next_free_device(
    service: Ec2Service, actions: Actions, ec2, source: dict[str, str], audit: AuditLog
) -> None:
    # /dev/sdf is taken, and so is /dev/xvdg (the same slot as /dev/sdg).
    target = make_target(ec2, f"{REGION}b", {"/dev/sdf": 1, "/dev/xvdg": 1})
    before = all_volumes(ec2)

    request = await plan_restore(service, source["snapshot"], attach_to=target, reason="INC-7")
    assert (request.az, request.device) == (f"{REGION}b", "/dev/sdh")
    assert (request.volume_type, request.iops) == ("io2", 1000)  # the source's, never gp2
    assert request.size_gib == 20

    result = await actions.restore_volume(service, request)

    assert result.ok and (result.attached_to, result.device) == (target, "/dev/sdh")
    after = all_volumes(ec2)
    (new_id,) = set(after) - set(before)
    assert new_id == result.volume_id
    new = after[new_id]
    assert (new["SnapshotId"], new["VolumeType"], new["Iops"], new["Size"]) == (
        source["snapshot"],
        "io2",
        1000,
        20,
    )
    assert new["AvailabilityZone"] == f"{REGION}b"
    assert [(a["InstanceId"], a["Device"]) for a in new["Attachments"]] == [(target, "/dev/sdh")]
    tags = tags_of(new)
    assert tags["snaptui:source-snapshot"] == source["snapshot"]
    assert tags["snaptui:source-volume"] == source["volume"]
    assert tags["snaptui:source-device"] == "/dev/sdf"
    assert tags["snaptui:request-id"] == request.request_id  # not the snapshot's
    assert tags["snaptui:reason"] == "INC-7"
    assert tags["team"] == "storage"
    assert tags["Name"] == f"pg nightly restored from {source['snapshot']}"
    # Every volume that existed before is exactly as it was.
    assert {k: after[k] for k in before} == before
    operations = [r["operation"] for r in audit.read()]
    assert operations == ["CreateVolume", "AttachVolume"]


async def test_restore_without_the_source_volume_defaults_to_gp3(
    service: Ec2Service, actions: Actions, ec2, source: dict[str, str]
) -> None:
    ec2.delete_volume(VolumeId=source["volume"])
    request = await plan_restore(service, source["snapshot"], az=f"{REGION}a")
    assert (request.volume_type, request.iops, request.attach_to) == ("gp3", None, None)
    result = await actions.restore_volume(service, request)
    (volume,) = ec2.describe_volumes(VolumeIds=[result.volume_id])["Volumes"]
    assert volume["VolumeType"] == "gp3" and volume["State"] == "available"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"size_gib": 10},
            "size 10 GiB is smaller than the snapshot (20 GiB): choose 20 GiB or more",
        ),
        ({"iops": 30000}, "more than 1000 per GiB for a 20 GiB io2 volume"),
        ({"volume_type": "gp2"}, "gp2 takes no IOPS value"),
        ({"volume_type": "st1", "iops": None}, "st1 volumes are at least 125 GiB"),
        ({"az": "us-west-2a"}, "availability zone us-west-2a is not in region us-east-1"),
        ({"az": "us-east-1z"}, "availability zone us-east-1z does not exist"),
    ],
)
async def test_invalid_restores_create_nothing(
    service: Ec2Service,
    actions: Actions,
    ec2,
    source: dict[str, str],
    changes: dict[str, Any],
    expected: str,
) -> None:
    request = dataclasses.replace(await plan_restore(service, source["snapshot"]), **changes)
    before = len(all_volumes(ec2))
    with pytest.raises(ValidationError) as info:
        await actions.restore_volume(service, request)
    assert any(expected in problem for problem in info.value.problems), info.value.problems
    assert len(all_volumes(ec2)) == before


async def test_attach_target_in_another_zone_or_terminated_is_refused(
    service: Ec2Service, actions: Actions, ec2, source: dict[str, str]
) -> None:
    elsewhere = make_target(ec2, f"{REGION}c", {})
    request = await plan_restore(service, source["snapshot"], attach_to=elsewhere, az=f"{REGION}b")
    before = len(all_volumes(ec2))
    with pytest.raises(ValidationError, match=f"is in {REGION}c but the volume will be in"):
        await actions.restore_volume(service, request)

    gone = make_target(ec2, f"{REGION}b", {})
    request = await plan_restore(service, source["snapshot"], attach_to=gone)
    ec2.terminate_instances(InstanceIds=[gone])
    with pytest.raises(ValidationError, match="is terminated: choose a running or stopped"):
        await actions.restore_volume(service, request)

    taken = make_target(ec2, f"{REGION}b", {"/dev/sdf": 1})
    request = await plan_restore(service, source["snapshot"], attach_to=taken, device="/dev/xvdf")
    with pytest.raises(ValidationError, match="device /dev/xvdf is already used"):
        await actions.restore_volume(service, request)
    assert len(all_volumes(ec2)) == before + 2  # only the targets' own root volumes


async def test_same_request_twice_is_one_volume_thanks_to_the_client_token(
    service: Ec2Service, actions: Actions, ec2, source: dict[str, str], monkeypatch
) -> None:
    request = await plan_restore(service, source["snapshot"])
    tokens: list[str] = []
    real = service.ctx.call

    async def spy(service_name: str, op: str, resource=None, **params: Any) -> Any:
        if op == "CreateVolume":
            tokens.append(params["ClientToken"])
        return await real(service_name, op, resource, **params)

    monkeypatch.setattr(service.ctx, "call", spy)
    before = len(all_volumes(ec2))
    first = await actions.restore_volume(service, request)
    second = await actions.restore_volume(service, request)
    assert first.volume_id == second.volume_id
    assert len(all_volumes(ec2)) == before + 1
    assert tokens == [request.request_id, request.request_id]


async def test_the_same_request_a_minute_later_sends_the_same_parameters(
    service: Ec2Service, audit: AuditLog, ec2, source: dict[str, str]
) -> None:
    """snaptui:created-at is when the request was first sent, so sending it again after the
    clock moved on (the CI run that found this crossed a second boundary) is not an edit."""
    ticks = iter(datetime(2026, 11, 26, 18, minute, tzinfo=UTC) for minute in range(60))
    actions = Actions(audit, settle_delays=(), poll_interval=0, clock=lambda: next(ticks))
    request = await plan_restore(service, source["snapshot"])
    before = len(all_volumes(ec2))
    first = await actions.restore_volume(service, request)
    second = await actions.restore_volume(service, request)
    assert second.volume_id == first.volume_id
    assert len(all_volumes(ec2)) == before + 1
    assert tags_of(all_volumes(ec2)[first.volume_id])["snaptui:created-at"] == (
        "2026-11-26T18:00:00+00:00"
    )


async def test_reusing_a_request_id_with_other_parameters_is_explained(
    service: Ec2Service, actions: Actions, source: dict[str, str]
) -> None:
    request = await plan_restore(service, source["snapshot"])
    await actions.restore_volume(service, request)
    edited = dataclasses.replace(request, size_gib=30)  # same request_id
    with pytest.raises(InvalidRequestError) as info:
        await actions.restore_volume(service, edited)
    assert info.value.code == "IdempotentParameterMismatch"
    assert "plan a new request" in str(info.value)


async def test_timeout_on_create_volume_is_retried_with_the_same_token(
    service: Ec2Service, actions: Actions, ec2, source: dict[str, str], monkeypatch, audit
) -> None:
    request = await plan_restore(service, source["snapshot"])
    real = service.ctx.call
    sent: list[str] = []

    async def created_then_timed_out(service_name: str, op: str, resource=None, **params: Any):
        if op == "CreateVolume":
            sent.append(params["ClientToken"])
            response = await real(service_name, op, resource, **params)
            if len(sent) == 1:
                raise EndpointError("ReadTimeout", "no answer in time", operation=op)
            return response
        return await real(service_name, op, resource, **params)

    monkeypatch.setattr(service.ctx, "call", created_then_timed_out)
    before = set(all_volumes(ec2))
    result = await actions.restore_volume(service, request)
    assert sent == [request.request_id] * 2
    assert set(all_volumes(ec2)) - before == {result.volume_id}
    assert [r["outcome"] for r in audit.read()] == ["ReadTimeout", "ok"]


async def test_failed_attach_leaves_the_new_volume_in_place(
    service: Ec2Service, actions: Actions, ec2, source: dict[str, str], monkeypatch
) -> None:
    target = make_target(ec2, f"{REGION}b", {})
    request = await plan_restore(service, source["snapshot"], attach_to=target)
    real = service.ctx.call

    async def attach_fails(service_name: str, op: str, resource=None, **params: Any) -> Any:
        if op == "AttachVolume":
            raise ThrottledError("RequestLimitExceeded", "Request limit exceeded.", operation=op)
        return await real(service_name, op, resource, **params)

    monkeypatch.setattr(service.ctx, "call", attach_fails)
    result = await actions.restore_volume(service, request)
    assert not result.ok and result.attached_to is None
    assert result.attach_error and "created but not attached" in result.attach_error
    (volume,) = ec2.describe_volumes(VolumeIds=[result.volume_id])["Volumes"]
    assert volume["State"] == "available"
