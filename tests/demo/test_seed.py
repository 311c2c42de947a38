"""The demo data set, as a client sees it over HTTP after seeding the server's backend objects."""

from __future__ import annotations

import time
import urllib.request
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from snaptui.demo import shim
from snaptui.demo.seed import SeedError, SeedSummary, seed

from ._clients import REGION, client, set_snapshot_transition

EXPECTED_HOSTS = {
    "prod-web-1", "prod-web-2", "prod-api-1", "prod-db-primary", "prod-db-replica",
    "prod-worker-1", "staging-web-1", "staging-db", "dev-sandbox",
}  # fmt: skip


def _reset(endpoint: str) -> None:
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", data=b"{}", method="POST")
    urllib.request.urlopen(request, timeout=10).read()


@pytest.fixture
def small(moto: str) -> SeedSummary:
    summary = seed("small")
    yield summary
    _reset(moto)


def _tags(resource: dict) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in resource.get("Tags", [])}


def _all_snapshots(ec2) -> list[dict]:
    pages = ec2.get_paginator("describe_snapshots").paginate(
        OwnerIds=["self"], PaginationConfig={"PageSize": 200}
    )
    return [snapshot for page in pages for snapshot in page["Snapshots"]]


def test_small_fleet_looks_like_a_team_account(moto: str, small: SeedSummary) -> None:
    ec2 = client("ec2", moto)
    instances = [
        instance
        for reservation in ec2.describe_instances()["Reservations"]
        for instance in reservation["Instances"]
    ]
    names = {_tags(instance)["Name"] for instance in instances}
    assert names >= EXPECTED_HOSTS
    assert 10 <= len(instances) <= 14 and len(instances) == small.instances
    assert all({"Name", "env", "team"} <= _tags(i).keys() for i in instances)
    assert {_tags(i)["env"] for i in instances} == {"prod", "staging", "dev"}

    volumes = ec2.describe_volumes()["Volumes"]
    assert len(volumes) == small.volumes
    assert {"gp3", "gp2", "io2", "st1"} <= {v["VolumeType"] for v in volumes}
    roots = [
        v for v in volumes if v["Attachments"] and v["Attachments"][0]["Device"] == "/dev/sda1"
    ]
    assert len(roots) == len(instances)
    assert all(v["VolumeType"] == "gp3" and 8 <= v["Size"] <= 30 for v in roots)
    devices = Counter(a["Device"] for v in volumes for a in v["Attachments"])
    assert devices["/dev/sdf"] >= 10 and devices["/dev/sdg"] >= 2
    assert len([v for v in volumes if v["State"] == "available"]) >= 3

    images = ec2.describe_images(Owners=["self"])["Images"]
    assert len(images) == small.images == 3
    image_snapshots = [m["Ebs"]["SnapshotId"] for i in images for m in i["BlockDeviceMappings"]]
    root_ids = {v["VolumeId"] for v in roots}
    described = ec2.describe_snapshots(SnapshotIds=image_snapshots)["Snapshots"]
    assert {s["VolumeId"] for s in described} <= root_ids


def test_small_history_is_spread_in_the_past_and_completed(moto: str, small: SeedSummary) -> None:
    ec2 = client("ec2", moto)
    snapshots = _all_snapshots(ec2)
    assert len(snapshots) == small.snapshots and 200 <= len(snapshots) <= 600
    now = datetime.now(UTC)
    starts = [s["StartTime"] for s in snapshots]
    assert max(starts) <= now + timedelta(seconds=5)
    assert min(starts) <= now - timedelta(days=28)
    assert len({start.date() for start in starts}) >= 28

    per_volume = defaultdict(list)
    for snapshot in snapshots:
        per_volume[snapshot["VolumeId"]].append(snapshot)
    nightly = [s for s in snapshots if s["Description"].startswith("nightly backup prod-db-")]
    assert nightly and all(_tags(s)["policy"] == "daily-35d" for s in nightly)
    assert max(len(generations) for generations in per_volume.values()) >= 21
    assert all(
        {"Name", "env"} <= _tags(s).keys()
        for s in snapshots
        if "CreateImage" not in s["Description"]
    )

    states = Counter(s["State"] for s in snapshots)
    assert states == {"completed": len(snapshots) - 1, "error": 1}  # immediate transition
    (error,) = [s for s in snapshots if s["State"] == "error"]
    assert error["SnapshotId"] == small.error_snapshot_id

    # The orphan's volume is gone; the DR copies live in us-west-2 with AWS's vol-ffffffff.
    volume_ids = {v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]}
    (orphan,) = ec2.describe_snapshots(SnapshotIds=[small.orphan_snapshot_id])["Snapshots"]
    assert orphan["VolumeId"] not in volume_ids
    west = client("ec2", moto, region=small.copy_region)
    copies = west.describe_snapshots(OwnerIds=["self"])["Snapshots"]
    assert {c["SnapshotId"] for c in copies} == set(small.copy_snapshot_ids)
    assert {c["VolumeId"] for c in copies} == {"vol-ffffffff"}
    assert all(c["Description"].startswith("[Copied snap-") for c in copies)


