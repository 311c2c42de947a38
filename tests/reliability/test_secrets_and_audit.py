"""Credentials never leak, and every mutating call leaves exactly one audit record.

The app and the CLI run with ``--debug`` logging (botocore's wire dumps: request headers with
``Authorization`` and ``X-Amz-Security-Token``) and with known fake credentials whose secret
key has no recognisable shape. Afterwards none of the three values may appear in the log, the
audit log, a screenshot, a message or the terminal output. Each check also proves it looked at
something real (the log does hold the redacted headers), so it cannot pass by seeing nothing.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from snaptui.aws.audit import AuditLog
from snaptui.aws.redaction import forget_secrets, redact
from snaptui.logs import NOISY, RedactingFilter, setup_logging
from snaptui.ui.views import ViewKind
from tests.cli_process import run_snaptui
from tests.reliability.fault_proxy import FaultProxy
from tests.ui.helpers import wait_for
from tests.ui.test_actions import confirm, fill_form, open_volumes_of
from tests.ui.test_browse import make_app, move_to

ACCESS_KEY = "AKIAZZSNAPTUITEST0042"
SECRET_KEY = "q8Jv2mW+Lr0xTe9/hPzK4nYb7cU1sDfG3aRiXoVE"  # 40 characters, no tell-tale shape
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEZZsnaptuiFAKEtoken/" + "Qm9ndXM" * 30
SECRETS = (ACCESS_KEY, SECRET_KEY, SESSION_TOKEN)


def read(path: Path) -> str:
    return path.read_text()


def leaks(text: str) -> list[str]:
    """Which secrets (or a long piece of the token) appear in ``text``."""
    found = [s[:12] + "..." for s in SECRETS if s in text]
    if SESSION_TOKEN[:24] in text and not found:
        found.append("a piece of the session token")
    return found


@pytest.fixture
def fake_credentials(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)
    forget_secrets()
    yield
    forget_secrets()


@pytest.fixture
def debug_log(tmp_path: Path) -> Iterator[Path]:
    """snaptui's own logging set-up with --debug, writing to a temp file; restored after."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level, {n: logging.getLogger(n).level for n in NOISY}
    factory = logging.getLogRecordFactory()
    path = setup_logging(debug=True, path=tmp_path / "snaptui.log")
    assert path is not None
    yield path
    logging.setLogRecordFactory(factory)
    for handler in root.handlers:
        handler.close()
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for name, level in saved[2].items():
        logging.getLogger(name).setLevel(level)
    if logging.lastResort is not None:
        for f in [f for f in logging.lastResort.filters if isinstance(f, RedactingFilter)]:
            logging.lastResort.removeFilter(f)


# ---------------------------------------------------------------------------------------------
# The filter on its own, with what botocore really logs.

BOTOCORE_LINES = [
    "Sending http request: <AWSPreparedRequest stream_output=False, method=POST, "
    "url=http://127.0.0.1:5000/, headers={'X-Amz-Date': b'20261126T160543Z', "
    f"'X-Amz-Security-Token': b'{SESSION_TOKEN}', 'Authorization': b'AWS4-HMAC-SHA256 "
    f"Credential={ACCESS_KEY}/20261126/us-east-1/ec2/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=0123456789abcdef0123456789abcdef'}>",
    f"CanonicalRequest:\nPOST\n/\n\nhost:127.0.0.1\nx-amz-security-token:{SESSION_TOKEN}\n",
    f'{{"roleCredentials": {{"accessKeyId": "{ACCESS_KEY}", "secretAccessKey": '
    f'"{SECRET_KEY}", "sessionToken": "{SESSION_TOKEN}"}}}}',
    f"aws_secret_access_key = {SECRET_KEY}",
]


@pytest.mark.parametrize("line", BOTOCORE_LINES)
def test_redact_removes_every_credential_by_its_shape(line: str) -> None:
    forget_secrets()
    redacted = redact(line)
    assert leaks(redacted) == [] and "<redacted>" in redacted
    assert "Signature=0123456789abcdef" not in redacted


def test_a_remembered_secret_is_redacted_wherever_it_appears(fake_credentials) -> None:
    from snaptui.aws.redaction import remember_secret

    assert SECRET_KEY in redact(f"oops {SECRET_KEY} in a message")  # no shape: not caught
    remember_secret(SECRET_KEY)
    assert redact(f"oops {SECRET_KEY} in a message") == "oops <redacted> in a message"


