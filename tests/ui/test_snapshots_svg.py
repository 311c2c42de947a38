"""SVG snapshots of the main views at 80x24 and 120x40, from the app on the seeded demo data.

The demo seed and the app's clock are pinned to one instant so ages and times are stable;
everything else (ids included) is deterministic in the seed. Update after a reviewed change:
``pytest tests/ui/test_snapshots_svg.py --snapshot-update``.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from moto.core import utils as moto_utils

from snaptui.aws.settings import AwsSettings
from snaptui.ui.app import SnaptuiApp
from snaptui.ui.inventory import Kind
from tests.ui.helpers import wait_for

FIXED_NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


@pytest.fixture
def pinned_demo(moto, monkeypatch):
    monkeypatch.setattr(moto_utils, "utcnow", lambda: FIXED_NOW.replace(tzinfo=None))
    monkeypatch.setenv("TZ", "UTC")  # the header shows local time
    time.tzset()
    from snaptui.demo.seed import seed

    return moto, seed("small")


def demo_app(endpoint: str) -> SnaptuiApp:
    app = SnaptuiApp(
        AwsSettings(region="us-east-1", endpoint_url=endpoint),
        demo=True,
        profile_label="demo",
        endpoint_label="http://127.0.0.1:5000",
        clock=lambda: FIXED_NOW,
    )
    app.poll.paused = True  # progress polling is timing; these pictures are about layout
    return app


async def settle(pilot) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: app.inventory.loaded >= set(Kind) and not app.loading)
    await pilot.pause(0.2)


def keys_for(view: str, summary) -> list[str]:
    return {"instances": [], "snapshots": ["3"], "volumes": ["2"], "images": ["4"]}[view]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("view", ["instances", "volumes", "snapshots", "images"])
def test_view(snap_compare, pinned_demo, size, view):
    endpoint, summary = pinned_demo

    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys_for(view, summary):
            await pilot.press(key)
        await pilot.pause(0.2)

    assert snap_compare(demo_app(endpoint), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_generations(snap_compare, pinned_demo, size):
    endpoint, summary = pinned_demo

    async def run_before(pilot) -> None:
        await settle(pilot)
        app = pilot.app
        browser = app.browser
        db = next(i.id for i in app.inventory.instances.values() if i.name == "prod-db-primary")
        browser.table.move_cursor(row=browser.table._order.index(db))
        await pilot.press("enter")
        volume = summary.ebs_direct_volume_id
        browser.table.move_cursor(row=browser.table._order.index(volume))
        await pilot.press("enter")
        wanted = {g.id for g in app.inventory.generations_of(volume) if not g.is_oldest}
        await wait_for(pilot, lambda: wanted <= app.inventory.block_changes.keys(), within=30)
        await pilot.pause(0.2)

    assert snap_compare(demo_app(endpoint), terminal_size=size, run_before=run_before)


def test_compare_burst_night(snap_compare, pinned_demo):
    """The generation with the burst of changes against the one before it."""
    endpoint, summary = pinned_demo

    async def run_before(pilot) -> None:
        await settle(pilot)
        app = pilot.app
        generations = app.inventory.generations_of(summary.ebs_direct_volume_id)
        burst = generations[7]  # the seeded burst night (726 blocks)
        await pilot.press("3")
        app.browser.table.move_cursor(row=app.browser.table._order.index(burst.id))
        await pilot.press("c")
        await wait_for(pilot, lambda: getattr(app.screen, "comparison", None) is not None)
        # The table sizes its columns when idle: on a busy machine that comes later.
        table = app.screen.query_one("#compare-table")
        await wait_for(pilot, lambda: not table._require_update_dimensions)
        await pilot.pause(0.2)

    assert snap_compare(demo_app(endpoint), terminal_size=(120, 40), run_before=run_before)
