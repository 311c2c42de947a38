"""Provides the block-level compare of two snapshots through the EBS direct API.

``changed_blocks`` pages ``ebs:ListChangedBlocks`` by hand (botocore has no paginator for the
``ebs`` service). ``compare_snapshots`` adds the metadata diff and, when blocks cannot be
listed, says which reason applies (an ``Unavailable``) instead of raising.
``changes_since_previous`` fills the generation timeline a few pairs at a time.

Everything here runs on the loop of its AwsContext. From the UI, go through AwsClient:
``await client.run(lambda s: compare_snapshots(s.ctx, a, b, cache=cache))``. The ``progress``
callback then runs on the AWS thread, and ``cancel`` may be an ``asyncio.Event`` or a
``threading.Event`` that the UI sets: only ``is_set()`` is ever called on it.
"""

from __future__ import annotations

import asyncio
import time
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from botocore.exceptions import ClientError

from snaptui.aws.context import AwsContext
from snaptui.aws.diff import SnapshotDiff, metadata_diff, older_first
from snaptui.aws.errors import (
    AccessDeniedError,
    AwsError,
    EndpointError,
    InvalidRequestError,
    NotFoundError,
    NotSupportedError,
    ThrottledError,
)
from snaptui.aws.generations import Generation
from snaptui.aws.models import Snapshot

__all__ = [
    "DEFAULT_BLOCK_SIZE",
    "MAX_RESULTS",
    "BlockDiff",
    "ENDPOINT_WIDE_REASONS",
    "REASON_TITLES",
    "TRANSIENT_REASONS",
    "BlockResult",
    "CancelFlag",
    "CompareCache",
    "CompareCancelled",
    "Comparison",
    "Reason",
    "Unavailable",
    "block_changes",
    "changed_blocks",
    "changes_since_previous",
    "compare_snapshots",
    "runs_from_indexes",
    "why_not_comparable",
]

DEFAULT_BLOCK_SIZE = 524288
"""Bytes per block in AWS (512 KiB); used only when a response does not say."""
MAX_RESULTS = 10000
"""Blocks per ListChangedBlocks page: the API's maximum (its minimum is 100)."""
GIB = 1024**3

Runs = tuple[tuple[int, int], ...]


class CancelFlag(Protocol):
    """``asyncio.Event`` or ``threading.Event``: only ``is_set()`` is called, never awaited."""

    def is_set(self) -> bool: ...


# ---------------------------------------------------------------------------------------------
# Results.


def runs_from_indexes(indexes: Iterable[int]) -> Runs:
    """Block indexes -> ``((first, count), ...)``: ascending, merged, duplicates dropped."""
    return _runs_of_ascending(indexes if isinstance(indexes, range) else sorted(set(indexes)))


