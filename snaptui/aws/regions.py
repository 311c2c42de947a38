"""Provides other_region(): a short-lived AwsContext for another region, same settings otherwise.

CopySnapshot must be called in the *destination* region (botocore then presigns the source
side itself). The context reuses the profile, endpoint override, timeouts, retry settings and
read-only flag of the caller's context; it is opened for one action and closed after it.

An endpoint override is reused as is: right for moto and LocalStack (one endpoint serves every
region); a region-specific VPC endpoint would reject the other region's signature (an error,
never a call in the wrong region).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

from snaptui.aws.context import AwsContext, CallListener
from snaptui.aws.settings import AwsSettings
from snaptui.aws.validation import check_region, require

__all__ = ["other_region"]


@asynccontextmanager
async def other_region(
    settings: AwsSettings, region: str, *, listeners: tuple[CallListener, ...] = ()
) -> AsyncIterator[AwsContext]:
    """``async with other_region(ctx.settings, "eu-west-1") as ctx2: ...``

    ``listeners`` receive the new context's CallRecords (e.g. the UI's activity log).
    Raises ValidationError for a malformed region name.
    """
    require(check_region(region))
    async with AwsContext(replace(settings, region=region)) as ctx:
        for listener in listeners:
            ctx.add_listener(listener)
        yield ctx
