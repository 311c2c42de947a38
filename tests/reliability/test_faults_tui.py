"""Faults through the fault proxy, as a user of the TUI meets them (Textual's Pilot).

Each test runs the real app against the seeded moto fleet behind a FaultProxy and checks what
the screen says: a listing completes or fails with one clear line, progress polling backs off
and resumes by itself, a lost reply to a mutating call creates nothing twice (counted at the
backend), expired credentials keep the view, an unreachable endpoint is one message. In every
one of them no traceback reaches the screen and no background worker dies of an exception.
"""

from __future__ import annotations

import socket
import time
from typing import Any

import boto3
import pytest
from moto.moto_api import state_manager
from textual.worker import Worker, WorkerState

from snaptui.aws.audit import AuditLog
from snaptui.aws.settings import AwsSettings
from snaptui.ui.app import SnaptuiApp
from snaptui.ui.inventory import Kind
from snaptui.ui.polling import PollSchedule
from snaptui.ui.screens.auth import ReauthScreen
from snaptui.ui.views import ViewKind
from snaptui.ui.widgets.jobs_line import jobs_text
from tests.reliability.fault_proxy import FaultProxy
from tests.ui.helpers import plain, wait_for
from tests.ui.test_actions import fill_form, wait_for_confirm

REGION = "us-east-1"
READ_TIMEOUT = 1.0
SIZE = (120, 40)


class WatchedApp(SnaptuiApp):
    """The real app, remembering every notification (toasts expire) and every worker that died
    of an exception (``exit_on_error=False`` workers die silently)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notified: list[str] = []
        self.worker_errors: list[BaseException] = []

    def notify(self, message: str, *, title: str = "", **kwargs: Any) -> None:  # type: ignore[override]
        self.notified.append(f"{title}: {message}" if title else message)
        super().notify(message, title=title, **kwargs)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.worker_errors.append(event.worker.error)


def make_app(endpoint: str, *, max_attempts: int = 5, **kwargs: Any) -> WatchedApp:
    settings = AwsSettings(
        region=REGION, endpoint_url=endpoint, read_timeout=READ_TIMEOUT, max_attempts=max_attempts
    )
    return WatchedApp(settings, profile_label="default", endpoint_label=endpoint, **kwargs)


# -- the backend, asked directly (not through the proxy) ----------------------------------------


def backend(proxy: FaultProxy) -> Any:
    return boto3.client("ec2", region_name=REGION, endpoint_url=proxy.target)


def own_snapshot_ids(proxy: FaultProxy, volume: str | None = None) -> set[str]:
    filters = [{"Name": "volume-id", "Values": [volume]}] if volume else []
    found = backend(proxy).describe_snapshots(OwnerIds=["self"], Filters=filters)["Snapshots"]
    return {s["SnapshotId"] for s in found}


def volume_ids(proxy: FaultProxy) -> set[str]:
    return {v["VolumeId"] for v in backend(proxy).describe_volumes()["Volumes"]}


def pending_snapshot(proxy: FaultProxy) -> str:
    """A snapshot that stays pending until the test moves moto's transition on."""
    ec2 = backend(proxy)
    volume = ec2.describe_volumes()["Volumes"][0]["VolumeId"]
    state_manager.set_transition("ec2::snapshot", {"progression": "manual", "times": 1000})
    return ec2.create_snapshot(VolumeId=volume)["SnapshotId"]


def complete_pending_snapshots() -> None:
    state_manager.set_transition("ec2::snapshot", {"progression": "immediate"})


def progress_polls(proxy: FaultProxy) -> list:
    """The batched DescribeSnapshots of progress polling (by SnapshotIds), as the proxy saw them."""
    return [s for s in proxy.calls("DescribeSnapshots") if "SnapshotId.1" in s.params]


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


# -- what the user sees ---------------------------------------------------------------------------


async def loaded(app: SnaptuiApp, pilot: Any) -> None:
    await wait_for(pilot, lambda: app.inventory.loaded >= set(Kind) and not app.loading, 30)