def test_every_handler_gets_redacted_records_with_tracebacks(debug_log: Path, tmp_path) -> None:
    """snaptui's file handler and one added afterwards (as a library might) alike."""
    late = logging.FileHandler(tmp_path / "late.log")
    logging.getLogger("botocore").addHandler(late)
    try:
        log = logging.getLogger("botocore.endpoint")
        try:
            raise RuntimeError(f"failed with token {BOTOCORE_LINES[0]}")
        except RuntimeError:
            log.exception("headers were %s", BOTOCORE_LINES[0])
    finally:
        logging.getLogger("botocore").removeHandler(late)
        late.close()
    for path in (debug_log, tmp_path / "late.log"):
        text = path.read_text()
        assert "headers were" in text and "RuntimeError" in text, path
        assert leaks(text) == [], path
    assert stat.S_IMODE(debug_log.stat().st_mode) == 0o600


def test_the_filter_redacts_a_record_that_bypassed_the_factory(tmp_path) -> None:
    handler = logging.FileHandler(tmp_path / "f.log")
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(RedactingFilter())
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s", (BOTOCORE_LINES[2],), None)
    handler.handle(record)
    handler.close()
    text = (tmp_path / "f.log").read_text()
    assert "roleCredentials" in text and leaks(text) == []


# ---------------------------------------------------------------------------------------------
# The app, end to end.


async def snapshot_the_db_volume(pilot, proxy: FaultProxy, reason: str) -> str:
    """Open prod-db-primary's volumes, snapshot its data volume through the form; its id."""
    app = pilot.app
    await open_volumes_of(pilot, app, "prod-db-primary")
    instance = app.browser.state.scope_id
    await move_to(pilot, app, proxy.fleet.ebs_direct_volume_id)
    await pilot.press("s")
    await fill_form(pilot, reason=reason)
    await confirm(pilot)
    await wait_for(pilot, lambda: any("snap-" in n.message for n in app._notifications))
    return instance


async def test_the_app_with_debug_logging_leaks_no_credential(
    seeded_proxy: FaultProxy, fake_credentials, debug_log: Path, tmp_path: Path
):
    proxy = seeded_proxy
    audit_path = tmp_path / "audit.jsonl"
    app = make_app(proxy.url, audit=AuditLog(audit_path), refresh_interval=1.0)
    screens: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await snapshot_the_db_volume(pilot, proxy, "safety before deploy")
        screens.append(app.export_screenshot())
        proxy.inject("expired", times=None)
        await pilot.press("escape")
        await pilot.press("2")
        await pilot.press("r")
        await wait_for(pilot, lambda: "ExpiredToken" in app.export_screenshot(), within=20)
        screens.append(app.export_screenshot())
        messages = [n.message for n in app._notifications]
        assert app.browser.state.kind == ViewKind.VOLUMES and app.browser.table.items
        proxy.clear()
    log_text, audit_text = read(debug_log), read(audit_path)
    # It looked at something real: wire-level records with the headers, and the audit record.
    assert "X-Amz-Security-Token" in log_text and "<redacted>" in log_text
    assert '"CreateSnapshot"' in audit_text
    for name, text in [
        ("debug log", log_text),
        ("audit log", audit_text),
        ("screen", "\n".join(screens)),
        ("messages", "\n".join(messages)),
    ]:
        assert leaks(text) == [], f"credentials in the {name}"


# ---------------------------------------------------------------------------------------------
# The CLI, end to end.


def run_cli(url: str, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_SESSION_TOKEN": SESSION_TOKEN,
        "XDG_STATE_HOME": str(home / "state"),
        "NO_COLOR": "1",
    }
    session = ("--debug", "--endpoint-url", url, "--region", "us-east-1")
    return run_snaptui(*session, *args, env=env, timeout=90)


def test_the_cli_with_debug_logging_leaks_no_credential(seeded_proxy: FaultProxy, tmp_path):
    proxy = seeded_proxy
    volume = proxy.fleet.ebs_direct_volume_id
    runs = [
        run_cli(proxy.url, tmp_path, "ls", "volumes", "--json"),
        run_cli(proxy.url, tmp_path, "snapshot", volume, "--reason", "safety", "--json"),
        run_cli(proxy.url, tmp_path, "doctor"),
    ]
    proxy.inject("expired", times=None)
    failed = run_cli(proxy.url, tmp_path, "ls", "snapshots")
    runs.append(failed)
    assert [r.returncode for r in runs[:2]] == [0, 0], [r.stderr for r in runs]
    assert failed.returncode == 3 and "ExpiredToken" in failed.stderr
    log_text = (tmp_path / "state" / "snaptui" / "snaptui.log").read_text()
    audit_text = (tmp_path / "state" / "snaptui" / "audit.jsonl").read_text()
    assert "X-Amz-Security-Token" in log_text and "<redacted>" in log_text
    assert '"CreateSnapshot"' in audit_text
    for name, text in [
        ("debug log", log_text),
        ("audit log", audit_text),
        ("stdout", "".join(r.stdout for r in runs)),
        ("stderr", "".join(r.stderr for r in runs)),
    ]:
        assert leaks(text) == [], f"credentials in the CLI's {name}"


