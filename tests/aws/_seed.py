"""Seeding helpers for the AWS layer's tests (boto3 against the loopback moto server)."""

from __future__ import annotations

from typing import Any

REGION = "us-east-1"
ACCOUNT = "123456789012"


def make_volume(ec2: Any, name: str | None = None, size: int = 8) -> str:
    kwargs: dict[str, Any] = {"Size": size, "AvailabilityZone": f"{REGION}a"}
    if name:
        kwargs["TagSpecifications"] = [
            {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": name}]}
        ]
    return ec2.create_volume(**kwargs)["VolumeId"]


def make_snapshots(ec2: Any, volume_id: str, count: int) -> list[str]:
    return [
        ec2.create_snapshot(
            VolumeId=volume_id,
            Description=f"gen {i}",
            TagSpecifications=[
                {"ResourceType": "snapshot", "Tags": [{"Key": "Name", "Value": f"gen-{i}"}]}
            ],
        )["SnapshotId"]
        for i in range(count)
    ]


def own_snapshot_ids(ec2: Any) -> set[str]:
    found = ec2.describe_snapshots(Filters=[{"Name": "owner-id", "Values": [ACCOUNT]}])
    return {s["SnapshotId"] for s in found["Snapshots"]}
