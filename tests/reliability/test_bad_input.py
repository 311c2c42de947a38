"""Bad input, table-driven (issue #8): every refusal is one exact message, and nothing is made.

Two surfaces, one table each:

- ``CLI_CASES``: the real command (``python -m snaptui ...``, stdin not a terminal), each case
  through its own FaultProxy in front of the seeded moto server, all cases side by side. Each
  case asserts its exit code, its exact last ``snaptui:`` line on stderr, no traceback, no raw
  control character echoed, and that no mutating request (DryRun included) reached the backend.
- ``FORM_CASES``: the TUI's action forms (restore, snapshot, AMI, launch) driven with Pilot in
  one app through a FaultProxy, one case after the other. Each case asserts the exact problems
  the form shows (or, for an input that is fine, that the confirmation opens; it is then
  cancelled), and that no request but the DryRun of an accepted case was mutating.

Around both, the ids of every instance, volume, snapshot and AMI (us-east-1 and us-west-2, the
copy target) are listed before and after: they must be the same sets.

The backend is seeded once for the module (the demo's small fleet) plus a stopped instance and
a terminated one; bad input must not change it, and the id sets prove it did not.
"""

from __future__ import annotations

import asyncio
import os
import socket
import tempfile
import time
import unicodedata
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config as BotoConfig

from tests.cli_process import run_snaptui
from tests.reliability.fault_proxy import FaultProxy, Seen

REGION = "us-east-1"
COPY_REGION = "us-west-2"
USAGE, AWS, REFUSED = 2, 3, 5
CONTROL = "remove them (line breaks, tabs and terminal escape codes cannot be sent)"
ZONES = "us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f"


# ---------------------------------------------------------------------------------------------
# The backend: seeded once, plus a stopped and a terminated instance.


@dataclass(frozen=True)
class Backend:
    url: str
    ids: dict[str, str]
    """Placeholders of the tables: {snap}, {vol}, {i_1a}, {i_1b}, {stopped}, {terminated}..."""


