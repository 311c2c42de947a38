"""Provides Ec2Service: the listings and lookups snaptui needs, as pages of models.

Runs on the loop of its AwsContext. Every page goes through ``ctx.call`` (so it is
error-translated and recorded); the NextToken loop is ours, not botocore's paginator.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from snaptui.aws.context import AwsContext
from snaptui.aws.errors import AwsError, NotFoundError
from snaptui.aws.models import Identity, Image, Instance, Snapshot, Volume

__all__ = ["MAX_IDS_PER_CALL", "Ec2Service", "PageSizes"]

T = TypeVar("T")

MAX_IDS_PER_CALL = 200
"""Ids per DescribeSnapshots/DescribeVolumes call when asking for specific ids."""


@dataclass(frozen=True)
class PageSizes:
    """MaxResults per listing call.

    botocore parses a response on the loop that awaits it. Measured on a 2-core machine
    (scripts/measure_aws_stall.py), parsing plus building the models costs about 0.25 ms
    per snapshot: a page of 500 blocks that loop for about 125 ms. AwsClient moves that to
    its own thread, but smaller pages also mean the first rows show sooner. 500 keeps
    10,000 snapshots to 20 calls, well under EC2's describe rate limits. Instances and
    images are much bigger per item (block devices, network interfaces, tags), so 200
    keeps their pages to a similar cost. AWS accepts 5..1000.
    """

    snapshots: int = 500
    volumes: int = 500
    instances: int = 200
    images: int = 200
    first: int = 100
    """MaxResults of the first page of every listing, when smaller: the first rows reach the
    screen after parsing 100 items, not 500 (measured: 0.37 s instead of 1.1 s for the first
    snapshots of 10,000 on the demo backend). The cursor in NextToken does not depend on the
    page size, so later pages use the full size."""

    def __post_init__(self) -> None:
        for name in ("snapshots", "volumes", "instances", "images", "first"):
            if not 5 <= getattr(self, name) <= 1000:
                raise ValueError(f"page size for {name} must be within 5..1000 (AWS limits)")


def _chunks(ids: Sequence[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def _newest_first(snapshots: list[Snapshot]) -> list[Snapshot]:
    return sorted(
        snapshots,
        key=lambda s: s.start_time.timestamp() if s.start_time else 0.0,
        reverse=True,
    )


class Ec2Service:
    """EC2 (and STS) reads for snaptui, always scoped to the caller's own resources."""

    def __init__(self, ctx: AwsContext, page_sizes: PageSizes | None = None) -> None:
        self.ctx = ctx
        self.page_sizes = page_sizes or PageSizes()

    async def identity(self) -> Identity:
        return Identity.from_api(await self.ctx.call("sts", "GetCallerIdentity"))

    # -- listings --------------------------------------------------------------------------

    async def _pages(
        self,
        operation: str,
        key: str,
        parse: Callable[[dict[str, Any]], T],
        params: dict[str, Any],
    ) -> AsyncIterator[list[T]]:
        """Yield one list of models per response, following NextToken until it runs out."""
        seen_tokens: set[str] = set()
        full = params.get("MaxResults")
        if full is not None and self.page_sizes.first < full:
            params = {**params, "MaxResults": self.page_sizes.first}
        while True:
            response = await self.ctx.call("ec2", operation, **params)
            yield [parse(item) for item in response.get(key) or ()]
            token = response.get("NextToken")
            if not token:
                return
            if token in seen_tokens:
                # A server that hands out the same token again would loop forever.
                raise AwsError(
                    "RepeatedNextToken",
                    "the endpoint returned the same NextToken twice; listing stopped",
                    operation=operation,
                    service="ec2",
                )
            seen_tokens.add(token)
            params = {**params, "NextToken": token}
            if full is not None:
                params["MaxResults"] = full

    async def instances(self) -> AsyncIterator[list[Instance]]:
        """Pages of instances (all states, terminated ones included while AWS lists them)."""

        def flatten(reservation: dict[str, Any]) -> list[Instance]:
            return [Instance.from_api(item) for item in reservation.get("Instances") or ()]

        params = {"MaxResults": self.page_sizes.instances}
        async for reservations in self._pages("DescribeInstances", "Reservations", flatten, params):
            yield [instance for group in reservations for instance in group]

    async def volumes(
        self, *, instance_id: str | None = None, volume_ids: Sequence[str] | None = None
    ) -> AsyncIterator[list[Volume]]:
        """Pages of volumes; all of them, those attached to ``instance_id``, or ``volume_ids``.

        AWS refuses MaxResults together with VolumeIds, so ids are asked for in chunks.
        """
        base: dict[str, Any] = {}
        if instance_id is not None:
            base["Filters"] = [{"Name": "attachment.instance-id", "Values": [instance_id]}]
        if volume_ids is None:
            calls = [{**base, "MaxResults": self.page_sizes.volumes}]
        else:
            calls = [
                {**base, "VolumeIds": chunk} for chunk in _chunks(volume_ids, MAX_IDS_PER_CALL)
            ]
        for params in calls:
            async for page in self._pages("DescribeVolumes", "Volumes", Volume.from_api, params):
                yield page

    async def snapshots(self, *, volume_id: str | None = None) -> AsyncIterator[list[Snapshot]]:
        """Pages of the account's own snapshots (OwnerIds=['self']), each page newest first.

        Without OwnerIds AWS also returns every public snapshot in the region.
        """
        params: dict[str, Any] = {"OwnerIds": ["self"], "MaxResults": self.page_sizes.snapshots}
        if volume_id is not None:
            params["Filters"] = [{"Name": "volume-id", "Values": [volume_id]}]
        async for page in self._pages("DescribeSnapshots", "Snapshots", Snapshot.from_api, params):
            yield _newest_first(page)

    async def images(self) -> AsyncIterator[list[Image]]:
        """Pages of the account's own AMIs (Owners=['self'], not every public AMI)."""
        params = {"Owners": ["self"], "MaxResults": self.page_sizes.images}
        async for page in self._pages("DescribeImages", "Images", Image.from_api, params):
            yield page

    # -- targeted reads --------------------------------------------------------------------

    async def refresh_snapshots(self, ids: Iterable[str]) -> list[Snapshot]:
        """The current state of these snapshots, for progress polling.

        One DescribeSnapshots per 200 ids (SnapshotIds, no MaxResults: AWS refuses both).
        If one of them has vanished, AWS fails the whole call with InvalidSnapshot.NotFound;
        that chunk is then asked again by ``snapshot-id`` filter, which skips missing ids,
        so a deleted snapshot shows up as absent from the result rather than as an error.
        """
        unique = list(dict.fromkeys(ids))
        found: list[Snapshot] = []
        for chunk in _chunks(unique, MAX_IDS_PER_CALL):
            try:
                response = await self.ctx.call("ec2", "DescribeSnapshots", SnapshotIds=chunk)
            except NotFoundError:
                response = await self.ctx.call(
                    "ec2",
                    "DescribeSnapshots",
                    OwnerIds=["self"],
                    Filters=[{"Name": "snapshot-id", "Values": chunk}],
                )
            found.extend(Snapshot.from_api(item) for item in response.get("Snapshots") or ())
        return found
