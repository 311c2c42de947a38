"""Credentials that expire or need a person: re-authentication, MFA codes, SSO, clock skew.

Everything talks to moto (or a loopback fake in front of it); the aws CLI is never run.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta

import boto3
import botocore.credentials
from moto.moto_api import state_manager

from snaptui.aws.settings import AwsSettings
from snaptui.ui.app import SnaptuiApp
from snaptui.ui.inventory import Kind
from snaptui.ui.screens.auth import MfaPromptScreen, ReauthScreen
from snaptui.ui.views import ViewKind
from tests.ui.auth_fakes import ExpiringEndpoint, SsoPortal
from tests.ui.helpers import plain, wait_for


def make_app(endpoint: str, *, profile: str | None = None, **kwargs) -> SnaptuiApp:
    settings = AwsSettings(region="us-east-1", profile=profile, endpoint_url=endpoint)
    return SnaptuiApp(
        settings, profile_label=profile or "default", endpoint_label=endpoint, **kwargs
    )


async def loaded(app: SnaptuiApp, pilot) -> None:
    await wait_for(pilot, lambda: app.inventory.loaded >= set(Kind) and not app.loading)


def pending_snapshot(endpoint: str) -> str:
    ec2 = boto3.client("ec2", region_name="us-east-1", endpoint_url=endpoint)
    volume = ec2.describe_volumes()["Volumes"][0]["VolumeId"]
    state_manager.set_transition("ec2::snapshot", {"progression": "manual", "times": 1000})
    return ec2.create_snapshot(VolumeId=volume)["SnapshotId"]


def showing(app: SnaptuiApp, screen_type: type) -> bool:
    """The screen is on top and composed (pushing it is not enough to query it)."""
    return isinstance(app.screen, screen_type) and bool(app.screen.query("Static"))


def progress_polls(app: SnaptuiApp) -> list:
    return [
        c
        for c in app.calls
        if c.operation == "DescribeSnapshots" and "SnapshotIds" in str(c.params) and c.ok
    ]


async def test_expired_credentials_pause_polling_keep_the_view_and_resume(seeded):
    endpoint, _ = seeded
    snapshot = pending_snapshot(endpoint)
    with ExpiringEndpoint(endpoint) as proxy:
        app = make_app(proxy.url, refresh_interval=1.0)
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(app, pilot)
            await pilot.press("3")
            table = app.browser.table
            await wait_for(pilot, lambda: snapshot in table.items)
            table.move_cursor(row=table._order.index(snapshot))
            rows_before = set(table.items)

            proxy.expire("ExpiredToken")
            await wait_for(pilot, lambda: showing(app, ReauthScreen))
            body = plain(app.screen.query_one("#reauth-body"))
            assert "ExpiredToken" in body and "refreshing progress" in body
            assert app.poll.paused
            assert "paused" in plain(app.browser.query_one("#jobs"))
            # The view is as it was: same kind, same rows, same cursor.
            assert app.browser.state.kind == ViewKind.SNAPSHOTS
            assert set(table.items) == rows_before and table.selected_id == snapshot

            proxy.renew()  # the user renewed the credentials elsewhere
            polls_before = len(progress_polls(app))
            await pilot.press("enter")  # Re-authenticate
            await wait_for(pilot, lambda: app.auth.reauthentications == 1)
            assert app.screen is app.browser and not app.poll.paused
            await wait_for(pilot, lambda: len(progress_polls(app)) > polls_before)
            await loaded(app, pilot)
            assert app.browser.state.kind == ViewKind.SNAPSHOTS
            assert table.selected_id == snapshot
            assert app.last_error is None


async def test_later_keeps_polling_paused_until_the_user_resumes(seeded):
    endpoint, _ = seeded
    pending_snapshot(endpoint)
    with ExpiringEndpoint(endpoint) as proxy:
        app = make_app(proxy.url, refresh_interval=1.0)
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(app, pilot)
            proxy.expire("ExpiredToken")
            await wait_for(pilot, lambda: showing(app, ReauthScreen))
            await pilot.press("escape")
            assert app.screen is app.browser and app.poll.paused
            assert not app.auth.offered
            proxy.renew()
            polls_before = len(progress_polls(app))
            await pilot.press("p")  # resume: the next poll works again
            await wait_for(pilot, lambda: len(progress_polls(app)) > polls_before)
            assert app.poll.failures == 0


async def test_clock_skew_is_reported_and_named_on_request_expired(seeded):
    endpoint, _ = seeded
    with ExpiringEndpoint(endpoint, skew=432) as proxy:
        app = make_app(proxy.url)
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(app, pilot)
            messages = [n.message for n in app._notifications]
            # The Date header has whole seconds: 7 min 11 s or 12 s behind.
            assert any("clock is 7 min 1" in m and "behind AWS" in m for m in messages), messages
            proxy.expire("RequestExpired")
            await pilot.press("r")  # any call now fails
            await wait_for(pilot, lambda: showing(app, ReauthScreen))
            body = plain(app.screen.query_one("#reauth-body"))
            assert "This is the clock, not the credentials" in body
            assert "7 min 1" in body and "behind AWS" in body


# ---------------------------------------------------------------------------------------------
# MFA: an assume-role profile against moto's STS.


def mfa_profiles(tmp_path, monkeypatch, endpoint: str) -> None:
    config = tmp_path / "aws-config"
    config.write_text(
        "[profile base]\naws_access_key_id = AKIABASEFAKE\naws_secret_access_key = x\n"
        f"endpoint_url = {endpoint}\n"
        "[profile ops]\nrole_arn = arn:aws:iam::123456789012:role/ops\nsource_profile = base\n"
        "mfa_serial = arn:aws:iam::123456789012:mfa/alice\nregion = us-east-1\n"
        f"endpoint_url = {endpoint}\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))


async def test_mfa_code_is_asked_in_a_modal(seeded, tmp_path, monkeypatch):
    endpoint, _ = seeded
    mfa_profiles(tmp_path, monkeypatch, endpoint)
    app = make_app(endpoint, profile="ops")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: showing(app, MfaPromptScreen))
        body = plain(app.screen.query_one("#mfa-body"))
        assert "arn:aws:iam::123456789012:mfa/alice" in body and "ops" in body
        await pilot.press("1", "2", "enter")
        assert "6 digits" in plain(app.screen.query_one("#mfa-hint"))
        await pilot.press(*"3456", "enter")
        await loaded(app, pilot)
        assert app.screen is app.browser
        assert "assumed-role/ops" in (app.session_info.principal or "")
        assert len(app.inventory.instances) > 0


async def test_cancelled_mfa_offers_to_ask_again(seeded, tmp_path, monkeypatch):
    endpoint, _ = seeded
    mfa_profiles(tmp_path, monkeypatch, endpoint)
    app = make_app(endpoint, profile="ops")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: showing(app, MfaPromptScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: showing(app, ReauthScreen))
        assert "asks for a new MFA code" in plain(app.screen.query_one("#reauth-body"))
        await pilot.press("enter")  # Re-authenticate: a new session, a new prompt
        await wait_for(pilot, lambda: showing(app, MfaPromptScreen))
        await pilot.press(*"654321", "enter")
        await wait_for(pilot, lambda: app.auth.reauthentications == 1)
        await loaded(app, pilot)
        assert "assumed-role/ops" in (app.session_info.principal or "")


# ---------------------------------------------------------------------------------------------
# SSO: an expired token, `aws sso login` replaced by a fake that writes a fresh one.

FAKE_LOGIN = """
import json, sys
from datetime import datetime, timedelta, timezone
cache_file, record = sys.argv[1], sys.argv[2]
later = datetime.now(timezone.utc) + timedelta(hours=8)
json.dump({"accessToken": "fresh-token", "expiresAt": later.strftime("%Y-%m-%dT%H:%M:%SZ"),
           "startUrl": "https://example.awsapps.com/start", "region": "us-east-1"},
          open(cache_file, "w"))
