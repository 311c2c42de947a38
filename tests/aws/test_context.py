"""AwsContext against moto: the call wrapper, error translation, read-only mode, client config."""

from __future__ import annotations

import time
from typing import Any

import pytest

from snaptui.aws import (
    AwsContext,
    AwsError,
    AwsSettings,
    CallRecord,
    EndpointError,
    NotFoundError,
    NotSupportedError,
    ReadOnlyError,
)

from ._seed import REGION, make_volume, own_snapshot_ids


def count_requests(ctx: AwsContext, service: str = "ec2") -> list[str]:
    """Every HTTP attempt the client makes, retries included."""
    sent: list[str] = []

    def on_send(request: Any, **_: Any) -> None:
        sent.append(request.url)

    ctx.client(service).meta.events.register("before-send", on_send)
    return sent


async def test_call_returns_the_response_and_records_it(ctx: AwsContext, ec2) -> None:
    volume_id = make_volume(ec2)
    records: list[CallRecord] = []
    ctx.add_listener(records.append)

    response = await ctx.call("ec2", "DescribeVolumes", VolumeIds=[volume_id])

    assert [v["VolumeId"] for v in response["Volumes"]] == [volume_id]
    (record,) = records
    assert (record.service, record.operation, record.outcome) == ("ec2", "DescribeVolumes", "ok")
    assert record.ok
    assert record.params == {"VolumeIds": volume_id}
    assert record.resource == volume_id
    assert record.request_id
    assert record.duration > 0
    assert ctx.history[-1] is record


async def test_python_operation_names_work_too(ctx: AwsContext) -> None:
    response = await ctx.call("ec2", "describe_snapshots", OwnerIds=["self"])
    assert response["Snapshots"] == []
    assert ctx.history[-1].operation == "DescribeSnapshots"


async def test_records_hold_ids_only(ctx: AwsContext, ec2) -> None:
    volume_id = make_volume(ec2)
    await ctx.call(
        "ec2",
        "CreateSnapshot",
        VolumeId=volume_id,
        Description="secret plans",
        TagSpecifications=[{"ResourceType": "snapshot", "Tags": [{"Key": "k", "Value": "v"}]}],
    )
    record = ctx.history[-1]
    assert dict(record.params) == {"VolumeId": volume_id}
    assert "secret plans" not in repr(record)
    assert "AKIA" not in repr(record) and "fake-secret" not in repr(record)


async def test_missing_snapshot_is_not_found(ctx: AwsContext) -> None:
    with pytest.raises(NotFoundError) as info:
        await ctx.call("ec2", "DescribeSnapshots", SnapshotIds=["snap-12345678"])
    assert str(info.value) == (
        "InvalidSnapshot.NotFound: snapshot snap-12345678 not found (DescribeSnapshots)"
    )
    assert info.value.request_id
    record = ctx.history[-1]
    assert record.outcome == "InvalidSnapshot.NotFound"
    assert not record.ok


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("DescribeVolumeStatus", {}),
        (
            "LockSnapshot",
            {"SnapshotId": "snap-12345678", "LockMode": "governance", "LockDuration": 1},
        ),
    ],
)
async def test_operations_moto_lacks_are_not_supported(
    ctx: AwsContext, operation: str, params: dict
) -> None:
    started = time.perf_counter()
    with pytest.raises(NotSupportedError) as info:
        await ctx.call("ec2", operation, **params)
    assert "not available" in str(info.value)
    assert info.value.operation == operation
    assert time.perf_counter() - started < 1.5  # one attempt, no retries of the 500


async def test_unknown_operation_name(ctx: AwsContext) -> None:
    with pytest.raises(NotSupportedError):
        await ctx.call("ec2", "DescribeUnicorns")


async def test_unreachable_endpoint_fails_fast_and_names_it() -> None:
    settings = AwsSettings(region=REGION, endpoint_url="http://127.0.0.1:1", max_attempts=1)
    started = time.perf_counter()
    async with AwsContext(settings) as ctx:
        with pytest.raises(EndpointError) as info:
            await ctx.call("ec2", "DescribeVolumes")
    assert time.perf_counter() - started < 2
    assert "http://127.0.0.1:1" in str(info.value)
    assert info.value.retryable


async def test_max_attempts_bounds_the_retries() -> None:
    settings = AwsSettings(region=REGION, endpoint_url="http://127.0.0.1:1", max_attempts=2)
    async with AwsContext(settings) as ctx:
        sent = count_requests(ctx)
        with pytest.raises(EndpointError):
            await ctx.call("ec2", "DescribeVolumes")
    assert len(sent) == 2


async def test_client_config_is_explicit(ctx: AwsContext, settings: AwsSettings) -> None:
    for service in ("ec2", "ebs", "sts"):
        config = ctx.client(service).meta.config
        assert config.retries == {"mode": "standard", "total_max_attempts": 1}
        assert config.connect_timeout == settings.connect_timeout
        assert config.read_timeout == settings.read_timeout
        assert config.user_agent_appid == "snaptui"
        assert ctx.client(service).meta.endpoint_url == settings.endpoint_url


async def test_requests_carry_the_snaptui_app_id(ctx: AwsContext) -> None:
    agents: list[str] = []

    def on_send(request: Any, **_: Any) -> None:
        agents.append(request.headers["User-Agent"].decode())

    ctx.client("ec2").meta.events.register("before-send", on_send)
    await ctx.call("ec2", "DescribeVolumes")
    assert "app/snaptui" in agents[0]


