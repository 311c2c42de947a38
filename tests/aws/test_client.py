"""AwsClient: the layer on its own thread and loop, used from the test's loop."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import AsyncIterator

import pytest

from snaptui.aws import (
    AwsClient,
    AwsError,
    AwsSettings,
    CallRecord,
    CredentialsError,
    Ec2Service,
    EndpointError,
    NotFoundError,
    PageSizes,
    ReadOnlyError,
)

from ._seed import ACCOUNT, REGION, make_snapshots, make_volume

SMALL_PAGES = PageSizes(snapshots=5, volumes=5, instances=5, images=5)


@pytest.fixture
async def client(settings: AwsSettings) -> AsyncIterator[AwsClient]:
    aws = AwsClient(settings, page_sizes=SMALL_PAGES)
    await aws.open()
    yield aws
    await aws.close()


async def wait_until(predicate, within: float = 1.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "condition never became true"
        await asyncio.sleep(0.01)


async def test_identity_runs_on_the_aws_thread(client: AwsClient) -> None:
    threads: list[str] = []

    async def where(service: Ec2Service) -> str:
        threads.append(threading.current_thread().name)
        return (await service.identity()).account

    assert await client.run(where) == ACCOUNT
    assert threads == ["snaptui-aws"]
    assert (await client.identity()).account == ACCOUNT


async def test_pages_are_delivered_to_the_callers_loop(client: AwsClient, ec2) -> None:
    volume_id = make_volume(ec2)
    created = make_snapshots(ec2, volume_id, 12)
    records: list[CallRecord] = []
    record_threads: list[int] = []

    def on_record(record: CallRecord) -> None:
        records.append(record)
        record_threads.append(threading.get_ident())

    client.add_listener(on_record)
    pages = [page async for page in client.snapshots()]

    assert len(pages) >= 3
    assert Counter(s.id for page in pages for s in page) == Counter(created)
    await wait_until(lambda: len(records) == len(pages))
    assert set(record_threads) == {threading.get_ident()}  # callbacks on our loop's thread
    assert all(r.operation == "DescribeSnapshots" and r.ok for r in records)


async def test_volumes_instances_images_and_refresh(client: AwsClient, ec2) -> None:
    instance_id = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)["Instances"][0][
        "InstanceId"
    ]
    ec2.create_image(InstanceId=instance_id, Name="golden", NoReboot=True)
    volume_id = make_volume(ec2, "data")
    (snapshot_id,) = make_snapshots(ec2, volume_id, 1)

    instances = [i async for page in client.instances() for i in page]
    volumes = [v async for page in client.volumes(volume_ids=[volume_id]) for v in page]
    images = [i async for page in client.images() for i in page]
    refreshed = await client.refresh_snapshots([snapshot_id])

    assert [i.id for i in instances] == [instance_id]
    assert [v.name for v in volumes] == ["data"]
    assert [i.name for i in images] == ["golden"]
    assert [(s.id, s.state) for s in refreshed] == [(snapshot_id, "completed")]


async def test_errors_reraise_as_the_same_aws_error(client: AwsClient) -> None:
    with pytest.raises(NotFoundError) as from_run:
        await client.run(
            lambda s: s.ctx.call("ec2", "DescribeSnapshots", SnapshotIds=["snap-12345678"])
        )
    assert "snap-12345678" in str(from_run.value)

    with pytest.raises(NotFoundError) as from_stream:
        async for _ in client.volumes(volume_ids=["vol-12345678"]):
            pass
    assert from_stream.value.operation == "DescribeVolumes"


async def test_breaking_out_stops_the_producer(client: AwsClient, ec2) -> None:
    volume_id = make_volume(ec2)
    make_snapshots(ec2, volume_id, 30)  # 6 pages of 5
    records: list[CallRecord] = []
    client.add_listener(records.append)

    async for _page in client.snapshots():
        break

    await wait_until(lambda: client.active_streams == 0)
    await asyncio.sleep(0.1)
    # The producer may prefetch a couple of pages, never the whole listing.
    assert len(records) < 6


async def test_cancelling_the_consumer_cancels_the_producer(client: AwsClient, ec2) -> None:
    volume_id = make_volume(ec2)
    make_snapshots(ec2, volume_id, 30)
    first_page = asyncio.Event()

    async def consume() -> None:
        async for _page in client.snapshots():
            first_page.set()
            await asyncio.sleep(10)  # a slow consumer

    task = asyncio.create_task(consume())
    await asyncio.wait_for(first_page.wait(), 2)
    assert client.active_streams == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await wait_until(lambda: client.active_streams == 0)


async def test_close_is_idempotent_and_joins_the_thread(settings: AwsSettings) -> None:
    client = AwsClient(settings)
    await client.open()
    assert any(t.name == "snaptui-aws" for t in threading.enumerate())
    await client.close()
    await client.close()
    assert not client.is_open
    assert not any(t.name == "snaptui-aws" for t in threading.enumerate())
    with pytest.raises(RuntimeError):
        await client.identity()


async def test_close_unblocks_a_running_listing(settings: AwsSettings, ec2) -> None:
    volume_id = make_volume(ec2)
    make_snapshots(ec2, volume_id, 30)
    client = AwsClient(settings, page_sizes=SMALL_PAGES)
    await client.open()
    pages = client.snapshots()
    await anext(pages)
    await client.close()
    with pytest.raises(AwsError) as info:
        async for _ in pages:
            pass
    assert info.value.code == "ClientClosed"


async def test_open_failure_is_an_aws_error_and_leaves_no_thread(moto: str) -> None:
    client = AwsClient(AwsSettings(region=REGION, endpoint_url=moto, profile="missing"))
    with pytest.raises(CredentialsError) as info:
        await client.open()
    assert info.value.code == "ProfileNotFound"
    assert not client.is_open
    assert not any(t.name == "snaptui-aws" for t in threading.enumerate())


async def test_unreachable_endpoint_through_the_client() -> None:
    settings = AwsSettings(region=REGION, endpoint_url="http://127.0.0.1:1", max_attempts=1)
    async with AwsClient(settings) as client:
        with pytest.raises(EndpointError):
            await client.identity()
        with pytest.raises(EndpointError):
            async for _ in client.snapshots():
                pass


async def test_read_only_through_run(moto: str, ec2) -> None:
    volume_id = make_volume(ec2)
    settings = AwsSettings(region=REGION, endpoint_url=moto, max_attempts=1, read_only=True)
    async with AwsClient(settings) as client:
        assert client.settings.read_only
        with pytest.raises(ReadOnlyError):
            await client.run(lambda s: s.ctx.client("ec2").create_snapshot(VolumeId=volume_id))
