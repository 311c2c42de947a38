"""The demo shim's patches, exercised over real HTTP against the session's moto server.

Every test also checks that the patched attribute really replaced moto's, so a moto upgrade that
moves the code fails here loudly instead of silently falling back to stock behaviour.
"""

from __future__ import annotations

import base64
import hashlib
import time

import pytest
from botocore.exceptions import ClientError

from snaptui.demo import shim

from ._clients import ACCOUNT, REGION, client, set_snapshot_transition

BLOCK = 524288


def _active(owner_name: str, attribute: str) -> None:
    matches = [
        patch
        for patch in shim.patches()
        if patch.owner.__name__ == owner_name and patch.name == attribute
    ]
    assert len(matches) == 1, f"{owner_name}.{attribute} is not patched"
    patch = matches[0]
    assert patch.active, f"{owner_name}.{attribute} no longer holds the shim's replacement"
    assert patch.replacement is not patch.original


def _error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return excinfo.value.response["Error"]["Code"]


@pytest.fixture
def ec2(moto: str):
    return client("ec2", moto)


@pytest.fixture
def volume_id(ec2) -> str:
    return ec2.create_volume(Size=10, AvailabilityZone="us-east-1a")["VolumeId"]


def test_apply_is_idempotent_and_every_patch_is_in_place(moto: str) -> None:
    before = shim.patches()
    shim.apply()
    assert shim.patches() == before
    assert len(before) >= 15
    assert all(patch.active for patch in before)


def test_version_mismatch_names_the_versions_and_the_file(monkeypatch) -> None:
    import moto

    monkeypatch.setattr(moto, "__version__", "5.3.0")
    with pytest.raises(shim.ShimError, match=r"written for moto 5\.2\.5, found 5\.3\.0: update"):
        shim.apply()


def test_fast_tags_reads_the_index_and_keeps_tag_operations_working(
    ec2, volume_id: str, monkeypatch
) -> None:
    _active("TaggedEC2Resource", "get_tags")
    tagged = ec2.create_snapshot(
        VolumeId=volume_id,
        TagSpecifications=[{"ResourceType": "snapshot", "Tags": [{"Key": "env", "Value": "prod"}]}],
    )["SnapshotId"]
    other = ec2.create_snapshot(VolumeId=volume_id)["SnapshotId"]
    ec2.create_tags(
        Resources=[other], Tags=[{"Key": "env", "Value": "dev"}, {"Key": "x", "Value": "1"}]
    )
    ec2.delete_tags(Resources=[other], Tags=[{"Key": "x"}])

    # The scan the patch removes must not be reached at all any more.
    from moto.ec2.models.tags import TagBackend

    def scan(*args, **kwargs):
        raise AssertionError("describe_snapshots scanned every tag in the region")

    monkeypatch.setattr(TagBackend, "describe_tags", scan)
    prod = ec2.describe_snapshots(Filters=[{"Name": "tag:env", "Values": ["prod"]}])["Snapshots"]
    assert [s["SnapshotId"] for s in prod] == [tagged]
    listed = {s["SnapshotId"]: s.get("Tags", []) for s in ec2.describe_snapshots()["Snapshots"]}
    assert listed[tagged] == [{"Key": "env", "Value": "prod"}]
    assert listed[other] == [{"Key": "env", "Value": "dev"}]


def test_snapshot_paging_owner_ids_and_errors(ec2, volume_id: str) -> None:
    _active("ElasticBlockStore", "describe_snapshots")
    created = {ec2.create_snapshot(VolumeId=volume_id)["SnapshotId"] for _ in range(12)}

    pages = list(
        ec2.get_paginator("describe_snapshots").paginate(
            OwnerIds=["self"], PaginationConfig={"PageSize": 5}
        )
    )
    assert [len(page["Snapshots"]) for page in pages] == [5, 5, 2]
    assert [bool(page.get("NextToken")) for page in pages] == [True, True, False]
    listed = [s["SnapshotId"] for page in pages for s in page["Snapshots"]]
    assert sorted(listed) == sorted(created)
    # Stable order: the same listing twice.
    again = ec2.describe_snapshots(MaxResults=1000)["Snapshots"]
    assert [s["SnapshotId"] for s in again] == listed

    # A snapshot deleted between pages does not make the next page skip anything.
    first = ec2.describe_snapshots(MaxResults=5)
    ec2.delete_snapshot(SnapshotId=first["Snapshots"][-1]["SnapshotId"])
    rest = ec2.describe_snapshots(MaxResults=1000, NextToken=first["NextToken"])["Snapshots"]
    assert [s["SnapshotId"] for s in rest] == listed[5:]

    assert len(ec2.describe_snapshots(OwnerIds=[ACCOUNT])["Snapshots"]) == 11
    assert ec2.describe_snapshots(OwnerIds=["amazon"])["Snapshots"] == []
    assert ec2.describe_snapshots(OwnerIds=["999999999999"])["Snapshots"] == []
    assert "NextToken" not in ec2.describe_snapshots(MaxResults=5000)

    with pytest.raises(ClientError) as excinfo:
        ec2.describe_snapshots(MaxResults=4)
    assert _error_code(excinfo) == "InvalidParameterValue"
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_snapshots(MaxResults=5, NextToken="not-a-token")
    assert _error_code(excinfo) == "InvalidParameterValue"
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_snapshots(SnapshotIds=sorted(created)[:1], MaxResults=5)
    assert _error_code(excinfo) == "InvalidParameterCombination"