def _runs_of_ascending(ordered: Iterable[int]) -> Runs:
    """Runs of indexes that are already in strictly ascending order."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    end = 0
    for index in ordered:
        if start is not None and index == end:
            end += 1
            continue
        if start is not None:
            runs.append((start, end - start))
        start, end = index, index + 1
    if start is not None:
        runs.append((start, end - start))
    return tuple(runs)


def _sorted_runs(indexes: array[int]) -> Runs:
    """Like ``runs_from_indexes``, without sorting when the pages came in ascending order."""
    ascending = all(indexes[i] < indexes[i + 1] for i in range(len(indexes) - 1))
    return _runs_of_ascending(indexes) if ascending else runs_from_indexes(indexes)


@dataclass(frozen=True)
class BlockDiff:
    """The blocks that differ between two snapshots of one lineage (ListChangedBlocks).

    The changed blocks are kept as runs of consecutive indexes, so a 16 TiB volume rewritten
    in long stretches costs a few tuples, not millions of ints. ``changed_indexes`` expands
    them on demand.
    """

    first_id: str
    """The older snapshot (``FirstSnapshotId``)."""
    second_id: str
    """The newer snapshot (``SecondSnapshotId``)."""
    block_size: int
    """Bytes per block, as the API reported it."""
    volume_size_bytes: int
    runs: Runs
    """``((first index, count), ...)``, ascending and merged."""
    changed_blocks: int
    pages: int = field(default=1, compare=False)
    """ListChangedBlocks calls it took."""
    seconds: float = field(default=0.0, compare=False)
    """Wall-clock time the listing took."""

    @classmethod
    def from_indexes(
        cls,
        first_id: str,
        second_id: str,
        indexes: Iterable[int],
        *,
        volume_size_bytes: int,
        block_size: int = DEFAULT_BLOCK_SIZE,
        pages: int = 1,
        seconds: float = 0.0,
    ) -> BlockDiff:
        runs = runs_from_indexes(indexes)
        return cls(
            first_id=first_id,
            second_id=second_id,
            block_size=block_size,
            volume_size_bytes=volume_size_bytes,
            runs=runs,
            changed_blocks=sum(count for _, count in runs),
            pages=pages,
            seconds=seconds,
        )

    def iter_indexes(self) -> Iterator[int]:
        for start, count in self.runs:
            yield from range(start, start + count)

    @property
    def changed_indexes(self) -> tuple[int, ...]:
        return tuple(self.iter_indexes())

    @property
    def changed_bytes(self) -> int:
        return self.changed_blocks * self.block_size

    @property
    def total_blocks(self) -> int:
        """Blocks on the volume (rounded up); 0 when its size is unknown."""
        if self.volume_size_bytes <= 0 or self.block_size <= 0:
            return 0
        return -(-self.volume_size_bytes // self.block_size)

    @property
    def share(self) -> float:
        """Changed bytes / volume size, 0.0..1.0 (0.0 when the size is unknown)."""
        if self.volume_size_bytes <= 0:
            return 0.0
        return min(1.0, self.changed_bytes / self.volume_size_bytes)

    def covers(self, first_id: str, second_id: str) -> bool:
        return {first_id, second_id} == {self.first_id, self.second_id}


class Reason(StrEnum):
    """Why changed blocks cannot be listed for a pair of snapshots."""

    SAME_SNAPSHOT = "same-snapshot"
    UNRELATED = "unrelated"
    """Not of one volume/snapshot lineage (checked before calling, or UNRELATED_SNAPSHOTS)."""
    ENCRYPTION = "encryption"
    """One encrypted and one not, or different KMS keys: never one lineage."""
    ARCHIVED = "archived"
    NOT_COMPLETED = "not-completed"
    NO_BLOCK_DATA = "no-block-data"
    """The endpoint holds no block data for a snapshot (ResourceNotFound / Validation)."""
    NOT_SUPPORTED = "not-supported"
    """The endpoint has no EBS direct API (moto for EC2-only, LocalStack, ...)."""
    ACCESS_DENIED = "access-denied"
    """ebs:ListChangedBlocks is not allowed."""
    KMS_DENIED = "kms-denied"
    """The EBS direct API may not use the snapshot's KMS key."""
    UNREACHABLE = "unreachable"
    THROTTLED = "throttled"
    CANCELLED = "cancelled"
    FAILED = "failed"


REASON_TITLES: dict[Reason, str] = {
    Reason.SAME_SNAPSHOT: "Same snapshot",
    Reason.UNRELATED: "Different volume lineage",
    Reason.ENCRYPTION: "Different encryption",
    Reason.ARCHIVED: "Archived snapshot",
    Reason.NOT_COMPLETED: "Snapshot not completed",
    Reason.NO_BLOCK_DATA: "No block data",
    Reason.NOT_SUPPORTED: "Not available on this endpoint",
    Reason.ACCESS_DENIED: "Access denied",
    Reason.KMS_DENIED: "KMS key access denied",
    Reason.UNREACHABLE: "Cannot reach the EBS direct API",
    Reason.THROTTLED: "Throttled",
    Reason.CANCELLED: "Cancelled",
    Reason.FAILED: "Compare failed",
}

