"""Block compares against moto over HTTP (with snaptui's EBS direct shim), plus error mapping.

Blocks are written through the EBS direct API (start_snapshot / put_snapshot_block /
complete_snapshot) with boto3, so every changed byte is known. The multi-page tests write
their bulk blocks through moto's backend objects instead (a 512 KiB PutSnapshotBlock costs
about 9 ms over HTTP here); the listing itself always goes over HTTP.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import http.server
import itertools
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from snaptui.aws import AwsClient, AwsContext, AwsSettings, Ec2Service, Snapshot, translate
from snaptui.aws.compare import (
    BlockDiff,
    CompareCache,
    CompareCancelled,
    Reason,
    Unavailable,
    block_changes,
    changed_blocks,
    changes_since_previous,
    compare_snapshots,
)
from snaptui.aws.errors import AwsError
from snaptui.aws.generations import generations_for_volume

from ._seed import ACCOUNT, REGION, make_snapshots, make_volume

BLOCK = 524288
PAYLOADS = [bytes([n]) * BLOCK for n in range(4)]
CHECKSUMS = [base64.b64encode(hashlib.sha256(p).digest()).decode() for p in PAYLOADS]


@pytest.fixture
def ebs(moto: str) -> Any:
    assert moto.startswith("http://127.0.0.1:")
    return boto3.client(
        "ebs",
        region_name=REGION,
        endpoint_url=moto,
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )


_CLOCK = itertools.count()


def write_snapshot(ebs: Any, blocks: dict[int, int], *, size_gib: int = 1) -> str:
    """A completed EBS direct snapshot holding ``blocks`` (index -> payload number).

    Each one starts a minute after the one written before it (moto's StartTime has only
    1-second precision), so "older" is well defined.
    """
    from moto.ec2.models import ec2_backends

    snapshot_id = ebs.start_snapshot(VolumeSize=size_gib, Description="test")["SnapshotId"]
    started = datetime(2026, 3, 1, 3, 0) + timedelta(minutes=next(_CLOCK))  # naive UTC, as moto
    ec2_backends[ACCOUNT][REGION].snapshots[snapshot_id].start_time = started
    for index, payload in sorted(blocks.items()):
        ebs.put_snapshot_block(
            SnapshotId=snapshot_id,
            BlockIndex=index,
            BlockData=PAYLOADS[payload],
            DataLength=BLOCK,
            Checksum=CHECKSUMS[payload],
            ChecksumAlgorithm="SHA256",
        )
    ebs.complete_snapshot(SnapshotId=snapshot_id, ChangedBlocksCount=len(blocks))
    return snapshot_id


def put_blocks_in_backend(snapshot_id: str, blocks: dict[int, int]) -> None:
    """Bulk blocks straight into moto's EBS backend (this process runs the server)."""
    from moto.ebs.models import ebs_backends

    backend = ebs_backends[ACCOUNT][REGION]
    for index, payload in blocks.items():
        backend.put_snapshot_block(
            snapshot_id, index, PAYLOADS[payload], CHECKSUMS[payload], "SHA256", BLOCK
        )


async def described(ctx: AwsContext, *ids: str) -> list[Snapshot]:
    found = {s.id: s for s in await Ec2Service(ctx).refresh_snapshots(ids)}
    return [found[i] for i in ids]


def list_calls(ctx: AwsContext) -> list:
    return [r for r in ctx.history if r.operation == "ListChangedBlocks"]


# ---------------------------------------------------------------------------------------------
# Exact changes.


