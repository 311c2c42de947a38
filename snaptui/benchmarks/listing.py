"""Baseline (boto3, three listings one after another) against snaptui's full inventory load.

Both use warm clients created before the clock starts (client creation is not timed) and the
same backend; runs alternate B, S, B, S... so server warm-up favours neither. "In memory" for
snaptui means every page was delivered as models to the caller's loop by ``AwsClient`` (the
app additionally files them in its Inventory: see the app phase's ``app_full_load_s``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from time import perf_counter
from typing import Any

from snaptui.benchmarks.common import REGION, median, note, process_cpu_s, rounded

KINDS = ("instances", "volumes", "snapshots")


def _boto3_client(endpoint: str) -> Any:
    import boto3
    from botocore.config import Config

    # boto3's defaults, except a read timeout that one 10,000-snapshot response cannot hit.
    return boto3.client(
        "ec2", region_name=REGION, endpoint_url=endpoint, config=Config(read_timeout=300)
    )


def baseline_run(ec2: Any, server_pid: int | None) -> dict[str, Any]:
    """Paginate the three listings one after another, as a script or the AWS CLI would."""
    calls = {
        "instances": ("describe_instances", {}),
        "volumes": ("describe_volumes", {}),
        "snapshots": ("describe_snapshots", {"OwnerIds": ["self"]}),
    }
    per_kind: dict[str, Any] = {}
    server_cpu = process_cpu_s(server_pid)
    cpu, began = time.process_time(), perf_counter()
    for kind, (operation, params) in calls.items():
        started, items, pages = perf_counter(), 0, 0
        for page in ec2.get_paginator(operation).paginate(**params):
            pages += 1
            if kind == "instances":
                items += sum(len(r["Instances"]) for r in page["Reservations"])
            else:
                items += len(page["Volumes" if kind == "volumes" else "Snapshots"])
        per_kind[kind] = {
            "seconds": rounded(perf_counter() - started),
            "items": items,
            "pages": pages,
        }
    total = perf_counter() - began
    return {
        "seconds": rounded(total),
        "client_cpu_s": rounded(time.process_time() - cpu, 3),
        "server_cpu_s": _delta(server_cpu, process_cpu_s(server_pid)),
        "kinds": per_kind,
    }


async def snaptui_run(client: Any, server_pid: int | None) -> dict[str, Any]:
    """All three listings through AwsClient, concurrently, as the app starts them."""
    held: list[Any] = []

    async def consume(kind: str, pages_of: AsyncIterator[list[Any]]) -> dict[str, Any]:
        first: float | None = None
        items = pages = 0
        async for page in pages_of:
            if first is None:
                first = perf_counter() - began
            held.extend(page)
            items += len(page)
            pages += 1
        return {
            "seconds": rounded(perf_counter() - began),
            "first_page_s": rounded(first),
            "items": items,
            "pages": pages,
        }

    server_cpu = process_cpu_s(server_pid)
    cpu, began = time.process_time(), perf_counter()
    results = await asyncio.gather(
        consume("instances", client.instances()),
        consume("volumes", client.volumes()),
        consume("snapshots", client.snapshots()),
    )
    total = perf_counter() - began
    return {
        "seconds": rounded(total),
        "client_cpu_s": rounded(time.process_time() - cpu, 3),
        "server_cpu_s": _delta(server_cpu, process_cpu_s(server_pid)),
        "kinds": dict(zip(KINDS, results, strict=True)),
        "models_in_memory": len(held),
    }


def _delta(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else round(after - before, 3)


async def run_listing(endpoint: str, repeat: int, server_pid: int | None) -> dict[str, Any]:
    from snaptui.aws.client import AwsClient
    from snaptui.aws.settings import AwsSettings

    ec2 = await asyncio.to_thread(_boto3_client, endpoint)
    client = AwsClient(AwsSettings(region=REGION, endpoint_url=endpoint))
    opened = perf_counter()
    await client.open()
    open_s = perf_counter() - opened
    try:
        # Warm both: model loading, connection pools, moto's first-request set-up.
        await asyncio.to_thread(ec2.describe_instances, MaxResults=5)
        await client.identity()
        baseline: list[dict[str, Any]] = []
        snaptui: list[dict[str, Any]] = []
        for run in range(1, repeat + 1):
            baseline.append(await asyncio.to_thread(baseline_run, ec2, server_pid))
            note(f"baseline run {run}/{repeat}: {baseline[-1]['seconds']:.2f} s")
            snaptui.append(await snaptui_run(client, server_pid))
            note(f"snaptui load run {run}/{repeat}: {snaptui[-1]['seconds']:.2f} s")
    finally:
        await client.close()
        ec2.close()
    base_median = median([r["seconds"] for r in baseline])
    load_median = median([r["seconds"] for r in snaptui])
    assert base_median is not None and load_median is not None
    counts = {kind: baseline[0]["kinds"][kind]["items"] for kind in KINDS}
    return {
        "counts": counts,
        "counts_match": all(
            r["kinds"][kind]["items"] == counts[kind] for r in snaptui for kind in KINDS
        ),
        "baseline": {
            "what": "boto3 paginators, describe_instances, describe_volumes, "
            "describe_snapshots(OwnerIds=['self']) one after another; default page sizes",
            "median_s": rounded(base_median),
            "runs_s": [r["seconds"] for r in baseline],
            "runs": baseline,
        },
        "snaptui_load": {
            "what": "snaptui.aws.AwsClient instances()/volumes()/snapshots() consumed "
            "concurrently until every page is delivered as models; snaptui's page sizes",
            "client_open_s": rounded(open_s),
            "median_s": rounded(load_median),
            "runs_s": [r["seconds"] for r in snaptui],
            "ratio_to_baseline": rounded(load_median / base_median, 3),
            "ratio_per_pair": [
                rounded(s["seconds"] / b["seconds"], 3)
                for b, s in zip(baseline, snaptui, strict=True)
            ],
            "runs": snaptui,
        },
    }
