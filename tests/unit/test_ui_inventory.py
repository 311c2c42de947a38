"""The inventory: streamed pages, full refreshes, progress updates and the derived indexes."""

from __future__ import annotations

import pytest

from snaptui.ui.inventory import Inventory, Kind, natural_key
from tests.unit.ui_factories import (
    BARE,
    DB,
    WEB,
    ago,
    fleet,
    fleet_snapshots,
    fleet_volumes,
    instance,
    snapshot,
    volume,
)


def test_streamed_pages_accumulate_and_replace_marks_loaded() -> None:
    inv = Inventory()
    first = [snapshot("snap-1", "vol-a"), snapshot("snap-2", "vol-a")]
    second = [snapshot("snap-3", "vol-b")]
    inv.add_page(Kind.SNAPSHOTS, first)
    assert set(inv.snapshots) == {"snap-1", "snap-2"}
    assert Kind.SNAPSHOTS not in inv.loaded
    inv.add_page(Kind.SNAPSHOTS, second)
    assert set(inv.snapshots) == {"snap-1", "snap-2", "snap-3"}
    inv.replace(Kind.SNAPSHOTS, first + second)
    assert inv.loaded == {Kind.SNAPSHOTS}


def test_a_page_updates_an_existing_id_in_place() -> None:
    inv = Inventory()
    inv.add_page(Kind.SNAPSHOTS, [snapshot("snap-1", "vol-a", description="old")])
    inv.add_page(Kind.SNAPSHOTS, [snapshot("snap-1", "vol-a", description="new")])
    assert len(inv.snapshots) == 1
    assert inv.snapshots["snap-1"].description == "new"


def test_replace_drops_vanished_ids_and_returns_them() -> None:
    inv = Inventory()
    inv.replace(Kind.VOLUMES, [volume("vol-a"), volume("vol-b"), volume("vol-c")])
    gone = inv.replace(Kind.VOLUMES, [volume("vol-b"), volume("vol-d")])
    assert gone == {"vol-a", "vol-c"}
    assert set(inv.volumes) == {"vol-b", "vol-d"}


def test_replace_only_touches_its_own_kind() -> None:
    inv = fleet()
    inv.replace(Kind.IMAGES, [])
    assert inv.images == {}
    assert len(inv.snapshots) == len(fleet_snapshots())


def test_wrong_model_for_the_kind_is_refused() -> None:
    with pytest.raises(TypeError, match="snapshots holds Snapshot, not Volume"):
        Inventory().add_page(Kind.SNAPSHOTS, [volume("vol-a")])


def test_kind_may_be_given_as_its_string() -> None:
    inv = Inventory()
    inv.replace("volumes", [volume("vol-a")])  # type: ignore[arg-type]
    assert inv.loaded == {Kind.VOLUMES}


def test_version_changes_on_every_change_and_not_on_a_no_op() -> None:
    inv = Inventory()
    versions = [inv.version]
    inv.add_page(Kind.VOLUMES, [volume("vol-a")])
    versions.append(inv.version)
    inv.add_page(Kind.VOLUMES, [volume("vol-a")])  # identical: nothing changed
    versions.append(inv.version)
    inv.replace(Kind.VOLUMES, [volume("vol-a")])  # now loaded: a change
    versions.append(inv.version)
    inv.replace(Kind.VOLUMES, [volume("vol-a")])  # identical again
    versions.append(inv.version)
    inv.replace(Kind.VOLUMES, [])  # vol-a vanished
    versions.append(inv.version)
    assert versions[0] < versions[1] == versions[2] < versions[3] == versions[4] < versions[5]


@pytest.mark.parametrize(
    ("before", "after", "changed"),
    [
        (("pending", "10%"), ("pending", "10%"), set()),
        (("pending", "10%"), ("pending", "55%"), {"snap-1"}),
        (("pending", "99%"), ("completed", "100%"), {"snap-1"}),
        (("pending", "40%"), ("error", "40%"), {"snap-1"}),
        (("pending", None), ("pending", "5%"), {"snap-1"}),
    ],
)
def test_update_snapshots_reports_state_or_progress_changes(before, after, changed) -> None:
    inv = Inventory()
    inv.replace(Kind.SNAPSHOTS, [snapshot("snap-1", "vol-a", state=before[0], progress=before[1])])
    result = inv.update_snapshots([snapshot("snap-1", "vol-a", state=after[0], progress=after[1])])
    assert result == changed
    assert inv.snapshots["snap-1"].state == after[0]


