"""Snapshot actions end to end against moto: CreateSnapshot, CreateSnapshots sets, rate limits,
ambiguous failures and the duplicate check."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from snaptui.aws import AwsContext, Ec2Service, EndpointError, ThrottledError
from snaptui.aws.action_errors import AmbiguousOutcomeError, RetryPolicy
from snaptui.aws.action_plans import plan_snapshot, plan_snapshot_set
from snaptui.aws.action_results import OutcomeStatus
from snaptui.aws.actions import Actions
from snaptui.aws.audit import AuditLog
from snaptui.aws.validation import ValidationError

from ._seed import REGION


def tags_of(item: dict[str, Any]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in item.get("Tags") or ()}


def own_snapshots(ec2: Any) -> list[dict[str, Any]]:
    found = ec2.describe_snapshots(Filters=[{"Name": "owner-id", "Values": ["123456789012"]}])
    return found["Snapshots"]


def make_instance(ec2: Any, data: dict[str, dict[str, str]]) -> tuple[str, dict[str, str]]:
    """An instance with moto's root on /dev/sda1 plus one tagged gp3 data volume per device."""
    instance_id = ec2.run_instances(
        ImageId="ami-12345678",
        MinCount=1,
        MaxCount=1,
        Placement={"AvailabilityZone": f"{REGION}a"},
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "db-1"}]}
        ],
    )["Instances"][0]["InstanceId"]
    volumes = {}
    for device, tags in data.items():
        kwargs: dict[str, Any] = {"Size": 10, "AvailabilityZone": f"{REGION}a", "VolumeType": "gp3"}
        if tags:
            kwargs["TagSpecifications"] = [
                {
                    "ResourceType": "volume",
                    "Tags": [{"Key": k, "Value": v} for k, v in tags.items()],
                }
            ]
        volume_id = ec2.create_volume(**kwargs)["VolumeId"]
        ec2.attach_volume(VolumeId=volume_id, InstanceId=instance_id, Device=device)
        volumes[device] = volume_id
    return instance_id, volumes


@pytest.fixture
def audit(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "state" / "audit.jsonl")


@pytest.fixture
def actions(audit: AuditLog) -> Actions:
    return Actions(audit, settle_delays=(), poll_interval=0)


def fail_once(
    ctx: AwsContext,
    monkeypatch: pytest.MonkeyPatch,
    operation: str,
    error: Exception,
    *,
    send_first: bool,
) -> list[dict[str, Any]]:
    """Make the first ``operation`` call fail with ``error``; ``send_first``: after AWS applied it.

    Returns the params of every ``operation`` call, to see what was sent.
    """
    real = ctx.call
    seen: list[dict[str, Any]] = []

    async def call(service: str, op: str, resource: str | None = None, **params: Any) -> Any:
        if op != operation:
            return await real(service, op, resource, **params)
        seen.append(params)
        if len(seen) == 1:
            if send_first:
                await real(service, op, resource, **params)
            raise error
        return await real(service, op, resource, **params)

    monkeypatch.setattr(ctx, "call", call)
    return seen


def timeout(operation: str) -> EndpointError:
    return EndpointError(
        "ReadTimeout", "http://127.0.0.1 did not answer in time", operation=operation
    )


# ---------------------------------------------------------------------------------------------
# CreateSnapshot


async def test_create_snapshot_is_tagged_with_provenance_and_the_volumes_own_tags(
    service: Ec2Service, actions: Actions, ec2
) -> None:
    instance_id, volumes = make_instance(
        ec2,
        {
            "/dev/sdf": {
                "Name": "db-data",
                "team": "storage",
                # A volume restored by snaptui carries its own provenance: never copied over.
                "snaptui:request-id": "the-restore-request",
                "snaptui:reason": "old reason",
            }
        },
    )
    request = await plan_snapshot(
        service, volumes["/dev/sdf"], reason="INC-42 before schema migration", tags={"ticket": "42"}
    )

    result = await actions.create_snapshot(service, request)

    (snap,) = ec2.describe_snapshots(SnapshotIds=[result.snapshot_id])["Snapshots"]
    tags = tags_of(snap)
    assert snap["VolumeId"] == volumes["/dev/sdf"] == result.volume_id
    assert tags["snaptui:request-id"] == request.request_id == result.request_id
    assert tags["snaptui:reason"] == "INC-42 before schema migration"
    assert tags["snaptui:created-by"] == "arn:aws:sts::123456789012:user/moto"
    assert datetime.fromisoformat(tags["snaptui:created-at"]).tzinfo is not None
    assert tags["snaptui:source-volume"] == volumes["/dev/sdf"]
    assert tags["snaptui:source-instance"] == instance_id
    assert tags["snaptui:source-device"] == "/dev/sdf"
    assert tags["snaptui:source-image"] == "ami-12345678"
    assert tags["snaptui:source-architecture"] == "x86_64"
    assert (tags["Name"], tags["team"], tags["ticket"]) == ("db-data", "storage", "42")
    assert not result.recovered and result.duplicates == ()


