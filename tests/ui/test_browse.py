"""Browsing as a user does it, against the seeded demo fleet on moto over HTTP."""

from __future__ import annotations

import gc
import weakref

import boto3
import pytest
from moto.moto_api import state_manager

from snaptui.aws.settings import AwsSettings
from snaptui.ui.app import SnaptuiApp
from snaptui.ui.inventory import Kind
from snaptui.ui.views import ViewKind
from tests.ui.helpers import plain, wait_for


def make_app(endpoint: str, **kwargs) -> SnaptuiApp:
    settings = AwsSettings(region="us-east-1", endpoint_url=endpoint)
    return SnaptuiApp(settings, demo=True, profile_label="demo", endpoint_label=endpoint, **kwargs)


async def loaded(app: SnaptuiApp, pilot) -> None:
    await wait_for(pilot, lambda: app.inventory.loaded >= set(Kind) and not app.loading)


def row_names(app: SnaptuiApp) -> list[str]:
    table = app.browser.table
    return [getattr(table.items[key], "name", key) for key in table._order]


def cell_text(app: SnaptuiApp, row_id: str, column: str) -> str:
    return str(app.browser.table.get_cell(row_id, column))


async def move_to(pilot, app: SnaptuiApp, row_id: str) -> None:
    table = app.browser.table
    table.move_cursor(row=table._order.index(row_id))
    await pilot.pause()


def instance_id(app: SnaptuiApp, name: str) -> str:
    return next(i.id for i in app.inventory.instances.values() if i.name == name)


async def test_drill_down_to_generations_and_back_keeps_the_cursor(seeded):
    endpoint, summary = seeded
    app = make_app(endpoint)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        db = instance_id(app, "prod-db-primary")
        await move_to(pilot, app, db)
        await pilot.press("enter")
        browser = app.browser
        assert browser.state.kind == ViewKind.INSTANCE_VOLUMES
        devices = [cell_text(app, key, "device") for key in browser.table._order]
        assert devices[0].startswith("/dev/sda1") and "/dev/sdf" in devices
        crumbs = str(browser.query_one("#crumbs").render())
        assert "instances › prod-db-primary" in crumbs

        pgdata = summary.ebs_direct_volume_id
        await move_to(pilot, app, pgdata)
        await pilot.press("enter")
        assert browser.state.kind == ViewKind.GENERATIONS
        ids = browser.table._order
        expected = [g.id for g in app.inventory.generations_of(pgdata)]
        assert ids == expected and len(ids) >= 14
        starts = [app.inventory.snapshots[i].start_time for i in ids]
        assert starts == sorted(starts, reverse=True)  # newest first
        assert cell_text(app, ids[0], "position") == "1"
        assert "/dev/sdf" in str(browser.query_one("#crumbs").render())

        await pilot.press("escape")
        assert browser.state.kind == ViewKind.INSTANCE_VOLUMES
        assert browser.table.selected_id == pgdata
        await pilot.press("escape")
        assert browser.state.kind == ViewKind.INSTANCES
        assert browser.table.selected_id == db


async def test_filter_narrows_live_and_escape_clears(seeded):
    endpoint, _ = seeded
    app = make_app(endpoint)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        total = app.browser.table.row_count
        await pilot.press("slash", *"staging")
        assert app.browser.query_one("#filter").has_focus
        assert row_names(app) and all("staging" in name for name in row_names(app))
        assert app.browser.table.row_count < total
        assert "/staging" in str(app.browser.query_one("#crumbs").render())
        await pilot.press("enter")  # keep the filter, back to the table
        assert app.browser.table.has_focus and app.browser.state.filter_text == "staging"
        await pilot.press("escape")  # clears the filter
        assert app.browser.table.row_count == total