TRANSIENT_REASONS = frozenset(
    {Reason.NOT_COMPLETED, Reason.UNREACHABLE, Reason.THROTTLED, Reason.CANCELLED, Reason.FAILED}
)
"""Trying again later may work: these are never cached."""
ENDPOINT_WIDE_REASONS = frozenset({Reason.NOT_SUPPORTED, Reason.ACCESS_DENIED, Reason.UNREACHABLE})
"""The same answer for every pair on this endpoint: the timeline stops calling after one."""


@dataclass(frozen=True)
class Unavailable:
    """Changed blocks cannot be listed for this pair; ``message`` says why, in one line."""

    reason_code: Reason
    message: str
    error_code: str | None = None
    """The AWS error behind it, when there was a call (``ResourceNotFoundException``...)."""

    @property
    def title(self) -> str:
        return REASON_TITLES[self.reason_code]

    @property
    def transient(self) -> bool:
        return self.reason_code in TRANSIENT_REASONS


BlockResult = BlockDiff | Unavailable

_PLACEHOLDER = Unavailable(Reason.FAILED, "not listed yet")


@dataclass(frozen=True)
class Comparison:
    """Metadata side by side (always) plus the changed blocks or why there are none."""

    metadata: SnapshotDiff
    blocks: BlockResult

    @property
    def older(self) -> Snapshot:
        return self.metadata.older

    @property
    def newer(self) -> Snapshot:
        return self.metadata.newer


class CompareCancelled(Exception):
    """``cancel`` was set between two pages of ListChangedBlocks."""

    def __init__(self, first_id: str, second_id: str, blocks_seen: int) -> None:
        self.first_id = first_id
        self.second_id = second_id
        self.blocks_seen = blocks_seen
        super().__init__(f"compare of {first_id} and {second_id} cancelled after {blocks_seen}")


# ---------------------------------------------------------------------------------------------
# The cache.


class CompareCache:
    """Block results by the unordered pair of snapshot ids, least recently used out first.

    Transient ``Unavailable`` results (pending, throttled, unreachable...) are not kept.
    Not thread-safe: use it on the AwsContext's loop, like the rest of this module.
    """

    def __init__(self, max_entries: int = 512) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._max = max_entries
        self._entries: OrderedDict[frozenset[str], BlockResult] = OrderedDict()

    @staticmethod
    def _key(a_id: str, b_id: str) -> frozenset[str]:
        return frozenset((a_id, b_id))

    def get(self, a_id: str, b_id: str) -> BlockResult | None:
        key = self._key(a_id, b_id)
        result = self._entries.get(key)
        if result is not None:
            self._entries.move_to_end(key)
        return result

    def put(self, a_id: str, b_id: str, result: BlockResult) -> None:
        if isinstance(result, Unavailable) and result.transient:
            return
        key = self._key(a_id, b_id)
        self._entries[key] = result
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def discard(self, snapshot_id: str) -> int:
        """Forget every pair with this snapshot (deleted, restored from archive...)."""
        stale = [key for key in self._entries if snapshot_id in key]
        for key in stale:
            del self._entries[key]
        return len(stale)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, pair: object) -> bool:
        if not isinstance(pair, tuple) or len(pair) != 2:
            return False
        return self._key(str(pair[0]), str(pair[1])) in self._entries


# ---------------------------------------------------------------------------------------------
# Listing changed blocks.