async def test_snapshot_name_and_description_come_from_the_request(
    service: Ec2Service, actions: Actions, ec2
) -> None:
    _, volumes = make_instance(ec2, {"/dev/sdf": {"Name": "db-data"}})
    request = await plan_snapshot(
        service, volumes["/dev/sdf"], name="before-upgrade", description="pre deploy 7.2"
    )
    result = await actions.create_snapshot(service, request)
    (snap,) = ec2.describe_snapshots(SnapshotIds=[result.snapshot_id])["Snapshots"]
    assert tags_of(snap)["Name"] == "before-upgrade"
    assert snap["Description"] == "pre deploy 7.2"


async def test_invalid_snapshot_request_creates_nothing(
    service: Ec2Service, actions: Actions, ec2
) -> None:
    _, volumes = make_instance(ec2, {"/dev/sdf": {}})
    request = await plan_snapshot(
        service, volumes["/dev/sdf"], description="line one\nline two", tags={"aws:owner": "me"}
    )
    with pytest.raises(ValidationError) as info:
        await actions.create_snapshot(service, request)
    assert any("control characters" in p for p in info.value.problems)
    assert any("'aws:owner'" in p and "rename it" in p for p in info.value.problems)
    assert own_snapshots(ec2) == []


# ---------------------------------------------------------------------------------------------
# CreateSnapshots


async def test_set_with_excluded_boot_volume(service: Ec2Service, actions: Actions, ec2) -> None:
    instance_id, volumes = make_instance(
        ec2, {"/dev/sdf": {"Name": "data-f", "app": "pg"}, "/dev/sdg": {}}
    )
    request = await plan_snapshot_set(service, instance_id, exclude_boot=True, reason="deploy 9")
    assert [d.device for d in request.planned] == ["/dev/sdf", "/dev/sdg"]

    result = await actions.create_snapshot_set(service, request)

    assert result.ok and result.unexpected == ()
    assert [(o.device, o.volume_id, o.status) for o in result.outcomes] == [
        ("/dev/sdf", volumes["/dev/sdf"], OutcomeStatus.CREATED),
        ("/dev/sdg", volumes["/dev/sdg"], OutcomeStatus.CREATED),
    ]
    snapshots = {s["VolumeId"]: s for s in own_snapshots(ec2)}
    assert set(snapshots) == set(volumes.values())  # the root volume was not snapshotted
    for device, volume_id in volumes.items():
        tags = tags_of(snapshots[volume_id])
        assert tags["snaptui:set-id"] == request.set_id == result.set_id
        assert tags["snaptui:request-id"] == request.request_id
        assert tags["snaptui:source-instance"] == instance_id
        assert tags["snaptui:source-device"] == device
        assert tags["snaptui:source-volume"] == volume_id
        assert tags["snaptui:reason"] == "deploy 9"
    assert tags_of(snapshots[volumes["/dev/sdf"]])["Name"] == "data-f"
    assert tags_of(snapshots[volumes["/dev/sdf"]])["app"] == "pg"
    assert tags_of(snapshots[volumes["/dev/sdg"]])["Name"] == "db-1 /dev/sdg"


async def test_set_with_an_excluded_data_volume(service: Ec2Service, actions: Actions, ec2) -> None:
    instance_id, volumes = make_instance(ec2, {"/dev/sdf": {}, "/dev/sdg": {}})
    request = await plan_snapshot_set(
        service, instance_id, exclude_volume_ids=[volumes["/dev/sdg"]]
    )
    result = await actions.create_snapshot_set(service, request)
    assert result.ok
    assert [o.device for o in result.outcomes] == ["/dev/sda1", "/dev/sdf"]
    assert volumes["/dev/sdg"] not in {s["VolumeId"] for s in own_snapshots(ec2)}


