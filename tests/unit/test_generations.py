"""The pure grouping of snapshots into lineages, orphans, copies and multi-volume sets."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from snaptui.aws.generations import (
    SET_ID_TAG,
    find_sets,
    generations_for_volume,
    group_generations,
)
from snaptui.aws.models import COPY_VOLUME_ID, Snapshot

T0 = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)


def snap(
    snapshot_id: str,
    volume_id: str,
    hours: float | None,
    *,
    tags: dict[str, str] | None = None,
    description: str = "",
    state: str = "completed",
) -> Snapshot:
    item: dict = {
        "SnapshotId": snapshot_id,
        "VolumeId": volume_id,
        "State": state,
        "Progress": "100%",
        "VolumeSize": 8,
        "Description": description,
        "Tags": [{"Key": k, "Value": v} for k, v in (tags or {}).items()],
    }
    if hours is not None:
        item["StartTime"] = T0 + timedelta(hours=hours)
    return Snapshot.from_api(item)


def ids(generations) -> list[str]:
    return [g.snapshot.id for g in generations]


def test_empty_listing() -> None:
    index = group_generations([], existing_volume_ids=[])
    assert dict(index.lineages) == {} and dict(index.orphans) == {}
    assert dict(index.copies) == {} and dict(index.sets) == {}
    assert index.for_volume("vol-1") == ()
    assert generations_for_volume([], "vol-1") == []


def test_one_volume_is_ordered_newest_first_with_gaps() -> None:
    snaps = [snap("s-1", "vol-a", 0), snap("s-3", "vol-a", 30), snap("s-2", "vol-a", 24)]
    random.Random(4).shuffle(snaps)
    gens = generations_for_volume(snaps, "vol-a")
    assert ids(gens) == ["s-3", "s-2", "s-1"]
    assert [g.position for g in gens] == [0, 1, 2]
    assert all(g.total == 3 for g in gens)
    assert gens[0].since_previous == timedelta(hours=6)
    assert gens[1].since_previous == timedelta(hours=24)
    assert gens[2].since_previous is None
    assert gens[0].is_newest and gens[2].is_oldest and not gens[1].is_oldest
    assert all(g.set_id is None and g.set_members == () for g in gens)


def test_volumes_get_separate_lineages() -> None:
    snaps = [snap("a1", "vol-a", 0), snap("b1", "vol-b", 1), snap("a2", "vol-a", 2)]
    index = group_generations(snaps, existing_volume_ids={"vol-a", "vol-b"})
    assert ids(index.lineages["vol-a"]) == ["a2", "a1"]
    assert ids(index.lineages["vol-b"]) == ["b1"]
    assert index.lineages["vol-b"][0].since_previous is None
    assert dict(index.orphans) == {}


def test_snapshots_of_deleted_volumes_are_orphans() -> None:
    snaps = [snap("a1", "vol-a", 0), snap("g1", "vol-gone", 1), snap("g2", "vol-gone", 5)]
    index = group_generations(snaps, existing_volume_ids=["vol-a"])
    assert list(index.lineages) == ["vol-a"]
    assert ids(index.orphans["vol-gone"]) == ["g2", "g1"]
    assert index.orphans["vol-gone"][0].since_previous == timedelta(hours=4)
    assert ids(index.for_volume("vol-gone")) == ["g2", "g1"]


def test_unknown_existing_volumes_means_no_orphans() -> None:
    index = group_generations([snap("g1", "vol-gone", 1)], existing_volume_ids=None)
    assert list(index.lineages) == ["vol-gone"]
    assert dict(index.orphans) == {}


def test_snapshot_without_volume_id_is_an_orphan() -> None:
    index = group_generations([snap("x", "", 1)], existing_volume_ids=None)
    assert ids(index.orphans[""]) == ["x"]


def test_copies_never_form_one_lineage() -> None:
    snaps = [
        snap("c1", COPY_VOLUME_ID, 1, description="[Copied snap-aaa from us-west-2]"),
        snap("c2", COPY_VOLUME_ID, 2, description="[Copied snap-bbb from us-west-2]"),
        snap("c3", COPY_VOLUME_ID, 3, description="hand-made copy"),
        snap("c4", COPY_VOLUME_ID, 4, description="another hand-made copy"),
    ]
    index = group_generations(snaps, existing_volume_ids=[])
    assert COPY_VOLUME_ID not in index.lineages
    assert COPY_VOLUME_ID not in index.orphans
    assert ids(index.copies["snap-aaa"]) == ["c1"]
    assert ids(index.copies["snap-bbb"]) == ["c2"]
    # A copy whose source is unknown stands alone, keyed by its own id.
    assert ids(index.copies["c3"]) == ["c3"]
    assert ids(index.copies["c4"]) == ["c4"]
    assert index.copies_of("c3") == ()
    assert generations_for_volume(snaps, COPY_VOLUME_ID) == []


def test_copies_of_one_source_are_grouped_newest_first() -> None:
    source = snap("snap-aaa", "vol-a", 0)
    snaps = [
        source,
        snap("c1", COPY_VOLUME_ID, 1, tags={"snaptui:source-snapshot": "snap-aaa"}),
        snap("c2", COPY_VOLUME_ID, 5, description="[Copied snap-aaa from eu-west-1]"),
    ]
    index = group_generations(snaps, existing_volume_ids=["vol-a"])
    assert ids(index.lineages["vol-a"]) == ["snap-aaa"]
    assert ids(index.copies_of("snap-aaa")) == ["c2", "c1"]
    assert index.copies["snap-aaa"][0].since_previous == timedelta(hours=4)


def test_tagged_sets_span_volumes_and_are_exposed_on_each_generation() -> None:
    tags = {SET_ID_TAG: "set-42"}
    snaps = [
        snap("root1", "vol-root", 10, tags=tags),
        snap("data1", "vol-data", 10, tags=tags),
        snap("root0", "vol-root", 0),
    ]
    index = group_generations(snaps, existing_volume_ids={"vol-root", "vol-data"})
    assert {s.id for s in index.set_members("set-42")} == {"root1", "data1"}
    newest_root = index.lineages["vol-root"][0]
    assert newest_root.set_id == "set-42"
    assert set(newest_root.set_members) == {"root1", "data1"}
    assert index.lineages["vol-root"][1].set_id is None
    assert index.generation("data1").set_id == "set-42"


def test_tagged_set_with_one_member_left_keeps_its_id() -> None:
    sets = find_sets([snap("root1", "vol-root", 10, tags={SET_ID_TAG: "set-1"})])
    assert list(sets) == ["set-1"]


def test_sets_inferred_from_source_instance_and_identical_start_time() -> None:
    inst = {"snaptui:source-instance": "i-0abc"}
    snaps = [
        snap("r", "vol-root", 10, tags=inst),
        snap("d", "vol-data", 10, tags={"snaptui:source": "i-0abc"}),
        snap("late", "vol-logs", 10.001, tags=inst),  # not the identical StartTime
        snap("other", "vol-x", 10, tags={"snaptui:source-instance": "i-0def"}),  # alone
        snap("novol", "vol-y", 10, tags={"snaptui:source": "vol-y"}),  # not an instance
        snap("untagged", "vol-z", 10),
    ]
    sets = find_sets(snaps)
    assert len(sets) == 1
    ((set_id, members),) = sets.items()
    assert set_id.startswith("i-0abc@")
    assert {s.id for s in members} == {"r", "d"}
    index = group_generations(snaps, existing_volume_ids=None)
    assert index.generation("late").set_id is None
    assert index.generation("untagged").set_members == ()


def test_copies_never_join_a_set() -> None:
    tags = {SET_ID_TAG: "set-9"}
    snaps = [
        snap("orig", "vol-a", 1, tags=tags),
        snap("copy", COPY_VOLUME_ID, 2, tags={**tags, "snaptui:source-snapshot": "orig"}),
    ]
    index = group_generations(snaps, existing_volume_ids=["vol-a"])
    assert [s.id for s in index.set_members("set-9")] == ["orig"]
    assert index.generation("copy").set_id is None


def test_later_duplicate_replaces_earlier_listing() -> None:
    old = snap("s1", "vol-a", 0, state="pending")
    new = snap("s1", "vol-a", 0, state="completed")
    gens = generations_for_volume([old, snap("s0", "vol-a", -1), new], "vol-a")
    assert ids(gens) == ["s1", "s0"]
    assert gens[0].snapshot.state == "completed"


def test_missing_start_time_sorts_oldest_without_gap() -> None:
    gens = generations_for_volume(
        [snap("no-time", "vol-a", None), snap("s1", "vol-a", 1), snap("s2", "vol-a", 2)],
        "vol-a",
    )
    assert ids(gens) == ["s2", "s1", "no-time"]
    assert gens[1].since_previous is None  # the older one has no time
    assert gens[2].since_previous is None


def test_identical_start_times_order_deterministically() -> None:
    snaps = [snap(f"s{i}", "vol-a", 1) for i in range(5)]
    first = ids(generations_for_volume(snaps, "vol-a"))
    assert first == ids(generations_for_volume(list(reversed(snaps)), "vol-a"))
    gens = generations_for_volume(snaps, "vol-a")
    assert all(g.since_previous in (None, timedelta(0)) for g in gens)


def test_every_snapshot_lands_in_exactly_one_place() -> None:
    rng = random.Random(7)
    snaps = []
    for i in range(200):
        kind = rng.choice(["vol-a", "vol-b", "vol-gone", COPY_VOLUME_ID])
        description = f"[Copied snap-src{i % 3} from us-east-2]" if rng.random() < 0.5 else ""
        snaps.append(snap(f"s{i}", kind, rng.uniform(0, 1000), description=description))
    index = group_generations(snaps, existing_volume_ids={"vol-a", "vol-b"})
    placed = [
        g.snapshot.id
        for group in (index.lineages, index.orphans, index.copies)
        for gens in group.values()
        for g in gens
    ]
    assert sorted(placed) == sorted(s.id for s in snaps)
    for group in (index.lineages, index.orphans, index.copies):
        for gens in group.values():
            times = [g.snapshot.start_time for g in gens]
            assert times == sorted(times, reverse=True)
            assert [g.position for g in gens] == list(range(len(gens)))


def _fields(index) -> tuple:
    return tuple(
        dict(getattr(index, name)) for name in ("lineages", "orphans", "copies", "sets", "_by_id")
    )


def test_refreshed_equals_a_full_regroup_when_only_progress_and_state_change() -> None:
    import dataclasses

    from snaptui.aws.generations import refreshed

    rng = random.Random(7)
    snaps = [snap(f"s-{i}", f"vol-{i % 5}", i, state="pending") for i in range(40)]
    snaps += [snap("c-1", COPY_VOLUME_ID, 50, tags={"snaptui:source-snapshot": "s-3"})]
    snaps += [snap(f"set-{v}", f"vol-{v}", 60, tags={SET_ID_TAG: "set-a"}) for v in range(3)]
    snaps += [snap("o-1", "vol-gone", 5)]
    existing = [f"vol-{i}" for i in range(5)]
    index = group_generations(snaps, existing)
    updates = [
        dataclasses.replace(s, state="completed", progress=rng.randint(0, 100))
        for s in rng.sample(snaps, 15) + [snaps[-1], snaps[-2], snaps[40]]
    ]
    fresh = {s.id: s for s in snaps} | {s.id: s for s in updates}
    patched = refreshed(index, updates)
    assert patched is not None
    assert _fields(patched) == _fields(group_generations(fresh.values(), existing))


def test_refreshed_gives_up_when_a_snapshot_is_new_or_moves() -> None:
    import dataclasses

    from snaptui.aws.generations import refreshed

    snaps = [snap("s-1", "vol-a", 0), snap("s-2", "vol-a", 1)]
    index = group_generations(snaps, ["vol-a"])
    assert refreshed(index, [snap("s-3", "vol-a", 2)]) is None
    retagged = dataclasses.replace(snaps[0], tags=snap("x", "v", 0, tags={"a": "b"}).tags)
    assert refreshed(index, [retagged]) is None


def test_related_snapshots_answer_like_the_whole_listing() -> None:
    """For every snapshot and volume of a mixed fleet: lineages, inferred and tagged sets,
    copies (and a copy of a copy), orphans, snapshots without a start time."""
    from snaptui.aws.generations import related_snapshots

    rng = random.Random(11)
    snaps = []
    for i in range(120):
        volume = f"vol-{rng.randrange(8)}"
        hours = rng.choice([None, *range(40)]) if i % 17 else None
        tags = {}
        if rng.random() < 0.4:
            tags["snaptui:source-instance"] = f"i-{rng.randrange(3)}"
        if rng.random() < 0.1:
            tags[SET_ID_TAG] = f"set-{rng.randrange(3)}"
        snaps.append(snap(f"s-{i}", volume, hours, tags=tags))
    for i in range(15):
        source = rng.choice(snaps).id if i % 4 else f"c-{i - 1}" if i else "s-0"
        tags = {"snaptui:source-snapshot": source} if i % 5 else {}
        snaps.append(snap(f"c-{i}", COPY_VOLUME_ID, rng.randrange(40), tags=tags))
    existing = [f"vol-{v}" for v in range(5)]  # vol-5..7 are gone: orphans
    full = group_generations(snaps, existing)
    for s in snaps:
        local = group_generations(related_snapshots(snaps, snapshot=s), existing)
        assert local.generation(s.id) == full.generation(s.id), s.id
        assert local.copies_of(s.id) == full.copies_of(s.id), s.id
    for v in range(8):
        volume = f"vol-{v}"
        local = group_generations(related_snapshots(snaps, volume_id=volume), existing)
        assert local.for_volume(volume) == full.for_volume(volume), volume
