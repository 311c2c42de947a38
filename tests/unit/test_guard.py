"""The suite's own safety net: real AWS is unreachable and real profiles are invisible."""

import os

import boto3
import botocore.exceptions
import pytest


def test_environment_holds_only_fake_credentials():
    assert os.environ["AWS_ACCESS_KEY_ID"].startswith("AKIAFAKE")
    assert os.environ["AWS_CONFIG_FILE"] == os.devnull
    assert os.environ["AWS_SHARED_CREDENTIALS_FILE"] == os.devnull
    assert "AWS_PROFILE" not in os.environ
    assert "AWS_ENDPOINT_URL" not in os.environ


def test_a_call_to_real_aws_is_refused_and_recorded(guard_attempts):
    before = len(guard_attempts)
    client = boto3.client(
        "ec2",
        region_name="us-east-1",
        config=botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"}),
    )
    with pytest.raises(botocore.exceptions.EndpointConnectionError):
        client.describe_regions()
    assert any("amazonaws.com" in attempt for attempt in guard_attempts[before:])
    # The attempt was provoked on purpose: forget it so the session does not fail.
    del guard_attempts[before:]


def test_loopback_is_allowed(moto):
    client = boto3.client("ec2", region_name="us-east-1", endpoint_url=moto)
    assert client.describe_instances()["Reservations"] == []
