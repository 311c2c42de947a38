"""Safety nets around every action: read-only mode, the DryRun permission preflight, the audit
log (one record per mutating call, 0600, no secrets) and the audit-or-nothing rule."""

from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from snaptui.aws import (
    AwsContext,
    AwsSettings,
    Ec2Service,
    NotFoundError,
    ReadOnlyError,
    is_read_only_operation,
    translate,
)
from snaptui.aws.action_plans import (
    plan_copy,
    plan_create_image,
    plan_delete_snapshot,
    plan_deregister_image,
    plan_launch,
    plan_register_image,
    plan_restore,
    plan_snapshot,
    plan_snapshot_set,
)
from snaptui.aws.action_requests import ActionRequest
from snaptui.aws.actions import Actions, permission_from_error
from snaptui.aws.audit import AuditError, AuditLog, AuditScope, record_decision
from snaptui.aws.models import FrozenMap

from ._seed import REGION

SECRETS = (
    "AKIAFAKEFAKEFAKE0000",
    "fake-secret-key-for-tests-only",
    "fake-session-token-for-tests-only",
)


def counts(ec2: Any) -> dict[str, int]:
    own = [{"Name": "owner-id", "Values": ["123456789012"]}]
    return {
        "snapshots": len(ec2.describe_snapshots(Filters=own)["Snapshots"]),
        "volumes": len(ec2.describe_volumes()["Volumes"]),
        "images": len(ec2.describe_images(Owners=["self"])["Images"]),
        "reservations": len(ec2.describe_instances()["Reservations"]),
    }


@pytest.fixture
async def requests(service: Ec2Service, ec2) -> list[ActionRequest]:
    """One planned request of every kind, ready to run."""
    instance_id = ec2.run_instances(
        ImageId="ami-12345678", MinCount=1, MaxCount=1, Placement={"AvailabilityZone": f"{REGION}a"}
    )["Instances"][0]["InstanceId"]
    volume_id = ec2.create_volume(Size=8, AvailabilityZone=f"{REGION}a", VolumeType="gp3")[
        "VolumeId"
    ]
    ec2.attach_volume(VolumeId=volume_id, InstanceId=instance_id, Device="/dev/sdf")
    snapshot_id = ec2.create_snapshot(VolumeId=volume_id)["SnapshotId"]
    image_id = ec2.register_image(
        Name="base",
        RootDeviceName="/dev/xvda",
        Architecture="x86_64",
        VirtualizationType="hvm",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snapshot_id}}],
    )["ImageId"]
    other_snapshot = ec2.create_snapshot(VolumeId=volume_id)["SnapshotId"]
    register = await plan_register_image(service, other_snapshot, name="from snapshot")
    return [
        await plan_snapshot(service, volume_id),
        await plan_snapshot_set(service, instance_id, exclude_boot=True),
        await plan_restore(service, other_snapshot, attach_to=instance_id),
        await plan_create_image(service, instance_id, name="image one", reboot=False),
        dataclasses.replace(
            register, architecture="x86_64", virtualization_type="hvm", ena_support=True
        ),
        await plan_launch(service, image_id, instance_type="t3.micro"),
        await plan_copy(service, other_snapshot, target_region="eu-west-1"),
        await plan_delete_snapshot(service, other_snapshot),
        await plan_deregister_image(service, image_id),
    ]


@pytest.fixture
async def read_only_service(settings: AwsSettings) -> AsyncIterator[Ec2Service]:
    async with AwsContext(dataclasses.replace(settings, read_only=True)) as ctx:
        yield Ec2Service(ctx)


def sent_requests(ctx: AwsContext) -> list[str]:
    sent: list[str] = []
    for service_name in ("ec2", "sts", "ebs"):
        ctx.client(service_name).meta.events.register(
            "before-send", lambda request, **_: sent.append(request.url)
        )
    return sent


