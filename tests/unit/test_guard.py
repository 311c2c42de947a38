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


def test_a_test_that_swallows_a_refused_real_call_still_fails(tmp_path):
    """Code under test may catch the refusal and carry on: the guard fails that test anyway."""
    import subprocess
    import sys
    import textwrap
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    (tmp_path / "conftest.py").write_text(
        "from tests.conftest import (  # noqa: F401\n"
        "    _stayed_on_loopback, guard_attempts, pytest_sessionfinish, pytest_terminal_summary\n"
        ")\n"
    )
    (tmp_path / "test_probe.py").write_text(
        textwrap.dedent(
            """
            import socket

            def test_swallows_it():
                try:
                    socket.create_connection(("198.51.100.7", 443), timeout=0.1)
                except OSError:
                    pass  # a friendly message instead, say
            """
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=root, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(root)},
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert "the test tried to leave loopback" in done.stdout
    assert "198.51.100.7" in done.stdout