def jobs_line(app: SnaptuiApp) -> str:
    return plain(app.browser.query_one("#jobs")).strip()


def visible_jobs_line(app: SnaptuiApp) -> str:
    """The status line as the terminal shows it: one row, cut at the screen's width."""
    widget = app.browser.query_one("#jobs")
    return plain(widget).splitlines()[0][: widget.size.width]


def shown(app: WatchedApp) -> str:
    """Everything the user could have read: the screen now, and every notification so far."""
    return "\n".join([app.export_screenshot(), jobs_line(app), *app.notified])


def assert_no_crash(app: WatchedApp) -> None:
    text = shown(app)
    assert "Traceback" not in text and 'File "' not in text, text[-2000:]
    assert app.worker_errors == [], app.worker_errors
    assert app.return_code is None and app.is_running


async def show_rows(pilot: Any, app: SnaptuiApp, key: str) -> set[str]:
    await pilot.press(key)
    await pilot.pause()
    return set(app.browser.table.items)


async def move_to(pilot: Any, app: SnaptuiApp, row_id: str) -> None:
    table = app.browser.table
    table.move_cursor(row=table._order.index(row_id))
    await pilot.pause()


def showing(app: SnaptuiApp, screen_type: type) -> bool:
    return isinstance(app.screen, screen_type) and bool(app.screen.query("Static"))


# ---------------------------------------------------------------------------------------------
# Listing under throttling


async def test_listing_under_a_little_throttling_completes(seeded_proxy: FaultProxy):
    proxy = seeded_proxy
    proxy.inject("throttle", operation="DescribeSnapshots", times=2)
    proxy.inject("throttle", operation="DescribeVolumes", times=2)
    app = make_app(proxy.url)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        assert await show_rows(pilot, app, "3") == own_snapshot_ids(proxy)
        assert await show_rows(pilot, app, "2") == volume_ids(proxy)
        for operation in ("DescribeSnapshots", "DescribeVolumes"):
            faults = [s.fault for s in proxy.calls(operation)]
            assert faults[:3] == ["throttle", "throttle", None]
        assert app.last_error is None and app.notified == []
        assert_no_crash(app)


async def test_listing_under_endless_throttling_says_so_and_r_recovers(seeded_proxy: FaultProxy):
    proxy = seeded_proxy
    proxy.inject("throttle", operation="DescribeSnapshots", times=None)
    app = make_app(proxy.url, max_attempts=2)
    async with app.run_test(size=SIZE) as pilot:
        error = "RequestLimitExceeded: Request limit exceeded. (DescribeSnapshots)"
        await wait_for(pilot, lambda: any(error in n for n in app.notified) and not app.loading)
        (message,) = app.notified
        assert message == f"Error listing snapshots: {error}"
        assert len(proxy.calls("DescribeSnapshots")) == 2  # max_attempts, no more
        assert Kind.SNAPSHOTS not in app.inventory.loaded
        assert_no_crash(app)

        proxy.clear()
        await pilot.press("3", "r")
        await wait_for(pilot, lambda: Kind.SNAPSHOTS in app.inventory.loaded and not app.loading)
        assert set(app.browser.table.items) == own_snapshot_ids(proxy)
        assert app.last_error is None and "RequestLimitExceeded" not in jobs_line(app)
        assert_no_crash(app)


async def test_a_failed_listing_stays_on_the_status_line_while_others_succeed(
    seeded_proxy: FaultProxy,
):
    proxy = seeded_proxy
    proxy.inject("throttle", operation="DescribeSnapshots", times=None)
    app = make_app(proxy.url, max_attempts=2)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.notified != [] and not app.loading)
        await pilot.press("1", "r")  # the instances load fine; the snapshots still have not
        await wait_for(pilot, lambda: len(proxy.calls("DescribeInstances")) >= 2)
        await wait_for(pilot, lambda: not app.loading)
        assert Kind.SNAPSHOTS not in app.inventory.loaded
        assert "RequestLimitExceeded" in jobs_line(app), jobs_line(app)


