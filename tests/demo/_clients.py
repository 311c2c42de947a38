"""boto3 clients for the demo tests: always against a loopback endpoint, never retried."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import boto3
from botocore.config import Config

REGION = "us-east-1"
ACCOUNT = "123456789012"
NO_RETRIES = Config(retries={"mode": "standard", "max_attempts": 1})


def client(service: str, endpoint: str, region: str = REGION) -> Any:
    assert endpoint.startswith("http://127.0.0.1:"), endpoint
    return boto3.client(service, endpoint_url=endpoint, region_name=region, config=NO_RETRIES)


def set_snapshot_transition(endpoint: str, transition: dict[str, Any]) -> None:
    """Configure the ``ec2::snapshot`` model over HTTP, as a separate process would."""
    body = json.dumps({"model_name": "ec2::snapshot", "transition": transition}).encode()
    request = urllib.request.Request(
        f"{endpoint}/moto-api/state-manager/set-transition", data=body, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