async def test_sorting_by_column_shows_an_indicator_and_flips(seeded):
    endpoint, _ = seeded
    app = make_app(endpoint)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2")  # volumes
        table = app.browser.table
        assert app.browser.state.kind == ViewKind.VOLUMES
        app.browser._set_state(app.browser.state.__class__(ViewKind.VOLUMES, sort_key="size"))
        await pilot.pause()
        sizes = [table.items[k].volume.size_gib for k in table._order]
        assert sizes == sorted(sizes)
        assert any("▲" in str(c.label) for c in table.columns.values() if "Size" in str(c.label))
        await pilot.press("O")
        sizes = [table.items[k].volume.size_gib for k in table._order]
        assert sizes == sorted(sizes, reverse=True)
        assert any("▼" in str(c.label) for c in table.columns.values())
        before = app.browser.state.sort_key
        await pilot.press("o")
        assert app.browser.state.sort_key != before


async def test_command_line_switches_views_and_reports_mistakes(seeded):
    endpoint, _ = seeded
    app = make_app(endpoint)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("colon", *"snap")
        prompt = app.browser.query_one("#command")
        await wait_for(pilot, lambda: prompt._suggestion == "snapshots")
        await pilot.press("tab", "enter")
        assert app.browser.state.kind == ViewKind.SNAPSHOTS
        starts = [app.browser.table.items[k].snapshot.start_time for k in app.browser.table._order]
        assert starts[:50] == sorted(starts[:50], reverse=True)

        await pilot.press("colon", *"frobnicate", "enter")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("unknown command ':frobnicate'" in m for m in messages)
        assert app.is_running


async def test_region_switch_reloads_the_other_region(seeded):
    endpoint, summary = seeded
    app = make_app(endpoint)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        assert len(app.inventory.instances) > 0
        await pilot.press("colon", *"region us-west-2", "enter")
        await wait_for(pilot, lambda: app.settings.region == "us-west-2")
        await loaded(app, pilot)
        assert app.inventory.instances == {}
        assert set(app.inventory.snapshots) == set(summary.copy_snapshot_ids)
        assert "us-west-2" in str(app.browser.query_one("#status").render())


async def test_help_lists_every_key(seeded):
    endpoint, _ = seeded
    app = make_app(endpoint)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        text = plain(app.screen.query_one("#help-body"))
        for key, words in [
            ("/", "Filter"),
            (":", "Command"),
            ("esc", "Back"),
            ("o", "Sort"),
            ("y", "Copy id"),
            ("p", "Pause"),
            ("@", "AWS calls"),
            ("ctrl+p", "palette"),
            ("q", "Quit"),
        ]:
            assert key in text and words in text, (key, words)
        await pilot.press("escape")
        assert app.screen is app.browser