# ---------------------------------------------------------------------------------------------
# Other faults on a listing

LISTING_FAULTS = [("internal", 0.0), ("reset", 0.0), ("truncate", 0.0), ("slow", READ_TIMEOUT + 1)]


@pytest.mark.parametrize(("fault", "delay"), LISTING_FAULTS)
async def test_one_fault_on_a_listing_is_retried_unseen(seeded_proxy: FaultProxy, fault, delay):
    proxy = seeded_proxy
    proxy.inject(fault, operation="DescribeSnapshots", delay=delay)
    app = make_app(proxy.url)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        assert await show_rows(pilot, app, "3") == own_snapshot_ids(proxy)
        assert [s.fault for s in proxy.calls("DescribeSnapshots")][:2] == [fault, None]
        assert app.last_error is None and app.notified == []
        assert_no_crash(app)


LASTING_FAULTS = [
    # fault, delay, the start of the message
    pytest.param(
        "internal",
        0.0,
        "InternalError: An internal error has occurred (DescribeInstances)",
        id="internal",
    ),
    pytest.param(
        "reset",
        0.0,
        "EndpointConnectionError: connection to {url}/ was reset before a complete response "
        "(DescribeInstances)",
        id="reset",
    ),
    pytest.param(
        "truncate",
        0.0,
        "HTTPClientError: connection to {url}/ closed before a complete response "
        "(DescribeInstances)",
        id="truncate",
    ),
    pytest.param(
        "slow",
        READ_TIMEOUT + 1,
        "ReadTimeout: {url}/ did not answer in time (DescribeInstances)",
        id="slow",
    ),
]


@pytest.mark.parametrize(("fault", "delay", "expected"), LASTING_FAULTS)
async def test_a_lasting_fault_on_a_listing_is_one_line_and_the_rows_stay(
    seeded_proxy: FaultProxy, fault, delay, expected
):
    proxy = seeded_proxy
    app = make_app(proxy.url, max_attempts=2)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        rows = await show_rows(pilot, app, "1")
        proxy.inject(fault, operation="DescribeInstances", times=None, delay=delay)
        await pilot.press("r")
        await wait_for(pilot, lambda: app.last_error is not None and not app.loading)
        expected = expected.format(url=proxy.url)
        (message,) = app.notified
        assert message.startswith(f"Error listing instances: {expected}") and "\n" not in message
        assert "\n" not in (app.last_error or "")
        assert set(app.browser.table.items) == rows  # the view keeps its last good data
        assert len(proxy.calls("DescribeInstances")) == 1 + 2  # the first load, then 2 tries
        assert_no_crash(app)
        # What stays once the toast is gone: the status line, cut at the screen's width.
        line = visible_jobs_line(app)
        assert "DescribeInstances" in line and expected.split(":")[0] in line, line


# ---------------------------------------------------------------------------------------------
# Progress polling


async def test_progress_polling_backs_off_under_throttling_and_resumes(seeded_proxy: FaultProxy):
    proxy = seeded_proxy
    snapshot = pending_snapshot(proxy)
    app = make_app(proxy.url, max_attempts=1, refresh_interval=1.0)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        await pilot.press("3")
        await wait_for(pilot, lambda: snapshot in app.browser.table.items)
        await wait_for(pilot, lambda: len(progress_polls(proxy)) >= 1)
        assert app.poll.failures == 0

        proxy.inject("throttle", operation="DescribeSnapshots", times=None)
        await wait_for(pilot, lambda: app.poll.failures >= 2 and not app._polling, 15)
        throttled = [s for s in progress_polls(proxy) if s.fault == "throttle"]
        # One request per failed poll (no hidden retries), and each failure doubled the wait.
        assert (app.poll.failures, len(throttled), app.poll.interval) == (2, 2, 4.0)
        await wait_for(pilot, lambda: "backing off: every 4s" in jobs_line(app), within=5)
        warnings = [n for n in app.notified if "RequestLimitExceeded" in n]
        assert [n.rsplit(" — ", 1)[-1] for n in warnings] == [
            "polling every 2s",
            "polling every 4s",
        ]
        assert "(DescribeSnapshots)" in warnings[0]
        assert app.inventory.snapshots[snapshot].state == "pending"
        assert "pending" in str(app.browser.table.get_cell(snapshot, "state"))
        assert_no_crash(app)

        proxy.clear()
        complete_pending_snapshots()
        # No key press: the next poll (at most 4 s away) finds it completed.
        await wait_for(pilot, lambda: app.inventory.snapshots[snapshot].state == "completed")
        await wait_for(
            pilot, lambda: "completed" in str(app.browser.table.get_cell(snapshot, "state"))
        )
        assert app.poll.failures == 0 and "backing off" not in jobs_line(app)
        assert progress_polls(proxy)[-1].fault is None
        assert_no_crash(app)


