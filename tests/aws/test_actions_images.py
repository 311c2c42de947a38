"""AMI, launch, copy and delete actions end to end against moto (with the demo shim, which makes
AMIs really reference snapshots and DeleteSnapshot refuse a snapshot an AMI uses)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from snaptui.aws import AwsContext, CallRecord, Ec2Service, EndpointError
from snaptui.aws.action_errors import ActionBlockedError
from snaptui.aws.action_plans import (
    plan_copy,
    plan_create_image,
    plan_delete_snapshot,
    plan_deregister_image,
    plan_launch,
    plan_register_image,
    plan_snapshot,
)
from snaptui.aws.action_requests import CreateImageRequest
from snaptui.aws.actions import Actions
from snaptui.aws.audit import AuditLog
from snaptui.aws.delete_checks import CheckLevel
from snaptui.aws.validation import ValidationError

from ._seed import REGION


def tags_of(item: dict[str, Any]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in item.get("Tags") or ()}


@pytest.fixture
def audit(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "audit.jsonl")


@pytest.fixture
def actions(audit: AuditLog) -> Actions:
    return Actions(audit, settle_delays=(), poll_interval=0)


def golden_instance(ec2: Any) -> str:
    """An arm64/hvm/ENA/uefi AMI registered from a snapshot, and an instance launched from it."""
    volume_id = ec2.create_volume(Size=12, AvailabilityZone=f"{REGION}a", VolumeType="gp3")[
        "VolumeId"
    ]
    snapshot_id = ec2.create_snapshot(VolumeId=volume_id)["SnapshotId"]
    image_id = ec2.register_image(
        Name="golden-arm",
        RootDeviceName="/dev/xvda",
        Architecture="arm64",
        VirtualizationType="hvm",
        EnaSupport=True,
        BootMode="uefi",
        BlockDeviceMappings=[
            {"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snapshot_id, "VolumeType": "gp3"}}
        ],
    )["ImageId"]
    return ec2.run_instances(
        ImageId=image_id, MinCount=1, MaxCount=1, Placement={"AvailabilityZone": f"{REGION}a"}
    )["Instances"][0]["InstanceId"]


def root_volume(ec2: Any, instance_id: str) -> str:
    (instance,) = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"]
    return next(
        d["Ebs"]["VolumeId"]
        for d in instance["BlockDeviceMappings"]
        if d["DeviceName"] == instance["RootDeviceName"]
    )


async def test_create_image_sends_an_explicit_no_reboot_and_tags_image_and_snapshots(
    service: Ec2Service, actions: Actions, ec2, monkeypatch
) -> None:
    with pytest.raises(TypeError):
        CreateImageRequest(region=REGION, instance=None, name="x")  # type: ignore[call-arg]
    instance_id = golden_instance(ec2)
    sent: list[dict[str, Any]] = []
    real = service.ctx.call

    async def spy(service_name: str, op: str, resource=None, **params: Any) -> Any:
        if op == "CreateImage":
            sent.append(params)
        return await real(service_name, op, resource, **params)

    monkeypatch.setattr(service.ctx, "call", spy)
    for reboot in (False, True):
        request = await plan_create_image(
            service, instance_id, name=f"web (reboot {reboot})", reboot=reboot, reason="release"
        )
        result = await actions.create_image(service, request)
        (image,) = ec2.describe_images(ImageIds=[result.image_id])["Images"]
        assert tags_of(image)["snaptui:request-id"] == request.request_id
        assert tags_of(image)["snaptui:source-instance"] == instance_id
        snapshot_ids = [m["Ebs"]["SnapshotId"] for m in image["BlockDeviceMappings"]]
        for snap in ec2.describe_snapshots(SnapshotIds=snapshot_ids)["Snapshots"]:
            assert tags_of(snap)["snaptui:request-id"] == request.request_id
    assert [p["NoReboot"] for p in sent] == [True, False]
    summary = dict(request.summary())
    assert summary["Reboot"].startswith("YES")


async def test_image_names_must_be_valid_and_unique(
    service: Ec2Service, actions: Actions, ec2
) -> None:
    instance_id = golden_instance(ec2)
    request = await plan_create_image(service, instance_id, name="golden-arm", reboot=False)
    with pytest.raises(ValidationError, match="an AMI named 'golden-arm' already exists"):
        await actions.create_image(service, request)
    bad = dataclasses.replace(request, name="no*stars")
    with pytest.raises(ValidationError, match=r"image name contains '\*'"):
        await actions.create_image(service, bad)
    assert len(ec2.describe_images(Owners=["self"])["Images"]) == 1


async def test_register_image_is_prefilled_from_the_source_and_references_the_snapshot(
    service: Ec2Service, actions: Actions, ec2
) -> None:
    instance_id = golden_instance(ec2)
    root = root_volume(ec2, instance_id)
    snapshot = await actions.create_snapshot(service, await plan_snapshot(service, root))

    request = await plan_register_image(service, snapshot.snapshot_id, name="restored root")
    assert (request.architecture, request.virtualization_type) == ("arm64", "hvm")
    assert (request.ena_support, request.boot_mode) == (True, "uefi")
    assert request.root_device_name == "/dev/xvda"
    assert request.volume_type == "gp3"
    assert instance_id in request.prefilled_from

    result = await actions.register_image(service, request)

    (image,) = ec2.describe_images(ImageIds=[result.image_id])["Images"]
    assert (image["Architecture"], image["VirtualizationType"]) == ("arm64", "hvm")
    assert image["RootDeviceName"] == "/dev/xvda"
    (mapping,) = image["BlockDeviceMappings"]
    assert mapping["Ebs"]["SnapshotId"] == snapshot.snapshot_id
    assert mapping["Ebs"]["VolumeSize"] == 12
    tags = tags_of(image)
    assert tags["snaptui:source-snapshot"] == snapshot.snapshot_id
    assert tags["snaptui:request-id"] == request.request_id


async def test_register_image_refuses_the_api_defaults_unless_chosen(
    service: Ec2Service, actions: Actions, ec2
) -> None:
    volume_id = ec2.create_volume(Size=8, AvailabilityZone=f"{REGION}a")["VolumeId"]
    snapshot_id = ec2.create_snapshot(VolumeId=volume_id)["SnapshotId"]
    request = await plan_register_image(service, snapshot_id, name="unknown source")
    assert (request.architecture, request.virtualization_type) == (None, None)
    with pytest.raises(ValidationError) as info:
        await actions.register_image(service, request)
    assert any("choose x86_64 or arm64" in p and "i386" in p for p in info.value.problems)
    assert any("choose hvm" in p and "paravirtual" in p for p in info.value.problems)

    legacy = dataclasses.replace(
        request, architecture="i386", virtualization_type="paravirtual", ena_support=False
    )
    with pytest.raises(ValidationError, match="confirm i386 explicitly"):
        await actions.register_image(service, legacy)
    assert ec2.describe_images(Owners=["self"])["Images"] == []

    chosen = await actions.register_image(service, dataclasses.replace(legacy, allow_legacy=True))
    (image,) = ec2.describe_images(ImageIds=[chosen.image_id])["Images"]
    assert image["Architecture"] == "i386"


async def test_launch_from_a_registered_image_restores_its_snapshot(
    service: Ec2Service, actions: Actions, ec2
) -> None:
    instance_id = golden_instance(ec2)
    snapshot = await actions.create_snapshot(
        service, await plan_snapshot(service, root_volume(ec2, instance_id))
    )
    image = await actions.register_image(
        service, await plan_register_image(service, snapshot.snapshot_id, name="from-snap")
    )
    request = await plan_launch(
        service, image.image_id, instance_type="t4g.small", az=f"{REGION}b", name="rebuilt"
    )

    result = await actions.launch_instance(service, request)
    again = await actions.launch_instance(service, request)  # same ClientToken

    assert again.instance_ids == result.instance_ids
    (launched,) = result.instance_ids
    (instance,) = ec2.describe_instances(InstanceIds=[launched])["Reservations"][0]["Instances"]
    assert instance["InstanceType"] == "t4g.small"
    assert instance["Placement"]["AvailabilityZone"] == f"{REGION}b"
    assert tags_of(instance)["Name"] == "rebuilt"
    assert tags_of(instance)["snaptui:request-id"] == request.request_id
    (root,) = instance["BlockDeviceMappings"]
    (volume,) = ec2.describe_volumes(VolumeIds=[root["Ebs"]["VolumeId"]])["Volumes"]
    assert volume["SnapshotId"] == snapshot.snapshot_id
    assert tags_of(volume)["snaptui:request-id"] == request.request_id


async def test_launch_validation(service: Ec2Service, actions: Actions, ec2) -> None:
    instance_id = golden_instance(ec2)
    image_id = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0][
        "ImageId"
    ]
    request = await plan_launch(service, image_id, instance_type="t3.small")
    bad = dataclasses.replace(request, instance_type="large", count=11, subnet_id="net-1")
    with pytest.raises(ValidationError) as info:
        await actions.launch_instance(service, bad)
    assert len(info.value.problems) == 3
    assert len(ec2.describe_instances()["Reservations"]) == 1


async def test_delete_is_blocked_while_an_ami_uses_the_snapshot(
    service: Ec2Service, actions: Actions, ec2
) -> None:
    instance_id = golden_instance(ec2)
    snapshot = await actions.create_snapshot(
        service, await plan_snapshot(service, root_volume(ec2, instance_id))
    )
    image = await actions.register_image(
        service, await plan_register_image(service, snapshot.snapshot_id, name="keeps-it")
    )

    request = await plan_delete_snapshot(service, snapshot.snapshot_id, reason="cleanup")
    assert request.blocked
    assert request.checks[0].level is CheckLevel.BLOCKED
    assert image.image_id in request.checks[0].message
    with pytest.raises(ActionBlockedError, match="deregister the AMI first"):
        await actions.delete_snapshot(service, request)
    assert ec2.describe_snapshots(SnapshotIds=[snapshot.snapshot_id])["Snapshots"]

    deregistered = await actions.deregister_image(
        service, await plan_deregister_image(service, image.image_id)
    )
    assert deregistered.kept_snapshot_ids == (snapshot.snapshot_id,)
    assert ec2.describe_snapshots(SnapshotIds=[snapshot.snapshot_id])["Snapshots"]  # kept

    request = await plan_delete_snapshot(service, snapshot.snapshot_id)
    assert not request.blocked
    assert [c.level for c in request.checks] == [CheckLevel.WARN]  # its volume's only snapshot
    result = await actions.delete_snapshot(service, request)
    assert not result.already_deleted
    gone = ec2.describe_snapshots(
        Filters=[{"Name": "snapshot-id", "Values": [snapshot.snapshot_id]}]
    )
    assert gone["Snapshots"] == []


async def test_delete_checks_are_run_again_at_delete_time(
    service: Ec2Service, actions: Actions, ec2
) -> None:
    """An AMI registered after the user saw the checks still blocks the delete."""
    volume_id = ec2.create_volume(Size=8, AvailabilityZone=f"{REGION}a")["VolumeId"]
    snapshot_id = ec2.create_snapshot(VolumeId=volume_id)["SnapshotId"]
    request = await plan_delete_snapshot(service, snapshot_id)
    assert not request.blocked
    ec2.register_image(
        Name="late",
        RootDeviceName="/dev/xvda",
        Architecture="x86_64",
        VirtualizationType="hvm",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snapshot_id}}],
    )
    with pytest.raises(ActionBlockedError):
        await actions.delete_snapshot(service, request)


async def test_copy_snapshot_runs_in_the_target_region(
    service: Ec2Service, actions: Actions, ec2, moto: str, audit: AuditLog
) -> None:
    volume_id = ec2.create_volume(
        Size=8,
        AvailabilityZone=f"{REGION}a",
        TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "v"}]}],
    )["VolumeId"]
    snapshot_id = ec2.create_snapshot(
        VolumeId=volume_id,
        TagSpecifications=[{"ResourceType": "snapshot", "Tags": [{"Key": "env", "Value": "prod"}]}],
    )["SnapshotId"]
    request = await plan_copy(
        service, snapshot_id, target_region="us-west-2", description="DR copy", reason="DR drill"
    )
    records: list[CallRecord] = []
    actions = Actions(audit, settle_delays=(), region_listeners=[records.append])

    result = await actions.copy_snapshot(service, request)

    assert [r.operation for r in records] == ["CopySnapshot"]  # the UI's activity log sees it

    west = boto3.client(
        "ec2",
        region_name="us-west-2",
        endpoint_url=moto,
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )
    (copy,) = west.describe_snapshots(SnapshotIds=[result.snapshot_id])["Snapshots"]
    tags = tags_of(copy)
    assert tags["snaptui:source-snapshot"] == snapshot_id
    assert tags["snaptui:source-volume"] == volume_id
    assert tags["snaptui:request-id"] == request.request_id
    assert tags["env"] == "prod"
    assert copy["Description"] == "DR copy"
    assert (result.source_region, result.target_region) == (REGION, "us-west-2")
    east = ec2.describe_snapshots(Filters=[{"Name": "owner-id", "Values": ["123456789012"]}])
    assert [s["SnapshotId"] for s in east["Snapshots"]] == [snapshot_id]
    (record,) = audit.read()
    assert (record["operation"], record["region"]) == ("CopySnapshot", "us-west-2")
    assert record["params"]["source_region"] == REGION


async def test_a_request_planned_in_another_region_is_refused(
    service: Ec2Service, actions: Actions, ec2
) -> None:
    volume_id = ec2.create_volume(Size=8, AvailabilityZone=f"{REGION}a")["VolumeId"]
    request = dataclasses.replace(await plan_snapshot(service, volume_id), region="eu-west-1")
    with pytest.raises(ValidationError, match="planned in eu-west-1 but snaptui is connected"):
        await actions.create_snapshot(service, request)


@pytest.mark.parametrize("operation", ["CreateImage", "RegisterImage", "CopySnapshot"])
async def test_a_timeout_after_creation_returns_the_resource_instead_of_a_duplicate(
    service: Ec2Service, actions: Actions, ec2, moto: str, monkeypatch, operation: str
) -> None:
    instance_id = golden_instance(ec2)
    snapshot = await actions.create_snapshot(
        service, await plan_snapshot(service, root_volume(ec2, instance_id))
    )
    if operation == "CreateImage":
        request: Any = await plan_create_image(service, instance_id, name="img", reboot=False)
        run = actions.create_image
    elif operation == "RegisterImage":
        request = await plan_register_image(service, snapshot.snapshot_id, name="img")
        run = actions.register_image
    else:
        request = await plan_copy(service, snapshot.snapshot_id, target_region="us-west-2")
        run = actions.copy_snapshot
    real = AwsContext.call
    sent: list[str] = []

    async def created_then_timed_out(self, service_name, op, resource=None, **params):  # type: ignore[no-untyped-def]
        response = await real(self, service_name, op, resource, **params)
        if op == operation:
            sent.append(self.settings.region)
            raise EndpointError("ReadTimeout", "no answer in time", operation=op)
        return response

    monkeypatch.setattr(AwsContext, "call", created_then_timed_out)  # every context, any region
    result = await run(service, request)

    assert result.recovered and result.duplicates == ()
    assert len(sent) == 1  # never sent twice
    rid = [{"Name": "tag:snaptui:request-id", "Values": [request.request_id]}]
    if operation == "CopySnapshot":
        west = boto3.client("ec2", region_name="us-west-2", endpoint_url=moto)
        (copy,) = west.describe_snapshots(OwnerIds=["self"], Filters=rid)["Snapshots"]
        assert copy["SnapshotId"] == result.snapshot_id and sent == ["us-west-2"]
    else:
        (image,) = ec2.describe_images(Owners=["self"], Filters=rid)["Images"]
        assert image["ImageId"] == result.image_id