async def test_aws_endpoint_url_env_still_works_without_endpoint_setting(
    moto: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto)
    async with AwsContext(AwsSettings(region=REGION, max_attempts=1)) as ctx:
        identity = await ctx.call("sts", "GetCallerIdentity")
        assert ctx.client("ec2").meta.endpoint_url == moto
    assert identity["Account"] == "123456789012"


async def test_unknown_profile_is_a_credentials_error(moto: str) -> None:
    with pytest.raises(AwsError) as info:
        async with AwsContext(AwsSettings(region=REGION, endpoint_url=moto, profile="nope")):
            pass
    assert info.value.code == "ProfileNotFound"
    assert "'nope'" in str(info.value)


async def test_dry_run_that_would_succeed_returns_true_and_creates_nothing(
    ctx: AwsContext, ec2
) -> None:
    volume_id = make_volume(ec2)
    assert await ctx.dry_run("ec2", "CreateSnapshot", VolumeId=volume_id) is True
    assert ctx.history[-1].outcome == "dry-run-ok"
    assert own_snapshot_ids(ec2) == set()


async def test_a_broken_listener_does_not_break_calls(ctx: AwsContext) -> None:
    def broken(record: CallRecord) -> None:
        raise RuntimeError("listener bug")

    seen: list[CallRecord] = []
    ctx.add_listener(broken)
    ctx.add_listener(seen.append)
    await ctx.call("ec2", "DescribeVolumes")
    assert len(seen) == 1
    ctx.remove_listener(seen.append)
    await ctx.call("ec2", "DescribeVolumes")
    assert len(seen) == 1


async def test_bugs_are_not_translated(ctx: AwsContext) -> None:
    # A wrong parameter *type* is botocore's ParamValidationError -> InvalidRequestError...
    with pytest.raises(AwsError):
        await ctx.call("ec2", "DescribeVolumes", VolumeIds="vol-1")
    # ...but using a closed context is a programming error and stays one.
    await ctx.aclose()
    with pytest.raises(RuntimeError):
        await ctx.call("ec2", "DescribeVolumes")


# -- read-only mode ---------------------------------------------------------------------------


@pytest.fixture
async def read_only_ctx(moto: str):
    settings = AwsSettings(region=REGION, endpoint_url=moto, max_attempts=1, read_only=True)
    async with AwsContext(settings) as context:
        yield context


async def test_read_only_refuses_mutations_in_the_wrapper_before_sending(
    read_only_ctx: AwsContext, ec2
) -> None:
    volume_id = make_volume(ec2)
    sent = count_requests(read_only_ctx)
    with pytest.raises(ReadOnlyError) as info:
        await read_only_ctx.call("ec2", "CreateSnapshot", VolumeId=volume_id)
    with pytest.raises(ReadOnlyError):
        await read_only_ctx.dry_run("ec2", "CreateSnapshot", VolumeId=volume_id)
    assert sent == []
    assert own_snapshot_ids(ec2) == set()
    assert info.value.operation == "CreateSnapshot"
    assert str(info.value).startswith("ReadOnly: ")
    assert read_only_ctx.history[-1].outcome == "ReadOnly"


async def test_read_only_refuses_raw_client_calls_too(read_only_ctx: AwsContext, ec2) -> None:
    volume_id = make_volume(ec2)
    sent = count_requests(read_only_ctx)
    with pytest.raises(ReadOnlyError):
        await read_only_ctx.client("ec2").create_snapshot(VolumeId=volume_id)
    with pytest.raises(ReadOnlyError):
        await read_only_ctx.client("ec2").create_snapshot(VolumeId=volume_id, DryRun=True)
    with pytest.raises(ReadOnlyError):
        await read_only_ctx.client("ebs").start_snapshot(VolumeSize=1)
    assert sent == []
    assert own_snapshot_ids(ec2) == set()


async def test_read_only_still_reads(read_only_ctx: AwsContext, ec2) -> None:
    volume_id = make_volume(ec2)
    response = await read_only_ctx.call("ec2", "DescribeVolumes")
    assert [v["VolumeId"] for v in response["Volumes"]] == [volume_id]
    raw = await read_only_ctx.client("sts").get_caller_identity()
    assert raw["Account"] == "123456789012"


async def test_read_write_context_has_no_refusal_handler(ctx: AwsContext, ec2) -> None:
    volume_id = make_volume(ec2)
    created = await ctx.client("ec2").create_snapshot(VolumeId=volume_id)
    assert own_snapshot_ids(ec2) == {created["SnapshotId"]}


async def test_a_context_for_another_region_keeps_the_session_hook(settings) -> None:
    """CopySnapshot's destination context must ask an MFA code through the UI's hook too."""
    from snaptui.aws.regions import other_region

    sessions: list[object] = []
    async with (
        AwsContext(settings, prepare_session=sessions.append) as ctx,
        other_region(ctx, "eu-west-1") as target,
    ):
        assert target.settings.region == "eu-west-1"
        assert target.settings.endpoint_url == settings.endpoint_url
        await target.call("ec2", "DescribeVolumes")
    assert len(sessions) == 2 and sessions[0] is not sessions[1]
