"""``snapshot`` and ``wait`` against the demo backend: the pipeline's pre-deployment snapshot."""

from __future__ import annotations

from snaptui.cli import EXIT_OK, EXIT_TIMEOUT

from ._helpers import TRANSITION_SECONDS, audit_records, set_transition


def test_snapshot_of_an_instance_waits_until_every_snapshot_is_completed(snaptui, fleet):
    """The done-when: ``snaptui snapshot i-... --reason "deploy 4.2.1" --wait --json``."""
    instance = fleet["instances"]["staging-web-1"]
    volumes = {fleet["volumes"]["staging-web-1-root"], fleet["volumes"]["staging-web-1-www"]}
    result = snaptui("snapshot", instance, "--reason", "deploy 4.2.1", "--wait", "--json")
    assert result.code == EXIT_OK, result.stderr
    data = result.json
    assert set(data) == {
        "request_id",
        "set_id",
        "instance_id",
        "snapshot_ids",
        "snapshots",
        "failed",
        "recovered",
        "waited",
        "timed_out",
        "ok",
    }
    assert data["ok"] is True and data["failed"] == [] and data["recovered"] is False
    assert data["waited"] is True and data["timed_out"] is False
    assert data["instance_id"] == instance and data["set_id"].startswith("set-")
    assert len(data["snapshot_ids"]) == 2
    assert [s["id"] for s in data["snapshots"]] == data["snapshot_ids"]
    for snapshot in data["snapshots"]:
        assert snapshot["state"] == "completed" and snapshot["progress"] == 100
        assert snapshot["tags"]["snaptui:reason"] == "deploy 4.2.1"
        assert snapshot["tags"]["snaptui:set-id"] == data["set_id"]
        assert snapshot["tags"]["snaptui:request-id"] == data["request_id"]
    assert {s["volume_id"] for s in data["snapshots"]} == volumes

    # stderr: what will be created, the DryRun verdict, progress as plain lines (no TTY).
    assert "Create snapshot set:" in result.stderr
    assert "Reason:" in result.stderr and "deploy 4.2.1" in result.stderr
    assert "permission check (DryRun CreateSnapshots): ok" in result.stderr
    assert "pending" in result.stderr and "\r" not in result.stderr
    assert "snaptui: done after" in result.stderr

    records = audit_records(data["request_id"])
    decisions = [r for r in records if r["kind"] == "decision"]
    calls = [r for r in records if r["kind"] == "call" and r["operation"] == "CreateSnapshots"]
    assert [d["decision"] for d in decisions] == ["confirmed"]
    assert decisions[0]["params"]["confirmed_by"] == "command line"
    assert decisions[0]["params"]["reason"] == "deploy 4.2.1"
    assert calls and calls[0]["outcome"] == "ok"
    assert sorted(calls[0]["resource_ids"]) == sorted(data["snapshot_ids"])


def test_wait_gives_up_at_its_timeout_then_waits_as_long_as_it_takes(snaptui, fleet, demo_endpoint):
    volume = fleet["volumes"]["dev-jumpbox-root"]
    set_transition(demo_endpoint, 600)  # pending for 10 minutes
    try:
        created = snaptui("snapshot", volume, "--description", "wait test", "--json")
        assert created.code == EXIT_OK, created.stderr
        (snapshot_id,) = created.json["snapshot_ids"]
        assert created.json["snapshots"][0]["state"] == "pending"
        assert created.json["set_id"] is None and created.json["waited"] is False

        late = snaptui("wait", snapshot_id, "--timeout", "2s", "--json")
        assert late.code == EXIT_TIMEOUT, late.stderr
        assert late.json["timed_out"] is True and late.json["ok"] is False
        (resource,) = late.json["resources"]
        assert resource == {
            "id": snapshot_id,
            "kind": "snapshot",
            "state": "pending",
            "progress": resource["progress"],
            "result": "waiting",
        }
        assert "timed out after 0:0" in late.stderr
        assert f"watch again with 'snaptui wait {snapshot_id}'" in late.stderr
    finally:
        set_transition(demo_endpoint, TRANSITION_SECONDS)

    done = snaptui("wait", snapshot_id, volume, "--json")
    assert done.code == EXIT_OK, done.stderr
    assert done.json["timed_out"] is False and done.json["ok"] is True
    results = {r["id"]: (r["kind"], r["state"], r["result"]) for r in done.json["resources"]}
    assert results == {
        snapshot_id: ("snapshot", "completed", "done"),
        volume: ("volume", "in-use", "done"),
    }