async def test_set_reports_a_snapshot_the_endpoint_took_despite_the_exclusion(
    service: Ec2Service, actions: Actions, ec2, monkeypatch
) -> None:
    """Stock moto ignores ExcludeDataVolumeIds: the result must say so, never hide it."""
    instance_id, volumes = make_instance(ec2, {"/dev/sdf": {}, "/dev/sdg": {}})
    request = await plan_snapshot_set(
        service, instance_id, exclude_boot=True, exclude_volume_ids=[volumes["/dev/sdg"]]
    )
    real = service.ctx.call

    async def ignoring_exclusions(service_name: str, op: str, resource=None, **params: Any) -> Any:
        if op == "CreateSnapshots":
            spec = dict(params["InstanceSpecification"])
            assert spec.pop("ExcludeDataVolumeIds") == [volumes["/dev/sdg"]]  # it was sent
            params = {**params, "InstanceSpecification": spec}
        return await real(service_name, op, resource, **params)

    monkeypatch.setattr(service.ctx, "call", ignoring_exclusions)
    result = await actions.create_snapshot_set(service, request)

    assert [o.volume_id for o in result.outcomes if o.ok] == [volumes["/dev/sdf"]]
    (extra,) = result.unexpected
    assert extra.volume_id == volumes["/dev/sdg"] and extra.status is OutcomeStatus.UNEXPECTED
    assert "although excluded" in extra.message and extra.snapshot_id in extra.message
    assert not result.ok
    assert extra.snapshot_id in result.snapshot_ids  # reported, and left in place
    assert len(own_snapshots(ec2)) == 2


async def test_set_where_one_volume_was_detached_after_planning(
    service: Ec2Service, actions: Actions, ec2
) -> None:
    instance_id, volumes = make_instance(ec2, {"/dev/sdf": {}, "/dev/sdg": {}, "/dev/sdh": {}})
    request = await plan_snapshot_set(service, instance_id, exclude_boot=True)
    ec2.detach_volume(VolumeId=volumes["/dev/sdg"], InstanceId=instance_id, Device="/dev/sdg")

    result = await actions.create_snapshot_set(service, request)

    by_device = {o.device: o for o in result.outcomes}
    assert by_device["/dev/sdf"].ok and by_device["/dev/sdh"].ok
    missing = by_device["/dev/sdg"]
    assert missing.status is OutcomeStatus.MISSING and missing.snapshot_id is None
    assert "detached" in missing.message
    assert result.failed == (missing,)
    assert not result.ok
    assert {s["VolumeId"] for s in own_snapshots(ec2)} == {
        volumes["/dev/sdf"],
        volumes["/dev/sdh"],
    }


async def test_set_where_tagging_one_snapshot_fails_reports_only_that_one(
    service: Ec2Service, actions: Actions, ec2, monkeypatch
) -> None:
    instance_id, volumes = make_instance(ec2, {"/dev/sdf": {}, "/dev/sdg": {}})
    request = await plan_snapshot_set(service, instance_id, exclude_boot=True)
    real = service.ctx.call
    calls = 0

    async def second_tagging_fails(service_name: str, op: str, resource=None, **params: Any) -> Any:
        nonlocal calls
        if op == "CreateTags":
            calls += 1
            if calls == 2:
                raise ThrottledError(
                    "RequestLimitExceeded", "Request limit exceeded.", operation=op
                )
        return await real(service_name, op, resource, **params)

    monkeypatch.setattr(service.ctx, "call", second_tagging_fails)
    result = await actions.create_snapshot_set(service, request)

    first, second = result.outcomes
    assert first.ok and first.tags_error is None
    assert second.ok  # the snapshot exists...
    assert second.tags_error and "RequestLimitExceeded" in second.tags_error  # ...untagged
    (snap,) = ec2.describe_snapshots(SnapshotIds=[second.snapshot_id])["Snapshots"]
    assert "snaptui:source-device" not in tags_of(snap)
    assert tags_of(snap)["snaptui:set-id"] == request.set_id  # set-level tags came at creation


async def test_set_refuses_impossible_exclusions(
    service: Ec2Service, actions: Actions, ec2
) -> None:
    instance_id, volumes = make_instance(ec2, {"/dev/sdf": {}})
    request = await plan_snapshot_set(service, instance_id)
    root = next(d.volume_id for d in request.instance.block_devices if d.device == "/dev/sda1")
    other = ec2.create_volume(Size=1, AvailabilityZone=f"{REGION}a")["VolumeId"]
    bad = dataclasses.replace(request, exclude_volume_ids=frozenset({root, other}))
    with pytest.raises(ValidationError) as info:
        await actions.create_snapshot_set(service, bad)
    assert any("root volume" in p and "exclude boot" in p for p in info.value.problems)
    assert any(other in p and "not attached" in p for p in info.value.problems)
    everything = dataclasses.replace(
        request, exclude_boot=True, exclude_volume_ids=frozenset({volumes["/dev/sdf"]})
    )
    with pytest.raises(ValidationError, match="every volume is excluded"):
        await actions.create_snapshot_set(service, everything)
    assert own_snapshots(ec2) == []


