"""The audit log on its own: file mode, append-only lines, who/where fields, sanitising."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from snaptui.aws.audit import (
    AuditError,
    AuditLog,
    AuditScope,
    default_audit_path,
    sanitise,
    ssh_client_address,
)
from snaptui.aws.models import Identity
from snaptui.aws.settings import AwsSettings

SCOPE = AuditScope(profile="prod", region="eu-west-1", account="111122223333", caller_arn="arn:x")


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_default_path_is_in_the_user_state_dir() -> None:
    # tests/conftest.py points XDG_STATE_HOME at a temporary directory.
    path = default_audit_path()
    assert path.name == "audit.jsonl" and path.parent.name == "snaptui"
    assert str(path).startswith(os.environ["XDG_STATE_HOME"])


def test_file_is_created_0600_in_a_0700_directory(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "state" / "snaptui" / "audit.jsonl")
    log.record_call(SCOPE, operation="CreateSnapshot", params={"volume_id": "vol-1"}, outcome="ok")
    assert mode(log.path) == 0o600
    assert mode(log.path.parent) == 0o700


def test_a_wider_existing_file_is_narrowed_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    path.write_text('{"kind": "old"}\n')
    os.chmod(path, 0o666)
    log = AuditLog(path)
    log.check_writable()
    assert mode(path) == 0o600
    log.record_call(SCOPE, operation="DeleteSnapshot", params={}, outcome="ok")
    assert [r["kind"] for r in log.read()] == ["old", "call"]  # appended, never truncated


def test_call_record_fields(tmp_path: Path) -> None:
    log = AuditLog(
        tmp_path / "audit.jsonl", environ={"SSH_CONNECTION": "198.51.100.7 4 10.0.0.1 22"}
    )
    log.record_call(
        SCOPE,
        operation="CreateVolume",
        params={"snapshot_id": "snap-1", "size_gib": 100, "encrypted": True},
        outcome="InvalidParameterValue",
        resource_ids=["vol-9"],
        aws_request_id="aws-req",
        snaptui_request_id="uuid-1",
        client_token="uuid-1",
        message="InvalidParameterValue: bad size (CreateVolume)",
    )
    (record,) = log.read()
    assert record["kind"] == "call"
    assert record["time"].endswith("+00:00")
    assert record["user"] and record["host"]
    assert record["ssh_client"] == "198.51.100.7"
    assert (record["profile"], record["account"], record["region"]) == (
        "prod",
        "111122223333",
        "eu-west-1",
    )
    assert record["params"] == {"snapshot_id": "snap-1", "size_gib": 100, "encrypted": True}
    assert record["resource_ids"] == ["vol-9"]
    assert (record["aws_request_id"], record["snaptui_request_id"], record["client_token"]) == (
        "aws-req",
        "uuid-1",
        "uuid-1",
    )
    assert record["outcome"] == "InvalidParameterValue"


def test_decision_records(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl", environ={})
    log.record_decision(
        SCOPE, operation="DeleteSnapshot", decision="cancelled", params={"snapshot_id": "s"},
        snaptui_request_id="uuid-2",
    )  # fmt: skip
    (record,) = log.read()
    assert (record["kind"], record["decision"], record["ssh_client"]) == (
        "decision",
        "cancelled",
        None,
    )
    with pytest.raises(ValueError, match="confirmed"):
        log.record_decision(
            SCOPE,
            operation="x",
            decision="maybe",
            params={},
            snaptui_request_id=None,  # type: ignore[arg-type]
        )


@pytest.mark.parametrize(
    ("environ", "address"),
    [
        ({"SSH_CLIENT": "10.0.0.5 51234 22"}, "10.0.0.5"),
        ({"SSH_CONNECTION": "2001:db8::1 51234 2001:db8::2 22"}, "2001:db8::1"),
        ({"SSH_CLIENT": "", "SSH_CONNECTION": "10.0.0.6 1 10.0.0.1 22"}, "10.0.0.6"),
        ({}, None),
    ],
)
def test_ssh_client_address(environ: dict[str, str], address: str | None) -> None:
    assert ssh_client_address(environ) == address


def test_sanitise_drops_secret_keys_and_redacts_values() -> None:
    clean = sanitise(
        {
            "volume_id": "vol-1",
            "SecretAccessKey": "abc",
            "aws_session_token": "tok",
            "UserData": "IyEvYmluL2Jhc2g=",
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/...",
            "reason": "rotate AKIAIOSFODNN7EXAMPLE, aws_secret_access_key=wJalrXUtnFEMI",
            "nested": {"password": "hunter2", "size": 8},
            "ids": ["snap-1", "snap-2"],
            "long": "x" * 2000,
        }
    )
    assert set(clean) == {"volume_id", "reason", "nested", "ids", "long"}
    text = json.dumps(clean)
    for secret in ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI", "hunter2", "IyEvYmluL2Jhc2g="):
        assert secret not in text
    assert clean["nested"] == {"size": 8}
    assert clean["ids"] == ["snap-1", "snap-2"]
    assert len(clean["long"]) < 600


def test_an_unwritable_log_raises_audit_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    log = AuditLog(blocker / "audit.jsonl")
    with pytest.raises(AuditError, match="cannot write the audit log"):
        log.check_writable()
    with pytest.raises(AuditError):
        log.record_call(SCOPE, operation="CreateSnapshot", params={}, outcome="ok")


def test_concurrent_writers_never_interleave_lines(tmp_path: Path) -> None:
    logs = [AuditLog(tmp_path / "audit.jsonl") for _ in range(4)]  # as separate processes would

    def write(log: AuditLog, n: int) -> None:
        for i in range(50):
            log.record_call(
                SCOPE,
                operation="CreateTags",
                params={"n": n, "i": i, "pad": "p" * 500},
                outcome="ok",
            )

    threads = [threading.Thread(target=write, args=(log, n)) for n, log in enumerate(logs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    records = AuditLog(tmp_path / "audit.jsonl").read()  # every line parses
    assert len(records) == 200
    assert {(r["params"]["n"], r["params"]["i"]) for r in records} == {
        (n, i) for n in range(4) for i in range(50)
    }


def test_scope_from_settings_and_identity() -> None:
    settings = AwsSettings(region="us-east-1", profile="ops")
    scope = AuditScope.of(settings, Identity("123", "arn:aws:iam::123:user/a", "AID"))
    assert scope == AuditScope("ops", "us-east-1", "123", "arn:aws:iam::123:user/a")
    assert AuditScope.of(settings, None, region="eu-west-1").region == "eu-west-1"