async def test_exact_changed_bytes_between_two_written_snapshots(ctx: AwsContext, ebs) -> None:
    first = write_snapshot(ebs, {0: 0, 1: 0, 2: 0})
    # The second inherits 0 and 2, rewrites 1, and adds 3 and 5 (blocks only it has: the
    # shim lists them; stock moto misses them).
    second = write_snapshot(ebs, {0: 0, 1: 1, 2: 0, 3: 2, 5: 3})
    older, newer = await described(ctx, first, second)
    seen: list[int] = []

    diff = await changed_blocks(ctx, older, newer, progress=seen.append)

    assert isinstance(diff, BlockDiff)
    assert (diff.first_id, diff.second_id) == (first, second)
    assert diff.changed_indexes == (1, 3, 5)
    assert diff.runs == ((1, 1), (3, 1), (5, 1))
    assert diff.block_size == BLOCK
    assert diff.changed_bytes == 3 * BLOCK == 1572864
    assert diff.volume_size_bytes == 1024**3
    assert diff.share == 3 / 2048
    assert seen == [3] and diff.pages == 1

    # The newer one first: still listed older -> newer.
    again = await changed_blocks(ctx, newer, older)
    assert (again.first_id, again.second_id) == (first, second)
    assert again == diff


async def test_compare_snapshots_returns_metadata_and_blocks(ctx: AwsContext, ebs, ec2) -> None:
    first = write_snapshot(ebs, {0: 0})
    second = write_snapshot(ebs, {0: 1, 7: 1})
    ec2.create_tags(Resources=[second], Tags=[{"Key": "Name", "Value": "pgdata"}])
    older, newer = await described(ctx, first, second)
    cache = CompareCache()

    comparison = await compare_snapshots(ctx, older, newer, cache=cache)

    assert comparison.older.id == first and comparison.newer.id == second
    assert [t.key for t in comparison.metadata.added] == ["Name"]
    assert isinstance(comparison.blocks, BlockDiff)
    assert comparison.blocks.changed_indexes == (0, 7)
    calls = len(list_calls(ctx))
    cached = await compare_snapshots(ctx, newer, older, cache=cache)
    assert cached.blocks is comparison.blocks
    assert len(list_calls(ctx)) == calls  # the second compare made no call


async def test_paging_across_several_pages(ctx: AwsContext, ebs) -> None:
    first = write_snapshot(ebs, {})
    second = write_snapshot(ebs, {})
    changed = {i: 1 for i in range(0, 600)} | {i: 2 for i in range(1000, 1450)}
    put_blocks_in_backend(second, changed)
    older, newer = await described(ctx, first, second)
    seen: list[int] = []

    diff = await changed_blocks(ctx, older, newer, progress=seen.append, page_size=100)

    assert diff.changed_blocks == 1050
    assert diff.runs == ((0, 600), (1000, 450))
    assert diff.changed_bytes == 1050 * BLOCK
    assert diff.pages == 11
    assert seen == [*range(100, 1001, 100), 1050]
    calls = list_calls(ctx)
    assert len(calls) == 11 and all(r.ok for r in calls)
    assert calls[0].params["FirstSnapshotId"] == first


async def test_cancel_between_pages(ctx: AwsContext, ebs) -> None:
    first = write_snapshot(ebs, {})
    second = write_snapshot(ebs, {})
    put_blocks_in_backend(second, {i: 1 for i in range(1000)})
    older, newer = await described(ctx, first, second)
    cancel = asyncio.Event()

    def progress(blocks: int) -> None:
        if blocks >= 300:
            cancel.set()

    with pytest.raises(CompareCancelled) as caught:
        await changed_blocks(ctx, older, newer, progress=progress, cancel=cancel, page_size=100)
    assert caught.value.blocks_seen == 300
    assert len(list_calls(ctx)) == 3

    cache = CompareCache()
    result = await block_changes(ctx, older, newer, cancel=cancel, cache=cache, page_size=100)
    assert isinstance(result, Unavailable) and result.reason_code is Reason.CANCELLED
    assert len(cache) == 0  # cancelled is never cached
    cancel_from_thread = threading.Event()
    cancel_from_thread.set()
    with pytest.raises(CompareCancelled):
        await changed_blocks(ctx, older, newer, cancel=cancel_from_thread)


