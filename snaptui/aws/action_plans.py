"""Provides plan_*(): build a prefilled request from ids, with the defaults snaptui stands by.

Plans only read (they work in read-only mode too). The UI shows ``request.summary()``, lets the
user change fields (``dataclasses.replace``), runs ``Actions.validate``/``Actions.preflight``
and, once confirmed, the action. Defaults worth knowing:

- restore: the volume type is the *source volume's* type (never CreateVolume's gp2 default;
  gp3 when the source is gone), with its IOPS/throughput; the zone is the attach target's
  zone, else the source volume's; the device is the next free ``/dev/sdf``.. of the target.
- an id the user gave that does not exist fails with a NotFoundError naming it, the region
  and what to check (whatever the endpoint's own wording).
- register image: architecture, virtualization, ENA, boot mode and root device come from the
  snapshot's source instance and its AMI (or the tags snaptui recorded when it took the
  snapshot). What cannot be found stays None and validation asks for it: RegisterImage's own
  defaults (i386, paravirtual) are never used silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from snaptui.aws.action_requests import (
    CopySnapshotRequest,
    CreateImageRequest,
    DeleteSnapshotRequest,
    DeregisterImageRequest,
    LaunchRequest,
    RegisterImageRequest,
    RestoreRequest,
    SnapshotRequest,
    SnapshotSetRequest,
)
from snaptui.aws.delete_checks import DeleteCheck, delete_checks
from snaptui.aws.devices import instance_devices, next_free_device
from snaptui.aws.errors import NotFoundError
from snaptui.aws.generations import generations_for_volume
from snaptui.aws.lookups import (
    get_image,
    get_instance,
    get_snapshot,
    get_volume,
    instance_volumes,
    own_images,
    volume_snapshots,
)
from snaptui.aws.models import FrozenMap, Image, Instance, Snapshot, Volume
from snaptui.aws.provenance import (
    SOURCE_ARCHITECTURE_TAG,
    SOURCE_DEVICE_TAG,
    SOURCE_IMAGE_TAG,
    SOURCE_INSTANCE_TAG,
)
from snaptui.aws.service import Ec2Service

__all__ = [
    "DEFAULT_VOLUME_TYPE",
    "IMAGE_ROOT_VOLUME_TYPES",
    "check_delete",
    "plan_copy",
    "plan_create_image",
    "plan_delete_snapshot",
    "plan_deregister_image",
    "plan_launch",
    "plan_register_image",
    "plan_restore",
    "plan_snapshot",
    "plan_snapshot_set",
]

DEFAULT_VOLUME_TYPE = "gp3"
"""For a restore whose source volume is unknown. CreateVolume itself would pick gp2."""

_PERFORMANCE_TYPES = ("gp3", "io1", "io2")
IMAGE_ROOT_VOLUME_TYPES = ("gp3", "gp2", "standard")
"""Types offered for an AMI's root volume (io1/io2 would need IOPS; st1/sc1 cannot boot)."""


def _tags(tags: Mapping[str, str] | None) -> FrozenMap:
    return FrozenMap(tags or {})


async def _maybe(coro: Any) -> Any:
    """The awaited value, or None when the resource no longer exists."""
    try:
        return await coro
    except NotFoundError:
        return None


async def plan_snapshot(
    service: Ec2Service,
    volume_id: str,
    *,
    reason: str = "",
    name: str | None = None,
    description: str = "",
    tags: Mapping[str, str] | None = None,
) -> SnapshotRequest:
    ctx = service.ctx
    volume = await get_volume(ctx, volume_id)
    return SnapshotRequest(
        region=service.ctx.settings.region,
        volume=volume,
        reason=reason,
        name=name,
        description=description,
        tags=_tags(tags),
    )


async def plan_snapshot_set(
    service: Ec2Service,
    instance_id: str,
    *,
    exclude_boot: bool = False,
    exclude_volume_ids: Iterable[str] = (),
    reason: str = "",
    description: str = "",
    tags: Mapping[str, str] | None = None,
) -> SnapshotSetRequest:
    ctx = service.ctx
    instance = await get_instance(ctx, instance_id)
    volumes = await instance_volumes(service, instance_id)
    return SnapshotSetRequest(
        region=service.ctx.settings.region,
        instance=instance,
        exclude_boot=exclude_boot,
        exclude_volume_ids=frozenset(exclude_volume_ids),
        volumes=tuple(volumes),
        reason=reason,
        description=description,
        tags=_tags(tags),
    )


