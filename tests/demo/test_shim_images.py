"""The shim's AMI, snapshot-set and ClientToken patches, over real HTTP against moto.

Each test first checks that its patch still replaces moto's attribute, so a moto upgrade that
moves the code fails here instead of silently falling back to stock behaviour (which fakes the
AMI <-> snapshot link, ignores exclusions and client tokens).
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from snaptui.demo import shim

from ._clients import client


def _active(owner_name: str, attribute: str) -> None:
    matches = [p for p in shim.patches() if p.owner.__name__ == owner_name and p.name == attribute]
    assert len(matches) == 1, f"{owner_name}.{attribute} is not patched"
    assert matches[0].active, f"{owner_name}.{attribute} no longer holds the shim's replacement"


def _code(info: pytest.ExceptionInfo[ClientError]) -> str:
    return info.value.response["Error"]["Code"]


@pytest.fixture
def ec2(moto: str) -> Any:
    return client("ec2", moto)


def _snapshot(ec2: Any, size: int = 30) -> str:
    volume = ec2.create_volume(Size=size, AvailabilityZone="us-east-1a", VolumeType="gp3")
    return ec2.create_snapshot(VolumeId=volume["VolumeId"])["SnapshotId"]


def _register(ec2: Any, snapshot_id: str, **extra: Any) -> str:
    return ec2.register_image(
        Name="restored-root",
        RootDeviceName="/dev/xvda",
        Architecture="arm64",
        VirtualizationType="hvm",
        EnaSupport=True,
        BootMode="uefi",
        BlockDeviceMappings=[
            {"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snapshot_id, "VolumeType": "gp3"}}
        ],
        TagSpecifications=[
            {"ResourceType": "image", "Tags": [{"Key": "snaptui:request-id", "Value": "r-1"}]}
        ],
        **extra,
    )["ImageId"]


def test_register_image_references_the_users_snapshot(ec2) -> None:
    _active("AmisResponse", "register_image")
    _active("Ami", "block_device_mappings")
    snapshot_id = _snapshot(ec2)
    image_id = _register(ec2, snapshot_id)

    (image,) = ec2.describe_images(ImageIds=[image_id])["Images"]
    assert image["RootDeviceName"] == "/dev/xvda"
    assert image["RootDeviceType"] == "ebs"
    assert (image["Architecture"], image["VirtualizationType"]) == ("arm64", "hvm")
    assert image["EnaSupport"] is True and image["BootMode"] == "uefi"
    (mapping,) = image["BlockDeviceMappings"]
    assert mapping["DeviceName"] == "/dev/xvda"
    assert mapping["Ebs"]["SnapshotId"] == snapshot_id
    assert mapping["Ebs"]["VolumeSize"] == 30  # defaulted from the snapshot
    assert mapping["Ebs"]["VolumeType"] == "gp3"
    tagged = ec2.describe_images(
        Owners=["self"], Filters=[{"Name": "tag:snaptui:request-id", "Values": ["r-1"]}]
    )["Images"]
    assert [i["ImageId"] for i in tagged] == [image_id]
    # No synthetic 15 GiB snapshot was left behind.
    own = ec2.describe_snapshots(Filters=[{"Name": "owner-id", "Values": ["123456789012"]}])
    assert [s["SnapshotId"] for s in own["Snapshots"]] == [snapshot_id]


def test_register_image_keeps_awss_unsafe_defaults_and_checks_snapshots(ec2) -> None:
    snapshot_id = _snapshot(ec2, size=8)
    bare = ec2.register_image(
        Name="defaults",
        RootDeviceName="/dev/sda1",
        BlockDeviceMappings=[{"DeviceName": "/dev/sda1", "Ebs": {"SnapshotId": snapshot_id}}],
    )["ImageId"]
    (image,) = ec2.describe_images(ImageIds=[bare])["Images"]
    assert (image["Architecture"], image["VirtualizationType"]) == ("i386", "paravirtual")

    with pytest.raises(ClientError) as missing:
        _register(ec2, "snap-0123456789abcdef0")
    assert _code(missing) == "InvalidSnapshot.NotFound"
    with pytest.raises(ClientError) as mismatch:
        ec2.register_image(
            Name="bad-root",
            RootDeviceName="/dev/xvda",
            BlockDeviceMappings=[{"DeviceName": "/dev/sda1", "Ebs": {"SnapshotId": snapshot_id}}],
        )
    assert _code(mismatch) == "InvalidBlockDeviceMapping"


def test_run_instances_restores_the_amis_snapshots(ec2) -> None:
    _active("Instance", "setup_defaults")
    snapshot_id = _snapshot(ec2, size=30)
    image_id = _register(ec2, snapshot_id)

    instance = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1)["Instances"][0]
    (described,) = ec2.describe_instances(InstanceIds=[instance["InstanceId"]])["Reservations"][0][
        "Instances"
    ]
    assert described["RootDeviceName"] == "/dev/xvda"
    assert described["Architecture"] == "arm64"
    (device,) = described["BlockDeviceMappings"]  # moto's blank /dev/sda1 is gone
    assert device["DeviceName"] == "/dev/xvda"
    (volume,) = ec2.describe_volumes(VolumeIds=[device["Ebs"]["VolumeId"]])["Volumes"]
    assert (volume["SnapshotId"], volume["Size"], volume["VolumeType"]) == (
        snapshot_id,
        30,
        "gp3",
    )

    # Instances from other AMIs keep moto's default root volume.
    plain = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)["Instances"][0]
    (other,) = ec2.describe_instances(InstanceIds=[plain["InstanceId"]])["Reservations"][0][
        "Instances"
    ]
    assert [d["DeviceName"] for d in other["BlockDeviceMappings"]] == ["/dev/sda1"]


def test_a_snapshot_an_ami_uses_cannot_be_deleted_until_deregistered(ec2) -> None:
    _active("EBSBackend", "delete_snapshot")
    snapshot_id = _snapshot(ec2)
    image_id = _register(ec2, snapshot_id)

    with pytest.raises(ClientError) as in_use:
        ec2.delete_snapshot(SnapshotId=snapshot_id)
    assert _code(in_use) == "InvalidSnapshot.InUse"
    assert image_id in in_use.value.response["Error"]["Message"]

    ec2.deregister_image(ImageId=image_id)
    ec2.delete_snapshot(SnapshotId=snapshot_id)
    assert (
        ec2.describe_snapshots(Filters=[{"Name": "snapshot-id", "Values": [snapshot_id]}])[
            "Snapshots"
        ]
        == []
    )


def test_create_image_snapshots_the_instances_volumes_and_tags_them(ec2) -> None:
    _active("AmisResponse", "create_image")
    instance_id = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)["Instances"][0][
        "InstanceId"
    ]
    data = ec2.create_volume(Size=20, AvailabilityZone="us-east-1a", VolumeType="gp3")["VolumeId"]
    ec2.attach_volume(VolumeId=data, InstanceId=instance_id, Device="/dev/sdf")

    image_id = ec2.create_image(
        InstanceId=instance_id,
        Name="from-instance",
        NoReboot=True,
        TagSpecifications=[
            {"ResourceType": "image", "Tags": [{"Key": "k", "Value": "image"}]},
            {"ResourceType": "snapshot", "Tags": [{"Key": "k", "Value": "snapshot"}]},
        ],
    )["ImageId"]

    (image,) = ec2.describe_images(ImageIds=[image_id])["Images"]
    assert image["Tags"] == [{"Key": "k", "Value": "image"}]
    mappings = {m["DeviceName"]: m["Ebs"] for m in image["BlockDeviceMappings"]}
    assert set(mappings) == {"/dev/sda1", "/dev/sdf"}
    assert mappings["/dev/sdf"]["VolumeSize"] == 20
    snapshots = ec2.describe_snapshots(SnapshotIds=[m["SnapshotId"] for m in mappings.values()])[
        "Snapshots"
    ]
    assert {s["VolumeId"] for s in snapshots} >= {data}
    assert all(s["Tags"] == [{"Key": "k", "Value": "snapshot"}] for s in snapshots)


def test_create_snapshots_honours_excluded_data_volumes(ec2) -> None:
    _active("EBSBackend", "create_snapshots")
    instance = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)["Instances"][0]
    instance_id = instance["InstanceId"]
    data = []
    for device in ("/dev/sdf", "/dev/sdg"):
        volume_id = ec2.create_volume(Size=5, AvailabilityZone="us-east-1a")["VolumeId"]
        ec2.attach_volume(VolumeId=volume_id, InstanceId=instance_id, Device=device)
        data.append(volume_id)

    taken = ec2.create_snapshots(
        InstanceSpecification={
            "InstanceId": instance_id,
            "ExcludeBootVolume": True,
            "ExcludeDataVolumeIds": [data[1]],
        }
    )["Snapshots"]
    assert [s["VolumeId"] for s in taken] == [data[0]]

    (root,) = [
        d["Ebs"]["VolumeId"]
        for d in ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][
            0
        ]["BlockDeviceMappings"]
        if d["DeviceName"] == "/dev/sda1"
    ]
    with pytest.raises(ClientError) as refused:
        ec2.create_snapshots(
            InstanceSpecification={"InstanceId": instance_id, "ExcludeDataVolumeIds": [root]}
        )
    assert _code(refused) == "InvalidParameterValue"


def test_client_tokens_make_create_volume_and_run_instances_idempotent(ec2) -> None:
    _active("ElasticBlockStore", "create_volume")
    _active("InstanceResponse", "run_instances")
    first = ec2.create_volume(Size=5, AvailabilityZone="us-east-1a", ClientToken="tok-1")
    again = ec2.create_volume(Size=5, AvailabilityZone="us-east-1a", ClientToken="tok-1")
    other = ec2.create_volume(Size=5, AvailabilityZone="us-east-1a", ClientToken="tok-2")
    assert again["VolumeId"] == first["VolumeId"] != other["VolumeId"]
    assert len(ec2.describe_volumes()["Volumes"]) == 2
    with pytest.raises(ClientError) as mismatch:
        ec2.create_volume(Size=6, AvailabilityZone="us-east-1a", ClientToken="tok-1")
    assert _code(mismatch) == "IdempotentParameterMismatch"

    run = {"ImageId": "ami-12345678", "MinCount": 1, "MaxCount": 1, "ClientToken": "run-1"}
    reservation = ec2.run_instances(**run)
    repeat = ec2.run_instances(**run)
    assert repeat["ReservationId"] == reservation["ReservationId"]
    assert [i["InstanceId"] for i in repeat["Instances"]] == [
        i["InstanceId"] for i in reservation["Instances"]
    ]
    assert len(ec2.describe_instances()["Reservations"]) == 1