async def test_through_the_aws_client_thread(settings: AwsSettings, ebs) -> None:
    """How the UI calls it: on AwsClient's loop, progress hopping back, a threading.Event."""
    first = write_snapshot(ebs, {})
    second = write_snapshot(ebs, {})
    put_blocks_in_backend(second, {i: 1 for i in range(250)})
    ui_loop = asyncio.get_running_loop()
    seen: list[int] = []
    cancel = threading.Event()

    def progress(blocks: int) -> None:  # runs on the AWS thread
        ui_loop.call_soon_threadsafe(seen.append, blocks)

    async with AwsClient(settings) as client:
        older, newer = await client.refresh_snapshots([first, second])
        comparison = await client.run(
            lambda s: compare_snapshots(
                s.ctx, older, newer, progress=progress, cancel=cancel, page_size=100
            )
        )
        await asyncio.sleep(0)
        assert seen == [100, 200, 250]
        assert isinstance(comparison.blocks, BlockDiff)
        assert comparison.blocks.changed_blocks == 250
        cancel.set()
        cancelled = await client.run(lambda s: block_changes(s.ctx, older, newer, cancel=cancel))
        assert isinstance(cancelled, Unavailable) and cancelled.reason_code is Reason.CANCELLED


# ---------------------------------------------------------------------------------------------
# Why not.


async def test_unrelated_volumes_are_refused_before_any_call(ctx: AwsContext, ec2) -> None:
    (one,) = make_snapshots(ec2, make_volume(ec2, "a"), 1)
    (two,) = make_snapshots(ec2, make_volume(ec2, "b"), 1)
    a, b = await described(ctx, one, two)

    comparison = await compare_snapshots(ctx, a, b)

    assert isinstance(comparison.blocks, Unavailable)
    assert comparison.blocks.reason_code is Reason.UNRELATED
    assert "not one volume lineage" in comparison.blocks.message
    assert comparison.metadata.field("volume_id").differs  # metadata is always there
    assert list_calls(ctx) == []


async def test_ec2_created_snapshots_have_no_block_data(ctx: AwsContext, ec2) -> None:
    ids = make_snapshots(ec2, make_volume(ec2, "data"), 2)
    a, b = await described(ctx, *ids)
    cache = CompareCache()

    comparison = await compare_snapshots(ctx, a, b, cache=cache)

    blocks = comparison.blocks
    assert isinstance(blocks, Unavailable)
    assert blocks.reason_code is Reason.NO_BLOCK_DATA
    assert blocks.error_code == "ResourceNotFoundException"
    assert "no block data" in blocks.message
    assert [r.outcome for r in list_calls(ctx)] == ["ResourceNotFoundException"]
    assert cache.get(a.id, b.id) == blocks  # permanent: cached


class _Html500(http.server.BaseHTTPRequestHandler):
    """What moto and similar endpoints answer for an API they do not implement."""

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b"<!doctype html><html><h1>500 Internal Server Error</h1></html>"
        self.send_response(500)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def no_ebs_endpoint() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Html500)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


async def test_endpoint_without_ebs_direct_api(
    ctx: AwsContext, ebs, no_ebs_endpoint: str, moto: str, monkeypatch
) -> None:
    first = write_snapshot(ebs, {0: 0})
    second = write_snapshot(ebs, {0: 1})
    older, newer = await described(ctx, first, second)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto)  # ec2 and sts still work...
    monkeypatch.setenv("AWS_ENDPOINT_URL_EBS", no_ebs_endpoint)  # ...but ebs does not

    async with AwsContext(AwsSettings(region=REGION, max_attempts=1)) as other:
        assert other.endpoint("ebs") == no_ebs_endpoint
        comparison = await compare_snapshots(other, older, newer)

    blocks = comparison.blocks
    assert isinstance(blocks, Unavailable)
    assert blocks.reason_code is Reason.NOT_SUPPORTED
    assert blocks.title == "Not available on this endpoint"
    assert "not available on this endpoint" in blocks.message
    assert no_ebs_endpoint in blocks.message


async def test_refused_ebs_endpoint_is_unreachable(
    ctx: AwsContext, ebs, moto: str, monkeypatch
) -> None:
    first = write_snapshot(ebs, {0: 0})
    second = write_snapshot(ebs, {0: 1})
    older, newer = await described(ctx, first, second)
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL_EBS", f"http://127.0.0.1:{port}")

    async with AwsContext(AwsSettings(region=REGION, max_attempts=1)) as other:
        result = await block_changes(other, older, newer)

    assert isinstance(result, Unavailable) and result.reason_code is Reason.UNREACHABLE
    assert result.transient