def test_multi_volume_set_shares_start_time_and_tag(moto: str, small: SeedSummary) -> None:
    ec2 = client("ec2", moto)
    found = ec2.describe_snapshots(
        Filters=[{"Name": "tag:snaptui:set-id", "Values": [small.set_id]}]
    )["Snapshots"]
    assert {s["SnapshotId"] for s in found} == set(small.set_snapshot_ids) and len(found) == 3
    assert len({s["StartTime"] for s in found}) == 1
    attached = ec2.describe_volumes(VolumeIds=[s["VolumeId"] for s in found])["Volumes"]
    assert len({v["Attachments"][0]["InstanceId"] for v in attached}) == 1


def test_pending_snapshots_rise_under_the_time_transition(moto: str, small: SeedSummary) -> None:
    set_snapshot_transition(moto, {"progression": "time", "seconds": 45})
    ec2 = client("ec2", moto)
    first = ec2.describe_snapshots(Filters=[{"Name": "status", "Values": ["pending"]}])["Snapshots"]
    assert {s["SnapshotId"] for s in first} == set(small.pending_snapshot_ids)
    assert 2 <= len(first) <= 3
    progress = {s["SnapshotId"]: int(s["Progress"].rstrip("%")) for s in first}
    assert all(5 <= value <= 40 for value in progress.values()), progress
    time.sleep(1.2)
    later = ec2.describe_snapshots(SnapshotIds=list(progress))["Snapshots"]
    assert all(int(s["Progress"].rstrip("%")) > progress[s["SnapshotId"]] for s in later)
    # The history stays completed even though the transition is now time-based.
    states = Counter(s["State"] for s in _all_snapshots(ec2))
    assert states["pending"] == len(first) and states["error"] == 1


def test_ebs_direct_generations_show_a_quiet_week_then_a_burst(
    moto: str, small: SeedSummary
) -> None:
    ec2 = client("ec2", moto)
    ebs = client("ebs", moto)
    generations = ec2.describe_snapshots(
        Filters=[{"Name": "volume-id", "Values": [small.ebs_direct_volume_id]}]
    )["Snapshots"]
    generations.sort(key=lambda s: s["StartTime"])
    assert [s["SnapshotId"] for s in generations] == list(small.ebs_direct_snapshot_ids)
    assert len(generations) >= 14
    (volume,) = ec2.describe_volumes(VolumeIds=[small.ebs_direct_volume_id])["Volumes"]
    assert _tags(volume)["Name"] == "prod-db-primary-pgdata"
    assert all(s["VolumeSize"] == volume["Size"] and s["State"] == "completed" for s in generations)
    assert ec2.describe_volumes(Filters=[{"Name": "size", "Values": ["1"]}])["Volumes"] == []

    changed = []
    for older, newer in zip(generations, generations[1:], strict=False):
        response = ebs.list_changed_blocks(
            FirstSnapshotId=older["SnapshotId"], SecondSnapshotId=newer["SnapshotId"]
        )
        assert response["BlockSize"] == 524288
        changed.append(len(response["ChangedBlocks"]))
    print("changed blocks per night:", changed)
    assert sorted(changed)[len(changed) // 2] < 100  # mostly quiet
    assert max(changed) >= 500  # one burst night
    assert changed.index(max(changed)) >= 5  # after the quiet week
    assert all(count > 0 for count in changed)


def test_seed_is_deterministic_and_refuses_a_used_account(moto: str) -> None:
    first = seed("small")
    with pytest.raises(SeedError, match="not empty"):
        seed("small")
    _reset(moto)
    second = seed("small")
    _reset(moto)
    assert first.ebs_direct_snapshot_ids == second.ebs_direct_snapshot_ids
    assert first.pending_snapshot_ids == second.pending_snapshot_ids
    assert (first.snapshots, first.volumes) == (second.snapshots, second.volumes)
    with pytest.raises(SeedError, match="unknown demo scale 'huge'"):
        seed("huge")


@pytest.mark.slow
def test_large_seed_counts_and_timing(moto: str) -> None:
    summary = seed("large")
    try:
        print(f"\nlarge seed: {summary.seconds:.2f} s")
        assert (summary.instances, summary.volumes, summary.snapshots) == (500, 2000, 10000)
        ec2 = client("ec2", moto)
        began = time.perf_counter()
        pages = list(
            ec2.get_paginator("describe_snapshots").paginate(
                OwnerIds=["self"], PaginationConfig={"PageSize": 1000}
            )
        )
        listed = [s for page in pages for s in page["Snapshots"]]
        print(
            f"listing 10,000 snapshots in {len(pages)} pages: {time.perf_counter() - began:.2f} s"
        )
        assert len(pages) == 10 and len({s["SnapshotId"] for s in listed}) == 10000
        assert all(_tags(s).keys() >= {"Name", "env", "policy"} for s in listed)
        volumes = ec2.describe_volumes(MaxResults=1000)
        assert len(volumes["Volumes"]) == 1000 and volumes["NextToken"]
        attached = ec2.describe_volumes(
            Filters=[{"Name": "attachment.device", "Values": ["/dev/sdf"]}]
        )["Volumes"]
        assert len(attached) == 500
    finally:
        _reset(moto)
        shim.reset_snapshot_transition()


def test_seed_region_argument(moto: str) -> None:
    summary = seed("small", region="eu-west-1")
    try:
        assert summary.region == "eu-west-1"
        assert client("ec2", moto, region=REGION).describe_instances()["Reservations"] == []
    finally:
        _reset(moto)
