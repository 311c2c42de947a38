"""Every action end to end as a user does it: form, confirm, created, tracked, tagged, audited."""

from __future__ import annotations

import json

import boto3
import pytest

from snaptui.aws.audit import AuditLog
from snaptui.ui.screens.action_form import ActionForm
from snaptui.ui.screens.confirm import ConfirmScreen
from snaptui.ui.views import ViewKind
from tests.ui.helpers import plain, wait_for
from tests.ui.test_browse import instance_id, loaded, make_app, move_to


@pytest.fixture
def ec2(seeded):
    endpoint, _ = seeded
    return boto3.client("ec2", region_name="us-east-1", endpoint_url=endpoint)


def tags_of(resource: dict) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in resource.get("Tags", [])}


def audit_records(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


async def fill_form(pilot, **values) -> ActionForm:
    app = pilot.app
    await wait_for(
        pilot, lambda: isinstance(app.screen, ActionForm) and bool(app.screen.query("#form-review"))
    )
    form = app.screen
    for name, value in values.items():
        form.query_one(f"#field-{name}").value = value
    await pilot.pause()
    form.query_one("#form-review").press()
    return form


async def confirm(pilot, *, typed: str | None = None, go: bool = True) -> ConfirmScreen:
    screen = await wait_for_confirm(pilot)
    await pilot.pause()
    if typed is not None:
        screen.query_one("#confirm-typed").value = typed
        await pilot.pause()
    screen.query_one("#confirm-go" if go else "#confirm-cancel").press()
    await pilot.pause()
    return screen


async def open_volumes_of(pilot, app, name: str) -> None:
    await loaded(app, pilot)
    await move_to(pilot, app, instance_id(app, name))
    await pilot.press("enter")
    assert app.browser.state.kind == ViewKind.INSTANCE_VOLUMES


async def test_snapshot_a_volume_confirmed_tagged_tracked_and_audited(seeded, ec2, tmp_path):
    endpoint, summary = seeded
    audit = tmp_path / "audit.jsonl"
    app = make_app(endpoint, audit=AuditLog(path=audit), refresh_interval=1.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_volumes_of(pilot, app, "prod-db-primary")
        volume = summary.ebs_direct_volume_id
        await move_to(pilot, app, volume)
        before = {s["SnapshotId"] for s in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]}
        await pilot.press("s")
        await fill_form(pilot, reason="pre-deploy 4.2.1")
        screen = await wait_for_confirm(pilot)
        text = plain(screen.query_one("#confirm-summary"))
        assert volume in text and "pre-deploy 4.2.1" in text
        assert "permitted" in plain(screen.query_one("#confirm-permission"))
        await pilot.pause()
        assert screen.query_one("#confirm-cancel").has_focus  # the safe choice is focused
        screen.query_one("#confirm-go").press()
        after = ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]
        await wait_for(pilot, lambda: len(app.inventory.snapshots) >= len(before) + 1)
        created = [s for s in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]
                   if s["SnapshotId"] not in before]  # fmt: skip
        assert len(created) == 1 and len(after) >= len(before)
        snapshot = created[0]
        tags = tags_of(snapshot)
        assert tags["snaptui:reason"] == "pre-deploy 4.2.1"
        assert tags["snaptui:source-volume"] == volume
        assert tags["snaptui:created-by"].startswith("arn:aws:")
        assert "snaptui:request-id" in tags
        await pilot.press("enter")  # into the generations, where the new one is first
        await wait_for(pilot, lambda: snapshot["SnapshotId"] in app.browser.table.items)
        assert app.browser.table._order[0] == snapshot["SnapshotId"]
        records = audit_records(audit)
        decisions = [r for r in records if r.get("decision") == "confirmed"]
        calls = [r for r in records if r.get("operation") == "CreateSnapshot" and "outcome" in r]
        assert decisions and calls
        assert snapshot["SnapshotId"] in json.dumps(calls[-1])
        assert "fake-secret" not in audit.read_text()