async def plan_restore(
    service: Ec2Service,
    snapshot_id: str,
    *,
    az: str | None = None,
    attach_to: str | None = None,
    device: str | None = None,
    volume_type: str | None = None,
    size_gib: int | None = None,
    iops: int | None = None,
    throughput: int | None = None,
    encrypted: bool | None = None,
    kms_key_id: str | None = None,
    name: str | None = None,
    reason: str = "",
    tags: Mapping[str, str] | None = None,
) -> RestoreRequest:
    """A restore of ``snapshot_id`` to a new volume, defaults filled in (see module doc)."""
    ctx = service.ctx
    snapshot = await get_snapshot(ctx, snapshot_id)
    source: Volume | None = None
    if snapshot.volume_id and not snapshot.is_copy:
        source = await _maybe(get_volume(ctx, snapshot.volume_id))
    target: Instance | None = None
    if attach_to:
        target = await get_instance(ctx, attach_to)
        if device is None:
            device = next_free_device(instance_devices(target))
    chosen_type = volume_type or (source.volume_type if source else None) or DEFAULT_VOLUME_TYPE
    same_type = source is not None and source.volume_type == chosen_type
    if source is not None and same_type and chosen_type in _PERFORMANCE_TYPES:
        iops = iops if iops is not None else source.iops
        if chosen_type == "gp3":
            throughput = throughput if throughput is not None else source.throughput
    return RestoreRequest(
        region=ctx.settings.region,
        snapshot=snapshot,
        az=az or (target.az if target else None) or (source.az if source else None) or "",
        volume_type=chosen_type,
        size_gib=size_gib if size_gib is not None else snapshot.volume_size_gib,
        iops=iops,
        throughput=throughput,
        # A volume from an encrypted snapshot is always encrypted, whatever was asked.
        encrypted=bool(encrypted) or snapshot.encrypted,
        kms_key_id=kms_key_id,
        attach_to=target,
        device=device,
        name=name or f"{snapshot.name or snapshot.volume_id} restored from {snapshot.id}"[:256],
        source_volume_type=source.volume_type if source else None,
        reason=reason,
        tags=_tags(tags),
    )


async def plan_create_image(
    service: Ec2Service,
    instance_id: str,
    *,
    name: str,
    reboot: bool,
    description: str = "",
    reason: str = "",
    tags: Mapping[str, str] | None = None,
) -> CreateImageRequest:
    """``reboot`` has no default on purpose: CreateImage's own default reboots the instance."""
    ctx = service.ctx
    instance = await get_instance(ctx, instance_id)
    return CreateImageRequest(
        region=service.ctx.settings.region,
        instance=instance,
        name=name,
        reboot=reboot,
        description=description,
        reason=reason,
        tags=_tags(tags),
    )


async def _raw_instance(service: Ec2Service, instance_id: str) -> dict[str, Any] | None:
    """DescribeInstances' item: the model keeps no VirtualizationType/EnaSupport/BootMode."""
    try:
        response = await service.ctx.call("ec2", "DescribeInstances", InstanceIds=[instance_id])
    except NotFoundError:
        return None
    for reservation in response.get("Reservations") or ():
        for item in reservation.get("Instances") or ():
            return dict(item)
    return None