def _post(url: str) -> None:
    request = urllib.request.Request(url, data=b"{}", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def ec2_client(url: str, region: str = REGION) -> Any:
    config = BotoConfig(retries={"mode": "standard", "max_attempts": 1})
    return boto3.client("ec2", endpoint_url=url, region_name=region, config=config)


def _tags(item: dict[str, Any]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in item.get("Tags", [])}


def _instances(ec2: Any) -> list[dict[str, Any]]:
    pages = ec2.get_paginator("describe_instances").paginate()
    return [i for page in pages for r in page["Reservations"] for i in r["Instances"]]


def inventory(url: str) -> dict[str, frozenset[str]]:
    """Every id there is, by region and kind: what bad input must leave exactly as it was."""
    found: dict[str, frozenset[str]] = {}
    for region in (REGION, COPY_REGION):
        ec2 = ec2_client(url, region)
        volumes = ec2.get_paginator("describe_volumes").paginate()
        snapshots = ec2.get_paginator("describe_snapshots").paginate(OwnerIds=["self"])
        found[f"{region} instances"] = frozenset(i["InstanceId"] for i in _instances(ec2))
        found[f"{region} volumes"] = frozenset(v["VolumeId"] for p in volumes for v in p["Volumes"])
        found[f"{region} snapshots"] = frozenset(
            s["SnapshotId"] for p in snapshots for s in p["Snapshots"]
        )
        found[f"{region} images"] = frozenset(
            i["ImageId"] for i in ec2.describe_images(Owners=["self"])["Images"]
        )
    return found


def changes(before: dict[str, frozenset[str]], after: dict[str, frozenset[str]]) -> list[str]:
    return [
        f"{kind}: +{sorted(after[kind] - ids)} -{sorted(ids - after[kind])}"
        for kind, ids in before.items()
        if after[kind] != ids
    ]


def _wait_state(ec2: Any, instance_id: str, state: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"]
        if found[0]["State"]["Name"] == state:
            return
        time.sleep(0.1)
    raise AssertionError(f"{instance_id} never became {state}")


@pytest.fixture(scope="module")
def backend(moto_endpoint: str) -> Iterator[Backend]:
    """The session's moto, reset and seeded for this module only (bad input changes nothing)."""
    from snaptui.demo import shim
    from snaptui.demo.seed import seed

    _post(f"{moto_endpoint}/moto-api/reset")
    shim.reset_snapshot_transition()
    summary = seed("small")
    ec2 = ec2_client(moto_endpoint)
    by_name = {_tags(i).get("Name"): i for i in _instances(ec2)}
    volumes = {_tags(v).get("Name"): v for v in ec2.describe_volumes()["Volumes"]}
    app_volume = volumes["prod-api-1-app"]  # gp3, 100 GiB, us-east-1a
    assert (app_volume["VolumeType"], app_volume["Size"]) == ("gp3", 100)
    snapshots = ec2.describe_snapshots(
        OwnerIds=["self"],
        Filters=[
            {"Name": "volume-id", "Values": [app_volume["VolumeId"]]},
            {"Name": "status", "Values": ["completed"]},
        ],
    )["Snapshots"]
    pending = set(summary.pending_snapshot_ids)
    newest = max(
        (s for s in snapshots if s["SnapshotId"] not in pending), key=lambda s: s["StartTime"]
    )
    images = {i["Name"]: i["ImageId"] for i in ec2.describe_images(Owners=["self"])["Images"]}
    stopped = by_name["staging-web-1"]["InstanceId"]  # us-east-1a, /dev/sda1 and /dev/sdf
    terminated = by_name["dev-jumpbox"]["InstanceId"]  # us-east-1a
    ec2.stop_instances(InstanceIds=[stopped])
    ec2.terminate_instances(InstanceIds=[terminated])
    _wait_state(ec2, stopped, "stopped")
    _wait_state(ec2, terminated, "terminated")
    ids = {
        "snap": newest["SnapshotId"],
        "vol": app_volume["VolumeId"],
        "i_1a": by_name["prod-web-1"]["InstanceId"],  # us-east-1a, /dev/sdf taken
        "i_1b": by_name["prod-web-2"]["InstanceId"],  # us-east-1b
        "stopped": stopped,
        "terminated": terminated,
        "ami": images["prod-web-golden-v41"],
        "error_snap": summary.error_snapshot_id or "",
        "ami_snap": ec2.describe_images(ImageIds=[images["prod-web-golden-v41"]])["Images"][0][
            "BlockDeviceMappings"
        ][0]["Ebs"]["SnapshotId"],
    }
    yield Backend(moto_endpoint, ids)
    _post(f"{moto_endpoint}/moto-api/reset")
    shim.reset_snapshot_transition()


# ---------------------------------------------------------------------------------------------
# What no message may contain.


def raw_controls(text: str) -> list[str]:
    """Control characters (but line feeds) and bidi overrides: never written raw to a terminal."""
    return sorted(
        {
            repr(c)
            for c in text
            if c != "\n"
            and (unicodedata.category(c) in ("Cc", "Zl", "Zp") or "\u202a" <= c <= "\u202e")
        }
    )


# ---------------------------------------------------------------------------------------------
# The CLI table.


@dataclass(frozen=True)
class Cli:
    id: str
    argv: tuple[str, ...]
    """After the session flags; ``{snap}``, ``{vol}``... are Backend.ids, ``{port}`` the closed
    port of the unreachable-endpoint case."""
    code: int
    line: str
    """The exact last line on stderr."""
    session: tuple[str, ...] = ("--endpoint-url", "{url}", "--region", REGION)
    """Flags before the command; ``{url}`` is this case's proxy."""
    config: str | None = None
    """Text of the file SNAPTUI_CONFIG points at, when the case is about the config."""
    stderr_has: tuple[str, ...] = ()
    """Further exact lines of stderr (e.g. the config warning before the error)."""
    dry_runs: tuple[str, ...] = ()
    """DryRun operations allowed to reach the backend (nothing real ever is)."""
    xfail: str | None = None


def cli(
    case_id: str, argv: str | tuple[str, ...], code: int, line: str, **kwargs: Any
) -> pytest.param:
    args = tuple(argv.split()) if isinstance(argv, str) else argv
    case = Cli(case_id, args, code, line, **kwargs)
    marks = [pytest.mark.xfail(reason=case.xfail, strict=True)] if case.xfail else []
    return pytest.param(case, id=case_id, marks=marks)


def _err(text: str) -> str:
    return f"snaptui: error: {text}"


def _not_a(value: str, kind: str, prefix: str) -> str:
    article = "an" if kind[0] in "aeiou" else "a"
    return _err(
        f"{value!r} is not {article} {kind} id: expected {prefix}- followed by 8 or 17 hex "
        f"digits (e.g. {prefix}-0123456789abcdef0)"
    )


def _gone(code: str, kind: str, resource_id: str, operation: str, region: str = REGION) -> str:
    return _err(
        f"{code}: {kind} {resource_id} does not exist in {region} (or this account cannot "
        f"see it): check the id and the region ({operation})"
    )


UNKNOWN_SNAP = "snap-0123456789abcdef0"
UNKNOWN_VOL = "vol-0123456789abcdef0"
UNKNOWN_I = "i-0123456789abcdef0"
UNKNOWN_AMI = "ami-0123456789abcdef0"
BROKEN_TOML = 'refresh_interval = 5\n[tags\nteam = "web"\n'
BROKEN_READ_ONLY = 'read_only = true\n[tags\nteam = "web"\n'

CLI_CASES = [
    # -- malformed ids: refused before any call ------------------------------------------------
    cli("malformed-snapshot", "restore snap-123", USAGE, _not_a("snap-123", "snapshot", "snap")),
    cli("malformed-snapshot-uppercase", "compare snap-0123456789ABCDEF0 {snap}", USAGE,
        _not_a("snap-0123456789ABCDEF0", "snapshot", "snap")),
    cli("malformed-volume", "snapshot vol-12 --reason x", USAGE, _err(
        "'vol-12' is not a volume id (vol-...) or an instance id (i-...): ids are the prefix "
        "and 8 or 17 hex digits, e.g. vol-0123456789abcdef0 (list them with 'snaptui ls')")),
    cli("malformed-instance", "restore {snap} --attach i-xyz", USAGE,
        _not_a("i-xyz", "instance", "i")),
    cli("malformed-image", "launch ami-XYZ", USAGE, _not_a("ami-XYZ", "image", "ami")),
    cli("malformed-id-with-escape", ("restore", "snap-\x1b[2J"), USAGE,
        _not_a("snap-\x1b[2J", "snapshot", "snap")),
    # -- well-formed ids that do not exist: the lookup fails, nothing else is sent -------------
    cli("unknown-snapshot", f"restore {UNKNOWN_SNAP}", AWS,
        _gone("InvalidSnapshot.NotFound", "snapshot", UNKNOWN_SNAP, "DescribeSnapshots")),
    cli("unknown-volume", f"snapshot {UNKNOWN_VOL} --reason x", AWS,
        _gone("InvalidVolume.NotFound", "volume", UNKNOWN_VOL, "DescribeVolumes")),
    cli("unknown-instance-snapshot-set", f"snapshot {UNKNOWN_I} --reason x", AWS,
        _gone("InvalidInstanceID.NotFound", "instance", UNKNOWN_I, "DescribeInstances")),
    cli("unknown-instance-attach", f"restore {{snap}} --attach {UNKNOWN_I}", AWS,
        _gone("InvalidInstanceID.NotFound", "instance", UNKNOWN_I, "DescribeInstances")),
    cli("unknown-image", f"launch {UNKNOWN_AMI}", AWS,
        _gone("InvalidAMIID.NotFound", "image", UNKNOWN_AMI, "DescribeImages")),
    cli("unknown-snapshot-delete", f"delete {UNKNOWN_SNAP} --yes", AWS,
        _gone("InvalidSnapshot.NotFound", "snapshot", UNKNOWN_SNAP, "DescribeSnapshots")),
    cli("unknown-snapshot-compare", f"compare {{snap}} {UNKNOWN_SNAP}", AWS,
        _gone("InvalidSnapshot.NotFound", "snapshot", UNKNOWN_SNAP, "DescribeSnapshots")),
    # -- restore: size -----------------------------------------------------------------------
    cli("size-below-snapshot", "restore {snap} --size 50", USAGE,
        _err("size 50 GiB is smaller than the snapshot (100 GiB): choose 100 GiB or more")),
    cli("size-above-gp3-limit", "restore {snap} --type gp3 --size 70000", USAGE, _err(
        "size 70000 GiB is above the gp3 maximum (65536 GiB): choose at most 65536 GiB "
        "(no volume type is larger)")),
    cli("size-not-a-number", "restore {snap} --size abc", USAGE,
        "snaptui restore: error: argument --size: invalid int value: 'abc'"),
    # -- restore: IOPS and throughput ----------------------------------------------------------
    cli("iops-below-gp3", "restore {snap} --iops 100", USAGE,
        _err("IOPS 100 is below the gp3 minimum (3000): choose 3000..50000")),
    cli("iops-above-io1", "restore {snap} --type io1 --size 500 --iops 99999", USAGE,
        _err("IOPS 99999 is above the io1 maximum (64000): choose 100..25000")),
    cli("throughput-above-gp3", "restore {snap} --throughput 5000", USAGE,
        _err("throughput 5000 MiB/s is outside the gp3 range: choose 125..2000 MiB/s")),
    # -- restore: zones and attachment -------------------------------------------------------
    cli("az-unknown", "restore {snap} --az us-east-1z", USAGE, _err(
        f"availability zone us-east-1z does not exist (or is not available) here: "
        f"choose one of {ZONES}")),
    cli("az-of-another-region", "restore {snap} --az eu-west-1a", USAGE,
        _err(f"availability zone eu-west-1a is not in region us-east-1: choose one of {ZONES}")),
    cli("attach-other-az", "restore {snap} --az us-east-1a --attach {i_1b}", USAGE, _err(
        "instance {i_1b} is in us-east-1b but the volume will be in us-east-1a: create the "
        "volume in us-east-1b, or choose an instance in that zone")),
    cli("attach-terminated", "restore {snap} --attach {terminated}", USAGE,
        _err("instance {terminated} is terminated: choose a running or stopped instance")),
    cli("device-taken", "restore {snap} --attach {i_1a} --device /dev/sdf", USAGE, _err(
        "device /dev/sdf is already used on this instance: choose a free one, e.g. /dev/sdg")),
    cli("device-without-attach", "restore {snap} --device /dev/sdg", USAGE,
        _err("--device needs --attach: say which instance to attach the volume to")),
    cli("restore-error-snapshot", "restore {error_snap}", USAGE,
        _err("snapshot {error_snap} failed (state error): it cannot be restored; choose "
             "another snapshot of the volume")),
    # -- instances that cannot be imaged or snapshotted ----------------------------------------
    cli("image-of-terminated", "image {terminated} --name gone-test --no-reboot", USAGE,
        _err("instance {terminated} is terminated: an image needs a running or stopped "
             "instance")),
    cli("snapshot-set-of-terminated", "snapshot {terminated} --reason x", USAGE,
        _err("instance {terminated} is terminated: a snapshot set needs a running or stopped "
             "instance")),
    # -- tags ----------------------------------------------------------------------------------
    cli("tag-aws-prefix", "snapshot {vol} --reason x --tag aws:team=web", USAGE,
        _err("tag key 'aws:team' starts with 'aws:', which AWS reserves: rename it")),
    cli("tag-value-too-long", f"snapshot {{vol}} --reason x --tag ticket={'v' * 257}", USAGE,
        _err("tag 'ticket' has a value of 257 characters: shorten it to 256")),
    cli("tag-without-value", "snapshot {vol} --reason x --tag ticket", USAGE,
        _err("--tag 'ticket' is not KEY=VALUE: e.g. --tag ticket=OPS-1234")),
    # -- descriptions and names --------------------------------------------------------------
    cli("description-too-long", f"snapshot {{vol}} --reason x --description {'d' * 256}", USAGE,
        _err("description is 256 characters: shorten it to 255")),
    cli("image-name-empty", ("image", "{i_1a}", "--name", "", "--no-reboot"), USAGE,
        _err("image name is 0 characters: use 3 to 128")),
    cli("image-name-taken", "image {i_1a} --name prod-web-golden-v41 --no-reboot", USAGE,
        _err("an AMI named 'prod-web-golden-v41' already exists ({ami}): choose another name")),
    # -- control characters: refused, never sent, never echoed ---------------------------------
    cli("description-escape-code",
        ("snapshot", "{vol}", "--reason", "x", "--description", "red \x1b[31mALERT\x1b[0m"),
        USAGE, _err(f"--description contains control characters ('\\x1b'): {CONTROL}")),
    cli("reason-carriage-return", ("restore", "{snap}", "--reason", "ok\rsnaptui: all good"),
        USAGE, _err(f"--reason contains control characters ('\\r'): {CONTROL}")),
    cli("name-osc-title", ("image", "{i_1a}", "--name", "web\x1b]0;pwned\x07", "--no-reboot"),
        USAGE, _err(f"--name contains control characters ('\\x07', '\\x1b'): {CONTROL}")),
    cli("tag-line-break", ("snapshot", "{vol}", "--reason", "x", "--tag", "team=web\nfake"),
        USAGE, _err(f"--tag contains control characters ('\\n'): {CONTROL}")),
    cli("name-bidi-override", ("launch", "{ami}", "--name", "invoice\u202etxt.exe"), USAGE,
        _err(f"--name contains control characters ('\\u202e'): {CONTROL}")),
    # -- the session: profile, region, endpoint, config --------------------------------------
    cli("unknown-profile", "--profile nope snapshot {vol} --reason x", USAGE, _err(
        "AWS profile 'nope' is not in /dev/null: check the name with "
        "`aws configure list-profiles`.")),
    cli("malformed-region", "snapshot {vol} --reason x", USAGE,
        _err("'mars-1' is not an AWS region name: use one like us-east-1 or eu-west-2"),
        session=("--endpoint-url", "{url}", "--region", "mars-1")),
    cli("malformed-copy-region", "copy {snap} --to-region mars-1", USAGE,
        _err("'mars-1' is not an AWS region name: use one like us-east-1 or eu-west-2")),
    cli("endpoint-not-a-url", "snapshot {vol} --reason x", USAGE, _err(
        "--endpoint-url 'not-a-url' is not a URL: give scheme and host, e.g. "
        "https://ec2.eu-west-1.amazonaws.com or http://127.0.0.1:5000"),
        session=("--endpoint-url", "not-a-url", "--region", REGION)),
    cli("endpoint-unreachable", "snapshot {vol} --reason x", AWS, _err(
        "EndpointConnectionError: cannot connect to http://127.0.0.1:{port}/: check the network "
        "(and any proxy) and the endpoint URL (DescribeVolumes) "
        "[{vol}]"),
        session=("--endpoint-url", "http://127.0.0.1:{port}", "--region", REGION)),
    cli("config-broken-toml", "ls images", 0,
        "snaptui: warning: {config} is not valid TOML (Expected ']' at the end of a table "
        "declaration (at line 2, column 6)); using defaults", config=BROKEN_TOML),
    cli("config-broken-toml-marked-read-only", "snapshot {vol} --reason x", REFUSED,
        "snaptui: refused: read-only mode (--read-only, or read_only in the config): "
        "'snaptui snapshot' would change AWS resources; nothing was sent",
        config=BROKEN_READ_ONLY,
        stderr_has=("snaptui: warning: {config} is not valid TOML (Expected ']' at the end of "
                    "a table declaration (at line 2, column 6)); using defaults, read-only (the "
                    "file marks something read_only) until it is fixed",)),
    # -- refusals ------------------------------------------------------------------------------
    cli("delete-without-yes-or-terminal", "delete {snap}", REFUSED,
        "snaptui: refused: delete {snap} needs a confirmation and stdin is not a terminal: "
        "add --yes to confirm non-interactively; nothing was changed",
        dry_runs=("DeleteSnapshot",)),
    cli("delete-snapshot-of-an-ami", "delete {ami_snap} --yes", REFUSED,
        "snaptui: refused: blocked: AMI {ami} is backed by {ami_snap}: deregister the AMI "
        "first (AWS refuses to delete a snapshot a registered AMI uses); nothing was changed"),
]  # fmt: skip


@dataclass(frozen=True)
class CliRun:
    code: int
    stdout: str
    stderr: str
    mutating: list[Seen]
    values: dict[str, str]
    """The placeholders as filled in for this case."""
    seconds: float


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_cli(case: Cli, backend: Backend, workdir: Path) -> CliRun:
    values = dict(backend.ids, port=str(_closed_port()))
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPYCACHEPREFIX": str(workdir / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # compiled once, not by each of the runs
    if case.config is not None:
        path = workdir / f"{case.id}.toml"
        path.write_text(case.config)
        env["SNAPTUI_CONFIG"] = str(path)
        values["config"] = str(path)
    with FaultProxy(backend.url) as proxy:
        values["url"] = proxy.url
        argv = [a.format(**values) for a in (*case.session, *case.argv)]
        began = time.monotonic()
        done = run_snaptui(*argv, env=env)
        seconds = time.monotonic() - began
        mutating = proxy.mutating()
    return CliRun(done.returncode, done.stdout, done.stderr, mutating, values, seconds)


@dataclass(frozen=True)
class CliRuns:
    runs: dict[str, CliRun]
    before: dict[str, frozenset[str]]
    after: dict[str, frozenset[str]]


@pytest.fixture(scope="module")
def cli_runs(backend: Backend) -> Iterator[CliRuns]:
    """Every CLI case, side by side (each through its own proxy), around one inventory."""
    cases = [param.values[0] for param in CLI_CASES]
    before = inventory(backend.url)
    with (
        tempfile.TemporaryDirectory(prefix="snaptui-bad-input-") as tmp,
        ThreadPoolExecutor(max_workers=(os.cpu_count() or 2) + 1) as pool,
    ):
        futures = {c.id: pool.submit(_run_cli, c, backend, Path(tmp)) for c in cases}
        runs = {case_id: future.result() for case_id, future in futures.items()}
    yield CliRuns(runs, before, inventory(backend.url))


@pytest.mark.parametrize("case", CLI_CASES)
def test_cli_bad_input(case: Cli, cli_runs: CliRuns) -> None:
    run = cli_runs.runs[case.id]

    def fill(text: str) -> str:
        return text.format(**run.values)

    report = f"exit {run.code}\nstderr:\n{run.stderr}\nstdout:\n{run.stdout[:2000]}"
    assert "Traceback" not in run.stderr + run.stdout, report
    assert raw_controls(run.stderr + run.stdout) == [], report
    assert run.code == case.code, report
    lines = run.stderr.splitlines()
    assert lines and lines[-1] == fill(case.line), report
    for line in case.stderr_has:
        assert fill(line) in lines, report
    sent = [(s.operation, s.dry_run) for s in run.mutating]
    assert sent == [(op, True) for op in case.dry_runs], f"mutating requests: {sent}\n{report}"
    assert changes(cli_runs.before, cli_runs.after) == []


# ---------------------------------------------------------------------------------------------
# The TUI table: the action forms, driven as a user does.


@dataclass(frozen=True)
class Keys:
    """Type this into the field (focused, emptied first) and press Enter: the keyboard path."""

    text: str


@dataclass(frozen=True)
class Form:
    id: str
    form: str
    """restore (of {snap}), snapshot (of {vol}), image (of {i_1a}) or launch (of {ami})."""
    values: dict[str, Any]
    """Field -> value (placeholders allowed); the other fields keep the form's defaults."""
    problems: tuple[str, ...]
    """Exactly what the form shows, one problem a line; () means accepted: the confirmation
    opens (with ``summary`` in it), and is cancelled."""
    summary: dict[str, str] = field(default_factory=dict)
    config_tags: dict[str, str] | None = None
    """Tags of the app's config (what [tags] gives), for the tag cases."""


def form(case_id: str, kind: str, values: dict[str, Any], *problems: str, **kw: Any) -> Any:
    return pytest.param(Form(case_id, kind, values, problems, **kw), id=case_id)


FORM_CASES = [
    # -- restore: size, IOPS, throughput ---------------------------------------------------
    form("restore-size-below-snapshot", "restore", {"size_gib": "50"},
         "size 50 GiB is smaller than the snapshot (100 GiB): choose 100 GiB or more"),
    form("restore-size-above-limit", "restore", {"size_gib": "70000"},
         "size 70000 GiB is above the gp3 maximum (65536 GiB): choose at most 65536 GiB "
         "(no volume type is larger)"),
    form("restore-size-just-a-minus", "restore", {"size_gib": Keys("-")},
         "Size (GiB): '-' is not a whole number: type digits only"),
    form("restore-iops-below-gp3", "restore", {"iops": "100"},
         "IOPS 100 is below the gp3 minimum (3000): choose 3000..50000"),
    form("restore-iops-above-io1", "restore",
         {"volume_type": "io1", "size_gib": "500", "iops": "99999", "throughput": ""},
         "IOPS 99999 is above the io1 maximum (64000): choose 100..25000"),
    form("restore-iops-missing-io2", "restore",
         {"volume_type": "io2", "iops": "", "throughput": ""},
         "io2 needs an IOPS value: choose 100..100000"),
    form("restore-throughput-above-gp3", "restore", {"throughput": "5000"},
         "throughput 5000 MiB/s is outside the gp3 range: choose 125..2000 MiB/s"),
    form("restore-throughput-on-io2", "restore",
         {"volume_type": "io2", "iops": "1000", "throughput": "500"},
         "throughput can only be set for gp3 volumes: leave it empty for io2"),
    # -- restore: zone, attachment, device ---------------------------------------------------
    form("restore-az-unknown", "restore", {"az": "us-east-1z"},
         f"availability zone us-east-1z does not exist (or is not available) here: "
         f"choose one of {ZONES}"),
    form("restore-az-of-another-region", "restore", {"az": "eu-west-1a"},
         f"availability zone eu-west-1a is not in region us-east-1: choose one of {ZONES}"),
    form("restore-az-empty", "restore", {"az": ""}, "Availability zone is required"),
    form("restore-attach-other-az", "restore", {"az": "us-east-1a", "attach_to": "{i_1b}"},
         "instance {i_1b} is in us-east-1b but the volume will be in us-east-1a: create the "
         "volume in us-east-1b, or choose an instance in that zone"),
    form("restore-device-taken", "restore", {"attach_to": "{i_1a}", "device": "/dev/sdf"},
         "device /dev/sdf is already used on this instance: choose a free one, e.g. /dev/sdg"),
    form("restore-device-without-instance", "restore", {"device": "/dev/sdg"},
         "a device name was given without an instance: choose one, or clear it"),
    form("restore-form-checks-come-first", "restore",
         {"size_gib": "50", "az": "eu-west-1a", "reason": "x\x1b[2J"},
         f"Reason contains control characters ('\\x1b'): {CONTROL}"),
    form("restore-attach-stopped-is-fine", "restore", {"attach_to": "{stopped}"},
         summary={"Attach to": "{stopped} (staging-web-1) as /dev/sdg (stopped)"}),
    # -- snapshot: reason, description, tags -------------------------------------------------
    form("snapshot-reason-empty", "snapshot", {"reason": ""}, "Reason is required"),
    form("snapshot-reason-nul", "snapshot", {"reason": "why\x00"},
         f"Reason contains control characters ('\\x00'): {CONTROL}"),
    form("snapshot-description-escape-code", "snapshot",
         {"reason": "x", "description": "red \x1b[31mALERT"},
         f"Description contains control characters ('\\x1b'): {CONTROL}"),
    form("snapshot-description-too-long", "snapshot", {"reason": "x", "description": "d" * 300},
         "description is 300 characters: shorten it to 255"),
    form("snapshot-description-unicode-is-fine", "snapshot",
         {"reason": "pré-déploiement", "description": "avant la mise à jour ✓ 日本語 🙂"},
         summary={"Description": "avant la mise à jour ✓ 日本語 🙂"}),
    form("snapshot-config-tag-aws-prefix", "snapshot", {"reason": "x"},
         "tag key 'aws:team' starts with 'aws:', which AWS reserves: rename it",
         config_tags={"aws:team": "web"}),
    form("snapshot-config-tag-key-too-long", "snapshot", {"reason": "x"},
         f"tag key {'k' * 20!r}... is 129 characters: shorten it to 128",
         config_tags={"k" * 129: "v"}),
    form("snapshot-config-tag-value-too-long", "snapshot", {"reason": "x"},
         "tag 'team' has a value of 257 characters: shorten it to 256",
         config_tags={"team": "v" * 257}),
    # -- AMI from an instance, launch ------------------------------------------------------
    form("image-name-too-short", "image", {"name": "ab", "reboot": "no-reboot"},
         "image name is 2 characters: use 3 to 128"),
    form("image-name-taken", "image", {"name": "prod-web-golden-v41", "reboot": "no-reboot"},
         "an AMI named 'prod-web-golden-v41' already exists ({ami}): choose another name"),
    form("image-description-too-long", "image",
         {"name": "web-test", "reboot": "no-reboot", "description": "d" * 300},
         "description is 300 characters: shorten it to 255"),
    form("launch-bad-instance-type", "launch", {"instance_type": "bogus"},
         "'bogus' is not an instance type: use a name like t3.small"),
    form("launch-bad-subnet", "launch", {"subnet_id": "subnet-xyz"},
         "'subnet-xyz' is not a subnet id: use subnet-0123..."),
]  # fmt: skip


@dataclass
class FormRun:
    problems: tuple[str, ...] | None = None
    """What the form showed; None when the confirmation opened instead."""
    summary: dict[str, str] = field(default_factory=dict)
    mutating: list[Seen] = field(default_factory=list)
    error: str | None = None
    """The form got stuck, or the driver failed: what happened."""


def _fill(value: Any, ids: dict[str, str]) -> Any:
    return value.format(**ids) if isinstance(value, str) and "{" in value else value


async def _open_form(pilot: Any, app: Any, kind: str, ids: dict[str, str]) -> Any:
    from snaptui.ui.screens.action_form import ActionForm
    from tests.ui.helpers import wait_for
    from tests.ui.test_browse import move_to

    view, row, key = {
        "restore": ("3", ids["snap"], "R"),
        "snapshot": ("2", ids["vol"], "s"),
        "image": ("1", ids["i_1a"], "a"),
        "launch": ("4", ids["ami"], "l"),
    }[kind]
    await pilot.press(view)
    await wait_for(pilot, lambda: row in app.browser.table.items)
    await move_to(pilot, app, row)
    await pilot.press(key)
    await wait_for(
        pilot, lambda: isinstance(app.screen, ActionForm) and bool(app.screen.query("#form-review"))
    )
    return app.screen


def _set(form_screen: Any, name: str, value: Any) -> None:
    from textual.widgets._select import InvalidSelectValueError

    widget = form_screen.query_one(f"#field-{name}")
    try:
        widget.value = value
    except InvalidSelectValueError:  # "" for a select whose default was blank
        widget.clear()


def _shown(problems: Any) -> tuple[str, ...]:
    """The lines of the form's problems widget (rendered text, without the ✗ marks)."""
    text = problems.content
    plain = getattr(text, "plain", str(text))
    return tuple(line.removeprefix("✗ ") for line in plain.splitlines() if line.strip())


async def _run_case(
    pilot: Any, app: Any, case: Form, ids: dict[str, str], proxy: FaultProxy
) -> FormRun:
    from snaptui.config import Config
    from snaptui.ui.screens.action_form import ActionForm
    from snaptui.ui.screens.confirm import ConfirmScreen
    from tests.ui.helpers import wait_for

    screen = app.screen
    if isinstance(screen, ActionForm) and screen.bad_input_kind != case.form:
        await pilot.press("escape")  # another action's form: cancel it
        await wait_for(pilot, lambda: not isinstance(app.screen, ActionForm))
    if not isinstance(app.screen, ActionForm):
        screen = await _open_form(pilot, app, case.form, ids)
        screen.bad_input_kind = case.form
        screen.bad_input_defaults = screen.values()
    app.config = Config(tags=case.config_tags or {})  # what a config's [tags] gives
    seen = len(proxy.seen)
    for name, value in {**screen.bad_input_defaults, **case.values}.items():
        if not isinstance(value, Keys):
            _set(screen, name, _fill(value, ids))
    await pilot.pause()
    problems = screen.query_one("#form-problems")
    shown_before = problems.content
    typed = [(n, v) for n, v in case.values.items() if isinstance(v, Keys)]
    for name, keys in typed:
        widget = screen.query_one(f"#field-{name}")
        widget.value = ""
        widget.focus()
        await pilot.press(*[{"-": "minus", "+": "plus"}.get(c, c) for c in keys.text])
        await pilot.press("enter")  # Input.Submitted: Review from the keyboard
    if not typed:
        screen.query_one("#form-review").press()
    run = FormRun()
    review = screen.query_one("#form-review")

    def settled() -> bool:
        if isinstance(app.screen, ConfirmScreen) and app.screen.query("#confirm-cancel"):
            return True
        return (
            problems.content is not shown_before
            and not review.disabled
            and _shown(problems) not in ((), ("Checking…",))
        )

    try:
        await wait_for(pilot, settled, within=15)
    except AssertionError:
        run.error = f"the form never settled; it shows {_shown(problems)}"
        return run
    if isinstance(app.screen, ConfirmScreen):
        confirm = app.screen
        run.summary = {label: str(value) for label, value in confirm.summary}
        confirm.query_one("#confirm-cancel").press()
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen | ActionForm))
    else:
        run.problems = _shown(problems)
    run.mutating = [s for s in proxy.seen[seen:] if s.mutating]
    return run


