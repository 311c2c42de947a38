"""Compare and the generation timeline, as a user reaches them, on the seeded demo data."""

from __future__ import annotations

import boto3

from snaptui.aws.compare import BlockDiff
from snaptui.ui.screens.compare import CompareScreen
from snaptui.ui.views import ViewKind
from tests.ui.helpers import plain, wait_for
from tests.ui.test_browse import cell_text, instance_id, loaded, make_app, move_to

BLOCK = 512 * 1024


async def open_generations(app, pilot, volume_id: str) -> None:
    await loaded(app, pilot)
    await move_to(pilot, app, instance_id(app, "prod-db-primary"))
    await pilot.press("enter")
    await move_to(pilot, app, volume_id)
    await pilot.press("enter")
    assert app.browser.state.kind == ViewKind.GENERATIONS


async def test_timeline_shows_exact_changed_bytes_and_the_burst(seeded):
    endpoint, summary = seeded
    app = make_app(endpoint)
    async with app.run_test(size=(120, 40)) as pilot:
        volume = summary.ebs_direct_volume_id
        await open_generations(app, pilot, volume)
        generations = app.inventory.generations_of(volume)
        wanted = {g.id for g in generations if not g.is_oldest}
        await wait_for(pilot, lambda: wanted <= app.inventory.block_changes.keys(), within=30)
        changes = {k: app.inventory.block_changes[k] for k in wanted}
        assert all(isinstance(c, BlockDiff) for c in changes.values())
        burst_id, burst = max(changes.items(), key=lambda kv: kv[1].changed_blocks)
        assert burst.changed_blocks == 726  # the seeded burst night
        assert burst.changed_bytes == 726 * BLOCK
        await pilot.pause(0.2)
        assert "363.0 MiB" in cell_text(app, burst_id, "changed")
        oldest = generations[-1].id
        assert cell_text(app, oldest, "changed") == "-"
        assert "changes" in plain(app.browser.query_one("#crumbs"))


async def test_c_compares_a_generation_with_the_one_before(seeded):
    endpoint, summary = seeded
    app = make_app(endpoint)
    async with app.run_test(size=(120, 40)) as pilot:
        volume = summary.ebs_direct_volume_id
        await open_generations(app, pilot, volume)
        newest, previous = app.inventory.generations_of(volume)[:2]
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        screen = app.screen
        assert (screen.older.id, screen.newer.id) == (previous.id, newest.id)
        await wait_for(pilot, lambda: screen.comparison is not None, within=20)
        table = screen.query_one("#compare-table")
        rows = [" | ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]
        text = "\n".join(rows)
        assert previous.id in text and newest.id in text
        assert "Changed data" in text and "blocks" in text and "MiB" in text
        await pilot.press("escape")
        assert app.screen is app.browser


async def test_mark_then_compare_two_chosen_snapshots(seeded):
    endpoint, summary = seeded
    app = make_app(endpoint)
    async with app.run_test(size=(120, 40)) as pilot:
        volume = summary.ebs_direct_volume_id
        await open_generations(app, pilot, volume)
        generations = app.inventory.generations_of(volume)
        wanted = {g.id for g in generations if not g.is_oldest}
        await wait_for(pilot, lambda: wanted <= app.inventory.block_changes.keys(), within=30)
        await move_to(pilot, app, generations[5].id)
        await pilot.press("m")
        assert app.browser.marked == generations[5].id
        assert f"marked {generations[5].id}" in plain(app.browser.query_one("#crumbs"))
        await move_to(pilot, app, generations[0].id)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        screen = app.screen
        assert (screen.older.id, screen.newer.id) == (generations[5].id, generations[0].id)
        await wait_for(pilot, lambda: screen.comparison is not None, within=20)
        got = screen.comparison.blocks
        nightly = [app.inventory.block_changes.get(g.id) for g in generations[:5]]
        nightly_blocks = [n.changed_blocks for n in nightly if isinstance(n, BlockDiff)]
        assert isinstance(got, BlockDiff)
        # Five nights of changes cover at least the busiest single night's blocks.
        assert got.changed_blocks >= max(nightly_blocks, default=1) > 0


async def test_snapshots_without_block_data_still_compare_metadata(seeded):
    endpoint, _ = seeded
    ec2 = boto3.client("ec2", region_name="us-east-1", endpoint_url=endpoint)
    volume = ec2.describe_volumes(Filters=[{"Name": "tag:Name", "Values": ["prod-web-1-www"]}])[
        "Volumes"
    ][0]["VolumeId"]
    app = make_app(endpoint)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2")
        await move_to(pilot, app, volume)
        await pilot.press("enter")
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        screen = app.screen
        await wait_for(pilot, lambda: screen.comparison is not None, within=20)
        text = plain(screen.query_one("#compare-progress"))
        assert "no block data" in text.lower() or "not available" in text.lower(), text
        table = screen.query_one("#compare-table")
        fields = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert any("Started" in f for f in fields) and any("Tags" in f for f in fields)


async def test_escape_cancels_a_running_compare(seeded):
    endpoint, summary = seeded
    app = make_app(endpoint)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_generations(app, pilot, summary.ebs_direct_volume_id)
        await pilot.press("c")
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert screen.cancel_flag.is_set()
        assert app.screen is app.browser
        assert app.is_running
