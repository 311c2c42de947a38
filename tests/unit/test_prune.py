"""plan_prune(): retention never deletes what it must keep, and says why it keeps it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from snaptui.aws.models import COPY_VOLUME_ID, FrozenMap, Image, ImageBlockDevice, Snapshot
from snaptui.aws.prune import plan_prune

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
VOLUME = "vol-0123456789abcdef0"


def snap(
    sid: str,
    days_ago: float | None,
    *,
    state: str = "completed",
    volume: str = VOLUME,
    tags: dict[str, str] | None = None,
) -> Snapshot:
    return Snapshot(
        id=sid,
        volume_id=volume,
        state=state,
        progress=100 if state == "completed" else 40,
        start_time=None if days_ago is None else NOW - timedelta(days=days_ago),
        volume_size_gib=100,
        description="",
        encrypted=False,
        kms_key_id=None,
        owner_id="123456789012",
        storage_tier="standard",
        tags=FrozenMap(tags or {}),
        name="",
    )


def image(iid: str, *snapshot_ids: str) -> Image:
    return Image(
        id=iid,
        name=iid,
        state="available",
        creation_date=NOW,
        architecture="x86_64",
        root_device_name="/dev/xvda",
        virtualization_type="hvm",
        ena_support=True,
        boot_mode=None,
        block_devices=tuple(
            ImageBlockDevice(f"/dev/sd{c}", s, 100, "gp3", True, False)
            for c, s in zip("abcdefgh", snapshot_ids, strict=False)
        ),
        tags=FrozenMap(),
    )


def nightly(count: int) -> list[Snapshot]:
    """snap-d0 (today) ... snap-d{count-1}, one a day."""
    return [snap(f"snap-d{day}", day) for day in range(count)]


def ids(snapshots) -> list[str]:
    return [s.id for s in snapshots]


def reasons(plan) -> dict[str, str]:
    return {k.snapshot.id: k.reason for k in plan.kept}


def test_keeps_the_newest_n_and_deletes_the_rest_newest_first():
    plan = plan_prune(reversed(nightly(6)), VOLUME, keep=2, now=NOW)
    assert reasons(plan) == {
        "snap-d0": "one of the newest 2 completed",
        "snap-d1": "one of the newest 2 completed",
    }
    assert ids(plan.delete) == ["snap-d2", "snap-d3", "snap-d4", "snap-d5"]
    assert plan.delete_ids == ("snap-d2", "snap-d3", "snap-d4", "snap-d5")


def test_an_ami_snapshot_and_an_aws_backup_snapshot_are_never_deleted():
    history = nightly(5)
    history[3] = snap("snap-d3", 3, tags={"aws:backup:source-resource": "x"})
    plan = plan_prune(history, VOLUME, keep=1, now=NOW, images=[image("ami-1", "snap-d2")])
    assert reasons(plan) == {
        "snap-d0": "one of the newest 1 completed",
        "snap-d2": "used by AMI ami-1",
        "snap-d3": "managed by AWS Backup",
    }
    assert ids(plan.delete) == ["snap-d1", "snap-d4"]


def test_pending_and_failed_snapshots_are_left_alone_and_do_not_count_as_kept():
    history = [
        snap("snap-new", 0, state="pending"),
        snap("snap-bad", 0.5, state="error"),
        *[snap(f"snap-d{day}", day) for day in range(1, 5)],
    ]
    plan = plan_prune(history, VOLUME, keep=2, now=NOW)
    kept = reasons(plan)
    assert kept["snap-new"] == "pending: still being created"
    assert kept["snap-bad"].startswith("state error: not a restore point")
    # The newest 2 *completed* restore points stay, whatever is newer than them.
    assert kept["snap-d1"] == kept["snap-d2"] == "one of the newest 2 completed"
    assert ids(plan.delete) == ["snap-d3", "snap-d4"]


def test_older_than_keeps_the_younger_ones_and_those_of_unknown_age():
    history = [*nightly(10), snap("snap-undated", None)]
    plan = plan_prune(history, VOLUME, keep=2, now=NOW, older_than=timedelta(days=7))
    kept = reasons(plan)
    assert {k for k, r in kept.items() if r == "younger than 7d"} == {
        f"snap-d{d}" for d in range(2, 7)
    }
    assert kept["snap-undated"] == "start time unknown"
    assert ids(plan.delete) == ["snap-d7", "snap-d8", "snap-d9"]


def test_other_volumes_and_copies_are_never_part_of_the_plan():
    history = [
        *nightly(3),
        snap("snap-other", 30, volume="vol-0fedcba9876543210"),
        snap("snap-copy", 30, volume=COPY_VOLUME_ID),
    ]
    plan = plan_prune(history, VOLUME, keep=1, now=NOW)
    assert ids(plan.delete) == ["snap-d1", "snap-d2"]
    assert "snap-other" not in reasons(plan) and "snap-copy" not in reasons(plan)


def test_fewer_generations_than_keep_deletes_nothing():
    plan = plan_prune(nightly(3), VOLUME, keep=5, now=NOW)
    assert plan.delete == () and len(plan.kept) == 3


@pytest.mark.parametrize("keep", [0, -1])
def test_keep_must_leave_at_least_one_restore_point(keep):
    with pytest.raises(ValueError, match="at least 1"):
        plan_prune(nightly(3), VOLUME, keep=keep, now=NOW)