async def wait_for_confirm(pilot) -> ConfirmScreen:
    form = pilot.app.screen if isinstance(pilot.app.screen, ActionForm) else None
    try:
        await wait_for(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, ConfirmScreen)
                and bool(pilot.app.screen.query("#confirm-cancel"))
            ),  # composed, not just pushed
            within=20,
        )
    except AssertionError:
        problems = plain(form.query_one("#form-problems")) if form else "?"
        raise AssertionError(f"no confirmation; the form says: {problems}") from None
    return pilot.app.screen


async def test_cancel_creates_nothing_and_is_audited(seeded, ec2, tmp_path):
    endpoint, summary = seeded
    audit = tmp_path / "audit.jsonl"
    app = make_app(endpoint, audit=AuditLog(path=audit))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_volumes_of(pilot, app, "prod-db-primary")
        count = len(ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"])
        await pilot.press("s")
        await fill_form(pilot, reason="just looking")
        await confirm(pilot, go=False)
        assert len(ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]) == count
        assert [r["decision"] for r in audit_records(audit) if "decision" in r] == ["cancelled"]


async def test_snapshot_set_of_an_instance_excluding_boot(seeded, ec2, tmp_path):
    endpoint, _ = seeded
    app = make_app(endpoint, audit=AuditLog(path=tmp_path / "a.jsonl"))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        db = instance_id(app, "prod-db-replica")
        await move_to(pilot, app, db)
        await pilot.press("s")
        await fill_form(pilot, reason="pre-deploy 4.2.1", exclude_boot=True)
        await confirm(pilot)
        await wait_for(pilot, lambda: any("Set " in n.message for n in app._notifications))
        snaps = ec2.describe_snapshots(
            Filters=[{"Name": "tag:snaptui:source-instance", "Values": [db]}]
        )["Snapshots"]
        set_ids = {tags_of(s).get("snaptui:set-id") for s in snaps}
        assert len(snaps) == 2 and len(set_ids) == 1  # pgdata + pgwal; the root excluded
        devices = {tags_of(s)["snaptui:source-device"] for s in snaps}
        assert devices == {"/dev/sdf", "/dev/sdg"}


async def test_restore_as_new_volume_attached_to_the_instance(seeded, ec2, tmp_path):
    endpoint, summary = seeded
    app = make_app(endpoint, audit=AuditLog(path=tmp_path / "a.jsonl"))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_volumes_of(pilot, app, "prod-db-primary")
        db = app.browser.state.scope_id
        await move_to(pilot, app, summary.ebs_direct_volume_id)
        await pilot.press("enter")
        generation = app.inventory.generations_of(summary.ebs_direct_volume_id)[1]
        await move_to(pilot, app, generation.id)
        volumes_before = {v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]}
        await pilot.press("R")
        form = await fill_form(pilot, size_gib="100")  # smaller than the 400 GiB snapshot
        await wait_for(pilot, lambda: "smaller than the snapshot" in plain(
            form.query_one("#form-problems")))  # fmt: skip
        assert {v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]} == volumes_before
        form.query_one("#field-size_gib").value = "400"
        form.query_one("#field-attach_to").value = db
        await pilot.pause()
        form.query_one("#form-review").press()
        await confirm(pilot)
        await wait_for(pilot, lambda: any("Volume vol-" in n.message for n in app._notifications))
        new = [v for v in ec2.describe_volumes()["Volumes"] if v["VolumeId"] not in volumes_before]
        assert len(new) == 1
        volume = new[0]
        assert volume["SnapshotId"] == generation.id and volume["Size"] == 400
        assert volume["VolumeType"] == "io2"  # the source volume's type, not the API's gp2
        assert volume["Attachments"][0]["InstanceId"] == db
        assert volume["Attachments"][0]["Device"] not in ("/dev/sda1", "/dev/sdf", "/dev/sdg")
        assert tags_of(volume)["snaptui:source-snapshot"] == generation.id