async def test_pending_snapshot_climbs_to_completed_in_place(seeded):
    endpoint, _ = seeded
    ec2 = boto3.client("ec2", region_name="us-east-1", endpoint_url=endpoint)
    volume = ec2.describe_volumes()["Volumes"][0]["VolumeId"]
    state_manager.set_transition("ec2::snapshot", {"progression": "manual", "times": 4})
    snapshot = ec2.create_snapshot(VolumeId=volume, Description="pre-deploy")["SnapshotId"]
    app = make_app(endpoint, refresh_interval=1.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("3")
        table = app.browser.table
        await wait_for(pilot, lambda: snapshot in table.items)
        seen = {cell_text(app, snapshot, "state")}
        position = table._order.index(snapshot)
        table.move_cursor(row=position)
        await wait_for(
            pilot,
            lambda: seen.add(cell_text(app, snapshot, "state")) or "completed" in seen,
            within=20,
        )
        assert any("%" in s and "pending" in s for s in seen)
        assert table.selected_id == snapshot  # the cursor stayed on the row
        polls = [
            c
            for c in app.calls
            if c.operation == "DescribeSnapshots" and "SnapshotIds" in str(c.params)
        ]
        assert polls, "progress came from DescribeSnapshots(SnapshotIds=...)"
        calls_before = len(app.calls)
        await pilot.pause(2.5)
        assert not [c for c in list(app.calls)[calls_before:] if c.operation == "DescribeSnapshots"]


async def test_pause_stops_polling(seeded):
    endpoint, _ = seeded
    ec2 = boto3.client("ec2", region_name="us-east-1", endpoint_url=endpoint)
    volume = ec2.describe_volumes()["Volumes"][0]["VolumeId"]
    state_manager.set_transition("ec2::snapshot", {"progression": "manual", "times": 50})
    ec2.create_snapshot(VolumeId=volume)
    app = make_app(endpoint, refresh_interval=1.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("p")
        assert "paused" in str(app.browser.query_one("#jobs").render())
        before = len(app.calls)
        await pilot.pause(2.5)
        assert [c.operation for c in list(app.calls)[before:]] == []


async def test_action_log_copy_and_details(seeded):
    endpoint, _ = seeded
    app = make_app(endpoint)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        selected = app.browser.table.selected_id
        details = plain(app.browser.query_one("#detail-body"))
        assert selected in details and "Tags" in details
        await pilot.press("y")
        assert app.clipboard == selected
        await pilot.press("at")
        log = app.screen.query_one("#log-table")
        operations = [str(log.get_row_at(i)[1]) for i in range(log.row_count)]
        assert "ec2:DescribeInstances" in operations and "sts:GetCallerIdentity" in operations
        assert all("secret" not in str(log.get_row_at(i)).lower() for i in range(log.row_count))


async def test_palette_finds_a_resource_by_name(seeded):
    endpoint, summary = seeded
    app = make_app(endpoint)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("ctrl+p", *"pgdata")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is app.browser)
        assert app.browser.state.kind == ViewKind.VOLUMES
        assert app.browser.table.selected_id == summary.ebs_direct_volume_id


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_narrow_terminals_keep_ids_and_states(seeded, size):
    endpoint, _ = seeded
    app = make_app(endpoint)
    async with app.run_test(size=size) as pilot:
        await loaded(app, pilot)
        for view in ("1", "2", "3", "4"):
            await pilot.press(view)
            keys = [str(c.key.value) for c in app.browser.table.columns.values()]
            assert "id" in keys and "state" in keys, (view, keys)
        details = app.browser.query_one("#details")
        assert details.display == (size[0] >= 110)
        await pilot.press("d")
        assert details.display == (size[0] < 110)


class ThrottledOnce:
    """An AwsClient whose first progress poll is throttled, as EC2 does under load."""

    def __init__(self, settings):
        from snaptui.aws.client import AwsClient

        self._client = AwsClient(settings)
        self.throttled = 0

    def __getattr__(self, name):
        return getattr(self._client, name)

    async def refresh_snapshots(self, ids):
        from snaptui.aws.errors import ThrottledError

        if not self.throttled:
            self.throttled += 1
            raise ThrottledError(
                "RequestLimitExceeded", "Request limit exceeded.", operation="DescribeSnapshots"
            )
        return await self._client.refresh_snapshots(ids)


async def test_throttled_polling_backs_off_and_recovers(seeded):
    endpoint, _ = seeded
    ec2 = boto3.client("ec2", region_name="us-east-1", endpoint_url=endpoint)
    volume = ec2.describe_volumes()["Volumes"][0]["VolumeId"]
    state_manager.set_transition("ec2::snapshot", {"progression": "manual", "times": 3})
    snapshot = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    app = make_app(endpoint, refresh_interval=1.0, client_factory=ThrottledOnce)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await wait_for(pilot, lambda: app.client.throttled == 1)
        jobs = app.browser.query_one("#jobs")
        # The status line shows the doubled interval until the next poll succeeds.
        await wait_for(pilot, lambda: "backing off: every 2s" in plain(jobs), within=5)
        assert any("RequestLimitExceeded" in n.message for n in app._notifications)
        await wait_for(pilot, lambda: app.inventory.snapshots[snapshot].state == "completed")
        assert app.poll.failures == 0  # recovered: back to the normal interval


async def test_a_screen_open_during_a_refresh_is_freed_after_it_closes(seeded):
    """Long sessions must not grow: whatever is on screen while a listing runs (a modal, a
    toast, a worker) is garbage once closed, and the cyclic GC must still be able to free it.
    (Freezing the heap for the GC on every listing page once kept such objects for good.)"""
    endpoint, _ = seeded
    app = make_app(endpoint)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: app.screen is not app.browser)
        help_screen = weakref.ref(app.screen)
        before = app.session_info.refreshed
        app.load(*Kind)
        await wait_for(pilot, lambda: app.session_info.refreshed != before and not app.loading)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.browser)
        await pilot.pause()
        gc.collect()
        assert help_screen() is None
