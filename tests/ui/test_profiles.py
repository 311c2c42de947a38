"""Profiles, regions and remembered choices, switched inside the running app.

Two AWS profiles (dev, prod) in a temp AWS config file, both with static fake keys, both
talking to the moto server through the app's endpoint; snaptui's config marks prod read-only.
"""

from __future__ import annotations

import pytest

from snaptui import state
from snaptui.aws.errors import ReadOnlyError
from snaptui.aws.settings import AwsSettings
from snaptui.config import Config, ProfileSettings
from snaptui.ui.app import SnaptuiApp
from snaptui.ui.inventory import Kind
from snaptui.ui.screens.browser import BrowserScreen
from snaptui.ui.widgets.status_bar import StatusBar
from tests.ui.helpers import plain, wait_for

PROFILES = """\
[profile dev]
region = us-east-1
aws_access_key_id = AKIADEVFAKE000000000
aws_secret_access_key = dev-secret
[profile prod]
region = us-east-1
aws_access_key_id = AKIAPRODFAKE00000000
aws_secret_access_key = prod-secret
"""


@pytest.fixture
def two_profiles(tmp_path, monkeypatch):
    path = tmp_path / "aws-config"
    path.write_text(PROFILES)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(path))
    return path


def make_app(endpoint: str, *, profile: str | None = None, **kwargs) -> SnaptuiApp:
    settings = AwsSettings(region="us-east-1", profile=profile, endpoint_url=endpoint)
    return SnaptuiApp(
        settings, profile_label=profile or "default", endpoint_label=endpoint, **kwargs
    )


async def loaded(app: SnaptuiApp, pilot) -> None:
    await wait_for(pilot, lambda: app.inventory.loaded >= set(Kind) and not app.loading)


def status(app: SnaptuiApp) -> str:
    return str(app.browser.query_one(StatusBar).render())


def shown_actions(app: SnaptuiApp) -> set[str]:
    return {b.binding.action for b in app.browser.active_bindings.values()}


async def create_snapshot_call(app: SnaptuiApp, volume_id: str, *, dry_run: bool) -> object:
    return await app.client.run(
        lambda s: s.ctx.call("ec2", "CreateSnapshot", VolumeId=volume_id, DryRun=dry_run)
    )


async def switch_profile(app: SnaptuiApp, pilot, name: str) -> None:
    await pilot.press("colon", *f"profile {name}", "enter")
    await wait_for(pilot, lambda: app.settings.profile == name)
    await loaded(app, pilot)


async def test_read_only_follows_the_profile_both_ways(seeded, two_profiles, tmp_path):
    endpoint, _ = seeded
    config = Config(profiles={"prod": ProfileSettings(read_only=True)})
    app = make_app(endpoint, profile="dev", config=config, state_file=tmp_path / "state.toml")
    mutating = getattr(BrowserScreen, "MUTATING", frozenset())
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        volume = next(iter(app.inventory.volumes))
        assert not app.settings.read_only and "READ-ONLY" not in status(app)
        writable = mutating & shown_actions(app)  # those that apply to the instances view
        assert writable or not mutating
        assert await create_snapshot_call(app, volume, dry_run=True)  # allowed (DryRun)

        await switch_profile(app, pilot, "prod")
        assert app.settings.read_only
        assert "READ-ONLY" in status(app) and "profile prod" in status(app)
        assert not mutating & shown_actions(app), "mutating actions are hidden"
        for action in mutating:
            assert app.browser.check_action(action, ()) is False
        with pytest.raises(ReadOnlyError):
            await create_snapshot_call(app, volume, dry_run=False)
        with pytest.raises(ReadOnlyError):  # DryRun is refused too: nothing leaves
            await create_snapshot_call(app, volume, dry_run=True)

        await switch_profile(app, pilot, "dev")
        assert not app.settings.read_only and "READ-ONLY" not in status(app)
        assert mutating & shown_actions(app) == writable
        assert await create_snapshot_call(app, volume, dry_run=True)
    assert state.load(tmp_path / "state.toml").last_profile == "dev"


async def test_read_only_flag_applies_to_every_profile(seeded, two_profiles):
    endpoint, _ = seeded
    config = Config(profiles={"prod": ProfileSettings(read_only=True)})
    app = make_app(endpoint, profile="dev", config=config)
    app.settings = AwsSettings(
        region="us-east-1", profile="dev", endpoint_url=endpoint, read_only=True
    )
    app.forced_read_only = True  # as --read-only sets it
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await switch_profile(app, pilot, "prod")
        await switch_profile(app, pilot, "dev")
        assert app.settings.read_only and "READ-ONLY" in status(app)


async def test_profile_region_from_config_and_header_follow_a_switch(seeded, two_profiles):
    endpoint, summary = seeded
    config = Config(profiles={"prod": ProfileSettings(region="us-west-2")})
    app = make_app(endpoint, profile="dev", config=config)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        assert len(app.inventory.instances) > 0
        await switch_profile(app, pilot, "prod")
        assert app.settings.region == "us-west-2"
        assert "us-west-2" in status(app) and "profile prod" in status(app)
        assert set(app.inventory.snapshots) == set(summary.copy_snapshot_ids)
        assert "prod" in plain(app.browser.query_one("#crumbs"))


async def test_palette_switches_region_and_back(seeded, tmp_path):
    endpoint, summary = seeded
    state_file = tmp_path / "state.toml"
    app = make_app(endpoint, state_file=state_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("ctrl+p", *"Region: us-west-2")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.settings.region == "us-west-2")
        await loaded(app, pilot)
        assert app.inventory.instances == {}
        assert set(app.inventory.snapshots) == set(summary.copy_snapshot_ids)
        assert "us-west-2" in status(app)
        assert state.load(state_file).last_region == "us-west-2"

        await pilot.press("colon", *"region us-east-1", "enter")
        await wait_for(pilot, lambda: app.settings.region == "us-east-1")
        await loaded(app, pilot)
        assert len(app.inventory.instances) == summary.instances
        assert state.load(state_file).last_region == "us-east-1"


async def test_theme_choice_survives_a_restart(seeded, tmp_path):
    endpoint, _ = seeded
    state_file = tmp_path / "state.toml"
    config = Config(theme="textual-light")
    app = make_app(endpoint, config=config, state_file=state_file)
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.theme == "textual-light"
        await loaded(app, pilot)
        assert not state_file.exists()  # applying the configured theme is not a choice
        app.theme = "nord"  # what ctrl+p → "Change theme" does
        await wait_for(pilot, lambda: state.load(state_file).theme == "nord")

    again = make_app(endpoint, config=config, state_file=state_file)
    async with again.run_test(size=(100, 30)) as pilot:
        assert again.theme == "nord"
        await loaded(again, pilot)


async def test_keymap_from_config_remaps_and_reports_unknown_ids(seeded):
    endpoint, _ = seeded
    config = Config(keys={"refresh": "f5", "no_such_binding": "f6"})
    app = make_app(endpoint, config=config)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        messages = [n.message for n in app._notifications]
        assert any("no binding with id no_such_binding" in m for m in messages)
        before = sum(c.operation == "DescribeInstances" for c in app.calls)
        await pilot.press("f5")
        await wait_for(
            pilot, lambda: sum(c.operation == "DescribeInstances" for c in app.calls) > before
        )
        assert "f5" in app.browser.active_bindings
