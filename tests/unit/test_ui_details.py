"""The detail pane: the key facts of each kind of resource, then every tag."""

from __future__ import annotations

from typing import Any

import pytest
from rich.text import Text

from snaptui.ui.details import TAG_INDENT, detail_rows
from snaptui.ui.inventory import Inventory, Kind
from tests.unit.ui_factories import DB, NOW, fleet, instance, snapshot, volume


def plain_rows(item: Any, inventory: Inventory) -> list[tuple[str, str]]:
    rows = detail_rows(item, inventory, NOW)
    return [(label, value.plain if isinstance(value, Text) else value) for label, value in rows]


def facts(item: Any, inventory: Inventory) -> dict[str, str]:
    """Labelled rows (continuation rows and tags left out)."""
    return {
        label: value
        for label, value in plain_rows(item, inventory)
        if label and not label.startswith(TAG_INDENT)
    }


def tags(item: Any, inventory: Inventory) -> list[tuple[str, str]]:
    return [
        (label.strip(), value)
        for label, value in plain_rows(item, inventory)
        if label.startswith(TAG_INDENT)
    ]


def test_snapshot_facts() -> None:
    inv = fleet()
    got = facts(inv.snapshots["snap-d2"], inv)
    assert got == {
        "Snapshot": "snap-d2",
        "State": "completed",
        "Started": "2026-03-09 12:00:00 UTC (1d ago)",
        "Volume": "prod-db-primary-pgdata (vol-dbdata), attached to prod-db-primary /dev/sdf",
        "Size": "400 GiB",
        "Description": "nightly",
        "Encryption": "not encrypted",
        "Storage tier": "standard",
        "Owner": "123456789012",
        "Generation": "2 of 3",
        "Since previous": "1d",
        "Copies": "snap-c1",
        "Tags": "none",
    }


@pytest.mark.parametrize(
    ("snapshot_id", "label", "value"),
    [
        ("snap-d3", "Generation", "1 of 3 (newest)"),
        ("snap-d1", "Generation", "3 of 3 (oldest)"),
        ("snap-d1", "Since previous", "-"),
        ("snap-w1", "Generation", "1 of 1"),
        ("snap-w1", "Name", "wal"),
        ("snap-o1", "Volume", "vol-gone (deleted: orphan snapshot)"),
        ("snap-c1", "Volume", "none: a copy of snap-d2"),
        ("snap-c1", "Copy", "1 of 1"),
    ],
)
def test_snapshot_fact(snapshot_id: str, label: str, value: str) -> None:
    inv = fleet()
    assert facts(inv.snapshots[snapshot_id], inv)[label] == value


def test_snapshot_rows_and_generations_show_the_same_details() -> None:
    inv = fleet()
    snap = inv.snapshots["snap-d2"]
    generation = inv.generation("snap-d2")
    expected = plain_rows(snap, inv)
    assert plain_rows(inv.snapshot_row(snap), inv) == expected
    assert plain_rows(generation, inv) == expected


def test_a_pending_snapshot_shows_its_progress_in_words() -> None:
    inv = fleet()
    state = facts(inv.snapshots["snap-d3"], inv)["State"]
    assert state.startswith("pending") and "40%" in state


def test_snapshot_encryption_set_and_state_message() -> None:
    inv = Inventory()
    members = [
        snapshot(
            f"snap-{n}",
            f"vol-{n}",
            tags={"snaptui:set-id": "set-1", "b": "2", "A": "1"},
            Encrypted=True,
            KmsKeyId="arn:aws:kms:eu-west-1:1:key/k",
            StateMessage="slow",
        )
        for n in (1, 2)
    ]
    inv.replace(Kind.SNAPSHOTS, members)
    got = facts(inv.snapshots["snap-1"], inv)
    assert got["Encryption"] == "encrypted, KMS key arn:aws:kms:eu-west-1:1:key/k"
    assert got["Set"] == "set-1: snap-2, snap-1"  # the set's own order: newest, then by id
    assert got["State message"] == "slow"
    assert got["Tags"] == "3"
    assert tags(inv.snapshots["snap-1"], inv) == [
        ("A", "1"),
        ("b", "2"),
        ("snaptui:set-id", "set-1"),
    ]


