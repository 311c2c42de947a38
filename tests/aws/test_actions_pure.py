"""The pure parts of the actions: provenance tags, delete checks, summaries, error handling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from snaptui.aws import EndpointError, InvalidRequestError, ThrottledError
from snaptui.aws.action_errors import RetryPolicy, explain, is_ambiguous, retry_snapshot_limits
from snaptui.aws.action_requests import (
    CopySnapshotRequest,
    CreateImageRequest,
    DeleteSnapshotRequest,
    RestoreRequest,
    SnapshotRequest,
    SnapshotSetRequest,
)
from snaptui.aws.action_results import OutcomeStatus, VolumeOutcome
from snaptui.aws.delete_checks import CheckLevel, DeleteCheck, delete_checks
from snaptui.aws.generations import generations_for_volume
from snaptui.aws.models import (
    Attachment,
    BlockDevice,
    FrozenMap,
    Image,
    ImageBlockDevice,
    Instance,
    Snapshot,
    Volume,
)
from snaptui.aws.provenance import (
    Provenance,
    TooManyTagsError,
    copyable_tags,
    new_request_id,
    new_set_id,
    plan_tags,
)
from snaptui.aws.set_outcomes import member_tags, set_outcomes

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def snapshot(
    snap_id: str, volume: str = "vol-00000000000000001", age_days: int = 0, **kw: object
) -> Snapshot:
    fields: dict[str, object] = {
        "id": snap_id,
        "volume_id": volume,
        "state": "completed",
        "progress": 100,
        "start_time": NOW - timedelta(days=age_days),
        "volume_size_gib": 100,
        "description": "",
        "encrypted": False,
        "kms_key_id": None,
        "owner_id": "123456789012",
        "storage_tier": "standard",
        "tags": FrozenMap(),
        "name": "",
    }
    fields.update(kw)
    return Snapshot(**fields)  # type: ignore[arg-type]


def image(image_id: str, *snapshot_ids: str) -> Image:
    return Image(
        id=image_id,
        name="img",
        state="available",
        creation_date=None,
        architecture="x86_64",
        root_device_name="/dev/xvda",
        virtualization_type="hvm",
        ena_support=True,
        boot_mode=None,
        block_devices=tuple(
            ImageBlockDevice("/dev/xvda", s, 8, "gp3", True, False) for s in snapshot_ids
        ),
        tags=FrozenMap(),
    )


def volume(**kw: object) -> Volume:
    fields: dict[str, object] = {
        "id": "vol-00000000000000001",
        "name": "pg-data",
        "size_gib": 100,
        "volume_type": "gp3",
        "state": "in-use",
        "az": "us-east-1a",
        "iops": 3000,
        "throughput": 125,
        "encrypted": True,
        "kms_key_id": "arn:aws:kms:us-east-1:1:key/k",
        "snapshot_id": None,
        "create_time": None,
        "attachments": (Attachment("i-0123456789abcdef0", "/dev/sdf", "attached", False),),
        "tags": FrozenMap({"Name": "pg-data"}),
    }
    fields.update(kw)
    return Volume(**fields)  # type: ignore[arg-type]


def instance() -> Instance:
    return Instance(
        id="i-0123456789abcdef0",
        name="db-1",
        state="running",
        instance_type="r6g.large",
        az="us-east-1a",
        launch_time=None,
        platform=None,
        platform_details=None,
        architecture="arm64",
        root_device_name="/dev/xvda",
        block_devices=(
            BlockDevice("/dev/xvda", "vol-00000000000000000", True),
            BlockDevice("/dev/sdf", "vol-00000000000000001", False),
            BlockDevice("/dev/sdg", "vol-00000000000000002", False),
        ),
        private_ip=None,
        image_id="ami-0123456789abcdef0",
        subnet_id=None,
        vpc_id=None,
        tags=FrozenMap(),
    )


# ---------------------------------------------------------------------------------------------
# Provenance


def test_provenance_tags_leave_out_what_is_unknown() -> None:
    tags = Provenance(
        request_id="r-1",
        created_by="arn:aws:sts::1:assumed-role/ops/alice",
        created_at=NOW,
        reason="INC-1",
        source_volume="vol-1",
    ).tags()
    assert tags == {
        "snaptui:request-id": "r-1",
        "snaptui:created-by": "arn:aws:sts::1:assumed-role/ops/alice",
        "snaptui:created-at": "2026-11-26T12:00:00+00:00",
        "snaptui:reason": "INC-1",
        "snaptui:source-volume": "vol-1",
    }


def test_copied_tags_drop_aws_and_snaptui_keys() -> None:
    source = {
        "Name": "db",
        "aws:backup:source-resource": "x",
        "snaptui:request-id": "old",
        "team": "a",
    }
    assert copyable_tags(source) == {"Name": "db", "team": "a"}


def test_tag_precedence_and_the_50_tag_limit() -> None:
    own = {f"snaptui:t{i}": "o" for i in range(10)} | {"Name": "ours"}
    user = {f"u{i}": "u" for i in range(30)} | {"Name": "user's"}
    copied = {f"c{i:02d}": "c" for i in range(20)} | {"Name": "volume's"}
    plan = plan_tags(own, user, copied)
    assert len(plan.tags) == 50
    assert plan.tags["Name"] == "ours"
    assert all(f"u{i}" in plan.tags for i in range(30))
    kept = sorted(k for k in plan.tags if k.startswith("c"))
    assert kept == [f"c{i:02d}" for i in range(9)]  # 50 - 11 - 30 = 9 copied tags fit
    assert plan.dropped == tuple(f"c{i:02d}" for i in range(9, 20))
    with pytest.raises(TooManyTagsError, match="remove some of yours"):
        plan_tags(own, {f"u{i}": "u" for i in range(40)})


def test_ids() -> None:
    assert len(new_request_id()) == 36 and new_request_id() != new_request_id()
    set_id = new_set_id("i-0abc", NOW)
    assert set_id.startswith("set-20261126T120000Z-i-0abc-")


# ---------------------------------------------------------------------------------------------
# Delete checks


def levels(checks: tuple[DeleteCheck, ...]) -> list[CheckLevel]:
    return [c.level for c in checks]


def test_an_ami_blocks_the_delete() -> None:
    target = snapshot("snap-1")
    checks = delete_checks(target, [image("ami-1", "snap-1"), image("ami-2", "snap-9")], [])
    assert checks[0].level is CheckLevel.BLOCKED
    assert "ami-1" in checks[0].message and "ami-2" not in checks[0].message
    assert "deregister the AMI first" in checks[0].message


def test_aws_backup_blocks_and_dlm_warns() -> None:
    backed = snapshot("snap-1", tags=FrozenMap({"aws:backup:source-resource": "x"}))
    assert CheckLevel.BLOCKED in levels(delete_checks(backed, [], []))
    dlm = snapshot("snap-1", tags=FrozenMap({"aws:dlm:lifecycle-policy-id": "p"}))
    assert any("Data Lifecycle Manager" in c.message for c in delete_checks(dlm, [], []))


def test_generation_checks() -> None:
    old, middle, new = (snapshot(f"snap-{i}", age_days=10 - i) for i in range(3))
    history = generations_for_volume([old, middle, new], old.volume_id)

    newest = delete_checks(new, [], history)
    assert levels(newest) == [CheckLevel.WARN]
    assert "newest snapshot" in newest[0].message and "snap-1" in newest[0].message

    oldest = delete_checks(old, [], history)
    assert levels(oldest) == [CheckLevel.INFO]
    assert "2 newer snapshot(s)" in oldest[0].message and "do not depend" in oldest[0].message

    only = delete_checks(new, [], generations_for_volume([new], new.volume_id))
    assert levels(only) == [CheckLevel.WARN] and "only snapshot" in only[0].message

    assert CheckLevel.WARN in levels(delete_checks(snapshot("snap-9", state="pending"), [], []))


def test_set_members_warn() -> None:
    a = snapshot("snap-a", tags=FrozenMap({"snaptui:set-id": "set-1"}), age_days=1)
    b = snapshot(
        "snap-b",
        volume="vol-00000000000000002",
        tags=FrozenMap({"snaptui:set-id": "set-1"}),
        age_days=1,
    )
    newer = snapshot("snap-c")
    checks = delete_checks(a, [], generations_for_volume([a, b, newer], a.volume_id))
    assert any("belongs to set set-1 (2 snapshots)" in c.message for c in checks)


# ---------------------------------------------------------------------------------------------
# Summaries


def test_every_summary_names_action_region_and_request_id() -> None:
    snap = snapshot("snap-0123456789abcdef0", encrypted=True, kms_key_id="key-1")
    requests = [
        SnapshotRequest(region="us-east-1", volume=volume(), reason="INC-9"),
        SnapshotSetRequest(region="us-east-1", instance=instance(), exclude_boot=True),
        RestoreRequest(
            region="us-east-1",
            snapshot=snap,
            az="us-east-1a",
            volume_type="io2",
            size_gib=200,
            iops=8000,
            attach_to=instance(),
            device="/dev/sdh",
        ),  # fmt: skip
        CreateImageRequest(region="us-east-1", instance=instance(), name="n", reboot=True),
        CopySnapshotRequest(region="us-east-1", snapshot=snap, target_region="eu-west-1"),
        DeleteSnapshotRequest(
            region="us-east-1",
            snapshot=snap,
            checks=(DeleteCheck(CheckLevel.WARN, "this is the newest snapshot"),),
        ),  # fmt: skip
    ]
    for request in requests:
        lines = dict(request.summary())
        assert lines["Action"].endswith(f"({request.OPERATION})")
        assert lines["Region"] == "us-east-1"
        assert lines["Request id"] == request.request_id
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in request.summary())

    snapshot_lines = dict(requests[0].summary())
    assert snapshot_lines["Size"] == "100 GiB gp3, encrypted"
    assert snapshot_lines["Attached to"] == "i-0123456789abcdef0 as /dev/sdf"
    assert snapshot_lines["Reason"] == "INC-9"
    set_lines = dict(requests[1].summary())
    assert "Excluded /dev/xvda" in set_lines and "Snapshot /dev/sdg" in set_lines
    restore_lines = dict(requests[2].summary())
    assert restore_lines["Encryption"] == "encrypted with key-1"
    assert "8000 provisioned IOPS" in restore_lines["Cost"]
    assert restore_lines["Attach to"].startswith("i-0123456789abcdef0 (db-1) as /dev/sdh")
    assert dict(requests[3].summary())["Reboot"].startswith("YES")
    assert "cross-region data transfer" in dict(requests[4].summary())["Cost"]
    assert dict(requests[5].summary())["WARN"] == "this is the newest snapshot"


def test_set_request_plans_from_the_instance_as_it_was() -> None:
    request = SnapshotSetRequest(
        region="us-east-1",
        instance=instance(),
        exclude_volume_ids=["vol-00000000000000002"],  # type: ignore[arg-type]
    )
    assert [d.device for d in request.planned] == ["/dev/xvda", "/dev/sdf"]
    assert request.set_id.startswith("set-") and "i-0123456789abcdef0" in request.set_id
    assert request.exclude_volume_ids == frozenset({"vol-00000000000000002"})


# ---------------------------------------------------------------------------------------------
# Errors and the rate-limit retry


def test_explain_only_rewrites_the_codes_that_need_it() -> None:
    limited = explain(
        ThrottledError("SnapshotCreationPerVolumeRateExceeded", "rate", resource="vol-1")
    )
    assert isinstance(limited, ThrottledError)
    assert "wait 15 s and try again (vol-1)" in limited.message
    mismatch = explain(InvalidRequestError("IdempotentParameterMismatch", "x"))
    assert "plan a new request" in mismatch.message
    other = ThrottledError("RequestLimitExceeded", "slow down")
    assert explain(other) is other


def test_ambiguous_errors() -> None:
    assert is_ambiguous(EndpointError("ReadTimeout", "t"))
    assert is_ambiguous(EndpointError("EndpointConnectionError", "reset"))
    assert not is_ambiguous(EndpointError("ConnectTimeout", "never connected"))
    assert is_ambiguous(ThrottledError("InternalError", "5xx"))
    assert not is_ambiguous(ThrottledError("RequestLimitExceeded", "refused"))


def test_retry_policy_delays_are_bounded() -> None:
    policy = RetryPolicy(attempts=5, first_delay=15, backoff=2, max_delay=60)
    assert [policy.delay(n) for n in (1, 2, 3, 4)] == [15, 30, 60, 60]


async def test_retry_only_retries_the_snapshot_limits() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    attempts = 0

    async def throttled_then_ok() -> str:
        nonlocal attempts
        attempts += 1
        if attempts < 3:
            raise ThrottledError("SnapshotCreationPerVolumeRateExceeded", "rate")
        return "snap-1"

    assert (
        await retry_snapshot_limits(throttled_then_ok, RetryPolicy(attempts=3), sleep=sleep)
        == "snap-1"
    )
    assert waits == [15.0, 30.0]

    async def other() -> str:
        raise ThrottledError("RequestLimitExceeded", "botocore already retried this")

    with pytest.raises(ThrottledError, match="botocore already retried"):
        await retry_snapshot_limits(other, RetryPolicy(), sleep=sleep)
    assert waits == [15.0, 30.0]


# ---------------------------------------------------------------------------------------------
# Snapshot sets: per-volume outcomes and per-member tags


def test_set_outcomes_cover_every_planned_volume() -> None:
    request = SnapshotSetRequest(region="us-east-1", instance=instance(), exclude_boot=True)
    response = {
        "Snapshots": [
            {"SnapshotId": "snap-f", "VolumeId": "vol-00000000000000001", "State": "pending"},
            {
                "SnapshotId": "snap-root",
                "VolumeId": "vol-00000000000000000",
                "State": "pending",
            },
            {"SnapshotId": "snap-new", "VolumeId": "vol-00000000000000009", "State": "error"},
        ]
    }
    outcomes, unexpected = set_outcomes(request, instance(), response)
    assert [(o.device, o.status, o.snapshot_id) for o in outcomes] == [
        ("/dev/sdf", OutcomeStatus.CREATED, "snap-f"),
        ("/dev/sdg", OutcomeStatus.MISSING, None),
    ]
    assert [o.ok for o in outcomes] == [True, False]
    by_id = {o.snapshot_id: o for o in unexpected}
    assert "although excluded" in by_id["snap-root"].message  # boot volume despite exclude_boot
    assert by_id["snap-root"].device == "/dev/xvda"
    assert "attached after planning" in by_id["snap-new"].message
    assert not by_id["snap-new"].ok  # state error


def test_a_snapshot_in_error_state_is_a_failed_outcome() -> None:
    request = SnapshotSetRequest(region="us-east-1", instance=instance())
    response = {
        "Snapshots": [
            {"SnapshotId": f"snap-{d.device[-1]}", "VolumeId": d.volume_id, "State": "pending"}
            for d in instance().block_devices
        ]
    }
    response["Snapshots"][1].update(State="error", StateMessage="internal error")
    outcomes, unexpected = set_outcomes(request, instance(), response)
    assert unexpected == []
    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[1].message == "the snapshot failed: internal error"


def test_member_tags_never_override_the_set_tags_and_fit_in_50() -> None:
    set_tags = {f"snaptui:t{i}": "s" for i in range(8)} | {"ticket": "set-level"}
    data = volume(
        tags=FrozenMap(
            {"Name": "pg-data", "ticket": "volume-level", "aws:x": "1"}
            | {f"k{i:02d}": "v" for i in range(60)}
        )  # fmt: skip
    )
    outcome = VolumeOutcome(data.id, "/dev/sdf", OutcomeStatus.CREATED, snapshot_id="snap-1")
    tags = member_tags(outcome, instance(), data, set_tags)
    assert tags["Name"] == "pg-data"
    assert tags["snaptui:source-device"] == "/dev/sdf"
    assert tags["snaptui:source-volume"] == data.id
    assert "ticket" not in tags and "aws:x" not in tags
    assert len(tags) + len(set_tags) == 50
    unnamed = member_tags(outcome, instance(), None, set_tags)
    assert unnamed["Name"] == "db-1 /dev/sdf"
    assert "Name" not in member_tags(outcome, instance(), data, {"Name": "user's set name"})