async def test_register_ami_from_snapshot_then_launch(seeded, ec2, tmp_path):
    endpoint, summary = seeded
    app = make_app(endpoint, audit=AuditLog(path=tmp_path / "a.jsonl"))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_volumes_of(pilot, app, "prod-web-1")
        root = next(k for k in app.browser.table._order
                    if app.browser.table.items[k].is_root)  # fmt: skip
        await move_to(pilot, app, root)
        await pilot.press("enter")
        snapshot = app.browser.table._order[0]
        await pilot.press("a")
        await fill_form(pilot, name="prod-web-1-restore-test", architecture="x86_64")
        await confirm(pilot)
        await wait_for(pilot, lambda: any("AMI ami-" in n.message for n in app._notifications))
        image = ec2.describe_images(Owners=["self"], Filters=[
            {"Name": "name", "Values": ["prod-web-1-restore-test"]}])["Images"][0]  # fmt: skip
        mapping = image["BlockDeviceMappings"][0]
        assert mapping["Ebs"]["SnapshotId"] == snapshot
        assert image["Architecture"] != "i386" and image["VirtualizationType"] == "hvm"

        await pilot.press("4")
        await wait_for(pilot, lambda: image["ImageId"] in app.browser.table.items)
        await move_to(pilot, app, image["ImageId"])
        before = {i["InstanceId"] for r in ec2.describe_instances()["Reservations"]
                  for i in r["Instances"]}  # fmt: skip
        await pilot.press("l")
        await fill_form(pilot)
        await confirm(pilot)
        await wait_for(pilot, lambda: any("Instance i-" in n.message for n in app._notifications))
        launched = [i for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]
                    if i["InstanceId"] not in before]  # fmt: skip
        assert len(launched) == 1
        volume_ids = [m["Ebs"]["VolumeId"] for m in launched[0]["BlockDeviceMappings"]]
        volumes = ec2.describe_volumes(VolumeIds=volume_ids)["Volumes"]
        assert snapshot in {v.get("SnapshotId") for v in volumes}


async def test_create_image_from_instance_requires_an_explicit_reboot_choice(seeded, tmp_path):
    endpoint, _ = seeded
    app = make_app(endpoint, audit=AuditLog(path=tmp_path / "a.jsonl"))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await move_to(pilot, app, instance_id(app, "staging-web-1"))
        await pilot.press("a")
        form = await fill_form(pilot)
        await pilot.pause()
        assert "Reboot? is required" in plain(form.query_one("#form-problems"))
        assert isinstance(app.screen, ActionForm)
        form.query_one("#field-reboot").value = "no-reboot"
        await pilot.pause()
        form.query_one("#form-review").press()
        screen = await wait_for_confirm(pilot)
        assert "no" in plain(screen.query_one("#confirm-summary")).lower()


async def test_delete_needs_the_typed_id_and_refuses_a_wrong_one(seeded, ec2, tmp_path):
    endpoint, summary = seeded
    app = make_app(endpoint, audit=AuditLog(path=tmp_path / "a.jsonl"))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("3")
        target = summary.orphan_snapshot_id
        await move_to(pilot, app, target)
        await pilot.press("ctrl+d")
        await fill_form(pilot, reason="cleanup")
        screen = await wait_for_confirm(pilot)
        go = screen.query_one("#confirm-go")
        assert go.disabled
        screen.query_one("#confirm-typed").value = "snap-0000000000000000"
        await pilot.pause()
        assert go.disabled  # a wrong id never enables the button
        screen.query_one("#confirm-typed").value = target[-6:]
        await pilot.pause()
        assert not go.disabled
        screen.query_one("#confirm-go").press()
        await wait_for(pilot, lambda: any("Deleted" in (n.title or "") for n in app._notifications))
        remaining = {
            s["SnapshotId"] for s in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]
        }
        assert target not in remaining


async def test_delete_of_a_snapshot_an_ami_uses_is_blocked(seeded, ec2, tmp_path):
    endpoint, _ = seeded
    image = ec2.describe_images(Owners=["self"])["Images"][0]
    used = image["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    app = make_app(endpoint, audit=AuditLog(path=tmp_path / "a.jsonl"))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("3")
        await move_to(pilot, app, used)
        await pilot.press("ctrl+d")
        await fill_form(pilot)
        screen = await wait_for_confirm(pilot)
        assert screen.query_one("#confirm-go").disabled
        assert not screen.query("#confirm-typed")
        text = " ".join(plain(w) for w in screen.query("Static"))
        assert image["ImageId"] in text
        await pilot.press("escape")
    remaining = {s["SnapshotId"] for s in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]}
    assert used in remaining