# ---------------------------------------------------------------------------------------------
# Rate limits


def rate_limited(code: str) -> ThrottledError:
    return ThrottledError(
        code,
        "The maximum per volume CreateSnapshot request rate has been exceeded.",
        operation="CreateSnapshot",
    )


async def test_per_volume_rate_limit_is_explained_and_not_retried_by_default(
    service: Ec2Service, actions: Actions, ec2, monkeypatch, audit: AuditLog
) -> None:
    _, volumes = make_instance(ec2, {"/dev/sdf": {}})
    request = await plan_snapshot(service, volumes["/dev/sdf"])
    fail_once(
        service.ctx, monkeypatch, "CreateSnapshot",
        rate_limited("SnapshotCreationPerVolumeRateExceeded"), send_first=False,
    )  # fmt: skip
    with pytest.raises(ThrottledError) as info:
        await actions.create_snapshot(service, request)
    assert info.value.code == "SnapshotCreationPerVolumeRateExceeded"
    assert "nothing was created; wait 15 s and try again" in str(info.value)
    assert own_snapshots(ec2) == []
    (record,) = [r for r in audit.read() if r["kind"] == "call"]
    assert record["outcome"] == "SnapshotCreationPerVolumeRateExceeded"


async def test_rate_limit_retry_waits_then_succeeds(
    service: Ec2Service, ec2, monkeypatch, audit: AuditLog
) -> None:
    waits: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)

    told: list[tuple[str, float, int]] = []
    actions = Actions(
        audit,
        rate_limit_retry=RetryPolicy(attempts=3, first_delay=15.0),
        on_rate_limit_wait=lambda error, seconds, retry: told.append((error.code, seconds, retry)),
        sleep=fake_sleep,
        settle_delays=(),
    )
    _, volumes = make_instance(ec2, {"/dev/sdf": {}})
    request = await plan_snapshot(service, volumes["/dev/sdf"])
    fail_once(
        service.ctx, monkeypatch, "CreateSnapshot",
        rate_limited("ConcurrentSnapshotLimitExceeded"), send_first=False,
    )  # fmt: skip

    result = await actions.create_snapshot(service, request)

    assert waits == [15.0]
    assert told == [("ConcurrentSnapshotLimitExceeded", 15.0, 1)]
    assert [s["SnapshotId"] for s in own_snapshots(ec2)] == [result.snapshot_id]
    outcomes = [r["outcome"] for r in audit.read() if r["operation"] == "CreateSnapshot"]
    assert outcomes == ["ConcurrentSnapshotLimitExceeded", "ok"]  # one record per call


async def test_rate_limit_retry_is_bounded(service: Ec2Service, ec2, monkeypatch) -> None:
    waits: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)

    actions = Actions(None, rate_limit_retry=RetryPolicy(attempts=3), sleep=fake_sleep)
    _, volumes = make_instance(ec2, {"/dev/sdf": {}})
    request = await plan_snapshot(service, volumes["/dev/sdf"])

    async def always_limited(service_name: str, op: str, resource=None, **params: Any) -> Any:
        raise rate_limited("ConcurrentSnapshotLimitExceeded")

    real = service.ctx.call

    async def call(service_name: str, op: str, resource=None, **params: Any) -> Any:
        if op == "CreateSnapshot":
            return await always_limited(service_name, op, resource, **params)
        return await real(service_name, op, resource, **params)

    monkeypatch.setattr(service.ctx, "call", call)
    with pytest.raises(ThrottledError, match="maximum number of snapshots in progress"):
        await actions.create_snapshot(service, request)
    assert waits == [15.0, 30.0]


# ---------------------------------------------------------------------------------------------
# Ambiguous failures


