"""``delete``, ``prune`` and ``--read-only``: what must never happen does not happen."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from snaptui.cli import EXIT_OK, EXIT_REFUSED

from ._helpers import audit_records, snapshot_ids


def test_delete_is_blocked_for_a_snapshot_an_ami_uses(snaptui, ec2, inventory, fleet):
    image = next(i for i in inventory["images"] if i["name"] == "prod-web-golden-v41")
    (snapshot_id,) = image["snapshot_ids"]
    result = snaptui("delete", snapshot_id, "--yes", "--json")
    assert result.code == EXIT_REFUSED
    assert result.stdout == ""
    assert f"AMI {image['id']} is backed by {snapshot_id}" in result.error_lines[-1]
    assert "refused: blocked" in result.error_lines[-1]
    volume = fleet["volumes"]["prod-web-1-root"]
    assert snapshot_id in snapshot_ids(ec2, volume)


def test_delete_needs_yes_in_a_pipe_and_then_deletes(snaptui, ec2, fleet, seeded_snapshots):
    volume = fleet["volumes"]["prod-worker-1-queue"]
    oldest = seeded_snapshots[volume][-1]["id"]

    refused = snaptui("delete", oldest, "--reason", "OPS-1 cleanup")
    assert refused.code == EXIT_REFUSED
    assert "stdin is not a terminal: add --yes" in refused.error_lines[-1]
    assert "permission check (DryRun DeleteSnapshot): ok" in refused.stderr
    assert oldest in snapshot_ids(ec2, volume)
    decisions = [r for r in audit_records() if r["kind"] == "decision"]
    cancelled = [d for d in decisions if d["params"].get("snapshot_id") == oldest]
    assert [d["decision"] for d in cancelled] == ["cancelled"]
    assert cancelled[0]["params"]["confirmed_by"] == "no --yes without a terminal"

    deleted = snaptui("delete", oldest, "--yes", "--reason", "OPS-1 cleanup", "--json")
    assert deleted.code == EXIT_OK, deleted.stderr
    data = deleted.json
    assert data["snapshot_id"] == oldest and data["deleted"] is True
    assert data["already_deleted"] is False and data["ok"] is True
    assert all(set(c) == {"level", "message"} for c in data["checks"])
    assert oldest not in snapshot_ids(ec2, volume)
    calls = [
        r
        for r in audit_records()
        if r["kind"] == "call"
        and r["operation"] == "DeleteSnapshot"
        and oldest in r["resource_ids"]
    ]
    assert [c["outcome"] for c in calls] == ["ok"]
    assert calls[0]["params"]["reason"] == "OPS-1 cleanup"


def test_prune_keeps_the_newest_and_what_an_ami_uses(snaptui, ec2, inventory, fleet):
    volume = fleet["volumes"]["prod-web-1-root"]
    image = next(i for i in inventory["images"] if i["name"] == "prod-web-golden-v41")
    (ami_snapshot,) = image["snapshot_ids"]
    before = snapshot_ids(ec2, volume)
    newest = before[0]
    assert newest != ami_snapshot

    plan = snaptui("prune", volume, "--keep", "1", "--dry-run", "--json")
    assert plan.code == EXIT_OK, plan.stderr
    data = plan.json
    assert data["dry_run"] is True and data["keep"] == 1 and data["deleted"] == []
    kept = {k["id"]: k["reason"] for k in data["kept"]}
    assert kept == {
        newest: "one of the newest 1 completed",
        ami_snapshot: f"used by AMI {image['id']}",
    }
    to_delete = [s["id"] for s in data["to_delete"]]
    assert sorted(to_delete) == sorted(set(before) - set(kept))
    assert data["permission"]["allowed"] is True
    assert "dry run: would delete" in plan.stderr

    refused = snaptui("prune", volume, "--keep", "1")
    assert refused.code == EXIT_REFUSED
    assert "stdin is not a terminal: add --yes" in refused.error_lines[-1]
    assert snapshot_ids(ec2, volume) == before

    pruned = snaptui("prune", volume, "--keep", "1", "--yes", "--json")
    assert pruned.code == EXIT_OK, pruned.stderr
    assert sorted(pruned.json["deleted"]) == sorted(to_delete)
    assert pruned.json["failed"] == [] and pruned.json["ok"] is True
    assert sorted(snapshot_ids(ec2, volume)) == sorted(kept)


def test_read_only_refuses_every_mutating_command_and_sends_nothing(snaptui, ec2, fleet):
    volume = fleet["volumes"]["prod-api-1-app"]
    before = snapshot_ids(ec2, volume)
    calls_before = len([r for r in audit_records() if r["kind"] == "call"])
    commands = [
        ("snapshot", volume, "--wait"),
        ("restore", before[0]),
        ("delete", before[-1], "--yes"),
        ("prune", volume, "--keep", "1", "--yes"),
        ("copy", before[0], "--to-region", "us-west-2"),
    ]
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda c: snaptui(*c, "--read-only", "--json"), commands))
    for command, result in zip(commands, results, strict=True):
        assert result.code == EXIT_REFUSED, (command, result.stderr)
        assert result.stdout == ""
        (line,) = result.error_lines
        assert "refused: read-only mode" in line and "nothing was sent" in line

    # prune --dry-run only reads: allowed, and says it sent no DryRun either.
    dry = snaptui("prune", volume, "--keep", "1", "--dry-run", "--read-only", "--json")
    assert dry.code == EXIT_OK, dry.stderr
    assert dry.json["permission"] is None and dry.json["to_delete"]
    assert "permission not checked: read-only mode" in dry.stderr

    assert snapshot_ids(ec2, volume) == before
    assert len([r for r in audit_records() if r["kind"] == "call"]) == calls_before