def test_update_snapshots_stores_other_changes_without_reporting_them() -> None:
    inv = Inventory()
    inv.replace(Kind.SNAPSHOTS, [snapshot("snap-1", "vol-a", description="a")])
    version = inv.version
    assert inv.update_snapshots([snapshot("snap-1", "vol-a", description="b")]) == set()
    assert inv.snapshots["snap-1"].description == "b"
    assert inv.version > version


def test_update_snapshots_reports_a_new_snapshot() -> None:
    inv = fleet()
    new = snapshot("snap-new", "vol-dbdata", state="pending", progress="0%", started=ago(minutes=1))
    assert inv.update_snapshots([new]) == {"snap-new"}
    assert inv.generations_of("vol-dbdata")[0].snapshot.id == "snap-new"


def test_pending_snapshot_ids() -> None:
    inv = fleet()
    assert inv.pending_snapshot_ids() == ["snap-d3"]
    inv.update_snapshots([snapshot("snap-d3", "vol-dbdata", state="completed", size=400)])
    assert inv.pending_snapshot_ids() == []


def test_volumes_of_puts_root_first_then_devices_in_order() -> None:
    attached = fleet().volumes_of(DB)
    assert [(a.device, a.id, a.is_root) for a in attached] == [
        ("/dev/xvda", "vol-dbroot", True),
        ("/dev/sdf", "vol-dbdata", False),
        ("/dev/sdg", "vol-dbwal", False),
    ]
    assert all(a.instance_id == DB for a in attached)
    assert [a.delete_on_termination for a in attached] == [True, False, False]


def test_volumes_of_uses_the_volume_attachment_when_the_instance_does_not_list_it() -> None:
    inv = Inventory()
    inv.replace(Kind.INSTANCES, [instance("i-1", devices=[("/dev/xvda", "vol-root", True)])])
    inv.replace(
        Kind.VOLUMES,
        [
            volume("vol-root", attached=[("i-1", "/dev/xvda")]),
            volume("vol-late", attached=[("i-1", "/dev/sdh")]),  # attached after the listing
        ],
    )
    assert [(a.device, a.id) for a in inv.volumes_of("i-1")] == [
        ("/dev/xvda", "vol-root"),
        ("/dev/sdh", "vol-late"),
    ]


def test_the_instances_device_name_wins_over_the_volumes() -> None:
    inv = Inventory()
    inv.replace(Kind.INSTANCES, [instance("i-1", devices=[("/dev/sdf", "vol-a", False)])])
    inv.replace(Kind.VOLUMES, [volume("vol-a", attached=[("i-1", "xvdf")])])
    assert [a.device for a in inv.volumes_of("i-1")] == ["/dev/sdf"]
    assert inv.device_of("vol-a") == "/dev/sdf"


def test_volumes_of_orders_devices_naturally_and_skips_unknown_volumes() -> None:
    devices = [("/dev/sdf10", "vol-10", False), ("/dev/sdf2", "vol-2", False)]
    devices.append(("/dev/sdf3", "vol-missing", False))
    inv = Inventory()
    inv.replace(Kind.INSTANCES, [instance("i-1", devices=devices, root=None)])
    inv.replace(Kind.VOLUMES, [volume("vol-10"), volume("vol-2")])
    assert [a.device for a in inv.volumes_of("i-1")] == ["/dev/sdf2", "/dev/sdf10"]


@pytest.mark.parametrize(("instance_id", "count"), [(DB, 3), (WEB, 1), (BARE, 0), ("i-x", 0)])
def test_volumes_of_each_instance(instance_id: str, count: int) -> None:
    assert len(fleet().volumes_of(instance_id)) == count


def test_instance_of_and_device_of() -> None:
    inv = fleet()
    found = inv.instance_of("vol-dbdata")
    assert found is not None and found.name == "prod-db-primary"
    assert inv.instance_of("vol-spare") is None
    assert inv.instance_of("vol-nope") is None
    assert inv.device_of("vol-dbdata", DB) == "/dev/sdf"
    assert inv.device_of("vol-dbdata", WEB) is None