ATTACH_OPTIONS = "_restore attach options"
"""A pseudo case: the instances the restore form offers to attach to (in its problems)."""


async def _drive(backend: Backend, audit_dir: Path) -> dict[str, FormRun]:
    """One app through one proxy for every case, in table order (one form kind after another)."""
    from snaptui.aws.audit import AuditLog
    from tests.ui.test_browse import loaded, make_app

    runs: dict[str, FormRun] = {}
    cases = [param.values[0] for param in FORM_CASES]
    with FaultProxy(backend.url) as proxy:
        app = make_app(proxy.url, audit=AuditLog(path=audit_dir / "audit.jsonl"))
        async with app.run_test(size=(140, 50)) as pilot:
            await loaded(app, pilot)
            for case in cases:
                try:
                    runs[case.id] = await _run_case(pilot, app, case, backend.ids, proxy)
                except Exception as error:  # noqa: BLE001 - reported by the case's test
                    runs[case.id] = FormRun(error=f"{type(error).__name__}: {error}")
                    break  # the app is in an unknown state: the cases after this one fail too
                if case.form == "restore" and ATTACH_OPTIONS not in runs:
                    options = app.screen.query_one("#field-attach_to")._options
                    runs[ATTACH_OPTIONS] = FormRun(problems=tuple(str(v) for _, v in options))
        notes = " ".join(str(n.message) for n in app._notifications)
    for case in cases:
        run = runs.setdefault(case.id, FormRun(error="not run: an earlier case failed"))
        if "Traceback" in notes:
            run.error = f"a notification shows a traceback: {notes}"
    return runs