open(record, "w").write(" ".join(sys.argv[3:]))
"""


async def test_expired_sso_token_runs_the_login_command_and_carries_on(
    seeded, tmp_path, monkeypatch
):
    from snaptui.aws.credentials import sso_token

    endpoint, _ = seeded
    config = tmp_path / "aws-config"
    config.write_text(
        "[profile sso]\nsso_start_url = https://example.awsapps.com/start\n"
        "sso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = Ops\n"
        "region = us-east-1\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    cache = tmp_path / "sso-cache"
    cache.mkdir()
    monkeypatch.setattr(botocore.credentials.SSOProvider, "_SSO_TOKEN_CACHE_DIR", str(cache))
    token_file = sso_token("sso").cache_file
    expired = datetime.now(UTC) - timedelta(hours=1)
    token_file.write_text(
        json.dumps({"accessToken": "old", "expiresAt": expired.strftime("%Y-%m-%dT%H:%M:%SZ")})
    )
    record = tmp_path / "login-args"
    with SsoPortal() as portal:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", portal.url)
        app = make_app(endpoint, profile="sso")
        app.auth.sso_login_command = lambda profile: [
            sys.executable, "-c", FAKE_LOGIN, str(token_file), str(record),
            "sso", "login", "--profile", str(profile), "--use-device-code",
        ]  # fmt: skip
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: showing(app, ReauthScreen))
            body = plain(app.screen.query_one("#reauth-body"))
            assert "aws sso login --profile sso --use-device-code" in body
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.auth.reauthentications == 1)
            await loaded(app, pilot)
            assert record.read_text() == "sso login --profile sso --use-device-code"
            assert portal.requests and portal.requests[-1][1] == "fresh-token"
            assert app.session_info.account == "123456789012"
            assert len(app.inventory.instances) > 0