# ---------------------------------------------------------------------------------------------
# API errors that moto cannot produce: a stand-in context raising what AwsContext would.


class _FakeCtx:
    def __init__(self, *responses: dict[str, Any] | BaseException) -> None:
        self.responses = list(responses)
        self.calls: list[dict[str, Any]] = []

    async def call(self, service: str, operation: str, resource: str | None = None, **params: Any):
        self.calls.append(params)
        item = self.responses.pop(0)
        if isinstance(item, BaseException):
            raise item
        return item

    def endpoint(self, service: str) -> str:
        return "https://ebs.us-east-1.amazonaws.com"


def _aws_error(code: str, message: str, reason: str | None) -> AwsError:
    response: dict[str, Any] = {"Error": {"Code": code, "Message": message}}
    if reason:
        response["Reason"] = reason
    cause = ClientError(response, "ListChangedBlocks")  # type: ignore[arg-type]
    error = translate(cause, operation="ListChangedBlocks", service="ebs")
    error.__cause__ = cause  # what ``raise error from exc`` in AwsContext.call does
    return error


def _pair() -> tuple[Snapshot, Snapshot]:
    def one(snapshot_id: str, hour: int) -> Snapshot:
        return Snapshot.from_api(
            {
                "SnapshotId": snapshot_id,
                "VolumeId": "vol-1",
                "State": "completed",
                "VolumeSize": 8,
                "StartTime": f"2026-03-01T0{hour}:00:00Z",
            }
        )

    return one("snap-a", 1), one("snap-b", 2)


@pytest.mark.parametrize(
    ("code", "reason", "expected", "words"),
    [
        (
            "AccessDeniedException",
            "UNAUTHORIZED_ACCOUNT",
            Reason.ACCESS_DENIED,
            "ebs:ListChangedBlocks",
        ),
        ("AccessDeniedException", "DEPENDENCY_ACCESS_DENIED", Reason.KMS_DENIED, "KMS key"),
        ("ValidationException", "UNRELATED_SNAPSHOTS", Reason.UNRELATED, "UNRELATED_SNAPSHOTS"),
        ("ValidationException", "INVALID_SNAPSHOT_ID", Reason.NO_BLOCK_DATA, "no block data"),
        ("ValidationException", "INVALID_PAGE_TOKEN", Reason.FAILED, "try again"),
        ("RequestThrottledException", None, Reason.THROTTLED, "throttled"),
        ("InternalServerException", None, Reason.FAILED, "InternalServerException"),
    ],
)
async def test_api_errors_map_to_reasons(
    code: str, reason: str | None, expected: Reason, words: str
) -> None:
    ctx = _FakeCtx(_aws_error(code, "something went wrong", reason))
    older, newer = _pair()
    result = await block_changes(ctx, older, newer)  # type: ignore[arg-type]
    assert isinstance(result, Unavailable)
    assert result.reason_code is expected
    assert words in result.message
    assert result.error_code == code


async def test_repeated_token_and_unordered_pages() -> None:
    page = {"ChangedBlocks": [{"BlockIndex": 9}, {"BlockIndex": 2}], "NextToken": "t1"}
    ctx = _FakeCtx(
        {**page, "BlockSize": BLOCK, "VolumeSize": 8},
        {"ChangedBlocks": [{"BlockIndex": 3}], "NextToken": "t2"},
        {"ChangedBlocks": [], "NextToken": "t1"},  # a token we had before: a loop
    )
    older, newer = _pair()
    with pytest.raises(AwsError, match="RepeatedNextToken"):
        await changed_blocks(ctx, older, newer)  # type: ignore[arg-type]
    assert [c.get("NextToken") for c in ctx.calls] == [None, "t1", "t2"]
    assert all(c["MaxResults"] == 10000 for c in ctx.calls)

    ctx = _FakeCtx(page, {"ChangedBlocks": [{"BlockIndex": 3}]})  # no BlockSize / VolumeSize
    diff = await changed_blocks(ctx, older, newer)  # type: ignore[arg-type]
    assert diff.runs == ((2, 2), (9, 1))
    assert diff.block_size == BLOCK and diff.volume_size_bytes == 8 * 1024**3
    with pytest.raises(ValueError):
        await changed_blocks(ctx, older, newer, page_size=50)  # type: ignore[arg-type]


