"""Measure how long listing snapshots stalls the event loop of the caller (the UI's loop).

Starts moto in-process on 127.0.0.1 with snaptui's demo shim, seeds N snapshots through moto's
backend objects, then lists them twice while a 5 ms ticker runs on the measuring loop:

- ``direct``: AwsContext + Ec2Service on the measuring loop itself (botocore parses there);
- ``client``: AwsClient, whose own loop in a background thread does the parsing.

It prints the largest gap between ticks (the worst freeze a UI would see) and the p99.

    python scripts/measure_aws_stall.py [--snapshots 3000] [--page-size 500] [--runs 3]
        [--server thread|process] [--freeze-gc]

``--server process`` runs moto in a child process (as ``snaptui --demo`` does), so only the
client's own work shares the GIL. ``--freeze-gc`` calls ``gc.freeze()`` after start-up: the
largest remaining pauses are full (generation 2) collections over every live object, moto's
seeded state included, and they stop every thread. Needs the demo extra (moto). Never contacts
anything but 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "AKIAFAKEFAKEFAKE0000",
        "AWS_SECRET_ACCESS_KEY": "fake",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
    }
)
for _name in [n for n in os.environ if n.startswith(("AWS_ENDPOINT_URL", "AWS_PROFILE"))]:
    del os.environ[_name]

from snaptui.aws import AwsClient, AwsContext, AwsSettings, Ec2Service, PageSizes  # noqa: E402

REGION = "us-east-1"
ACCOUNT = "123456789012"
TICK = 0.005


def start_moto() -> tuple[object, str]:
    from moto.server import ThreadedMotoServer

    from snaptui.demo import shim

    shim.apply()
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


def seed(count: int) -> None:
    from moto.ec2.models import ec2_backends

    backend = ec2_backends[ACCOUNT][REGION]
    volumes = [
        backend.create_volume(size=8, zone_name=f"{REGION}a") for _ in range(max(count // 100, 1))
    ]
    for i in range(count):
        volume = volumes[i % len(volumes)]
        snapshot = backend.create_snapshot(volume.id, f"nightly {i}")
        snapshot.status = "completed"
        backend.create_tags([snapshot.id], {"Name": f"nightly-{i}", "policy": "daily"})


async def measure(consume: Callable[[], AsyncIterator[list]]) -> tuple[float, float, int, float]:
    """Run ``consume`` while ticking every 5 ms; (max gap, p99 gap, items, seconds)."""
    gaps: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(TICK)
            now = time.perf_counter()
            gaps.append(now - last - TICK)
            last = now

    tick_task = asyncio.create_task(ticker())
    await asyncio.sleep(0.05)
    started = time.perf_counter()
    items = 0
    async for page in consume():
        items += len(page)
    elapsed = time.perf_counter() - started
    done.set()
    await tick_task
    gaps.sort()
    p99 = gaps[int(len(gaps) * 0.99) - 1] if gaps else 0.0
    return max(gaps, default=0.0), p99, items, elapsed


def serve_child(count: int) -> None:
    """``--serve``: the child process of ``--server process``; lives until stdin closes."""
    server, endpoint = start_moto()
    seed(count)
    print(endpoint, flush=True)
    sys.stdin.read()
    server.stop()  # type: ignore[attr-defined]


def start_child(count: int) -> tuple[subprocess.Popen[str], str]:
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--snapshots", str(count)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdout is not None
    endpoint = child.stdout.readline().strip()
    if not endpoint.startswith("http://127.0.0.1:"):
        child.kill()
        raise SystemExit(f"the moto child did not start: {endpoint!r}")
    return child, endpoint


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshots", type=int, default=3000)
    parser.add_argument("--page-size", type=int, default=PageSizes().snapshots)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--server", choices=("thread", "process"), default="thread")
    parser.add_argument("--freeze-gc", action="store_true")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_child(args.snapshots)
        return

    if args.server == "thread":
        server, endpoint = start_moto()
        seed(args.snapshots)
        stop = server.stop  # type: ignore[attr-defined]
    else:
        child, endpoint = start_child(args.snapshots)
        stop = child.communicate
    try:
        settings = AwsSettings(region=REGION, endpoint_url=endpoint, max_attempts=1)
        pages = PageSizes(snapshots=args.page_size)
        print(
            f"{args.snapshots} snapshots, page size {args.page_size}, 5 ms ticker, "
            f"moto in a {args.server}{', gc frozen' if args.freeze_gc else ''}"
        )
        results: dict[str, list[tuple[float, float, int, float]]] = {"direct": [], "client": []}
        async with AwsContext(settings) as ctx, AwsClient(settings, page_sizes=pages) as client:
            service = Ec2Service(ctx, pages)
            await service.identity()  # warm up both (backend initialisation, connections)
            await client.identity()
            if args.freeze_gc:
                gc.collect()
                gc.freeze()
            for _ in range(args.runs):
                results["direct"].append(await measure(service.snapshots))
                results["client"].append(await measure(client.snapshots))
        for name, runs in results.items():
            worst = [r[0] * 1000 for r in runs]
            p99 = [r[1] * 1000 for r in runs]
            print(
                f"{name:>6}: max gap {statistics.median(worst):6.1f} ms (runs: "
                + ", ".join(f"{w:.1f}" for w in worst)
                + f"), p99 {statistics.median(p99):5.1f} ms, "
                f"{runs[0][2]} items in {statistics.median(r[3] for r in runs):.2f} s"
            )
    finally:
        stop()


if __name__ == "__main__":
    asyncio.run(main())