async def test_timeout_after_aws_created_the_snapshot_returns_it_instead_of_a_duplicate(
    service: Ec2Service, actions: Actions, ec2, monkeypatch, audit: AuditLog
) -> None:
    _, volumes = make_instance(ec2, {"/dev/sdf": {}})
    request = await plan_snapshot(service, volumes["/dev/sdf"])
    sent = fail_once(
        service.ctx, monkeypatch, "CreateSnapshot", timeout("CreateSnapshot"), send_first=True
    )

    result = await actions.create_snapshot(service, request)

    assert len(sent) == 1  # never sent a second time
    (only,) = own_snapshots(ec2)
    assert result.snapshot_id == only["SnapshotId"] and result.recovered
    assert tags_of(only)["snaptui:request-id"] == request.request_id
    (record,) = [r for r in audit.read() if r["operation"] == "CreateSnapshot"]
    assert record["outcome"] == "ok" and record["recovered_from"] == "ReadTimeout"
    assert record["resource_ids"] == [result.snapshot_id]


async def test_timeout_before_anything_was_created_is_reported_and_a_rerun_creates_one(
    service: Ec2Service, actions: Actions, ec2, monkeypatch
) -> None:
    _, volumes = make_instance(ec2, {"/dev/sdf": {}})
    request = await plan_snapshot(service, volumes["/dev/sdf"])
    sent = fail_once(
        service.ctx, monkeypatch, "CreateSnapshot", timeout("CreateSnapshot"), send_first=False
    )
    with pytest.raises(AmbiguousOutcomeError) as info:
        await actions.create_snapshot(service, request)
    assert request.request_id in str(info.value) and "look again" in str(info.value)
    assert own_snapshots(ec2) == []

    result = await actions.create_snapshot(service, request)  # the user runs it again
    assert len(sent) == 2
    assert [s["SnapshotId"] for s in own_snapshots(ec2)] == [result.snapshot_id]


async def test_rerun_after_a_late_appearing_snapshot_finds_it(
    service: Ec2Service, actions: Actions, ec2, monkeypatch
) -> None:
    """The first lookup missed it (eventual consistency); running the request again must not
    create a second one."""
    _, volumes = make_instance(ec2, {"/dev/sdf": {}})
    request = await plan_snapshot(service, volumes["/dev/sdf"])
    real = service.ctx.call
    hidden = True

    async def call(service_name: str, op: str, resource=None, **params: Any) -> Any:
        if op == "CreateSnapshot":
            await real(service_name, op, resource, **params)
            raise timeout(op)
        if op == "DescribeSnapshots" and "Filters" in params and hidden:
            return {"Snapshots": []}
        return await real(service_name, op, resource, **params)

    monkeypatch.setattr(service.ctx, "call", call)
    with pytest.raises(AmbiguousOutcomeError):
        await actions.create_snapshot(service, request)
    hidden = False
    result = await actions.create_snapshot(service, request)
    (only,) = own_snapshots(ec2)
    assert result.recovered and result.snapshot_id == only["SnapshotId"]


async def test_set_timeout_after_creation_recovers_every_member(
    service: Ec2Service, actions: Actions, ec2, monkeypatch
) -> None:
    instance_id, volumes = make_instance(ec2, {"/dev/sdf": {}, "/dev/sdg": {}})
    request = await plan_snapshot_set(service, instance_id, exclude_boot=True)
    sent = fail_once(
        service.ctx, monkeypatch, "CreateSnapshots", timeout("CreateSnapshots"), send_first=True
    )
    result = await actions.create_snapshot_set(service, request)
    assert len(sent) == 1 and result.recovered and result.ok
    assert sorted(result.snapshot_ids) == sorted(s["SnapshotId"] for s in own_snapshots(ec2))
    assert len(result.snapshot_ids) == 2


async def test_a_duplicate_made_by_botocores_own_retry_is_reported(
    service: Ec2Service, actions: Actions, ec2, monkeypatch
) -> None:
    """botocore retries a timed-out call itself (RetryAttempts > 0); if AWS had applied the
    first attempt there are now two snapshots: the result names the other one."""
    _, volumes = make_instance(ec2, {"/dev/sdf": {}})
    request = await plan_snapshot(service, volumes["/dev/sdf"])
    real = service.ctx.call

    async def applied_twice(service_name: str, op: str, resource=None, **params: Any) -> Any:
        if op != "CreateSnapshot":
            return await real(service_name, op, resource, **params)
        first = await real(service_name, op, resource, **params)
        second = dict(await real(service_name, op, resource, **params))
        second["ResponseMetadata"] = {**second["ResponseMetadata"], "RetryAttempts": 1}
        applied_twice.first = first["SnapshotId"]  # type: ignore[attr-defined]
        return second

    monkeypatch.setattr(service.ctx, "call", applied_twice)
    result = await actions.create_snapshot(service, request)
    assert result.duplicates == (applied_twice.first,)  # type: ignore[attr-defined]
    assert len(own_snapshots(ec2)) == 2  # reported, never deleted
