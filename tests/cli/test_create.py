"""``restore``, ``image``, ``launch`` and ``copy`` against the demo backend, with ``--wait``."""

from __future__ import annotations

import json

from snaptui.cli import EXIT_OK, EXIT_REFUSED
from tests.cli_process import run_snaptui

from ._helpers import audit_records, ec2_client


def test_restore_attaches_the_new_volume_and_waits(snaptui, fleet, seeded_snapshots):
    instance = fleet["instances"]["prod-web-2"]
    source = fleet["volumes"]["prod-web-2-www"]
    snapshot_id = seeded_snapshots[source][0]["id"]
    result = snaptui("restore", snapshot_id, "--attach", instance, "--wait", "--json")
    assert result.code == EXIT_OK, result.stderr
    data = result.json
    assert data["ok"] is True and data["attach_error"] is None and data["waited"] is True
    assert (data["snapshot_id"], data["attached_to"], data["device"]) == (
        snapshot_id,
        instance,
        "/dev/sdg",
    )
    volume = data["volume"]
    assert volume["id"] == data["volume_id"] and volume["state"] == "in-use"
    assert volume["snapshot_id"] == snapshot_id
    assert (volume["volume_type"], volume["size_gib"], volume["az"]) == ("gp3", 50, "us-east-1b")
    assert volume["attachments"] == [
        {"instance_id": instance, "device": "/dev/sdg", "state": "attached"}
    ]
    assert "Restore snapshot to a new volume:" in result.stderr
    assert "permission check (DryRun CreateVolume): ok" in result.stderr
    operations = [r["operation"] for r in audit_records(data["request_id"]) if r["kind"] == "call"]
    assert operations == ["CreateVolume", "AttachVolume"]


def test_image_never_reboots_silently_and_launch_waits_until_running(snaptui, ec2, fleet):
    instance = fleet["instances"]["dev-build-1"]
    refused = snaptui("image", instance, "--name", "cli-test-rebooted", "--reboot")
    assert refused.code == EXIT_REFUSED
    assert f"reboot {instance} and create the image needs a confirmation" in refused.stderr
    assert "Reboot:" in refused.stderr and "YES" in refused.stderr

    made = snaptui("image", instance, "--name", "cli-test-image", "--no-reboot", "--wait", "--json")
    assert made.code == EXIT_OK, made.stderr
    image = made.json["image"]
    assert made.json["image_id"] == image["id"] and made.json["source_id"] == instance
    assert image["state"] == "available" and image["name"] == "cli-test-image"
    assert len(image["snapshot_ids"]) == 2  # one per volume of dev-build-1

    launched = snaptui("launch", image["id"], "--type", "t3.small", "--wait", "--json")
    assert launched.code == EXIT_OK, launched.stderr
    (instance_id,) = launched.json["instance_ids"]
    (new,) = launched.json["instances"]
    assert (new["id"], new["state"], new["instance_type"]) == (instance_id, "running", "t3.small")
    assert new["image_id"] == image["id"]

    images = ec2.describe_images(
        Owners=["self"], Filters=[{"Name": "name", "Values": ["cli-test-*"]}]
    )["Images"]
    assert [i["Name"] for i in images] == ["cli-test-image"]  # the refused one was never made


def test_copy_to_another_region_waits_there(snaptui, demo_endpoint, fleet, seeded_snapshots):
    source = seeded_snapshots[fleet["volumes"]["staging-api-1-app"]][0]["id"]
    result = snaptui("copy", source, "--to-region", "us-west-2", "--wait", "--json")
    assert result.code == EXIT_OK, result.stderr
    data = result.json
    assert (data["source_snapshot_id"], data["source_region"], data["target_region"]) == (
        source,
        "us-east-1",
        "us-west-2",
    )
    copy = data["snapshot"]
    assert copy["id"] == data["snapshot_id"] and copy["state"] == "completed"
    assert copy["is_copy"] is True and copy["tags"]["snaptui:source-snapshot"] == source
    west = ec2_client(demo_endpoint, "us-west-2")
    (listed,) = west.describe_snapshots(SnapshotIds=[data["snapshot_id"]])["Snapshots"]
    assert listed["State"] == "completed"


def test_config_tags_and_restore_type_apply_to_the_cli_too(
    demo_endpoint, fleet, seeded_snapshots, ec2, tmp_path
):
    import os

    config = tmp_path / "config.toml"
    config.write_text(
        '[tags]\nteam = "platform"\ncost-center = "cc-1"\n[restore]\nvolume_type = "gp2"\n'
    )
    env = {**os.environ, "SNAPTUI_CONFIG": str(config), "NO_COLOR": "1"}
    source = fleet["volumes"]["dev-build-1-root"]
    snapshot_id = seeded_snapshots[source][0]["id"]

    def run(*args: str) -> dict:
        done = run_snaptui("--endpoint-url", demo_endpoint, *args, "--json", env=env)
        assert done.returncode == EXIT_OK, done.stderr
        return json.loads(done.stdout)

    restored = run("restore", snapshot_id, "--tag", "team=dba")
    (volume,) = ec2.describe_volumes(VolumeIds=[restored["volume_id"]])["Volumes"]
    tags = {t["Key"]: t["Value"] for t in volume["Tags"]}
    assert volume["VolumeType"] == "gp2"  # [restore] volume_type, not the source's
    assert (tags["team"], tags["cost-center"]) == ("dba", "cc-1")  # --tag wins on a clash
    snapshot = run("snapshot", source, "--reason", "config tags")
    (made,) = ec2.describe_snapshots(SnapshotIds=snapshot["snapshot_ids"])["Snapshots"]
    assert {t["Key"]: t["Value"] for t in made["Tags"]}["team"] == "platform"
