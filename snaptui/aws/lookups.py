"""Provides fresh single-resource reads by id, and the request-id lookups behind duplicate checks.

Actions read what they act on again right before acting (a form may have been open for
minutes); these helpers do that through ``ctx.call`` so the reads are recorded like any other.
"""

from __future__ import annotations

from typing import Any

from snaptui.aws.context import AwsContext
from snaptui.aws.errors import NotFoundError, NotSupportedError
from snaptui.aws.models import Image, Instance, Snapshot, Volume
from snaptui.aws.provenance import REQUEST_ID_TAG
from snaptui.aws.service import Ec2Service

__all__ = [
    "find_images_by_request_id",
    "find_snapshots_by_request_id",
    "get_image",
    "get_instance",
    "get_snapshot",
    "get_volume",
    "instance_volumes",
    "own_images",
    "volume_snapshots",
    "zone_names",
]


def _not_found(
    ctx: AwsContext,
    code: str,
    kind: str,
    resource_id: str,
    operation: str,
    cause: NotFoundError | None = None,
) -> NotFoundError:
    """The resource the user named is gone or never was: say where snaptui looked."""
    return NotFoundError(
        code,
        f"{kind} {resource_id} does not exist in {ctx.settings.region} (or this account "
        "cannot see it): check the id and the region",
        operation=operation,
        resource=resource_id,
        request_id=cause.request_id if cause else None,
        service="ec2",
        http_status=cause.http_status if cause else None,
    )


async def _describe(
    ctx: AwsContext, kind: str, resource_id: str, operation: str, **params: Any
) -> dict[str, Any]:
    try:
        return await ctx.call("ec2", operation, **params)
    except NotFoundError as error:
        raise _not_found(ctx, error.code, kind, resource_id, operation, error) from error


async def get_volume(ctx: AwsContext, volume_id: str) -> Volume:
    response = await _describe(ctx, "volume", volume_id, "DescribeVolumes", VolumeIds=[volume_id])
    for item in response.get("Volumes") or ():
        return Volume.from_api(item)
    raise _not_found(ctx, "InvalidVolume.NotFound", "volume", volume_id, "DescribeVolumes")


async def get_instance(ctx: AwsContext, instance_id: str) -> Instance:
    response = await _describe(
        ctx, "instance", instance_id, "DescribeInstances", InstanceIds=[instance_id]
    )
    for reservation in response.get("Reservations") or ():
        for item in reservation.get("Instances") or ():
            return Instance.from_api(item)
    raise _not_found(
        ctx, "InvalidInstanceID.NotFound", "instance", instance_id, "DescribeInstances"
    )


async def get_snapshot(ctx: AwsContext, snapshot_id: str) -> Snapshot:
    response = await _describe(
        ctx, "snapshot", snapshot_id, "DescribeSnapshots", SnapshotIds=[snapshot_id]
    )
    for item in response.get("Snapshots") or ():
        return Snapshot.from_api(item)
    raise _not_found(ctx, "InvalidSnapshot.NotFound", "snapshot", snapshot_id, "DescribeSnapshots")


async def get_image(ctx: AwsContext, image_id: str) -> Image:
    # A deregistered image comes back as an empty list rather than an error.
    response = await _describe(ctx, "image", image_id, "DescribeImages", ImageIds=[image_id])
    for item in response.get("Images") or ():
        return Image.from_api(item)
    raise _not_found(ctx, "InvalidAMIID.NotFound", "image", image_id, "DescribeImages")


async def zone_names(ctx: AwsContext) -> list[str] | None:
    """Names of the region's available zones; None when the endpoint cannot say."""
    try:
        response = await ctx.call(
            "ec2",
            "DescribeAvailabilityZones",
            Filters=[{"Name": "state", "Values": ["available"]}],
        )
    except NotSupportedError:
        return None
    return [
        str(z["ZoneName"]) for z in response.get("AvailabilityZones") or () if z.get("ZoneName")
    ]


async def instance_volumes(service: Ec2Service, instance_id: str) -> list[Volume]:
    return [v async for page in service.volumes(instance_id=instance_id) for v in page]


async def volume_snapshots(service: Ec2Service, volume_id: str) -> list[Snapshot]:
    return [s async for page in service.snapshots(volume_id=volume_id) for s in page]


async def own_images(service: Ec2Service) -> list[Image]:
    return [i async for page in service.images() for i in page]


def _tag_filter(request_id: str) -> list[dict[str, Any]]:
    return [{"Name": f"tag:{REQUEST_ID_TAG}", "Values": [request_id]}]


async def find_snapshots_by_request_id(ctx: AwsContext, request_id: str) -> list[dict[str, Any]]:
    """The raw DescribeSnapshots items tagged with ``request_id`` (oldest first)."""
    response = await ctx.call(
        "ec2", "DescribeSnapshots", OwnerIds=["self"], Filters=_tag_filter(request_id)
    )
    items = list(response.get("Snapshots") or ())
    return sorted(items, key=lambda s: (str(s.get("StartTime") or ""), s["SnapshotId"]))


async def find_images_by_request_id(ctx: AwsContext, request_id: str) -> list[dict[str, Any]]:
    """The raw DescribeImages items tagged with ``request_id`` (oldest first)."""
    response = await ctx.call(
        "ec2", "DescribeImages", Owners=["self"], Filters=_tag_filter(request_id)
    )
    items = list(response.get("Images") or ())
    return sorted(items, key=lambda i: (str(i.get("CreationDate") or ""), i["ImageId"]))
