"""The ``/`` filter: what each kind of item can be found by."""

from __future__ import annotations

from typing import Any

import pytest

from snaptui.ui.filtering import SearchCache, compile_filter, haystack, matches
from snaptui.ui.rows import AttachedVolume
from tests.unit.ui_factories import DB, fleet, image, instance, snapshot, volume

SNAP = snapshot(
    "snap-0abc",
    "vol-0def",
    description="Nightly backup of PGDATA",
    tags={"Name": "db-nightly", "env": "prod"},
    state="pending",
    progress="12%",
)
VOLUME = volume("vol-0def", "pgdata", volume_type="io2", attached=[("i-0xyz", "/dev/sdf")])
INSTANCE = instance("i-0xyz", "prod-db-primary", tags={"team": "data"}, PrivateIpAddress="10.1.2.3")
IMAGE = image("ami-0123", "golden-2026-03", snapshots=[("/dev/xvda", "snap-0abc")])


@pytest.mark.parametrize(
    ("item", "text", "expected"),
    [
        (SNAP, "", True),
        (SNAP, "   ", True),
        (SNAP, "snap-0abc", True),
        (SNAP, "0ABC", True),  # case-insensitive
        (SNAP, "vol-0def", True),
        (SNAP, "pgdata", True),  # description
        (SNAP, "db-nightly", True),  # Name tag
        (SNAP, "env", True),  # a tag key
        (SNAP, "prod", True),  # a tag value
        (SNAP, "env=prod", True),  # a tag pair
        (SNAP, "env=staging", False),
        (SNAP, "pending", True),  # state
        (SNAP, "nightly prod", True),  # every word must match...
        (SNAP, "nightly staging", False),  # ...all of them
        (SNAP, "backup of", True),
        (SNAP, "pgdatastandard", False),  # description + tier: never across two fields
        (VOLUME, "pgdata", True),
        (VOLUME, "io2", True),
        (VOLUME, "i-0xyz", True),  # the attached instance
        (VOLUME, "/dev/sdf", True),
        (VOLUME, "available", False),
        (INSTANCE, "prod-db", True),
        (INSTANCE, "team=data", True),
        (INSTANCE, "10.1.2.3", True),
        (INSTANCE, "m6i", True),
        (INSTANCE, "stopped", False),
        (IMAGE, "golden", True),
        (IMAGE, "ami-0123", True),
        (IMAGE, "snap-0abc", True),  # the snapshots it is made of
        (IMAGE, "x86", True),
        (IMAGE, "arm64", False),
    ],
)
def test_matches_models(item: Any, text: str, expected: bool) -> None:
    assert matches(item, text) is expected


@pytest.mark.parametrize(
    ("build", "text", "expected"),
    [
        # Rows add what joins them to other resources.
        (lambda inv: inv.snapshot_row(inv.snapshots["snap-d1"]), "pgdata", True),  # volume name
        (lambda inv: inv.snapshot_row(inv.snapshots["snap-o1"]), "orphan", True),
        (lambda inv: inv.snapshot_row(inv.snapshots["snap-d1"]), "orphan", False),
        (lambda inv: inv.snapshot_row(inv.snapshots["snap-c1"]), "copy", True),
        (lambda inv: inv.snapshot_row(inv.snapshots["snap-d1"]), "volume", False),
        (lambda inv: inv.volume_row(inv.volumes["vol-dbwal"]), "prod-db-primary", True),
        (lambda inv: inv.volume_row(inv.volumes["vol-spare"]), "prod-db-primary", False),
        (lambda inv: inv.volumes_of(DB)[0], "xvda", True),  # device
        (lambda inv: inv.volumes_of(DB)[0], DB, True),
        (lambda inv: inv.volumes_of(DB)[0], "root", True),  # the volume's name
        (lambda inv: inv.generations_of("vol-dbdata")[0], "pre-deploy", True),
        (lambda inv: inv.generations_of("vol-dbdata")[0], "nightly", False),
    ],
)
def test_matches_rows(build: Any, text: str, expected: bool) -> None:
    assert matches(build(fleet()), text) is expected


def test_a_set_id_is_searchable_in_generations() -> None:
    inv = fleet()
    tagged = snapshot("snap-s1", "vol-dbwal", tags={"snaptui:set-id": "set-42"})
    inv.update_snapshots([tagged])
    generation = next(g for g in inv.generations_of("vol-dbwal") if g.id == "snap-s1")
    assert matches(generation, "set-42")


def test_attached_volume_without_a_name() -> None:
    attached = AttachedVolume(volume("vol-1"), "/dev/sdh", "i-9")
    assert matches(attached, "sdh") and matches(attached, "i-9") and not matches(attached, "x")


def test_unknown_items_are_refused() -> None:
    with pytest.raises(TypeError, match="cannot filter str"):
        matches("snap-1", "snap")


def test_the_cache_gives_the_same_answer_and_notices_new_objects() -> None:
    cache = SearchCache()
    old = snapshot("snap-1", "vol-1", description="before")
    assert cache.text(old) == haystack(old)
    assert cache.text(old) is cache.text(old)
    new = snapshot("snap-1", "vol-1", description="after")
    assert compile_filter("after", cache)(new)
    assert not compile_filter("after", cache)(old)
    cache.discard(["snap-1"])
    assert compile_filter("before", cache)(old)