def test_volume_paging_and_errors(ec2) -> None:
    _active("ElasticBlockStore", "describe_volumes")
    created = {
        ec2.create_volume(Size=1, AvailabilityZone="us-east-1a")["VolumeId"] for _ in range(7)
    }

    first = ec2.describe_volumes(MaxResults=5)
    assert len(first["Volumes"]) == 5
    second = ec2.describe_volumes(MaxResults=5, NextToken=first["NextToken"])
    assert len(second["Volumes"]) == 2 and "NextToken" not in second
    assert {v["VolumeId"] for v in first["Volumes"] + second["Volumes"]} == created

    volume = sorted(created)[0]
    for _ in range(6):
        ec2.create_snapshot(VolumeId=volume)
    snapshot_token = ec2.describe_snapshots(MaxResults=5)["NextToken"]
    for kwargs, code in [
        ({"MaxResults": 2}, "InvalidParameterValue"),
        ({"MaxResults": 5, "NextToken": "bm9wZQ"}, "InvalidParameterValue"),
        ({"MaxResults": 5, "NextToken": snapshot_token}, "InvalidParameterValue"),
        ({"VolumeIds": [volume], "MaxResults": 5}, "InvalidParameterCombination"),
    ]:
        with pytest.raises(ClientError) as excinfo:
            ec2.describe_volumes(**kwargs)
        assert _error_code(excinfo) == code, kwargs


def test_pending_snapshots_follow_the_state_manager(ec2, volume_id: str, moto: str) -> None:
    _active("Snapshot", "progress")
    _active("Snapshot", "status")
    from moto.moto_api import state_manager

    assert shim.SNAPSHOT_MODEL in state_manager.get_registered_models()
    assert ec2.create_snapshot(VolumeId=volume_id)["State"] == "completed"  # default: immediate

    set_snapshot_transition(moto, {"progression": "manual", "times": 3})
    created = ec2.create_snapshot(VolumeId=volume_id)
    seen = [(created["State"], created["Progress"])]
    for _ in range(3):
        (snap,) = ec2.describe_snapshots(SnapshotIds=[created["SnapshotId"]])["Snapshots"]
        seen.append((snap["State"], snap["Progress"]))
    assert seen == [
        ("pending", "0%"),
        ("pending", "33%"),
        ("pending", "66%"),
        ("completed", "100%"),
    ]

    # CreateSnapshots now carries State (stock moto leaves it out).
    instance = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)["Instances"][0]
    multi = ec2.create_snapshots(InstanceSpecification={"InstanceId": instance["InstanceId"]})
    assert [s["State"] for s in multi["Snapshots"]] == ["pending"]
    pending = ec2.describe_snapshots(Filters=[{"Name": "status", "Values": ["pending"]}])
    assert [s["SnapshotId"] for s in pending["Snapshots"]] == [multi["Snapshots"][0]["SnapshotId"]]

    # Time progression, set in-process.
    state_manager.set_transition(shim.SNAPSHOT_MODEL, {"progression": "time", "seconds": 1})
    timed = ec2.create_snapshot(VolumeId=volume_id)["SnapshotId"]
    time.sleep(0.5)
    (snap,) = ec2.describe_snapshots(SnapshotIds=[timed])["Snapshots"]
    assert snap["State"] == "pending" and 30 <= int(snap["Progress"].rstrip("%")) <= 99
    time.sleep(0.7)
    (snap,) = ec2.describe_snapshots(SnapshotIds=[timed])["Snapshots"]
    assert (snap["State"], snap["Progress"]) == ("completed", "100%")

    shim.force_snapshot_state(timed, "error", region=REGION, account_id=ACCOUNT)
    (snap,) = ec2.describe_snapshots(SnapshotIds=[timed])["Snapshots"]
    assert snap["State"] == "error"

    shim.reset_snapshot_transition()
    assert state_manager.get_transition(shim.SNAPSHOT_MODEL) == {"progression": "immediate"}
    with pytest.raises(ValueError, match="unknown snapshot state"):
        shim.force_snapshot_state(timed, "exploded")


