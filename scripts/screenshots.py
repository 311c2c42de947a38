"""Regenerate ``screenshots/`` from the real app on the demo backend.

Usage: ``python scripts/screenshots.py`` (needs the demo extra). Starts the demo backend in its
own process exactly as ``snaptui --demo`` does, drives the app headless with Textual's Pilot,
and saves SVGs (and PNGs when ``rsvg-convert`` is installed).
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from snaptui.aws.settings import AwsSettings  # noqa: E402
from snaptui.cli import _use_demo_credentials  # noqa: E402
from snaptui.demo.backend import DemoBackend  # noqa: E402
from snaptui.ui.app import SnaptuiApp  # noqa: E402

OUT = ROOT / "screenshots"
Scene = Callable[[SnaptuiApp, object], Awaitable[None]]


async def until(pilot, predicate: Callable[[], bool], within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"screenshots: the app did not get ready in {within}s")
        await pilot.pause(0.1)


async def loaded(app: SnaptuiApp, pilot) -> None:
    from snaptui.ui.inventory import Kind

    await until(pilot, lambda: app.inventory.loaded >= set(Kind) and not app.loading)


async def select(app: SnaptuiApp, pilot, predicate) -> None:
    table = app.browser.table
    row = next(i for i, key in enumerate(table._order) if predicate(table.items[key]))
    table.move_cursor(row=row)
    await pilot.pause()


async def instances(app: SnaptuiApp, pilot) -> None:
    await loaded(app, pilot)


async def generations(app: SnaptuiApp, pilot) -> None:
    await loaded(app, pilot)
    await select(app, pilot, lambda i: i.name == "prod-db-primary")
    await pilot.press("enter")
    await select(app, pilot, lambda v: v.device == "/dev/sdf")
    await pilot.press("enter")
    volume = app.browser.state.scope_id
    wanted = {g.id for g in app.inventory.generations_of(volume) if not g.is_oldest}
    await until(pilot, lambda: wanted <= app.inventory.block_changes.keys())


async def pending(app: SnaptuiApp, pilot) -> None:
    """All snapshots, newest first: the demo's pending ones climbing live."""
    await loaded(app, pilot)
    await pilot.press("3")
    await pilot.pause(3)


async def compare(app: SnaptuiApp, pilot) -> None:
    """The night with the burst of changes against the night before, from the timeline."""
    await generations(app, pilot)
    volume = app.browser.state.scope_id
    wanted = {g.id for g in app.inventory.generations_of(volume) if not g.is_oldest}
    await until(pilot, lambda: wanted <= app.inventory.block_changes.keys())
    burst = max(wanted, key=lambda k: app.inventory.block_changes[k].changed_blocks)
    await select(app, pilot, lambda g: g.id == burst)
    await pilot.press("c")
    await until(pilot, lambda: getattr(app.screen, "comparison", None) is not None)


async def confirm_snapshot(app: SnaptuiApp, pilot) -> None:
    """A pre-deploy snapshot of a volume: the summary, the permission check, Cancel focused."""
    from snaptui.ui.screens.action_form import ActionForm
    from snaptui.ui.screens.confirm import ConfirmScreen

    await loaded(app, pilot)
    await select(app, pilot, lambda i: i.name == "prod-db-primary")
    await pilot.press("enter")
    await select(app, pilot, lambda v: v.device == "/dev/sdf")
    await pilot.press("s")
    await until(pilot, lambda: isinstance(app.screen, ActionForm))
    app.screen.query_one("#field-reason").value = "pre-deploy 4.2.1"
    app.screen.query_one("#form-review").press()
    await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))


async def help_screen(app: SnaptuiApp, pilot) -> None:
    await loaded(app, pilot)
    await pilot.press("question_mark")


SCENES: dict[str, tuple[Scene, tuple[tuple[int, int], ...]]] = {
    "instances": (instances, ((120, 40), (80, 24))),
    "generations": (generations, ((120, 40), (80, 24))),
    "snapshots-pending": (pending, ((120, 40),)),
    "compare": (compare, ((120, 40),)),
    "confirm-snapshot": (confirm_snapshot, ((120, 40),)),
    "help": (help_screen, ((80, 24),)),
}


async def shoot(endpoint: str) -> list[Path]:
    written = []
    for name, (scene, sizes) in SCENES.items():
        for width, height in sizes:
            settings = AwsSettings(region="us-east-1", endpoint_url=endpoint)
            app = SnaptuiApp(
                settings,
                demo=True,
                profile_label="demo",
                endpoint_label=endpoint,
                refresh_interval=1.0,
            )
            async with app.run_test(size=(width, height)) as pilot:
                await scene(app, pilot)
                await pilot.pause(0.2)
                path = OUT / f"{name}-{width}x{height}.svg"
                app.save_screenshot(filename=path.name, path=str(OUT))
                written.append(path)
    return written


def main() -> int:
    OUT.mkdir(exist_ok=True)
    _use_demo_credentials()
    with DemoBackend() as backend:
        written = asyncio.run(shoot(backend.endpoint_url))
    converter = shutil.which("rsvg-convert")
    for svg in written:
        if converter:
            subprocess.run([converter, "-o", str(svg.with_suffix(".png")), str(svg)], check=True)
        print(f"wrote {svg.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