async def test_timeline_stops_calling_once_the_endpoint_says_no() -> None:
    error = _aws_error("AccessDeniedException", "not allowed", "UNAUTHORIZED_ACCOUNT")
    snapshots = [
        Snapshot.from_api(
            {
                "SnapshotId": f"snap-{n}",
                "VolumeId": "vol-1",
                "State": "completed",
                "StartTime": f"2026-03-0{n + 1}T03:00:00Z",
            }
        )
        for n in range(6)
    ]
    ctx = _FakeCtx(error, error)
    cache = CompareCache()
    result = await changes_since_previous(ctx, snapshots, limit=2, cache=cache)  # type: ignore[arg-type]
    assert list(result) == ["snap-5", "snap-4", "snap-3", "snap-2", "snap-1"]
    assert {r.reason_code for r in result.values()} == {Reason.ACCESS_DENIED}  # type: ignore[union-attr]
    assert len(ctx.calls) == 2
    again = await changes_since_previous(ctx, snapshots, cache=cache)  # type: ignore[arg-type]
    assert again == result and len(ctx.calls) == 2


# ---------------------------------------------------------------------------------------------
# The seeded demo volume: a quiet week, then a burst.


async def test_seeded_generations_show_the_burst(ctx: AwsContext) -> None:
    from moto.ebs.models import ebs_backends

    from snaptui.demo.seed import seed

    summary = seed("small")
    volume_id = summary.ebs_direct_volume_id
    assert volume_id is not None
    snapshots = [s async for page in Ec2Service(ctx).snapshots(volume_id=volume_id) for s in page]
    generations = generations_for_volume(snapshots, volume_id)
    assert len(generations) == 16
    cache = CompareCache()

    rounds = 0
    began = time.perf_counter()
    while True:
        rounds += 1
        changes = await changes_since_previous(ctx, generations, limit=3, cache=cache)
        if len(changes) == len(generations) - 1:
            break
        assert len(changes) == 3 * rounds  # a few more each round
    took = time.perf_counter() - began

    assert rounds == 5
    assert list(changes) == [g.id for g in generations[:-1]]  # newest first, oldest has none
    diffs = [changes[g.id] for g in reversed(generations[:-1])]  # oldest first
    assert all(isinstance(d, BlockDiff) for d in diffs)
    counts = [d.changed_blocks for d in diffs]  # type: ignore[union-attr]
    assert all(count > 0 for count in counts)
    burst = counts.index(max(counts))
    assert burst >= 5 and max(counts) > 5 * sorted(counts)[len(counts) // 2]

    # Exactly what the backend holds: blocks whose data differs, by content or presence.
    backend = ebs_backends[ACCOUNT][REGION]
    oldest_first = [g.id for g in reversed(generations)]
    for (first, second), diff in zip(
        zip(oldest_first, oldest_first[1:], strict=False), diffs, strict=True
    ):
        a, b = backend.snapshots[first].blocks, backend.snapshots[second].blocks
        expected = {
            i
            for i in a.keys() | b.keys()
            if i not in a or i not in b or a[i].block_data != b[i].block_data
        }
        assert set(diff.iter_indexes()) == expected  # type: ignore[union-attr]

    # The burst night on its own, uncached: metadata and blocks in one compare.
    older, newer = generations[-burst - 1].snapshot, generations[-burst - 2].snapshot
    began = time.perf_counter()
    comparison = await compare_snapshots(ctx, newer, older)
    burst_took = time.perf_counter() - began
    assert comparison.blocks == diffs[burst]
    print(
        f"\nchanged blocks per night: {counts}"
        f"\ntimeline ({len(counts)} pairs, {rounds} rounds of 3): {took * 1000:.0f} ms;"
        f" burst night ({max(counts)} blocks) alone: {burst_took * 1000:.0f} ms"
    )