def test_attachment_index_follows_volume_changes() -> None:
    inv = fleet()
    assert inv.instance_of("vol-spare") is None
    inv.add_page(Kind.VOLUMES, [volume("vol-spare", "spare", attached=[(WEB, "/dev/sdh")])])
    found = inv.instance_of("vol-spare")
    assert found is not None and found.id == WEB
    assert "vol-spare" in [a.id for a in inv.volumes_of(WEB)]


def test_generations_of_is_newest_first() -> None:
    gens = fleet().generations_of("vol-dbdata")
    assert [g.id for g in gens] == ["snap-d3", "snap-d2", "snap-d1"]
    assert [g.position for g in gens] == [0, 1, 2]


def test_generations_are_recomputed_after_snapshot_changes() -> None:
    inv = fleet()
    first = inv.generations_of("vol-dbdata")
    assert inv.generations_of("vol-dbdata") is first  # cached while nothing changes
    inv.update_snapshots([snapshot("snap-d3", "vol-dbdata", state="completed", size=400)])
    gens = inv.generations_of("vol-dbdata")
    assert gens[0].snapshot.state == "completed"
    inv.remove(Kind.SNAPSHOTS, ["snap-d1"])
    assert [g.id for g in inv.generations_of("vol-dbdata")] == ["snap-d3", "snap-d2"]


def test_orphans_are_only_known_once_volumes_are_loaded() -> None:
    inv = Inventory()
    inv.replace(Kind.SNAPSHOTS, fleet_snapshots())
    assert "vol-gone" in inv.generation_index.lineages  # volumes unknown: nothing is an orphan
    assert inv.snapshot_row(inv.snapshots["snap-o1"]).origin == "unknown"
    inv.replace(Kind.VOLUMES, fleet_volumes())
    assert "vol-gone" in inv.generation_index.orphans
    assert inv.snapshot_row(inv.snapshots["snap-o1"]).origin == "orphan"
    assert [g.id for g in inv.generations_of("vol-gone")] == ["snap-o1"]


@pytest.mark.parametrize(
    ("snapshot_id", "origin", "volume_label"),
    [
        ("snap-d1", "volume", "prod-db-primary-pgdata"),
        ("snap-o1", "orphan", "vol-gone"),
        ("snap-c1", "copy", "copy of snap-d2"),
    ],
)
def test_snapshot_rows_join_the_volume(snapshot_id: str, origin: str, volume_label: str) -> None:
    inv = fleet()
    row = inv.snapshot_row(inv.snapshots[snapshot_id])
    assert (row.id, row.origin, row.volume_label) == (snapshot_id, origin, volume_label)


def test_volume_rows_name_the_instances() -> None:
    inv = fleet()
    assert inv.volume_row(inv.volumes["vol-dbdata"]).attached_label == "prod-db-primary /dev/sdf"
    assert inv.volume_row(inv.volumes["vol-spare"]).attached_label == ""


def test_clear_forgets_everything() -> None:
    inv = fleet()
    version = inv.version
    inv.clear()
    assert (inv.instances, inv.volumes, inv.snapshots, inv.images) == ({}, {}, {}, {})
    assert inv.loaded == set()
    assert inv.generations_of("vol-dbdata") == ()
    assert inv.volumes_of(DB) == []
    assert inv.version > version


def test_remove_reports_only_ids_it_had() -> None:
    inv = fleet()
    assert inv.remove(Kind.SNAPSHOTS, ["snap-d1", "snap-nope"]) == {"snap-d1"}


@pytest.mark.parametrize(
    ("names", "ordered"),
    [
        (["web-10", "web-2", "web-1"], ["web-1", "web-2", "web-10"]),
        (["/dev/sdf10", "/dev/sdf2"], ["/dev/sdf2", "/dev/sdf10"]),
        (["B", "a", "C"], ["a", "B", "C"]),
        (["10", "abc", "2"], ["2", "10", "abc"]),
    ],
)
def test_natural_key(names: list[str], ordered: list[str]) -> None:
    assert sorted(names, key=natural_key) == ordered
