"""How long ResourceTable takes to show 10,000 snapshot rows, and to re-show a filtered 3,000.

Usage: ``python scripts/table_perf.py [--rows 10000] [--repeat 5]``. Headless (``App.run_test``),
synthetic snapshots, the real snapshot columns. Prints medians; asserts nothing (the figures
depend on the machine). ``show`` is the call itself; ``paint`` the next screen refresh (the
rows are computed and drawn there, for the visible lines only); ``all measured`` the end of
the background measuring of new rows (the UI loop runs between its steps).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual.app import App, ComposeResult  # noqa: E402

from snaptui.aws.models import Snapshot, Volume  # noqa: E402
from snaptui.ui.columns import SNAPSHOT_COLUMNS, sort_indicator  # noqa: E402
from snaptui.ui.rows import SnapshotRow  # noqa: E402
from snaptui.ui.widgets.resource_table import ResourceTable  # noqa: E402

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def snapshot_rows(count: int, seed: int) -> list[SnapshotRow]:
    """*count* new row objects (a reload: nothing is measured yet)."""
    rnd = random.Random(seed)
    volumes = [
        Volume.from_api(
            {"VolumeId": f"vol-{i:017x}", "Size": rnd.choice([8, 100, 400]), "VolumeType": "gp3",
             "State": "in-use", "AvailabilityZone": "us-east-1a", "CreateTime": NOW,
             "Tags": [{"Key": "Name", "Value": f"prod-db-{i}-pgdata"}]}
        )
        for i in range(300)
    ]  # fmt: skip
    rows = []
    for i in range(count):
        volume = rnd.choice(volumes)
        pending = i % 500 == 0
        state, progress = ("pending", "40%") if pending else ("completed", "100%")
        started = NOW - timedelta(hours=rnd.randint(1, 5000))
        snapshot = Snapshot.from_api(
            {"SnapshotId": f"snap-{seed:02d}{i:015x}", "VolumeId": volume.id,
             "State": state, "Progress": progress, "StartTime": started,
             "VolumeSize": volume.size_gib,
             "Description": rnd.choice(["nightly", "pre-deploy backup of the primary cluster", ""]),
             "Encrypted": False, "OwnerId": "123456789012", "StorageTier": "standard",
             "Tags": [{"Key": "Name", "Value": f"snap {i}"}] if i % 2 else []}
        )  # fmt: skip
        origin = "orphan" if i % 97 == 0 else "volume"
        rows.append(SnapshotRow(snapshot, volume if origin == "volume" else None, origin))
    return rows


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ResourceTable(id="table")


async def measure(count: int, repeat: int) -> dict[str, list[float]]:
    app = TableApp()
    figures: dict[str, list[float]] = {}
    labels = [sort_indicator(c, _Unsorted()) for c in SNAPSHOT_COLUMNS]
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.query_one(ResourceTable)
        table.focus()
        paints: list[float] = []
        refresh = app.screen._compositor_refresh

        def timed_refresh() -> None:
            began = perf_counter()
            refresh()
            paints.append(perf_counter() - began)

        app.screen._compositor_refresh = timed_refresh  # type: ignore[method-assign]

        async def step(name: str, items: list[SnapshotRow]) -> None:
            began = perf_counter()
            table.show(SNAPSHOT_COLUMNS, labels, items, NOW)
            shown = perf_counter() - began
            background = bool(table._unmeasured)
            del paints[:]
            await pilot.pause()
            figures.setdefault(f"{name}: show", []).append(shown)
            painted = shown + (paints[0] if paints else 0.0)
            figures.setdefault(f"{name}: show + paint", []).append(painted)
            if background:  # a first show: the rest is measured in the background
                while table._unmeasured:
                    await pilot.pause()
                measured = perf_counter() - began
                figures.setdefault(f"{name}: all measured (bg)", []).append(measured)

        for run in range(repeat):
            rows = snapshot_rows(count, seed=run)
            await step(f"{count:,} new rows", rows)
            await step(f"filter to {len(rows[::3]):,}", rows[::3])
            await step(f"back to {count:,}", rows)
            table.show(SNAPSHOT_COLUMNS, labels, [], NOW)
            await pilot.pause()
    return figures


class _Unsorted:
    sort_key = None
    sort_reverse = False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    figures = asyncio.run(measure(args.rows, args.repeat))
    for name, values in figures.items():
        print(
            f"{name:36} median {1000 * statistics.median(values):6.1f} ms"
            f"   max {1000 * max(values):6.1f} ms"
        )


if __name__ == "__main__":
    main()