def test_the_status_line_names_why_polling_backs_off():
    """The widget's half of the fix below: given the reason, the status line shows it."""
    schedule = PollSchedule(base=1.0)
    schedule.started(time.monotonic())
    schedule.failed("RequestLimitExceeded")
    schedule.failed("RequestLimitExceeded")
    text = jobs_text(pending=1, loading={}, poll=schedule, polling=False).plain
    assert "(RequestLimitExceeded; backing off: every 4s)" in text
    schedule.succeeded()
    assert schedule.reason is None


async def test_throttled_polling_is_named_on_the_status_line(seeded_proxy: FaultProxy):
    proxy = seeded_proxy
    pending_snapshot(proxy)
    app = make_app(proxy.url, max_attempts=1, refresh_interval=1.0)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        proxy.inject("throttle", operation="DescribeSnapshots", times=None)
        await wait_for(pilot, lambda: app.poll.failures >= 1 and not app._polling)
        assert "RequestLimitExceeded" in jobs_line(app), jobs_line(app)


# ---------------------------------------------------------------------------------------------
# Mutating calls whose reply is lost


@pytest.mark.parametrize(("fault", "delay"), [("slow", READ_TIMEOUT + 1), ("reset", 0.0)])
async def test_a_snapshot_whose_reply_is_lost_is_made_once_and_shown(
    seeded_proxy: FaultProxy, tmp_path, fault, delay
):
    proxy = seeded_proxy
    app = make_app(proxy.url, audit=AuditLog(path=tmp_path / "audit.jsonl"))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        await show_rows(pilot, app, "2")
        volume = app.browser.table._order[0]
        await move_to(pilot, app, volume)
        before = own_snapshot_ids(proxy, volume)
        await pilot.press("s")
        await fill_form(pilot, reason="fault injection")
        screen = await wait_for_confirm(pilot)
        proxy.inject(
            fault, operation="CreateSnapshot", after_forward=True, delay=delay, dry_run=False
        )
        screen.query_one("#confirm-go").press()
        await wait_for(pilot, lambda: any("Snapshot snap-" in n for n in app.notified), 20)

        (created,) = own_snapshot_ids(proxy, volume) - before  # exactly one, at the backend
        sent = [s for s in proxy.calls("CreateSnapshot") if not s.dry_run]
        assert len(sent) == 1 and sent[0].fault == fault
        (message,) = [n for n in app.notified if "Snapshot snap-" in n]
        assert f"Snapshot {created} of {volume}" in message
        assert "not created twice" in message
        await wait_for(pilot, lambda: created in app.inventory.snapshots)  # reloaded, listed
        assert_no_crash(app)


