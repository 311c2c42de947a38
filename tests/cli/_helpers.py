"""Helpers of the CLI tests: results of a run, the demo's snapshot transition, the audit log."""

from __future__ import annotations

import json
import os
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REGION = "us-east-1"
TRANSITION_SECONDS = 3


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> Any:
        return json.loads(self.stdout)

    @property
    def error_lines(self) -> list[str]:
        """stderr lines that start like snaptui's own messages (``snaptui: ...``)."""
        return [line for line in self.stderr.splitlines() if line.startswith("snaptui: ")]


def set_transition(endpoint: str, seconds: float) -> None:
    body = json.dumps(
        {
            "model_name": "ec2::snapshot",
            "transition": {"progression": "time", "seconds": seconds},
        }
    ).encode()
    request = urllib.request.Request(
        f"{endpoint}/moto-api/state-manager/set-transition", data=body, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201


def audit_path() -> Path:
    return Path(os.environ["XDG_STATE_HOME"]) / "snaptui" / "audit.jsonl"


def audit_records(request_id: str | None = None) -> list[dict[str, Any]]:
    """Every audit record the subprocesses wrote (those of one snaptui request id, if given)."""
    path = audit_path()
    if not path.exists():
        return []
    records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    if request_id is None:
        return records
    return [r for r in records if r.get("snaptui_request_id") == request_id]


def ec2_client(endpoint: str, region: str = REGION) -> Any:
    """A boto3 client to check what really happened (describe), without a subprocess."""
    import boto3
    from botocore.config import Config

    assert endpoint.startswith("http://127.0.0.1:"), endpoint
    config = Config(retries={"mode": "standard", "max_attempts": 1})
    return boto3.client("ec2", endpoint_url=endpoint, region_name=region, config=config)


def snapshot_ids(ec2: Any, volume_id: str) -> list[str]:
    """The volume's snapshots as DescribeSnapshots lists them now, newest first."""
    response = ec2.describe_snapshots(
        OwnerIds=["self"], Filters=[{"Name": "volume-id", "Values": [volume_id]}]
    )
    snapshots = sorted(response["Snapshots"], key=lambda s: s["StartTime"], reverse=True)
    return [s["SnapshotId"] for s in snapshots]
