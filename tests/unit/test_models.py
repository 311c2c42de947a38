"""Parsing API dicts into the AWS layer's frozen models."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest

from snaptui.aws.models import (
    FrozenMap,
    Identity,
    Image,
    Instance,
    Snapshot,
    Volume,
    parse_progress,
    parse_time,
)

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def snapshot_item(**overrides: object) -> dict:
    item = {
        "SnapshotId": "snap-0123456789abcdef0",
        "VolumeId": "vol-0aaa",
        "State": "completed",
        "Progress": "100%",
        "StartTime": T0,
        "VolumeSize": 8,
        "Description": "nightly",
        "Encrypted": True,
        "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/abc",
        "OwnerId": "123456789012",
        "StorageTier": "standard",
        "Tags": [{"Key": "Name", "Value": "db-root"}, {"Key": "team", "Value": "storage"}],
    }
    item.update(overrides)
    return item


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("45%", 45),
        ("100%", 100),
        ("0%", 0),
        (" 7 % ", 7),
        ("45", 45),
        ("99.5%", 99),
        (80, 80),
        ("", None),
        (None, None),
        ("abc", None),
        ("%", None),
        ("-5%", None),
        ("150%", None),
        (float("nan"), None),
        (True, None),
        (["45%"], None),
    ],
)
def test_parse_progress_is_defensive(raw: object, expected: int | None) -> None:
    assert parse_progress(raw) == expected


def test_snapshot_from_api_reads_every_field() -> None:
    snap = Snapshot.from_api(snapshot_item())
    assert snap.id == "snap-0123456789abcdef0"
    assert snap.volume_id == "vol-0aaa"
    assert (snap.state, snap.progress) == ("completed", 100)
    assert snap.start_time == T0
    assert snap.volume_size_gib == 8
    assert snap.encrypted is True
    assert snap.kms_key_id.endswith("key/abc")
    assert snap.owner_id == "123456789012"
    assert snap.storage_tier == "standard"
    assert snap.name == "db-root"
    assert snap.tags == {"Name": "db-root", "team": "storage"}
    assert not snap.is_pending
    assert not snap.is_copy


@pytest.mark.parametrize("progress", ["", None, "abc"])
def test_snapshot_with_unusable_progress_has_unknown_progress(progress: object) -> None:
    item = snapshot_item(State="pending", Progress=progress)
    snap = Snapshot.from_api(item)
    assert snap.progress is None
    assert snap.is_pending


def test_snapshot_with_missing_fields_still_parses() -> None:
    snap = Snapshot.from_api({"SnapshotId": "snap-1"})
    assert snap.name == ""
    assert snap.tags == {}
    assert snap.volume_id == ""
    assert snap.progress is None
    assert snap.start_time is None
    assert snap.state == "unknown"
    assert snap.kms_key_id is None


def test_missing_name_tag_gives_empty_name() -> None:
    snap = Snapshot.from_api(snapshot_item(Tags=[{"Key": "team", "Value": "x"}]))
    assert snap.name == ""
    volume = Volume.from_api({"VolumeId": "vol-1", "Size": 8})
    assert volume.name == ""


@pytest.mark.parametrize(
    ("description", "tags", "source"),
    [
        ("[Copied snap-0abc123 from us-west-2]", [], "snap-0abc123"),
        (
            "Copied for DestinationAmi ami-0f1 from SourceAmi ami-0e2 for SourceSnapshot "
            "snap-0def456. Task created on 1,700,000,000.",
            [],
            "snap-0def456",
        ),
        ("my copy", [{"Key": "snaptui:source-snapshot", "Value": "snap-0999"}], "snap-0999"),
        ("my copy", [], None),
    ],
)
def test_copies_are_recognised_with_their_source(
    description: str, tags: list, source: str | None
) -> None:
    snap = Snapshot.from_api(
        snapshot_item(VolumeId="vol-ffffffff", Description=description, Tags=tags)
    )
    assert snap.is_copy
    assert snap.source_snapshot_id == source


def test_models_are_frozen_and_hashable() -> None:
    snap = Snapshot.from_api(snapshot_item())
    with pytest.raises(dataclasses.FrozenInstanceError):
        snap.state = "error"  # type: ignore[misc]
    with pytest.raises(TypeError):
        snap.tags["Name"] = "x"  # type: ignore[index]
    same = Snapshot.from_api(snapshot_item())
    assert snap == same
    assert len({snap, same}) == 1


def test_frozen_map_equals_dicts_and_hashes_by_content() -> None:
    a = FrozenMap({"a": "1", "b": "2"})
    b = FrozenMap([("b", "2"), ("a", "1")])
    assert a == b == {"a": "1", "b": "2"}
    assert hash(a) == hash(b)
    assert a != FrozenMap({"a": "1"})
    assert FrozenMap.from_tags([{"Key": "k"}, {"Value": "orphan"}]) == {"k": ""}


def test_parse_time_gives_aware_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    assert parse_time(datetime(2026, 3, 1, 14, 0, tzinfo=plus_two)) == T0
    assert parse_time(datetime(2026, 3, 1, 12, 0)).tzinfo is UTC
    assert parse_time("2026-03-01T12:00:00.000Z") == T0
    assert parse_time("not a date") is None
    assert parse_time("") is None
    assert parse_time(None) is None


def test_instance_from_api() -> None:
    item = {
        "InstanceId": "i-0abc",
        "State": {"Code": 16, "Name": "running"},
        "InstanceType": "t3.small",
        "Placement": {"AvailabilityZone": "us-east-1a"},
        "LaunchTime": T0,
        "PlatformDetails": "Linux/UNIX",
        "Architecture": "x86_64",
        "RootDeviceName": "/dev/xvda",
        "BlockDeviceMappings": [
            {
                "DeviceName": "/dev/xvda",
                "Ebs": {"VolumeId": "vol-root", "DeleteOnTermination": True},
            },
            {"DeviceName": "/dev/sdf", "Ebs": {"VolumeId": "vol-data"}},
            {"DeviceName": "/dev/sdz"},
        ],
        "PrivateIpAddress": "10.0.0.5",
        "ImageId": "ami-1",
        "SubnetId": "subnet-1",
        "VpcId": "vpc-1",
        "Tags": [{"Key": "Name", "Value": "web-1"}],
    }
    inst = Instance.from_api(item)
    assert (inst.id, inst.name, inst.state) == ("i-0abc", "web-1", "running")
    assert inst.az == "us-east-1a"
    assert inst.platform is None and inst.platform_details == "Linux/UNIX"
    assert inst.block_devices == (
        ("/dev/xvda", "vol-root", True),
        ("/dev/sdf", "vol-data", False),
    )
    assert inst.block_devices[0].volume_id == "vol-root"
    assert inst.volume_ids == ("vol-root", "vol-data")
    assert (inst.private_ip, inst.subnet_id, inst.vpc_id) == ("10.0.0.5", "subnet-1", "vpc-1")


def test_volume_from_api_treats_empty_snapshot_id_as_none() -> None:
    item = {
        "VolumeId": "vol-1",
        "Size": 100,
        "VolumeType": "gp3",
        "State": "in-use",
        "AvailabilityZone": "us-east-1b",
        "Iops": 3000,
        "Throughput": 125,
        "Encrypted": False,
        "SnapshotId": "",
        "CreateTime": T0,
        "Attachments": [
            {
                "InstanceId": "i-1",
                "Device": "/dev/sdf",
                "State": "attached",
                "DeleteOnTermination": False,
            }
        ],
        "Tags": [{"Key": "Name", "Value": "data"}],
    }
    vol = Volume.from_api(item)
    assert vol.snapshot_id is None
    assert (vol.size_gib, vol.volume_type, vol.iops, vol.throughput) == (100, "gp3", 3000, 125)
    assert vol.attachments[0].instance_id == "i-1"
    assert vol.instance_ids == ("i-1",)
    assert vol.name == "data"


def test_image_from_api_parses_string_dates_and_block_devices() -> None:
    item = {
        "ImageId": "ami-1",
        "Name": "golden-2026-03",
        "State": "available",
        "CreationDate": "2026-03-01T12:00:00.000Z",
        "Architecture": "arm64",
        "RootDeviceName": "/dev/xvda",
        "VirtualizationType": "hvm",
        "EnaSupport": True,
        "BootMode": "uefi",
        "BlockDeviceMappings": [
            {"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": "snap-1", "VolumeSize": 8}},
            {"DeviceName": "/dev/sdb", "VirtualName": "ephemeral0"},
        ],
    }
    image = Image.from_api(item)
    assert image.creation_date == T0
    assert image.name == "golden-2026-03"
    assert image.ena_support is True
    assert image.snapshot_ids == ("snap-1",)
    assert len(image.block_devices) == 1
    assert image.block_devices[0].volume_size_gib == 8


def test_identity_from_api() -> None:
    ident = Identity.from_api(
        {"Account": "123456789012", "Arn": "arn:aws:sts::123456789012:user/moto", "UserId": "AID"}
    )
    assert ident == Identity("123456789012", "arn:aws:sts::123456789012:user/moto", "AID")
