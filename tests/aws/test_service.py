"""Ec2Service against moto (with snaptui's shim: real paging, OwnerIds, pending snapshots)."""

from __future__ import annotations

from collections import Counter

import pytest
from moto.moto_api import state_manager

from snaptui.aws import AwsContext, Ec2Service, NotFoundError, Snapshot

from ._seed import ACCOUNT, REGION, make_snapshots, make_volume


async def collect(pages) -> list[list]:
    return [page async for page in pages]


def calls(ctx: AwsContext, operation: str) -> list:
    return [r for r in ctx.history if r.operation == operation]


async def test_identity(service: Ec2Service) -> None:
    identity = await service.identity()
    assert identity.account == ACCOUNT
    assert identity.arn.startswith(f"arn:aws:sts::{ACCOUNT}:")


async def test_snapshots_come_back_complete_across_pages(service: Ec2Service, ec2) -> None:
    volume_id = make_volume(ec2, "data")
    created = make_snapshots(ec2, volume_id, 13)

    pages = await collect(service.snapshots())

    assert len(pages) >= 3
    assert all(len(page) <= 5 for page in pages)
    listed = [s.id for page in pages for s in page]
    assert Counter(listed) == Counter(created)  # all of them, no duplicates
    assert all(isinstance(s, Snapshot) and s.owner_id == ACCOUNT for page in pages for s in page)
    for page in pages:
        times = [s.start_time for s in page]
        assert times == sorted(times, reverse=True)
    describe = calls(service.ctx, "DescribeSnapshots")
    assert len(describe) == len(pages)
    assert all(r.ok for r in describe)


async def test_snapshots_of_one_volume(service: Ec2Service, ec2) -> None:
    mine = make_volume(ec2)
    other = make_volume(ec2)
    wanted = make_snapshots(ec2, mine, 7)
    make_snapshots(ec2, other, 3)

    pages = await collect(service.snapshots(volume_id=mine))

    assert len(pages) >= 2
    assert sorted(s.id for page in pages for s in page) == sorted(wanted)
    assert {s.volume_id for page in pages for s in page} == {mine}


async def test_volumes_page_and_filter(service: Ec2Service, ec2) -> None:
    volume_ids = [make_volume(ec2, f"v{i}") for i in range(12)]

    pages = await collect(service.volumes())
    assert len(pages) >= 3
    listed = [v.id for page in pages for v in page]
    assert Counter(listed) == Counter(volume_ids)
    assert {v.name for page in pages for v in page} == {f"v{i}" for i in range(12)}

    chosen = volume_ids[:3]
    by_id = await collect(service.volumes(volume_ids=chosen))
    assert sorted(v.id for page in by_id for v in page) == sorted(chosen)


async def test_volumes_of_an_instance(service: Ec2Service, ec2) -> None:
    instance_id = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)["Instances"][0][
        "InstanceId"
    ]
    data = make_volume(ec2, "data")
    make_volume(ec2, "unattached")
    ec2.attach_volume(VolumeId=data, InstanceId=instance_id, Device="/dev/sdf")

    pages = await collect(service.volumes(instance_id=instance_id))

    volumes = [v for page in pages for v in page]
    assert data in {v.id for v in volumes}
    assert "unattached" not in {v.name for v in volumes}
    assert all(instance_id in v.instance_ids for v in volumes)


async def test_instances_page_and_flatten_reservations(service: Ec2Service, ec2) -> None:
    created = []
    for i in range(7):  # one reservation each: moto pages DescribeInstances by reservation
        response = ec2.run_instances(
            ImageId="ami-12345678",
            MinCount=1,
            MaxCount=1,
            InstanceType="t3.small",
            TagSpecifications=[
                {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": f"web-{i}"}]}
            ],
        )
        created.append(response["Instances"][0]["InstanceId"])

    pages = await collect(service.instances())

    assert len(pages) >= 2
    instances = [i for page in pages for i in page]
    assert Counter(i.id for i in instances) == Counter(created)
    web0 = next(i for i in instances if i.name == "web-0")
    assert web0.state == "running"
    assert web0.instance_type == "t3.small"
    assert web0.az and web0.az.startswith(REGION)
    assert web0.block_devices and web0.block_devices[0].volume_id.startswith("vol-")


async def test_images_are_own_only(service: Ec2Service, ec2) -> None:
    instance_id = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)["Instances"][0][
        "InstanceId"
    ]
    image_id = ec2.create_image(InstanceId=instance_id, Name="golden", NoReboot=True)["ImageId"]

    pages = await collect(service.images())

    images = [i for page in pages for i in page]
    assert [i.id for i in images] == [image_id]
    assert images[0].name == "golden"
    assert images[0].snapshot_ids  # moto's synthetic snapshot
    (record,) = calls(service.ctx, "DescribeImages")
    assert record.ok


@pytest.fixture
def manual_progress() -> None:
    """Each DescribeSnapshots that returns a pending snapshot moves it a third of the way."""
    state_manager.set_transition("ec2::snapshot", {"progression": "manual", "times": 3})


async def test_refresh_snapshots_shows_pending_then_completed(
    service: Ec2Service, ec2, manual_progress: None
) -> None:
    volume_id = make_volume(ec2)
    created = ec2.create_snapshot(VolumeId=volume_id)
    assert created["State"] == "pending"
    snapshot_id = created["SnapshotId"]

    seen = []
    for _ in range(3):
        (snap,) = await service.refresh_snapshots([snapshot_id])
        seen.append((snap.state, snap.progress))

    assert seen[-1] == ("completed", 100)
    pending = [p for state, p in seen if state == "pending"]
    assert pending and pending == sorted(pending) and all(0 < p < 100 for p in pending)
    refresh_calls = calls(service.ctx, "DescribeSnapshots")
    assert len(refresh_calls) == 3
    assert all(r.params == {"SnapshotIds": snapshot_id} for r in refresh_calls)


async def test_refresh_snapshots_skips_vanished_ones(service: Ec2Service, ec2) -> None:
    volume_id = make_volume(ec2)
    keep, gone = make_snapshots(ec2, volume_id, 2)
    ec2.delete_snapshot(SnapshotId=gone)

    refreshed = await service.refresh_snapshots([keep, gone, keep])

    assert [s.id for s in refreshed] == [keep]
    first, second = calls(service.ctx, "DescribeSnapshots")
    assert first.outcome == "InvalidSnapshot.NotFound"
    assert second.ok


async def test_refresh_snapshots_with_no_ids_makes_no_call(service: Ec2Service) -> None:
    assert await service.refresh_snapshots([]) == []
    assert service.ctx.history == ()


async def test_refresh_snapshots_chunks_at_200_ids(service: Ec2Service, ec2) -> None:
    volume_id = make_volume(ec2)
    ids = make_snapshots(ec2, volume_id, 1) + [f"snap-{i:08x}" for i in range(250)]
    refreshed = await service.refresh_snapshots(ids)
    assert [s.id for s in refreshed] == ids[:1]
    assert len([r for r in calls(service.ctx, "DescribeSnapshots") if r.ok]) == 2


async def test_listing_errors_are_translated(service: Ec2Service) -> None:
    with pytest.raises(NotFoundError):
        await collect(service.volumes(volume_ids=["vol-12345678"]))