async def plan_register_image(
    service: Ec2Service,
    snapshot_id: str,
    *,
    name: str,
    description: str = "",
    reason: str = "",
    tags: Mapping[str, str] | None = None,
) -> RegisterImageRequest:
    """An AMI from ``snapshot_id`` with what is known about its source prefilled."""
    ctx = service.ctx
    snapshot = await get_snapshot(ctx, snapshot_id)
    sources: list[str] = []
    architecture = snapshot.tags.get(SOURCE_ARCHITECTURE_TAG) or None
    if architecture:
        sources.append("snapshot tags")
    image_id = snapshot.tags.get(SOURCE_IMAGE_TAG) or None
    source_device = snapshot.tags.get(SOURCE_DEVICE_TAG) or None
    virtualization: str | None = None
    ena: bool | None = None
    boot_mode: str | None = None
    root: str | None = None

    instance_id = snapshot.tags.get(SOURCE_INSTANCE_TAG) or None
    raw = await _raw_instance(service, instance_id) if instance_id else None
    if raw is not None:
        sources.append(f"instance {instance_id}")
        architecture = architecture or raw.get("Architecture")
        virtualization = raw.get("VirtualizationType")
        ena = raw.get("EnaSupport")
        boot_mode = raw.get("BootMode") or raw.get("CurrentInstanceBootMode")
        root = raw.get("RootDeviceName")
        image_id = image_id or raw.get("ImageId")
    image: Image | None = await _maybe(get_image(ctx, image_id)) if image_id else None
    if image is not None:
        sources.append(f"AMI {image.id}")
        architecture = architecture or image.architecture
        virtualization = virtualization or image.virtualization_type
        ena = ena if ena is not None else image.ena_support
        boot_mode = boot_mode or image.boot_mode
        root = root or image.root_device_name
    if virtualization is None and architecture == "arm64":
        virtualization = "hvm"  # there is no paravirtual arm64
    if source_device and root and source_device != root:
        sources.append(f"note: the snapshot was {source_device}, not the root device {root}")

    source_volume = None
    if snapshot.volume_id and not snapshot.is_copy:
        source_volume = await _maybe(get_volume(ctx, snapshot.volume_id))
    return RegisterImageRequest(
        region=ctx.settings.region,
        snapshot=snapshot,
        name=name,
        root_device_name=root or "/dev/xvda",
        architecture=architecture,
        virtualization_type=virtualization,
        ena_support=ena,
        boot_mode=boot_mode,
        volume_type=(
            source_volume.volume_type
            if source_volume and source_volume.volume_type in IMAGE_ROOT_VOLUME_TYPES
            else DEFAULT_VOLUME_TYPE
        ),
        description=description,
        prefilled_from=", ".join(sources),
        reason=reason,
        tags=_tags(tags),
    )


async def plan_launch(
    service: Ec2Service,
    image_id: str,
    *,
    instance_type: str,
    subnet_id: str | None = None,
    az: str | None = None,
    key_name: str | None = None,
    security_group_ids: Iterable[str] = (),
    name: str | None = None,
    count: int = 1,
    reason: str = "",
    tags: Mapping[str, str] | None = None,
) -> LaunchRequest:
    ctx = service.ctx
    image = await get_image(ctx, image_id)
    return LaunchRequest(
        region=service.ctx.settings.region,
        image=image,
        instance_type=instance_type,
        subnet_id=subnet_id,
        az=az,
        key_name=key_name,
        security_group_ids=tuple(security_group_ids),
        name=name,
        count=count,
        reason=reason,
        tags=_tags(tags),
    )


async def plan_copy(
    service: Ec2Service,
    snapshot_id: str,
    *,
    target_region: str,
    description: str = "",
    encrypted: bool = False,
    kms_key_id: str | None = None,
    name: str | None = None,
    reason: str = "",
    tags: Mapping[str, str] | None = None,
) -> CopySnapshotRequest:
    ctx = service.ctx
    snapshot = await get_snapshot(ctx, snapshot_id)
    return CopySnapshotRequest(
        region=service.ctx.settings.region,
        snapshot=snapshot,
        target_region=target_region,
        description=description,
        encrypted=encrypted,
        kms_key_id=kms_key_id,
        name=name,
        reason=reason,
        tags=_tags(tags),
    )


async def check_delete(service: Ec2Service, snapshot: Snapshot) -> tuple[DeleteCheck, ...]:
    """delete_checks() fed from fresh listings: every own AMI and the volume's generations.

    The images are listed and filtered here rather than with DescribeImages' filter
    ``block-device-mapping.snapshot-id``, which moto does not implement (HTTP 500).
    """
    images = await own_images(service)
    generations = []
    if snapshot.volume_id and not snapshot.is_copy:
        history = await volume_snapshots(service, snapshot.volume_id)
        generations = generations_for_volume([*history, snapshot], snapshot.volume_id)
    return delete_checks(snapshot, images, generations)


async def plan_delete_snapshot(
    service: Ec2Service, snapshot_id: str, *, reason: str = ""
) -> DeleteSnapshotRequest:
    ctx = service.ctx
    snapshot = await get_snapshot(ctx, snapshot_id)
    return DeleteSnapshotRequest(
        region=service.ctx.settings.region,
        snapshot=snapshot,
        checks=await check_delete(service, snapshot),
        reason=reason,
    )


async def plan_deregister_image(
    service: Ec2Service, image_id: str, *, reason: str = ""
) -> DeregisterImageRequest:
    ctx = service.ctx
    image = await get_image(ctx, image_id)
    return DeregisterImageRequest(region=service.ctx.settings.region, image=image, reason=reason)