async def test_read_only_refuses_every_action_and_its_preflight_before_sending_anything(
    requests: list[ActionRequest], read_only_service: Ec2Service, ec2, tmp_path: Path
) -> None:
    assert len({type(r) for r in requests}) == 9
    audit = AuditLog(tmp_path / "audit.jsonl")
    actions = Actions(audit, settle_delays=())
    sent = sent_requests(read_only_service.ctx)
    before = counts(ec2)

    for request in requests:
        with pytest.raises(ReadOnlyError) as info:
            await actions.execute(read_only_service, request)
        assert info.value.operation == request.OPERATION
        assert "nothing was sent" in str(info.value)
        with pytest.raises(ReadOnlyError):
            await actions.preflight(read_only_service, request)
        with pytest.raises(ReadOnlyError):
            await actions.validate(read_only_service, request)

    assert sent == []
    assert counts(ec2) == before
    assert audit.read() == []


async def test_preflight_says_allowed_for_every_action_and_creates_nothing(
    requests: list[ActionRequest], service: Ec2Service, ec2
) -> None:
    actions = Actions(None, settle_delays=())
    before = counts(ec2)
    for request in requests:
        permission = await actions.preflight(service, request)
        assert permission.allowed, request
        assert permission.missing_action is None
        assert "checks permissions only" in permission.message
    assert counts(ec2) == before
    dry_runs = [r for r in service.ctx.history if not is_read_only_operation(r.operation)]
    assert {r.outcome for r in dry_runs} == {"dry-run-ok"}
    assert {r.operation for r in dry_runs} == {
        "CreateSnapshot",
        "CreateSnapshots",
        "CreateVolume",
        "CreateImage",
        "RegisterImage",
        "RunInstances",
        "DeleteSnapshot",
        "DeregisterImage",
    }  # fmt: skip  (CopySnapshot ran in the target region's own context)


def unauthorized(operation: str, action: str | None) -> ClientError:
    message = "You are not authorized to perform this operation."
    if action:
        message += (
            " User: arn:aws:sts::123456789012:assumed-role/ops/alice is not authorized to "
            f"perform: {action} on resource: arn:aws:ec2:us-east-1::snapshot/* because no "
            "identity-based policy allows it. Encoded authorization failure message: AbCdEf=="
        )
    return ClientError(
        {
            "Error": {"Code": "UnauthorizedOperation", "Message": message},
            "ResponseMetadata": {"RequestId": "req-1", "HTTPStatusCode": 403},
        },
        operation,
    )


def test_permission_translation_of_dry_run_answers() -> None:
    allowed = ClientError(
        {"Error": {"Code": "DryRunOperation", "Message": "Request would have succeeded."}},
        "CreateSnapshot",
    )
    assert permission_from_error(allowed, "CreateSnapshot").allowed

    denied = permission_from_error(
        unauthorized("CreateSnapshot", "ec2:CreateSnapshot"), "CreateSnapshot"
    )
    assert not denied.allowed
    assert denied.missing_action == "ec2:CreateSnapshot"
    assert "Encoded authorization" not in denied.message

    # Without the action in the message it is named after the operation.
    bare = permission_from_error(unauthorized("CreateVolume", None), "CreateVolume")
    assert (bare.allowed, bare.missing_action) == (False, "ec2:CreateVolume")

    # A tag permission missing (ec2:CreateTags on create) is named as such.
    tags = permission_from_error(unauthorized("CreateVolume", "ec2:CreateTags"), "CreateVolume")
    assert tags.missing_action == "ec2:CreateTags"

    with pytest.raises(NotFoundError):
        permission_from_error(
            ClientError({"Error": {"Code": "InvalidSnapshot.NotFound"}}, "CreateVolume"),
            "CreateVolume",
        )


async def test_preflight_reports_a_denied_permission(
    requests: list[ActionRequest], service: Ec2Service, ec2, monkeypatch
) -> None:
    real = service.ctx.call

    async def deny_dry_runs(service_name: str, op: str, resource=None, **params: Any) -> Any:
        if params.get("DryRun"):
            error = unauthorized(op, f"ec2:{op}")
            raise translate(error, operation=op, service=service_name) from error
        return await real(service_name, op, resource, **params)

    monkeypatch.setattr(service.ctx, "call", deny_dry_runs)
    actions = Actions(None, settle_delays=())
    permission = await actions.preflight(service, requests[0])
    assert (permission.allowed, permission.missing_action) == (False, "ec2:CreateSnapshot")
    assert "not authorized" in permission.message


