"""metadata_diff and the metadata-only checks of a block compare (no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from snaptui.aws.compare import (
    BlockDiff,
    CompareCache,
    Reason,
    Unavailable,
    runs_from_indexes,
    why_not_comparable,
)
from snaptui.aws.diff import FIELDS, metadata_diff, older_first
from snaptui.aws.models import COPY_VOLUME_ID, Snapshot

T0 = datetime(2026, 3, 1, 3, 10, tzinfo=UTC)


def snap(
    snapshot_id: str,
    *,
    hours: float | None = 0,
    volume_id: str = "vol-1",
    tags: dict[str, str] | None = None,
    **extra: Any,
) -> Snapshot:
    item: dict[str, Any] = {
        "SnapshotId": snapshot_id,
        "VolumeId": volume_id,
        "State": "completed",
        "Progress": "100%",
        "VolumeSize": 400,
        "Description": "nightly",
        "Encrypted": False,
        "OwnerId": "123456789012",
        "StorageTier": "standard",
        "Tags": [{"Key": k, "Value": v} for k, v in (tags or {}).items()],
        **extra,
    }
    if hours is not None:
        item["StartTime"] = T0 + timedelta(hours=hours)
    return Snapshot.from_api(item)


def test_tags_split_into_added_removed_changed_and_same() -> None:
    older = snap("snap-a", tags={"Name": "pg", "policy": "daily", "old": "x", "team": "data"})
    newer = snap(
        "snap-b", hours=24, tags={"Name": "pg", "policy": "weekly", "new": "y", "team": "data"}
    )

    diff = metadata_diff(older, newer)

    assert [(t.key, t.newer) for t in diff.added] == [("new", "y")]
    assert [(t.key, t.older) for t in diff.removed] == [("old", "x")]
    assert [(t.key, t.older, t.newer) for t in diff.changed] == [("policy", "daily", "weekly")]
    assert [t.key for t in diff.same] == ["Name", "team"]
    assert [t.key for t in diff.tags] == ["Name", "new", "old", "policy", "team"]
    assert {t.key for t in diff.tag_differences} == {"new", "old", "policy"}


def test_the_older_snapshot_comes_first_whatever_the_order() -> None:
    older = snap("snap-a", tags={"k": "1"})
    newer = snap("snap-b", hours=26.5, tags={"k": "1", "added": "yes"})

    diff = metadata_diff(newer, older)

    assert diff.swapped
    assert (diff.older.id, diff.newer.id) == ("snap-a", "snap-b")
    assert diff.time_between == timedelta(hours=26, minutes=30)
    assert [t.key for t in diff.added] == ["added"]  # added in the newer, not "removed"
    assert not metadata_diff(older, newer).swapped


def test_time_between_is_none_without_start_times() -> None:
    diff = metadata_diff(snap("snap-a", hours=None), snap("snap-b"))
    assert diff.time_between is None
    assert diff.older.id == "snap-a"  # no time counts as the older one
    assert older_first(snap("x", hours=None), snap("y", hours=None))[2] is False


def test_fields_side_by_side_and_what_differs() -> None:
    older = snap("snap-a", VolumeSize=400, Description="nightly")
    newer = snap("snap-b", hours=24, VolumeSize=500, Description="nightly", StorageTier="archive")

    diff = metadata_diff(older, newer)

    assert [f.key for f in diff.fields] == [key for key, _ in FIELDS]
    size = diff.field("volume_size_gib")
    assert (size.older, size.newer, size.differs) == (400, 500, True)
    assert {f.key for f in diff.notable_fields} == {"volume_size_gib", "storage_tier"}
    assert diff.field("id").differs and not diff.field("id").notable  # expected to differ
    assert not diff.field("description").differs
    assert diff.same_volume
    with pytest.raises(KeyError):
        diff.field("nope")


# ---------------------------------------------------------------------------------------------
# Why a pair cannot be compared, from metadata alone.


def test_different_volumes_without_a_shared_key_are_unrelated() -> None:
    reason = why_not_comparable(
        snap("snap-a", volume_id="vol-1"), snap("snap-b", volume_id="vol-2")
    )
    assert reason is not None and reason.reason_code is Reason.UNRELATED
    assert "vol-1" in reason.message and "vol-2" in reason.message
    assert not reason.transient


def test_a_shared_data_key_means_one_lineage_across_volumes() -> None:
    a = snap("snap-a", volume_id="vol-1", Encrypted=True, DataEncryptionKeyId="dek-1")
    b = snap("snap-b", hours=5, volume_id="vol-2", Encrypted=True, DataEncryptionKeyId="dek-1")
    assert why_not_comparable(a, b) is None
    c = snap("snap-c", hours=6, volume_id="vol-1", Encrypted=True, DataEncryptionKeyId="dek-2")
    assert why_not_comparable(a, c).reason_code is Reason.UNRELATED  # type: ignore[union-attr]


def test_ebs_direct_snapshots_and_copies_are_left_to_the_api() -> None:
    direct = snap("snap-b", hours=1, volume_id=COPY_VOLUME_ID)
    assert why_not_comparable(snap("snap-a"), direct) is None


@pytest.mark.parametrize(
    ("older_extra", "newer_extra", "reason", "words"),
    [
        ({}, {"Encrypted": True}, Reason.ENCRYPTION, "only one of them is encrypted"),
        (
            {"Encrypted": True, "KmsKeyId": "key-1"},
            {"Encrypted": True, "KmsKeyId": "key-2"},
            Reason.ENCRYPTION,
            "different KMS keys",
        ),
        ({"StorageTier": "archive"}, {}, Reason.ARCHIVED, "archive tier"),
        ({}, {"State": "pending", "Progress": "45%"}, Reason.NOT_COMPLETED, "pending (45%)"),
        ({}, {"State": "error"}, Reason.NOT_COMPLETED, "is error"),
    ],
)
def test_refusals_from_metadata(
    older_extra: dict, newer_extra: dict, reason: Reason, words: str
) -> None:
    found = why_not_comparable(
        snap("snap-a", **older_extra), snap("snap-b", hours=1, **newer_extra)
    )
    assert found is not None and found.reason_code is reason
    assert words in found.message
    assert found.title  # every reason has a heading


def test_same_snapshot_and_a_good_pair() -> None:
    assert why_not_comparable(snap("snap-a"), snap("snap-a")).reason_code is Reason.SAME_SNAPSHOT  # type: ignore[union-attr]
    assert why_not_comparable(snap("snap-a"), snap("snap-b", hours=24)) is None


def test_permanent_reasons_win_over_waiting() -> None:
    pending_elsewhere = snap("snap-b", hours=1, volume_id="vol-2", State="pending")
    found = why_not_comparable(snap("snap-a"), pending_elsewhere)
    assert found is not None and found.reason_code is Reason.UNRELATED


# ---------------------------------------------------------------------------------------------
# BlockDiff arithmetic and the cache.


def test_block_diff_keeps_runs_and_exact_numbers() -> None:
    diff = BlockDiff.from_indexes(
        "snap-a", "snap-b", [7, 1, 2, 3, 3, 9, 8], volume_size_bytes=400 * 1024**3
    )
    assert diff.runs == ((1, 3), (7, 3))
    assert diff.changed_indexes == (1, 2, 3, 7, 8, 9)
    assert diff.changed_blocks == 6
    assert diff.changed_bytes == 6 * 524288
    assert diff.total_blocks == 819200
    assert diff.share == pytest.approx(6 / 819200)
    assert runs_from_indexes([]) == ()
    assert runs_from_indexes(range(10, 20)) == ((10, 10),)


def test_cache_is_keyed_by_the_unordered_pair_and_skips_transient_results() -> None:
    cache = CompareCache(max_entries=2)
    diff = BlockDiff.from_indexes("snap-a", "snap-b", [1], volume_size_bytes=1024**3)
    cache.put("snap-a", "snap-b", diff)
    assert cache.get("snap-b", "snap-a") is diff
    assert ("snap-b", "snap-a") in cache

    cache.put("snap-a", "snap-c", Unavailable(Reason.THROTTLED, "slow down"))
    assert cache.get("snap-a", "snap-c") is None
    permanent = Unavailable(Reason.NO_BLOCK_DATA, "none")
    cache.put("snap-c", "snap-d", permanent)
    cache.put("snap-e", "snap-f", permanent)  # evicts the least recently used (a, b)
    assert len(cache) == 2 and ("snap-a", "snap-b") not in cache

    assert cache.discard("snap-c") == 1
    assert cache.get("snap-d", "snap-c") is None
    cache.clear()
    assert len(cache) == 0