def test_committed_screenshots_hold_no_access_key():
    import re

    shots = sorted(Path(__file__).parents[2].joinpath("screenshots").glob("*.svg"))
    assert shots
    key_shape = re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")
    assert [p.name for p in shots if key_shape.search(p.read_text())] == []


# ---------------------------------------------------------------------------------------------
# One audit record per mutating call, TUI and CLI.


def sent_mutations(proxy: FaultProxy) -> Counter[str]:
    """Mutating EC2 requests that reached the backend, DryRun permission checks left out."""
    return Counter(s.operation for s in proxy.mutating() if not s.dry_run and s.forwarded)


def audited_calls(path: Path) -> Counter[str]:
    records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    assert all("outcome" in r for r in records if r["kind"] == "call")
    return Counter(r["operation"] for r in records if r["kind"] == "call")


def test_every_mutating_cli_call_has_exactly_one_audit_record(seeded_proxy: FaultProxy, tmp_path):
    proxy = seeded_proxy
    fleet = proxy.fleet
    audit = tmp_path / "state" / "snaptui" / "audit.jsonl"
    audit.parent.mkdir(parents=True)
    earlier = b'{"kind": "call", "operation": "CreateSnapshot", "outcome": "ok", "earlier": 1}\n'
    audit.write_bytes(earlier)
    audit.chmod(0o644)  # a wider mode found on an existing file is narrowed
    ec2 = boto3.client("ec2", region_name="us-east-1", endpoint_url=proxy.target)
    image = ec2.describe_images(Owners=["self"])["Images"][0]["ImageId"]
    snapshot = fleet.ebs_direct_snapshot_ids[0]
    commands = [
        ("snapshot", fleet.ebs_direct_volume_id),
        ("restore", snapshot),
        ("launch", image, "--type", "t3.micro"),
    ]
    proxy.inject("throttle", operation="CreateSnapshot", dry_run=False)  # retried: two requests
    for command in commands:
        result = run_cli(proxy.url, tmp_path, *command)
        assert result.returncode == 0, (command, result.stderr)
    assert audit.read_bytes().startswith(earlier)  # appended to, never rewritten
    assert stat.S_IMODE(audit.stat().st_mode) == 0o600
    sent = sent_mutations(proxy)
    audited = audited_calls(audit) - Counter({"CreateSnapshot": 1})  # the earlier record
    # The throttled request never reached the backend; it was retried inside one audited call.
    real = [c.fault for c in proxy.calls("CreateSnapshot") if not c.dry_run]
    assert real == ["throttle", None]
    assert sent == audited, (sent, audited)
    assert set(audited) >= {"CreateSnapshot", "CreateVolume", "RunInstances"}


async def test_every_mutating_tui_call_has_exactly_one_audit_record(
    seeded_proxy: FaultProxy, tmp_path: Path
):
    proxy = seeded_proxy
    audit = tmp_path / "audit.jsonl"
    app = make_app(proxy.url, audit=AuditLog(audit))
    async with app.run_test(size=(120, 40)) as pilot:
        db = await snapshot_the_db_volume(pilot, proxy, "before deploy")
        volume = proxy.fleet.ebs_direct_volume_id
        await pilot.press("enter")
        generation = app.inventory.generations_of(volume)[1]
        await move_to(pilot, app, generation.id)
        await pilot.press("R")
        await fill_form(pilot, attach_to=db)
        await confirm(pilot)
        await wait_for(pilot, lambda: any("Volume vol-" in n.message for n in app._notifications))
        await pilot.press("escape")  # back to the instance's volumes
        await wait_for(pilot, lambda: volume in app.browser.table.items)
        await move_to(pilot, app, volume)
        await pilot.press("s")  # and one the user cancels: a decision, no call
        await fill_form(pilot, reason="changed my mind")
        await confirm(pilot, go=False)
    sent = sent_mutations(proxy)
    audited = audited_calls(audit)
    assert sent == audited, (sent, audited)
    assert set(audited) >= {"CreateSnapshot", "CreateVolume", "AttachVolume"}
    records = [json.loads(line) for line in audit.read_text().splitlines()]
    assert [r["decision"] for r in records if r["kind"] == "decision"] == [
        "confirmed", "confirmed", "cancelled"
    ]  # fmt: skip
    assert stat.S_IMODE(audit.stat().st_mode) == 0o600
