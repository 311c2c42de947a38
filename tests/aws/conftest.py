"""Fixtures for the AWS layer's tests: everything talks to the session's moto server over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from snaptui.aws import AwsContext, AwsSettings, Ec2Service, PageSizes

from ._seed import REGION


@pytest.fixture
def settings(moto: str) -> AwsSettings:
    # One attempt: an accidental call to something moto lacks fails in ms, not seconds.
    return AwsSettings(region=REGION, endpoint_url=moto, max_attempts=1)


@pytest.fixture
async def ctx(settings: AwsSettings) -> AsyncIterator[AwsContext]:
    async with AwsContext(settings) as context:
        yield context


@pytest.fixture
def service(ctx: AwsContext) -> Ec2Service:
    """Small pages, so a dozen resources already take several NextToken round trips."""
    return Ec2Service(ctx, PageSizes(snapshots=5, volumes=5, instances=5, images=5))


@pytest.fixture
def ec2(moto: str) -> Any:
    """A plain boto3 client for seeding and for checking what really happened."""
    assert moto.startswith("http://127.0.0.1:")
    return boto3.client(
        "ec2",
        region_name=REGION,
        endpoint_url=moto,
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )
