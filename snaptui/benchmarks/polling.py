"""Progress polling cost: DescribeSnapshots calls per polling interval with N snapshots pending.

For each N: create N snapshots through the app's own AwsClient (the backend's ``ec2::snapshot``
transition is switched to ``manual``, so they stay pending for the whole stage and their
Progress moves at every poll; the previous transition is restored afterwards), file them in the
app's inventory as a create would, then let the app's own 1 s poll tick run ``rounds`` polls.
Calls are counted from the AwsClient's call records; each call is attributed to the poll that
started before it. The probe snapshots are removed from the inventory after their stage and
deleted at the end. Each stage's ``ui_stall`` covers the polls only (the rebuild that filing
the new snapshots causes is let finish before the window opens).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Iterable
from time import perf_counter
from typing import Any, TypeVar

from snaptui.benchmarks.common import median, moto_api, note, rounded
from snaptui.benchmarks.monitor import LoopMonitor

MODEL = "ec2::snapshot"
PROBE_DESCRIPTION = "snaptui bench: polling probe"
IMMEDIATE = {"progression": "immediate"}
CONCURRENCY = 8
T = TypeVar("T")


async def wait_until(predicate: Any, within: float, what: str) -> None:
    deadline = perf_counter() + within
    while not predicate():
        if perf_counter() > deadline:
            raise TimeoutError(f"{what}: not within {within:g} s")
        await asyncio.sleep(0.01)


async def _create(app: Any, volume_id: str) -> str:
    response = await app.client.run(
        lambda s: s.ctx.call(
            "ec2", "CreateSnapshot", VolumeId=volume_id, Description=PROBE_DESCRIPTION
        )
    )
    return str(response["SnapshotId"])


async def _delete(app: Any, snapshot_id: str) -> None:
    await app.client.run(lambda s: s.ctx.call("ec2", "DeleteSnapshot", SnapshotId=snapshot_id))


async def _many(calls: Iterable[Awaitable[T]], *, return_exceptions: bool = False) -> list[Any]:
    """Await *calls* CONCURRENCY at a time (the AwsClient's loop runs them side by side)."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(call: Awaitable[T]) -> T:
        async with gate:
            return await call

    return await asyncio.gather(*(one(c) for c in calls), return_exceptions=return_exceptions)


async def measure_polling(
    app: Any,
    pilot: Any,
    endpoint: str,
    monitor: LoopMonitor,
    *,
    stages: tuple[int, ...],
    rounds: int,
) -> dict[str, Any]:
    from snaptui.ui.inventory import Kind
    from snaptui.ui.messages import InventoryChanged

    query = f"/moto-api/state-manager/get-transition?model_name={MODEL}"
    previous = await asyncio.to_thread(moto_api, endpoint, query)
    # Each describe that returns a snapshot is one tick: with rounds + 5 ticks (at least 10) to
    # completion, the probes stay pending through the stage and their Progress moves at every
    # poll, so each poll also costs the app the redraw a real progress change causes.
    manual = {"progression": "manual", "times": max(10, rounds + 5)}
    await asyncio.to_thread(
        moto_api,
        endpoint,
        "/moto-api/state-manager/set-transition",
        {"model_name": MODEL, "transition": manual},
    )
    poll_starts: list[float] = []
    describes: list[float] = []
    original_started = app.poll.started

    def started(now: float) -> None:
        poll_starts.append(perf_counter())
        original_started(now)

    def on_call(record: Any) -> None:
        if record.operation in ("DescribeSnapshots", "describe_snapshots"):
            describes.append(perf_counter())

    app.poll.started = started
    app.client.add_listener(on_call)
    created: list[str] = []
    results: dict[str, Any] = {}
    volume_id = sorted(app.inventory.volumes)[0]
    began = perf_counter()
    try:
        for count in stages:
            began_create = perf_counter()
            ids = await _many(_create(app, volume_id) for _ in range(count))
            created += ids
            create_s = perf_counter() - began_create
            app.inventory.update_snapshots(await app.client.refresh_snapshots(ids))
            app.tell(InventoryChanged(Kind.SNAPSHOTS))
            pending = len(app.inventory.pending_snapshot_ids())
            # Let the table take the new rows (a rebuild) before the stage's window opens.
            await wait_until(
                lambda: all(i in app.browser.table.items for i in ids),  # noqa: B023
                60,
                "the new snapshots in the table",
            )
            await pilot.pause()
            await wait_until(lambda: not app._polling, 30, "a poll in flight")
            first = len(poll_starts)
            stage_began = perf_counter()
            await wait_until(
                lambda: len(poll_starts) - first >= rounds and not app._polling,  # noqa: B023
                rounds * app.poll.interval * 3 + 15,
                f"{rounds} polls with {count} pending",
            )
            starts = poll_starts[first:]
            bounds = [*starts[1:], math.inf]
            per_poll = [
                sum(1 for t in describes if a <= t < b) for a, b in zip(starts, bounds, strict=True)
            ]
            gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
            results[str(count)] = {
                "created": count,
                "pending_in_inventory": pending,
                "polls": len(starts),
                "describe_snapshots_calls": sum(per_poll),
                "calls_per_interval": per_poll,
                "max_calls_per_interval": max(per_poll),
                "observed_interval_s": rounded(median(gaps), 3),
                "create_s": rounded(create_s, 3),
                "seconds": rounded(perf_counter() - stage_began, 3),
                "ui_stall": monitor.window(stage_began, perf_counter()),
            }
            note(f"polling with {count} pending: {per_poll} DescribeSnapshots per interval")
            app.inventory.remove(Kind.SNAPSHOTS, ids)
            app.tell(InventoryChanged(Kind.SNAPSHOTS))
    finally:
        del app.poll.started  # the instance attribute; the method is back
        app.client.remove_listener(on_call)
        outcomes = await _many((_delete(app, i) for i in created), return_exceptions=True)
        cleanup_errors = sum(1 for outcome in outcomes if isinstance(outcome, BaseException))
        restore = previous if isinstance(previous, dict) and previous else IMMEDIATE
        await asyncio.to_thread(
            moto_api,
            endpoint,
            "/moto-api/state-manager/set-transition",
            {"model_name": MODEL, "transition": restore},
        )
    return {
        "what": "DescribeSnapshots calls the app makes per polling interval, by number of "
        "pending snapshots (one interval = from one poll start to the next)",
        "refresh_interval_s": app.poll.base,
        "rounds": rounds,
        "transition_during_test": manual,
        "transition_restored": previous,
        "probe_snapshots_deleted": len(created) - cleanup_errors,
        "cleanup_errors": cleanup_errors,
        "seconds": rounded(perf_counter() - began, 3),
        "by_pending": results,
    }