async def test_copy_to_another_region(seeded, tmp_path):
    endpoint, summary = seeded
    west = boto3.client("ec2", region_name="us-west-2", endpoint_url=endpoint)
    before = {s["SnapshotId"] for s in west.describe_snapshots(OwnerIds=["self"])["Snapshots"]}
    app = make_app(endpoint, audit=AuditLog(path=tmp_path / "a.jsonl"))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("3")
        source = summary.ebs_direct_snapshot_ids[0]
        await move_to(pilot, app, source)
        await pilot.press("C")
        await fill_form(pilot, target_region="us-west-2")
        await confirm(pilot)
        await wait_for(pilot, lambda: any("Copy snap-" in n.message for n in app._notifications))
    copies = [s for s in west.describe_snapshots(OwnerIds=["self"])["Snapshots"]
              if s["SnapshotId"] not in before]  # fmt: skip
    assert len(copies) == 1 and tags_of(copies[0])["snaptui:source-snapshot"] == source


async def test_read_only_hides_every_action_and_refuses_them(seeded, ec2, tmp_path):
    endpoint, _ = seeded
    app = make_app(endpoint, audit=AuditLog(path=tmp_path / "a.jsonl"))
    app.settings = app.settings.__class__(**{**app.settings.__dict__, "read_only": True})
    app.client = app.client_factory(app.settings)
    count = len(ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"])
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        browser = app.browser
        for action in browser.MUTATING:
            assert browser.check_action(action, ()) is False
        await pilot.press("s", "a")
        assert app.screen is browser  # no form opened
        await pilot.press("question_mark")
        help_text = plain(app.screen.query_one("#help-body"))
        for word in ("Restore", "Delete", "Launch", "AMI", "Copy to region"):
            assert word not in help_text, word
        await pilot.press("escape")
        from snaptui.aws.errors import ReadOnlyError

        volume = next(iter(app.inventory.volumes))
        with pytest.raises(ReadOnlyError):
            await app.client.run(lambda s: s.ctx.call("ec2", "CreateSnapshot", VolumeId=volume))
    assert len(ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]) == count


async def test_actions_are_in_the_palette_unless_read_only(seeded, tmp_path):
    from snaptui.ui.commands import system_commands

    endpoint, _ = seeded
    app = make_app(endpoint, audit=AuditLog(path=tmp_path / "a.jsonl"))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("3")
        titles = {c.title for c in system_commands(app)}
        assert {"Restore as a new volume", "Delete", "Compare"} <= titles
        assert "Launch instance" not in titles  # needs an AMI selected (images view)
        app.settings = app.settings.__class__(**{**app.settings.__dict__, "read_only": True})
        titles = {c.title for c in system_commands(app)}
        assert "Restore as a new volume" not in titles and "Delete" not in titles
        assert "Compare" in titles  # reading is still fine


async def test_config_tags_go_on_everything_created(seeded, ec2, tmp_path):
    from snaptui.config import load

    config_file = tmp_path / "config.toml"
    config_file.write_text('[tags]\nteam = "platform"\ncost-center = "cc-1234"\n')
    endpoint, summary = seeded
    app = make_app(
        endpoint, audit=AuditLog(path=tmp_path / "a.jsonl"), config=load(config_file).config
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await open_volumes_of(pilot, app, "prod-db-primary")
        await move_to(pilot, app, summary.ebs_direct_volume_id)
        await pilot.press("s")
        await fill_form(pilot, reason="tagged by config")
        await confirm(pilot)
        await wait_for(
            pilot, lambda: any("Snapshot snap-" in n.message for n in app._notifications)
        )
    created = ec2.describe_snapshots(
        Filters=[{"Name": "tag:snaptui:reason", "Values": ["tagged by config"]}]
    )["Snapshots"]
    assert len(created) == 1
    tags = tags_of(created[0])
    assert tags["team"] == "platform" and tags["cost-center"] == "cc-1234"
