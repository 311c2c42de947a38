"""Read-only commands against the demo backend: ls shapes and tables, compare, bad input."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from snaptui.cli import EXIT_AWS, EXIT_BROKEN_PIPE, EXIT_OK, EXIT_USAGE

from ._helpers import REGION

ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
OPT_STR = (str, type(None))
OPT_INT = (int, type(None))

SNAPSHOT_SHAPE = {
    "id": str,
    "name": str,
    "volume_id": OPT_STR,
    "state": str,
    "progress": OPT_INT,
    "start_time": OPT_STR,
    "size_gib": int,
    "description": str,
    "encrypted": bool,
    "kms_key_id": OPT_STR,
    "storage_tier": OPT_STR,
    "is_copy": bool,
    "source_snapshot_id": OPT_STR,
    "state_message": OPT_STR,
    "tags": dict,
}
VOLUME_SHAPE = {
    "id": str,
    "name": str,
    "state": str,
    "volume_type": str,
    "size_gib": int,
    "iops": OPT_INT,
    "throughput": OPT_INT,
    "az": OPT_STR,
    "encrypted": bool,
    "kms_key_id": OPT_STR,
    "snapshot_id": OPT_STR,
    "create_time": OPT_STR,
    "attachments": list,
    "tags": dict,
}
INSTANCE_SHAPE = {
    "id": str,
    "name": str,
    "state": str,
    "instance_type": str,
    "az": OPT_STR,
    "launch_time": OPT_STR,
    "image_id": OPT_STR,
    "architecture": OPT_STR,
    "platform": OPT_STR,
    "root_device": OPT_STR,
    "volumes": list,
    "private_ip": OPT_STR,
    "subnet_id": OPT_STR,
    "vpc_id": OPT_STR,
    "tags": dict,
}
IMAGE_SHAPE = {
    "id": str,
    "name": str,
    "state": str,
    "creation_date": OPT_STR,
    "architecture": OPT_STR,
    "virtualization_type": OPT_STR,
    "root_device": OPT_STR,
    "snapshot_ids": list,
    "block_devices": list,
    "description": str,
    "tags": dict,
}
TIME_KEYS = ("start_time", "create_time", "launch_time", "creation_date")


def assert_shape(item: dict[str, Any], shape: dict[str, Any]) -> None:
    assert set(item) == set(shape), set(item) ^ set(shape)
    for key, kind in shape.items():
        assert isinstance(item[key], kind), (key, item[key])
        if key in TIME_KEYS and item[key] is not None:
            assert ISO_UTC.match(item[key]), (key, item[key])


def test_ls_json_has_stable_shapes_for_every_kind(snaptui, inventory, fleet):
    shapes = {
        "instances": INSTANCE_SHAPE,
        "volumes": VOLUME_SHAPE,
        "snapshots": SNAPSHOT_SHAPE,
        "images": IMAGE_SHAPE,
    }
    for kind, shape in shapes.items():
        assert inventory[kind], kind
        for item in inventory[kind]:
            assert_shape(item, shape)
    assert {"prod-db-primary", "prod-web-1", "staging-web-1"} <= set(fleet["instances"])
    assert "prod-web-golden-v41" in fleet["images"]
    starts = [s["start_time"] for s in inventory["snapshots"]]
    assert starts == sorted(starts, reverse=True), "snapshots are listed newest first"
    # The session flags work after the command too.
    after = snaptui("ls", "images", "--json", flags_after=True)
    assert after.code == EXIT_OK
    assert {i["id"] for i in inventory["images"]} <= {i["id"] for i in after.json["images"]}


def test_ls_filters_and_the_human_table(snaptui, fleet):
    primary = fleet["instances"]["prod-db-primary"]
    volumes = snaptui("ls", "volumes", "--instance", primary, "--json").json["volumes"]
    assert sorted(v["name"] for v in volumes) == [
        "prod-db-primary-pgdata",
        "prod-db-primary-pgwal",
        "prod-db-primary-root",
    ]
    assert all(v["attachments"][0]["instance_id"] == primary for v in volumes)

    filtered = snaptui("ls", "volumes", "--filter", "PGDATA", "--json").json["volumes"]
    assert {v["name"] for v in filtered} == {
        "prod-db-primary-pgdata",
        "prod-db-replica-pgdata",
        "staging-db-pgdata",
    }

    pgdata = fleet["volumes"]["prod-db-primary-pgdata"]
    table = snaptui("ls", "snapshots", "--volume", pgdata)
    assert table.code == EXIT_OK
    lines = table.stdout.splitlines()
    assert lines[0].split()[:4] == ["ID", "NAME", "VOLUME", "STATE"]
    assert len(lines) == 1 + 16  # header + the 16 EBS-direct generations
    assert all(pgdata in line and "completed" in line for line in lines[1:])
    assert not table.stdout.lstrip().startswith("{")


def test_compare_json_counts_the_burst_generation(snaptui, fleet, seeded_snapshots):
    """The seeded EBS-direct volume has one burst night of 726 changed 512 KiB blocks."""
    generations = seeded_snapshots[fleet["volumes"]["prod-db-primary-pgdata"]]
    burst, before = generations[7]["id"], generations[8]["id"]
    result = snaptui("compare", burst, before, "--json")  # newer first: compare swaps them
    assert result.code == EXIT_OK, result.stderr
    data = result.json
    assert set(data) == {"older", "newer", "swapped", "seconds_between", "fields", "tags", "blocks"}
    assert (data["older"]["id"], data["newer"]["id"], data["swapped"]) == (before, burst, True)
    assert 23 * 3600 < data["seconds_between"] < 25 * 3600
    blocks = data["blocks"]
    assert blocks["available"] is True
    assert blocks["block_size"] == 524288
    assert blocks["changed_blocks"] == 726
    assert blocks["changed_bytes"] == 726 * 524288
    assert sum(count for _, count in blocks["runs"]) == 726
    assert blocks["total_blocks"] == 400 * 2048
    assert {f["key"] for f in data["fields"]} >= {"state", "volume_id", "encrypted"}
    assert all(set(f) == {"key", "label", "older", "newer", "differs"} for f in data["fields"])

    human = snaptui("compare", before, burst)
    assert human.code == EXIT_OK
    assert "Changed blocks: 726 of 819,200 (363.0 MiB" in human.stdout


def test_compare_of_different_volumes_says_why_blocks_are_unavailable(
    snaptui, fleet, seeded_snapshots
):
    a = seeded_snapshots[fleet["volumes"]["prod-db-primary-pgdata"]][0]["id"]
    b = seeded_snapshots[fleet["volumes"]["prod-db-primary-pgwal"]][0]["id"]
    blocks = snaptui("compare", a, b, "--json").json["blocks"]
    assert blocks["available"] is False
    assert blocks["reason"] == "unrelated"
    assert blocks["message"]


def test_bad_input_gets_one_clear_line_and_the_right_exit_code(snaptui):
    cases = [
        (("snapshot", "snap-xyz"), EXIT_USAGE, "is not a volume id (vol-...) or an instance id"),
        (("delete", "snap-xyz"), EXIT_USAGE, "'snap-xyz' is not a snapshot id: expected snap-"),
        (("ls", "snapshots", "--volume", "vol-1"), EXIT_USAGE, "is not a volume id"),
        (("wait", "snap-0123456789abcdef0", "--timeout", "soon"), EXIT_USAGE, "not a duration"),
        (("prune", "vol-0123456789abcdef0", "--keep", "0"), EXIT_USAGE, "at least 1"),
        (("image", "i-0123456789abcdef0", "--name", "x"), EXIT_USAGE, "choose --reboot"),
        (("restore", "snap-0123456789abcdef0", "--device", "/dev/sdf"), EXIT_USAGE, "--attach"),
        (
            ("prune", "vol-0123456789abcdef0", "--keep", "3", "--dry-run"),
            EXIT_AWS,
            "InvalidVolume.NotFound",
        ),
        (
            ("restore", "snap-0123456789abcdef0"),
            EXIT_AWS,
            "InvalidSnapshot.NotFound",
        ),
    ]
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda case: snaptui(*case[0]), cases))
    for (args, code, message), result in zip(cases, results, strict=True):
        assert result.code == code, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert result.stdout == ""
        assert len(result.error_lines) == 1, (args, result.stderr)
        assert message in result.error_lines[0], (args, result.stderr)
        if code == EXIT_AWS:  # names the resource and the call that failed
            assert args[1] in result.error_lines[0] and "(Describe" in result.error_lines[0]


def test_a_reader_that_stops_early_ends_the_command_quietly(demo_endpoint):
    """``snaptui ls snapshots | head -1``: once the reader has gone, snaptui stops with 141
    (128 + SIGPIPE, as a shell reports for any Unix tool) and prints no error about it."""
    env = {**os.environ, "AWS_ENDPOINT_URL": demo_endpoint, "NO_COLOR": "1"}
    argv = ["--endpoint-url", demo_endpoint, "--region", REGION, "ls", "snapshots", "--json"]
    process = subprocess.Popen(
        [sys.executable, "-m", "snaptui", *argv],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader goes away before the listing is printed
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == EXIT_BROKEN_PIPE
    assert stderr == ""