async def test_a_restore_whose_reply_is_lost_is_resent_once_with_its_token(
    seeded_proxy: FaultProxy, tmp_path
):
    proxy = seeded_proxy
    app = make_app(proxy.url, audit=AuditLog(path=tmp_path / "audit.jsonl"))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        await show_rows(pilot, app, "3")
        snapshot = app.browser.table._order[0]
        await move_to(pilot, app, snapshot)
        before = volume_ids(proxy)
        await pilot.press("R")
        await fill_form(pilot, attach_to="", reason="fault injection")
        screen = await wait_for_confirm(pilot)
        proxy.inject("reset", operation="CreateVolume", after_forward=True, dry_run=False)
        screen.query_one("#confirm-go").press()
        await wait_for(pilot, lambda: any("Volume vol-" in n for n in app.notified), 20)

        (created,) = volume_ids(proxy) - before  # exactly one, at the backend
        sent = [s for s in proxy.calls("CreateVolume") if not s.dry_run]
        assert [s.fault for s in sent] == ["reset", None]
        assert sent[0].params["ClientToken"] == sent[1].params["ClientToken"]
        (message,) = [n for n in app.notified if "Volume vol-" in n]
        assert f"Volume {created} from {snapshot}" in message
        assert_no_crash(app)


# ---------------------------------------------------------------------------------------------
# Credentials that expire mid-session


@pytest.mark.parametrize(
    ("fault", "code"), [("expired", "ExpiredToken"), ("request_expired", "RequestExpired")]
)
async def test_expired_credentials_keep_the_view_and_recover_after_reauth(
    seeded_proxy: FaultProxy, fault, code
):
    proxy = seeded_proxy
    snapshot = pending_snapshot(proxy)
    app = make_app(proxy.url, refresh_interval=1.0)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        await pilot.press("3")
        table = app.browser.table
        await wait_for(pilot, lambda: snapshot in table.items)
        await move_to(pilot, app, snapshot)
        rows_before = set(table.items)

        proxy.inject(fault, times=None)  # every call, EC2 and STS alike
        await wait_for(pilot, lambda: showing(app, ReauthScreen))
        body = plain(app.screen.query_one("#reauth-body"))
        assert code in body and "refreshing progress" in body
        assert app.poll.paused and "paused" in jobs_line(app)
        assert app.browser.state.kind == ViewKind.SNAPSHOTS
        assert set(table.items) == rows_before and table.selected_id == snapshot
        assert_no_crash(app)

        proxy.clear()  # the user renewed the credentials elsewhere
        polls_before = len(progress_polls(proxy))
        await pilot.press("enter")  # Re-authenticate
        await wait_for(pilot, lambda: app.auth.reauthentications == 1)
        assert app.screen is app.browser and not app.poll.paused
        await loaded(app, pilot)
        # Progress polling works again by itself, and sees the snapshot complete.
        await wait_for(pilot, lambda: len(progress_polls(proxy)) > polls_before)
        assert progress_polls(proxy)[-1].fault is None
        complete_pending_snapshots()
        await wait_for(pilot, lambda: app.inventory.snapshots[snapshot].state == "completed")
        assert app.browser.state.kind == ViewKind.SNAPSHOTS and table.selected_id == snapshot
        assert set(table.items) == own_snapshot_ids(proxy)
        assert app.last_error is None
        assert [s for s in proxy.seen if s.fault is None and s.operation == "GetCallerIdentity"]
        assert_no_crash(app)


# ---------------------------------------------------------------------------------------------
# Nothing listening at start


async def test_an_unreachable_endpoint_at_start_is_a_clear_message_and_q_quits():
    url = closed_port_url()
    app = make_app(url, max_attempts=2)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.last_error is not None and not app.loading, 30)
        expected = (
            f"EndpointConnectionError: cannot connect to {url}/: check the network (and any "
            "proxy) and the endpoint URL ("
        )
        assert app.notified and all(expected in n and "\n" not in n for n in app.notified)
        # the status line is as wide as the terminal: the start of the message
        assert f"EndpointConnectionError: cannot connect to {url}/" in visible_jobs_line(app)
        assert not app.inventory.loaded
        assert_no_crash(app)
        await pilot.press("q")
    assert app.return_code == 0


async def test_an_unreachable_endpoint_at_start_is_one_message():
    app = make_app(closed_port_url(), max_attempts=1)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.last_error is not None and not app.loading, 30)
        assert len(app.notified) == 1, app.notified
