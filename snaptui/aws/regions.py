"""Provides other_region(): a short-lived AwsContext for another region, same settings otherwise.

CopySnapshot must be called in the *destination* region (botocore then presigns the source
side itself). The context reuses the profile, endpoint override, timeouts, retry settings,
read-only flag and session hook of the caller's context (so an MFA profile asks its code in
the UI's own prompt, never on the terminal under it); it is opened for one action and closed
after it.

An endpoint override is reused as is: right for moto and LocalStack (one endpoint serves every
region); a region-specific VPC endpoint would reject the other region's signature (an error,
never a call in the wrong region).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

from snaptui.aws.context import AwsContext, CallListener
from snaptui.aws.validation import check_region, require

__all__ = ["other_region"]


@asynccontextmanager
async def other_region(
    source: AwsContext, region: str, *, listeners: tuple[CallListener, ...] = ()
) -> AsyncIterator[AwsContext]:
    """``async with other_region(ctx, "eu-west-1") as ctx2: ...``

    ``listeners`` receive the new context's CallRecords (e.g. the UI's activity log).
    Raises ValidationError for a malformed region name.
    """
    require(check_region(region))
    settings = replace(source.settings, region=region)
    async with AwsContext(settings, prepare_session=source.prepare_session) as ctx:
        for listener in listeners:
            ctx.add_listener(listener)
        yield ctx