def test_copy_snapshot_reports_vol_ffffffff(moto: str, ec2, volume_id: str) -> None:
    _active("EBSBackend", "copy_snapshot")
    source = ec2.create_snapshot(VolumeId=volume_id)["SnapshotId"]
    west = client("ec2", moto, region="us-west-2")
    copy = west.copy_snapshot(SourceSnapshotId=source, SourceRegion=REGION)["SnapshotId"]
    (snap,) = west.describe_snapshots(SnapshotIds=[copy])["Snapshots"]
    assert (snap["VolumeId"], snap["VolumeSize"]) == ("vol-ffffffff", 10)


def _put(ebs, snapshot_id: str, index: int, data: bytes) -> None:
    ebs.put_snapshot_block(
        SnapshotId=snapshot_id,
        BlockIndex=index,
        BlockData=data,
        DataLength=len(data),
        Checksum=base64.b64encode(hashlib.sha256(data).digest()).decode(),
        ChecksumAlgorithm="SHA256",
    )


def test_ebs_direct_union_block_size_and_pending_until_complete(moto: str, ec2) -> None:
    for owner, name in [
        ("EBSBackend", "start_snapshot"),
        ("EBSBackend", "complete_snapshot"),
        ("EBSBackend", "list_changed_blocks"),
        ("EBSResponse", "list_changed_blocks"),
        ("EBSSnapshot", "__init__"),
    ]:
        _active(owner, name)
    ebs = client("ebs", moto)
    a_block, b_block = b"a" * BLOCK, b"b" * BLOCK

    first = ebs.start_snapshot(VolumeSize=1, Description="gen 1")
    assert (first["BlockSize"], first["Status"]) == (BLOCK, "pending")
    for index in (1, 2, 3):
        _put(ebs, first["SnapshotId"], index, a_block)
    (snap,) = ec2.describe_snapshots(SnapshotIds=[first["SnapshotId"]])["Snapshots"]
    assert (snap["State"], snap["VolumeId"], snap["VolumeSize"]) == ("pending", "vol-ffffffff", 1)
    assert ec2.describe_volumes()["Volumes"] == []  # no phantom volume
    ebs.complete_snapshot(SnapshotId=first["SnapshotId"], ChangedBlocksCount=3)
    (snap,) = ec2.describe_snapshots(SnapshotIds=[first["SnapshotId"]])["Snapshots"]
    assert snap["State"] == "completed"

    second = ebs.start_snapshot(VolumeSize=1, Description="gen 2")["SnapshotId"]
    for index, data in ((1, a_block), (2, b_block), (5, a_block)):
        _put(ebs, second, index, data)
    ebs.complete_snapshot(SnapshotId=second, ChangedBlocksCount=3)

    forward = ebs.list_changed_blocks(FirstSnapshotId=first["SnapshotId"], SecondSnapshotId=second)
    backward = ebs.list_changed_blocks(FirstSnapshotId=second, SecondSnapshotId=first["SnapshotId"])
    assert [b["BlockIndex"] for b in forward["ChangedBlocks"]] == [2, 3, 5]
    assert [b["BlockIndex"] for b in backward["ChangedBlocks"]] == [2, 3, 5]
    assert forward["BlockSize"] == BLOCK
    only_second = {b["BlockIndex"]: b for b in forward["ChangedBlocks"]}[5]
    assert "FirstBlockToken" not in only_second and only_second["SecondBlockToken"]

    with pytest.raises(ClientError) as excinfo:
        ebs.list_changed_blocks(SecondSnapshotId="snap-00000000000000000")
    assert _error_code(excinfo) == "ResourceNotFoundException"


def test_ebs_direct_block_listings_page(moto: str) -> None:
    _active("EBSResponse", "list_snapshot_blocks")
    from moto.ebs.models import ebs_backends

    ebs = client("ebs", moto)
    snapshot_id = ebs.start_snapshot(VolumeSize=1)["SnapshotId"]
    backend = ebs_backends[ACCOUNT][REGION]
    for index in range(250):  # small payloads, in-process: paging is what is under test
        backend.put_snapshot_block(snapshot_id, index, b"x", None, None, 1)

    seen, token, pages = [], None, 0
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = ebs.list_snapshot_blocks(SnapshotId=snapshot_id, MaxResults=100, **kwargs)
        seen += [b["BlockIndex"] for b in page["Blocks"]]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    assert (pages, seen) == (3, list(range(250)))
    changed = ebs.list_changed_blocks(
        SecondSnapshotId=snapshot_id, StartingBlockIndex=240, MaxResults=100
    )
    assert [b["BlockIndex"] for b in changed["ChangedBlocks"]] == list(range(240, 250))
    with pytest.raises(ClientError) as excinfo:
        ebs.list_snapshot_blocks(SnapshotId=snapshot_id, NextToken="!!")
    assert _error_code(excinfo) == "ValidationException"