def test_volume_facts() -> None:
    inv = fleet()
    got = facts(inv.volumes["vol-dbdata"], inv)
    assert got == {
        "Volume": "vol-dbdata",
        "Name": "prod-db-primary-pgdata",
        "State": "in-use",
        "Type": "io2",
        "Size": "400 GiB",
        "IOPS": "16000",
        "Throughput": "-",
        "AZ": "us-east-1a",
        "Encryption": "not encrypted",
        "Created": "2026-01-09 12:00:00 UTC (8w ago)",
        "Restored from": "- (blank volume)",
        "Attached to": "prod-db-primary (i-0db) as /dev/sdf, attached",
        "Snapshots": "3 generations, newest 1h ago",
        "Tags": "2",
    }
    assert tags(inv.volumes["vol-dbdata"], inv) == [
        ("env", "prod"),
        ("Name", "prod-db-primary-pgdata"),
    ]


@pytest.mark.parametrize(
    ("snapshot_id", "restored"),
    [("snap-d1", "snap-d1"), ("snap-deleted", "snap-deleted (deleted)")],
)
def test_volume_restored_from(snapshot_id: str, restored: str) -> None:
    inv = fleet()
    inv.add_page(Kind.VOLUMES, [volume("vol-new", SnapshotId=snapshot_id, Throughput=250)])
    got = facts(inv.volumes["vol-new"], inv)
    assert got["Restored from"] == restored
    assert got["Throughput"] == "250 MiB/s"
    assert got["Attached to"] == "-"
    assert got["Snapshots"] == "none"


def test_a_multi_attached_volume_lists_every_instance() -> None:
    inv = fleet()
    shared = volume("vol-shared", attached=[(DB, "/dev/sdk"), ("i-0web", "/dev/sdk")])
    inv.add_page(Kind.VOLUMES, [shared])
    rows = plain_rows(inv.volumes["vol-shared"], inv)
    start = rows.index(("Attached to", "prod-db-primary (i-0db) as /dev/sdk, attached"))
    assert rows[start + 1] == ("", "prod-web-1 (i-0web) as /dev/sdk, attached")


def test_an_attached_volume_adds_its_device() -> None:
    inv = fleet()
    rows = plain_rows(inv.volumes_of(DB)[0], inv)
    assert rows[:3] == [
        ("Device", "/dev/xvda (root)"),
        ("On termination", "deleted"),
        ("Volume", "vol-dbroot"),
    ]


def test_instance_facts_and_every_block_device() -> None:
    inv = fleet()
    rows = plain_rows(inv.instances[DB], inv)
    got = facts(inv.instances[DB], inv)
    assert got["Instance"] == DB
    assert got["Name"] == "prod-db-primary"
    assert got["State"] == "running"
    assert got["Type"] == "r6i.2xlarge"
    assert got["Root device"] == "/dev/xvda"
    assert got["Launched"] == "2025-08-22 12:00:00 UTC (28w ago)"
    start = rows.index(("Block devices", got["Block devices"]))
    assert [value for _, value in rows[start : start + 3]] == [
        "/dev/xvda · vol-dbroot · prod-db-primary-root · 30 GiB gp3 · root"
        " · deleted on termination",
        "/dev/sdf · vol-dbdata · prod-db-primary-pgdata · 400 GiB io2 · kept",
        "/dev/sdg · vol-dbwal · prod-db-primary-pgwal · 100 GiB gp3 · kept",
    ]
    assert tags(inv.instances[DB], inv) == [
        ("env", "prod"),
        ("Name", "prod-db-primary"),
        ("team", "data"),
    ]


def test_an_instance_without_volumes_says_so() -> None:
    inv = fleet()
    got = facts(inv.instances["i-0bare"], inv)
    assert got["Block devices"] == "none (instance store only)"
    assert "Name" not in got
    assert got["Tags"] == "none"


@pytest.mark.parametrize(
    ("image_id", "device_row"),
    [
        ("ami-new", "/dev/xvda · snap-d1 · 8 GiB · gp3 · kept"),
        ("ami-old", "/dev/xvda · snap-x (not in this account's listing) · 8 GiB · gp3 · kept"),
    ],
)
def test_image_facts(image_id: str, device_row: str) -> None:
    inv = fleet()
    got = facts(inv.images[image_id], inv)
    assert got["Image"] == image_id
    assert got["Architecture"] == "x86_64"
    assert got["Virtualization"] == "hvm"
    assert got["ENA"] == "yes"
    assert got["Boot mode"] == "uefi"
    assert got["Block devices"] == device_row


def test_an_instance_names_its_ami_when_known() -> None:
    inv = fleet()
    inv.add_page(Kind.INSTANCES, [instance("i-9", ImageId="ami-new")])
    assert facts(inv.instances["i-9"], inv)["AMI"] == "ami-new (base-2026)"


def test_unknown_items_are_refused() -> None:
    with pytest.raises(TypeError, match="no details for int"):
        detail_rows(3, fleet(), NOW)