def _int(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        return int(value)
    except ValueError:
        return None


async def changed_blocks(
    ctx: AwsContext,
    first: Snapshot,
    second: Snapshot,
    *,
    progress: Callable[[int], None] | None = None,
    cancel: CancelFlag | None = None,
    page_size: int = MAX_RESULTS,
) -> BlockDiff:
    """Every block that differs between two snapshots, older one first (whatever the order).

    One ``ListChangedBlocks`` call per page, each recorded by ``ctx``. ``progress(n)`` runs
    after every page with the blocks seen so far. ``cancel`` is checked before every page;
    when set, CompareCancelled is raised. Raises AwsError as ``ctx.call`` does, and AwsError
    ``RepeatedNextToken`` if the endpoint hands back a token it gave before.
    """
    if not 100 <= page_size <= MAX_RESULTS:
        raise ValueError(f"page_size must be within 100..{MAX_RESULTS} (the API's limits)")
    older, newer, _ = older_first(first, second)
    began = time.perf_counter()
    indexes: array[int] = array("q")
    tokens: set[str] = set()
    token: str | None = None
    pages = 0
    block_size: int | None = None
    volume_gib: int | None = None
    while True:
        if cancel is not None and cancel.is_set():
            raise CompareCancelled(older.id, newer.id, len(indexes))
        params: dict[str, Any] = {
            "FirstSnapshotId": older.id,
            "SecondSnapshotId": newer.id,
            "MaxResults": page_size,
        }
        if token:
            params["NextToken"] = token
        response = await ctx.call("ebs", "ListChangedBlocks", resource=newer.id, **params)
        pages += 1
        for block in response.get("ChangedBlocks") or ():
            index = _int(block.get("BlockIndex"))
            if index is not None and index >= 0:
                indexes.append(index)
        block_size = block_size or _int(response.get("BlockSize"))
        volume_gib = volume_gib or _int(response.get("VolumeSize"))
        if progress is not None:
            progress(len(indexes))
        token = response.get("NextToken") or None
        if token is None:
            break
        if token in tokens:
            raise AwsError(
                "RepeatedNextToken",
                f"the endpoint repeated a NextToken after {pages} pages; listing stopped",
                operation="ListChangedBlocks",
                resource=newer.id,
                service="ebs",
            )
        tokens.add(token)
    runs = _sorted_runs(indexes)
    size_gib = volume_gib or max(older.volume_size_gib, newer.volume_size_gib)
    return BlockDiff(
        first_id=older.id,
        second_id=newer.id,
        block_size=block_size or DEFAULT_BLOCK_SIZE,
        volume_size_bytes=size_gib * GIB,
        runs=runs,
        changed_blocks=sum(count for _, count in runs),
        pages=pages,
        seconds=time.perf_counter() - began,
    )


# ---------------------------------------------------------------------------------------------
# Why a pair cannot be compared.


def _state_words(snapshot: Snapshot) -> str:
    if snapshot.state == "pending" and snapshot.progress is not None:
        return f"pending ({snapshot.progress}%)"
    return snapshot.state


def why_not_comparable(a: Snapshot, b: Snapshot) -> Unavailable | None:
    """The reason ListChangedBlocks cannot work for this pair, from metadata alone (no call).

    None means "try it": the API may still refuse (no block data, permissions...). Permanent
    reasons are checked before the ones that go away by waiting.
    """
    if a.id == b.id:
        return Unavailable(Reason.SAME_SNAPSHOT, f"both sides are {a.id}")
    older, newer, _ = older_first(a, b)
    same_key = (
        older.data_encryption_key_id is not None
        and older.data_encryption_key_id == newer.data_encryption_key_id
    )
    if older.data_encryption_key_id and newer.data_encryption_key_id and not same_key:
        return Unavailable(
            Reason.UNRELATED,
            f"{older.id} and {newer.id} have different data encryption keys: "
            "they are not of one volume lineage",
        )
    # Snapshots made through the EBS direct API (and copies) show vol-ffffffff: no evidence.
    real_volumes = older.volume_id and newer.volume_id and not (older.is_copy or newer.is_copy)
    if not same_key and real_volumes and older.volume_id != newer.volume_id:
        return Unavailable(
            Reason.UNRELATED,
            f"{older.id} is of {older.volume_id} and {newer.id} of {newer.volume_id}, with no "
            "shared data encryption key: not one volume lineage",
        )
    if not same_key and older.encrypted != newer.encrypted:
        plain = newer if older.encrypted else older
        return Unavailable(
            Reason.ENCRYPTION,
            f"only one of them is encrypted ({plain.id} is not): not one volume lineage",
        )
    keys = (older.kms_key_id, newer.kms_key_id)
    if not same_key and all(keys) and keys[0] != keys[1]:
        return Unavailable(
            Reason.ENCRYPTION,
            f"encrypted with different KMS keys ({keys[0]} and {keys[1]}): not one volume lineage",
        )
    for snap in (older, newer):
        if snap.storage_tier == "archive":
            return Unavailable(
                Reason.ARCHIVED,
                f"{snap.id} is in the archive tier: restore it (24-72 h) to compare blocks",
            )
    for snap in (older, newer):
        if snap.state != "completed":
            return Unavailable(
                Reason.NOT_COMPLETED,
                f"{snap.id} is {_state_words(snap)}: blocks can be listed once it is completed",
            )
    return None


def _api_reason(error: AwsError) -> str | None:
    """The ``Reason`` member of an EBS direct error (UNRELATED_SNAPSHOTS...), when it has one."""
    cause = error.__cause__
    if isinstance(cause, ClientError):
        reason = (cause.response or {}).get("Reason")
        return str(reason) if reason else None
    return None


def _unavailable_from(
    error: AwsError, ctx: AwsContext, older: Snapshot, newer: Snapshot
) -> Unavailable:
    reason = _api_reason(error)
    pair = f"{older.id} and {newer.id}"
    if isinstance(error, NotSupportedError):
        where = ctx.endpoint("ebs") or "this endpoint"
        return Unavailable(
            Reason.NOT_SUPPORTED,
            f"not available on this endpoint: {where} has no EBS direct API "
            f"(ListChangedBlocks answered {error.code})",
            error.code,
        )
    if isinstance(error, AccessDeniedError):
        if reason == "DEPENDENCY_ACCESS_DENIED":
            return Unavailable(
                Reason.KMS_DENIED,
                f"the EBS direct API may not use the KMS key of {pair}: {error.message}",
                error.code,
            )
        action = error.action or "ebs:ListChangedBlocks"
        detail = error.message
        if action not in detail:
            detail += f" (missing permission: {action})"
        return Unavailable(
            Reason.ACCESS_DENIED, f"not allowed to list changed blocks: {detail}", error.code
        )
    if reason == "UNRELATED_SNAPSHOTS":
        return Unavailable(
            Reason.UNRELATED,
            f"AWS says {pair} are not of one volume lineage (UNRELATED_SNAPSHOTS)",
            error.code,
        )
    if reason == "INVALID_PAGE_TOKEN" or error.code == "RepeatedNextToken":
        return Unavailable(
            Reason.FAILED, f"paging broke off ({error.message}); try again", error.code
        )
    if isinstance(error, NotFoundError) or (
        isinstance(error, InvalidRequestError) and error.code == "ValidationException"
    ):
        return Unavailable(
            Reason.NO_BLOCK_DATA,
            f"the endpoint has no block data for {pair}: made by a tool without EBS direct "
            f"block data, or deleted ({error.code}: {error.message})",
            error.code,
        )
    if isinstance(error, ThrottledError):
        return Unavailable(
            Reason.THROTTLED,
            f"ListChangedBlocks was throttled; try again ({error.message})",
            error.code,
        )
    if isinstance(error, EndpointError):
        return Unavailable(
            Reason.UNREACHABLE, f"cannot reach the EBS direct API: {error.message}", error.code
        )
    return Unavailable(Reason.FAILED, str(error), error.code)


async def block_changes(
    ctx: AwsContext,
    first: Snapshot,
    second: Snapshot,
    *,
    cache: CompareCache | None = None,
    progress: Callable[[int], None] | None = None,
    cancel: CancelFlag | None = None,
    page_size: int = MAX_RESULTS,
) -> BlockResult:
    """``changed_blocks`` that never raises an AwsError: a BlockDiff, or why not.

    Checks the metadata first (``why_not_comparable``), then the cache, then calls.
    """
    older, newer, _ = older_first(first, second)
    refused = why_not_comparable(older, newer)
    if refused is not None:
        return refused
    if cache is not None:
        cached = cache.get(older.id, newer.id)
        if cached is not None:
            return cached
    result: BlockResult
    try:
        result = await changed_blocks(
            ctx, older, newer, progress=progress, cancel=cancel, page_size=page_size
        )
    except CompareCancelled as exc:
        return Unavailable(Reason.CANCELLED, f"cancelled after {exc.blocks_seen} blocks")
    except AwsError as error:
        result = _unavailable_from(error, ctx, older, newer)
    if cache is not None:
        cache.put(older.id, newer.id, result)
    return result


async def compare_snapshots(
    ctx: AwsContext,
    a: Snapshot,
    b: Snapshot,
    *,
    cache: CompareCache | None = None,
    progress: Callable[[int], None] | None = None,
    cancel: CancelFlag | None = None,
    page_size: int = MAX_RESULTS,
) -> Comparison:
    """The metadata diff (always) and the changed blocks, or the reason they are unavailable."""
    metadata = metadata_diff(a, b)
    blocks = await block_changes(
        ctx,
        metadata.older,
        metadata.newer,
        cache=cache,
        progress=progress,
        cancel=cancel,
        page_size=page_size,
    )
    return Comparison(metadata, blocks)


# ---------------------------------------------------------------------------------------------
# The generation timeline.


def _newest_first(snapshots: Iterable[Snapshot]) -> list[Snapshot]:
    def key(s: Snapshot) -> tuple[bool, float]:
        return (s.start_time is not None, s.start_time.timestamp() if s.start_time else 0.0)

    return sorted(snapshots, key=key, reverse=True)


async def changes_since_previous(
    ctx: AwsContext,
    generations: Sequence[Generation | Snapshot],
    *,
    limit: int = 3,
    cache: CompareCache | None = None,
    cancel: CancelFlag | None = None,
    page_size: int = MAX_RESULTS,
) -> dict[str, BlockResult]:
    """What changed in each generation since the one before it, keyed by the newer's id.

    Newest first. Cached pairs and pairs refused from metadata alone (pending, archived...)
    cost no call and are always included; at most ``limit`` other pairs are listed, newest
    first and concurrently. Call again (with the same ``cache``) to fill in more: a pair
    missing from the result has not been listed yet. The oldest generation has no entry.
    Once a pair fails for a reason that holds for the whole endpoint (no EBS direct API,
    no ebs:ListChangedBlocks permission, unreachable), every remaining pair gets that answer
    without a call.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    snapshots = _newest_first(g.snapshot if isinstance(g, Generation) else g for g in generations)
    results: dict[str, BlockResult] = {}
    todo: list[tuple[Snapshot, Snapshot]] = []
    for newer, older in zip(snapshots, snapshots[1:], strict=False):
        known = why_not_comparable(older, newer)
        if known is None and cache is not None:
            known = cache.get(older.id, newer.id)
        if known is not None:
            results[newer.id] = known
        else:
            results[newer.id] = _PLACEHOLDER  # keeps newest-first order
            todo.append((older, newer))
    batch, rest = todo[:limit], todo[limit:]
    outcomes = await asyncio.gather(
        *(
            block_changes(ctx, older, newer, cache=cache, cancel=cancel, page_size=page_size)
            for older, newer in batch
        )
    )
    for (_, newer), outcome in zip(batch, outcomes, strict=True):
        results[newer.id] = outcome
    wide = next(
        (
            o
            for o in outcomes
            if isinstance(o, Unavailable) and o.reason_code in ENDPOINT_WIDE_REASONS
        ),
        None,
    )
    for older, newer in rest:
        if wide is None:
            del results[newer.id]
            continue
        results[newer.id] = wide
        if cache is not None:
            cache.put(older.id, newer.id, wide)
    return results