async def test_audit_has_one_record_per_mutating_call_mode_0600_and_no_secrets(
    requests: list[ActionRequest], service: Ec2Service, tmp_path: Path
) -> None:
    path = tmp_path / "state" / "audit.jsonl"
    path.parent.mkdir()
    path.write_text("")
    os.chmod(path, 0o644)  # a wider mode found on disk is narrowed
    audit = AuditLog(path, environ={"SSH_CLIENT": "203.0.113.9 50022 22"})
    actions = Actions(audit, settle_delays=(), poll_interval=0)
    snapshot, snapshot_set, restore = requests[:3]
    secret_reason = "INC-1 aws_secret_access_key=wJalrXUtnFEMI/K7MDENG token AKIAIOSFODNN7EXAMPLE"
    snapshot = dataclasses.replace(
        snapshot, reason=secret_reason, tags=FrozenMap({"password": "hunter2"})
    )

    for request in (snapshot, snapshot_set, restore):
        await actions.execute(service, request)
    scope = AuditScope.of(service.ctx.settings, await service.identity())
    record_decision(audit, scope, snapshot, "confirmed")
    record_decision(audit, scope, restore, "cancelled")

    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    mutating = [r.operation for r in service.ctx.history if not is_read_only_operation(r.operation)]
    calls = [r for r in audit.read() if r["kind"] == "call"]
    assert [r["operation"] for r in calls] == mutating
    assert mutating == [
        "CreateSnapshot", "CreateSnapshots", "CreateTags", "CreateVolume", "AttachVolume",
    ]  # fmt: skip
    first = calls[0]
    assert first["outcome"] == "ok" and first["resource_ids"][0].startswith("snap-")
    assert first["snaptui_request_id"] == snapshot.request_id
    assert first["aws_request_id"]
    assert (first["account"], first["region"]) == ("123456789012", REGION)
    assert first["caller_arn"] == "arn:aws:sts::123456789012:user/moto"
    assert first["ssh_client"] == "203.0.113.9"
    assert first["user"] and first["time"].endswith("+00:00")
    assert first["params"]["volume_id"] == snapshot.volume.id
    restore_call = next(r for r in calls if r["operation"] == "CreateVolume")
    assert restore_call["client_token"] == restore.request_id
    decisions = [(r["operation"], r["decision"]) for r in audit.read() if r["kind"] == "decision"]
    assert decisions == [("CreateSnapshot", "confirmed"), ("CreateVolume", "cancelled")]

    text = path.read_text()
    for secret in (*SECRETS, "wJalrXUtnFEMI", "AKIAIOSFODNN7EXAMPLE", "hunter2"):
        assert secret not in text
    assert os.environ["AWS_SECRET_ACCESS_KEY"] == SECRETS[1]  # the secrets really were set


async def test_no_action_runs_when_the_audit_log_cannot_be_written(
    requests: list[ActionRequest], service: Ec2Service, ec2, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    actions = Actions(AuditLog(blocker / "audit.jsonl"), settle_delays=())
    before = counts(ec2)
    with pytest.raises(AuditError, match="no action runs unrecorded"):
        await actions.execute(service, requests[0])
    assert counts(ec2) == before


async def test_the_actions_layer_refuses_a_reason_with_escape_codes_whatever_the_caller(
    service, ec2, tmp_path
) -> None:
    """The CLI and the forms refuse it first; a script calling the layer must not get past."""
    from snaptui.aws.action_plans import plan_snapshot
    from snaptui.aws.actions import Actions
    from snaptui.aws.audit import AuditLog
    from snaptui.aws.validation import ValidationError

    volume = ec2.create_volume(Size=1, AvailabilityZone="us-east-1a")["VolumeId"]
    request = await plan_snapshot(service, volume, reason="deploy \x1b[2J now")
    with pytest.raises(ValidationError) as caught:
        await Actions(AuditLog(tmp_path / "a.jsonl")).create_snapshot(service, request)
    assert "reason contains control characters ('\\x1b')" in str(caught.value)
    assert ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"] == []