@dataclass(frozen=True)
class FormRuns:
    runs: dict[str, FormRun]
    before: dict[str, frozenset[str]]
    after: dict[str, frozenset[str]]


@pytest.fixture(scope="module")
def form_runs(backend: Backend) -> FormRuns:
    """Every form case, one app per form (and config), in order, on a fresh event loop."""
    before = inventory(backend.url)
    with tempfile.TemporaryDirectory(prefix="snaptui-bad-input-") as tmp:
        runs = asyncio.run(_drive(backend, Path(tmp)))
    return FormRuns(runs, before, inventory(backend.url))


@pytest.mark.parametrize("case", FORM_CASES)
def test_form_bad_input(case: Form, form_runs: FormRuns, backend: Backend) -> None:
    run = form_runs.runs[case.id]
    assert run.error is None, run.error
    if case.problems:
        assert run.problems == tuple(_fill(p, backend.ids) for p in case.problems)
        assert run.mutating == [], [(s.operation, s.dry_run) for s in run.mutating]
        assert raw_controls("\n".join(run.problems or ())) == []
    else:
        assert run.problems is None, f"refused: {run.problems}"
        for label, value in case.summary.items():
            assert run.summary.get(label) == _fill(value, backend.ids), run.summary
        # Only the permission check (a DryRun) was sent before the confirmation was cancelled.
        assert run.mutating and all(s.dry_run for s in run.mutating), run.mutating
    assert "Traceback" not in " ".join(run.problems or ())
    assert changes(form_runs.before, form_runs.after) == []


def test_restore_offers_only_instances_a_volume_can_attach_to(
    form_runs: FormRuns, backend: Backend
) -> None:
    offered = form_runs.runs[ATTACH_OPTIONS].problems or ()
    assert backend.ids["stopped"] in offered and backend.ids["i_1a"] in offered
    assert backend.ids["terminated"] not in offered
