"""Small builders of API-shaped dicts -> models, and one little fleet, for the UI unit tests."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from snaptui.aws.models import Image, Instance, Snapshot, Volume
from snaptui.ui.inventory import Inventory, Kind

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def ago(**delta: float) -> datetime:
    return NOW - timedelta(**delta)


def api_tags(tags: Mapping[str, str] | None) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in (tags or {}).items()]


def instance(
    instance_id: str,
    name: str = "",
    *,
    state: str = "running",
    instance_type: str = "m6i.large",
    devices: Iterable[tuple[str, str, bool]] = (),
    root: str | None = "/dev/xvda",
    launched: datetime | None = None,
    tags: Mapping[str, str] | None = None,
    **extra: Any,
) -> Instance:
    """``devices``: (device, volume id, delete on termination)."""
    all_tags = ({"Name": name} if name else {}) | dict(tags or {})
    item: dict[str, Any] = {
        "InstanceId": instance_id,
        "State": {"Name": state},
        "InstanceType": instance_type,
        "Placement": {"AvailabilityZone": "us-east-1a"},
        "LaunchTime": launched or ago(days=30),
        "RootDeviceName": root,
        "BlockDeviceMappings": [
            {"DeviceName": d, "Ebs": {"VolumeId": v, "DeleteOnTermination": dot}}
            for d, v, dot in devices
        ],
        "Tags": api_tags(all_tags),
        **extra,
    }
    return Instance.from_api(item)


def volume(
    volume_id: str,
    name: str = "",
    *,
    size: int = 8,
    volume_type: str = "gp3",
    state: str | None = None,
    attached: Iterable[tuple[str, str]] = (),
    created: datetime | None = None,
    tags: Mapping[str, str] | None = None,
    **extra: Any,
) -> Volume:
    """``attached``: (instance id, device)."""
    attached = list(attached)
    all_tags = ({"Name": name} if name else {}) | dict(tags or {})
    item: dict[str, Any] = {
        "VolumeId": volume_id,
        "Size": size,
        "VolumeType": volume_type,
        "State": state or ("in-use" if attached else "available"),
        "AvailabilityZone": "us-east-1a",
        "CreateTime": created or ago(days=60),
        "Attachments": [
            {"InstanceId": i, "Device": d, "State": "attached", "DeleteOnTermination": False}
            for i, d in attached
        ],
        "Tags": api_tags(all_tags),
        **extra,
    }
    return Volume.from_api(item)


def snapshot(
    snapshot_id: str,
    volume_id: str,
    *,
    started: datetime | None = None,
    state: str = "completed",
    progress: str | None = None,
    size: int = 8,
    description: str = "",
    tags: Mapping[str, str] | None = None,
    **extra: Any,
) -> Snapshot:
    item: dict[str, Any] = {
        "SnapshotId": snapshot_id,
        "VolumeId": volume_id,
        "State": state,
        "Progress": progress if progress is not None else ("100%" if state != "pending" else "0%"),
        "StartTime": started or ago(days=1),
        "VolumeSize": size,
        "Description": description,
        "Encrypted": False,
        "OwnerId": "123456789012",
        "StorageTier": "standard",
        "Tags": api_tags(tags),
        **extra,
    }
    return Snapshot.from_api(item)


def image(
    image_id: str,
    name: str,
    *,
    created: datetime | None = None,
    snapshots: Iterable[tuple[str, str]] = (),
    tags: Mapping[str, str] | None = None,
    **extra: Any,
) -> Image:
    """``snapshots``: (device, snapshot id)."""
    item: dict[str, Any] = {
        "ImageId": image_id,
        "Name": name,
        "State": "available",
        "CreationDate": (created or ago(days=10)).isoformat().replace("+00:00", "Z"),
        "Architecture": "x86_64",
        "RootDeviceName": "/dev/xvda",
        "VirtualizationType": "hvm",
        "EnaSupport": True,
        "BootMode": "uefi",
        "BlockDeviceMappings": [
            {"DeviceName": d, "Ebs": {"SnapshotId": s, "VolumeSize": 8, "VolumeType": "gp3"}}
            for d, s in snapshots
        ],
        "Tags": api_tags(tags),
        **extra,
    }
    return Image.from_api(item)


# ---------------------------------------------------------------------------------------------
# One small account: a database host with three disks, a web host, an unnamed host.

DB, WEB, BARE = "i-0db", "i-0web", "i-0bare"


def fleet_instances() -> list[Instance]:
    return [
        instance(
            DB,
            "prod-db-primary",
            instance_type="r6i.2xlarge",
            # Deliberately out of order: volumes_of puts root first, then by device.
            devices=[
                ("/dev/sdg", "vol-dbwal", False),
                ("/dev/xvda", "vol-dbroot", True),
                ("/dev/sdf", "vol-dbdata", False),
            ],
            tags={"env": "prod", "team": "data"},
            launched=ago(days=200),
        ),
        instance(WEB, "prod-web-1", devices=[("/dev/xvda", "vol-webroot", True)]),
        instance(BARE, "", state="stopped", instance_type="t3.micro", devices=()),
    ]


def fleet_volumes() -> list[Volume]:
    return [
        volume("vol-dbroot", "prod-db-primary-root", size=30, attached=[(DB, "/dev/xvda")]),
        volume(
            "vol-dbdata",
            "prod-db-primary-pgdata",
            size=400,
            volume_type="io2",
            attached=[(DB, "/dev/sdf")],
            Iops=16000,
            tags={"env": "prod"},
        ),
        volume("vol-dbwal", "prod-db-primary-pgwal", size=100, attached=[(DB, "/dev/sdg")]),
        volume("vol-webroot", "", size=20, attached=[(WEB, "/dev/xvda")]),
        volume("vol-spare", "spare", size=1024, created=ago(days=5)),
    ]


def fleet_snapshots() -> list[Snapshot]:
    return [
        snapshot("snap-d1", "vol-dbdata", started=ago(days=2), size=400, description="nightly"),
        snapshot("snap-d2", "vol-dbdata", started=ago(days=1), size=400, description="nightly"),
        snapshot(
            "snap-d3",
            "vol-dbdata",
            started=ago(hours=1),
            size=400,
            state="pending",
            progress="40%",
            description="pre-deploy",
        ),
        snapshot("snap-w1", "vol-dbwal", started=ago(hours=5), size=100, tags={"Name": "wal"}),
        snapshot("snap-o1", "vol-gone", started=ago(days=90), size=50, description="old"),
        snapshot(
            "snap-c1",
            "vol-ffffffff",
            started=ago(hours=3),
            size=400,
            description="[Copied snap-d2 from us-west-2]",
        ),
    ]


def fleet_images() -> list[Image]:
    return [
        image("ami-old", "base-2025", created=ago(days=100), snapshots=[("/dev/xvda", "snap-x")]),
        image("ami-new", "base-2026", created=ago(days=2), snapshots=[("/dev/xvda", "snap-d1")]),
    ]


def fleet() -> Inventory:
    inv = Inventory()
    inv.replace(Kind.INSTANCES, fleet_instances())
    inv.replace(Kind.VOLUMES, fleet_volumes())
    inv.replace(Kind.SNAPSHOTS, fleet_snapshots())
    inv.replace(Kind.IMAGES, fleet_images())
    return inv


def many_snapshots(count: int) -> list[Snapshot]:
    """A large listing: *count* snapshots over count // 10 volumes, one in 50 pending."""
    return [
        snapshot(
            f"snap-{n:017x}",
            f"vol-{n % (count // 10 or 1):017x}",
            started=ago(minutes=n),
            state="pending" if n % 50 == 0 else "completed",
            progress="37%" if n % 50 == 0 else None,
            size=8 + n % 500,
            description=f"nightly backup {n} of host-{n % 97}",
            tags={"Name": f"backup-{n}", "env": "prod" if n % 3 else "staging"},
        )
        for n in range(count)
    ]
