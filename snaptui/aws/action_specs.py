"""Provides build_spec(): validate a request against fresh reads and build its API call.

The same CallSpec feeds the DryRun preflight and the real call, so what is permission-checked
is exactly what is sent. Validation here is the request's pure checks (``validation.py``)
plus what only a fresh read can tell: the snapshot is completed, the zone exists, the attach
target is running or stopped with the device free, an AMI name is not taken, nothing blocks a
delete. Every created resource gets its provenance tags in the call's TagSpecifications.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from snaptui.aws.action_errors import ActionBlockedError
from snaptui.aws.action_plans import IMAGE_ROOT_VOLUME_TYPES, check_delete
from snaptui.aws.action_requests import (
    ActionRequest,
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
from snaptui.aws.audit import AuditScope
from snaptui.aws.context import AwsContext
from snaptui.aws.delete_checks import blocking
from snaptui.aws.devices import instance_devices
from snaptui.aws.errors import NotFoundError
from snaptui.aws.lookups import (
    get_image,
    get_instance,
    get_snapshot,
    get_volume,
    instance_volumes,
    zone_names,
)
from snaptui.aws.models import Identity, Instance, Snapshot
from snaptui.aws.provenance import (
    SOURCE_DEVICE_TAG,
    SOURCE_INSTANCE_TAG,
    Provenance,
    TagPlan,
    TooManyTagsError,
    plan_tags,
    tag_specification,
)
from snaptui.aws.service import Ec2Service
from snaptui.aws.validation import (
    ATTACHABLE_STATES,
    ValidationError,
    check_attach_target,
    check_availability_zone,
    check_description,
    check_id,
    check_image_name,
    check_region,
    check_root_device_name,
    check_tags,
    check_text,
    check_volume,
    require,
)

__all__ = ["ARCHITECTURES", "BOOT_MODES", "MAX_LAUNCH_COUNT", "CallSpec", "build_spec"]

ARCHITECTURES = ("x86_64", "arm64", "i386", "x86_64_mac", "arm64_mac")
VIRTUALIZATION_TYPES = ("hvm", "paravirtual")
BOOT_MODES = ("legacy-bios", "uefi", "uefi-preferred")
MAX_LAUNCH_COUNT = 10
"""More instances than this at once is not what an incident tool is for."""

_INSTANCE_TYPE_RE = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9-]+$")
_SUBNET_RE = re.compile(r"^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$")
_GROUP_RE = re.compile(r"^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$")


def _problems_of_state(snapshot: Snapshot, use: str = "restored") -> list[str]:
    if snapshot.state == "error":
        return [
            f"snapshot {snapshot.id} failed (state error): it cannot be {use}; "
            "choose another snapshot of the volume"
        ]
    if snapshot.state != "completed":
        progress = f" ({snapshot.progress}%)" if snapshot.progress is not None else ""
        return [f"snapshot {snapshot.id} is {snapshot.state}{progress}: wait until it is completed"]
    if snapshot.storage_tier == "archive":
        return [
            f"snapshot {snapshot.id} is in the archive tier: restore it to standard first "
            "(takes 24 to 72 hours)"
        ]
    return []


def _check_name(name: str | None) -> list[str]:
    return check_description(name, "name", 256) if name else []


def _tag_plan(
    own: Mapping[str, str], user: Mapping[str, str], copied: Mapping[str, str] | None = None
) -> TagPlan:
    try:
        return plan_tags(own, user, copied)
    except TooManyTagsError as error:
        raise ValidationError([str(error)]) from None


def _image_ids(response: Mapping[str, Any]) -> list[str]:
    return [str(response["ImageId"])] if response.get("ImageId") else []


def _image_attribute_problems(request: RegisterImageRequest) -> list[str]:
    problems = []
    arch, virt = request.architecture, request.virtualization_type
    where = f" for {request.snapshot.id}"
    if arch is None:
        problems.append(
            f"the architecture is not known{where}: choose x86_64 or arm64 "
            "(RegisterImage would silently default to i386)"
        )
    elif arch not in ARCHITECTURES:
        problems.append(f"unknown architecture {arch!r}: choose one of {', '.join(ARCHITECTURES)}")
    elif arch == "i386" and not request.allow_legacy:
        problems.append(
            "i386 (32-bit) is RegisterImage's default and almost never right: choose x86_64 or "
            "arm64, or confirm i386 explicitly"
        )
    if virt is None:
        problems.append(
            f"the virtualization type is not known{where}: choose hvm (RegisterImage would "
            "silently default to paravirtual)"
        )
    elif virt not in VIRTUALIZATION_TYPES:
        problems.append(f"unknown virtualization type {virt!r}: choose hvm")
    elif virt == "paravirtual" and not request.allow_legacy:
        problems.append(
            "paravirtual is RegisterImage's default and no current instance type boots it: "
            "choose hvm, or confirm paravirtual explicitly"
        )
    if virt == "hvm" and request.ena_support is None:
        problems.append(
            "choose whether the image supports ENA networking (yes for almost every current "
            "Linux AMI; instance types built on Nitro need it)"
        )
    if virt == "paravirtual" and request.ena_support:
        problems.append("ENA needs hvm virtualization: choose hvm or turn ENA off")
    if request.boot_mode is not None and request.boot_mode not in BOOT_MODES:
        problems.append(
            f"unknown boot mode {request.boot_mode!r}: choose one of {', '.join(BOOT_MODES)}"
        )
    if arch == "arm64" and request.boot_mode == "legacy-bios":
        problems.append("arm64 images boot with UEFI: choose uefi")
    return problems


@dataclass
class CallSpec:
    """A validated call, ready for DryRun or for real."""

    request: ActionRequest
    operation: str
    params: dict[str, Any]
    scope: AuditScope
    ids_of: Callable[[Mapping[str, Any]], list[str]]
    target_region: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)


def _provenance(
    now: datetime, identity: Identity, request: ActionRequest, **kwargs: Any
) -> Provenance:
    return Provenance(
        request_id=request.request_id,
        created_by=identity.arn,
        created_at=now,
        reason=request.reason,
        **kwargs,
    )


def _snapshot_provenance(
    now: datetime, identity: Identity, request: Any, snapshot: Snapshot
) -> Provenance:
    """Provenance of something made from *snapshot* (a restored volume, a copy): the snapshot,
    and the volume, instance and device it was taken from, as far as its tags say."""
    return _provenance(
        now,
        identity,
        request,
        name=request.name,
        source_snapshot=snapshot.id,
        source_volume=None if snapshot.is_copy else snapshot.volume_id,
        source_instance=snapshot.tags.get(SOURCE_INSTANCE_TAG),
        source_device=snapshot.tags.get(SOURCE_DEVICE_TAG),
    )


async def build_spec(
    service: Ec2Service,
    request: ActionRequest,
    identity: Identity,
    scope: AuditScope,
    now: datetime,
) -> CallSpec:
    """Validate ``request`` (raises ValidationError / ActionBlockedError) and build its call.

    ``identity`` is the caller (``snaptui:created-by``); ``now`` is ``snaptui:created-at``.
    """
    builders: dict[type, Callable[..., Awaitable[CallSpec]]] = {
        SnapshotRequest: _snapshot_spec,
        SnapshotSetRequest: _snapshot_set_spec,
        RestoreRequest: _restore_spec,
        CreateImageRequest: _create_image_spec,
        RegisterImageRequest: _register_image_spec,
        LaunchRequest: _launch_spec,
        CopySnapshotRequest: _copy_spec,
        DeleteSnapshotRequest: _delete_spec,
        DeregisterImageRequest: _deregister_spec,
    }
    # The reason goes into a tag and the audit log: no escape codes, whatever the caller.
    require(check_text(getattr(request, "reason", "") or "", "reason"))
    return await builders[type(request)](service, request, identity, scope, now)


async def _snapshot_spec(
    service: Ec2Service,
    request: SnapshotRequest,
    identity: Identity,
    scope: AuditScope,
    now: datetime,
) -> CallSpec:
    ctx = service.ctx
    volume_id = request.volume.id
    require(
        check_id(volume_id, "volume"),
        check_description(request.description),
        _check_name(request.name),
        check_tags(request.tags),
    )
    volume = await get_volume(ctx, volume_id)
    if volume.state not in ("in-use", "available"):
        raise ValidationError(
            [
                f"volume {volume_id} is {volume.state}: wait until it is available or "
                "in-use (only those can be snapshotted)"
            ]
        )
    attachment = volume.attachments[0] if volume.attachments else None
    instance = None
    if attachment is not None and attachment.instance_id:
        try:
            instance = await get_instance(ctx, attachment.instance_id)
        except NotFoundError:
            instance = None
    provenance = _provenance(
        now,
        identity,
        request,
        name=request.name,
        source_volume=volume_id,
        source_instance=attachment.instance_id if attachment else None,
        source_device=attachment.device if attachment else None,
        source_image=instance.image_id if instance else None,
        source_architecture=instance.architecture if instance else None,
    )
    tags = _tag_plan(provenance.tags(), request.tags, volume.tags)
    params: dict[str, Any] = {
        "VolumeId": volume_id,
        "TagSpecifications": [tag_specification("snapshot", tags.tags)],
    }
    if request.description:
        params["Description"] = request.description
    return CallSpec(
        request,
        "CreateSnapshot",
        params,
        scope,
        ids_of=lambda r: [str(r["SnapshotId"])] if r.get("SnapshotId") else [],
        facts={"volume": volume},
    )


async def _snapshot_set_spec(
    service: Ec2Service,
    request: SnapshotSetRequest,
    identity: Identity,
    scope: AuditScope,
    now: datetime,
) -> CallSpec:
    ctx = service.ctx
    planned_instance = request.instance
    require(
        check_id(planned_instance.id, "instance"),
        *(check_id(v, "volume") for v in sorted(request.exclude_volume_ids)),
        check_description(request.description),
        check_tags(request.tags),
    )
    instance = await get_instance(ctx, planned_instance.id)
    problems = []
    if instance.state not in ATTACHABLE_STATES:
        problems.append(
            f"instance {instance.id} is {instance.state}: a snapshot set needs a running "
            "or stopped instance"
        )
    root = planned_instance.root_device_name
    root_volume = next(
        (d.volume_id for d in planned_instance.block_devices if d.device == root), None
    )
    for volume_id in sorted(request.exclude_volume_ids):
        if volume_id == root_volume:
            problems.append(
                f"{volume_id} is the root volume: exclude it with 'exclude boot volume', "
                "not in the data-volume exclusions"
            )
        elif volume_id not in planned_instance.volume_ids:
            problems.append(
                f"volume {volume_id} is not attached to {instance.id}: remove it from the "
                "exclusions"
            )
    if not request.planned and instance.state in ATTACHABLE_STATES:
        problems.append(
            "every volume is excluded: nothing would be snapshotted; include at least one"
        )
    require(problems)
    volumes = {v.id: v for v in await instance_volumes(service, instance.id)}
    # Exclusions must name volumes attached *now*; one detached since planning is moot.
    exclude = sorted(request.exclude_volume_ids & set(instance.volume_ids))
    provenance = _provenance(
        now,
        identity,
        request,
        source_instance=instance.id,
        source_image=instance.image_id,
        source_architecture=instance.architecture,
        set_id=request.set_id,
    )
    tags = _tag_plan(provenance.tags(), request.tags)
    spec_params: dict[str, Any] = {
        "InstanceId": instance.id,
        "ExcludeBootVolume": request.exclude_boot,
    }
    if exclude:
        spec_params["ExcludeDataVolumeIds"] = exclude
    params: dict[str, Any] = {
        "InstanceSpecification": spec_params,
        "TagSpecifications": [tag_specification("snapshot", tags.tags)],
    }
    if request.description:
        params["Description"] = request.description
    return CallSpec(
        request,
        "CreateSnapshots",
        params,
        scope,
        ids_of=lambda r: [str(s["SnapshotId"]) for s in r.get("Snapshots") or ()],
        facts={"instance": instance, "volumes": volumes, "set_tags": dict(tags.tags)},
    )


async def _restore_spec(
    service: Ec2Service,
    request: RestoreRequest,
    identity: Identity,
    scope: AuditScope,
    now: datetime,
) -> CallSpec:
    ctx = service.ctx
    require(
        check_id(request.snapshot.id, "snapshot"),
        _check_name(request.name),
        check_tags(request.tags),
        check_id(request.attach_to.id, "instance") if request.attach_to else [],
    )
    snapshot = await get_snapshot(ctx, request.snapshot.id)
    zones = await zone_names(ctx)
    problems = [
        *_problems_of_state(snapshot),
        *check_availability_zone(request.az, ctx.settings.region, zones),
        *check_volume(
            request.volume_type,
            request.size_gib,
            request.iops,
            request.throughput,
            snapshot_size_gib=snapshot.volume_size_gib,
        ),
    ]
    if request.kms_key_id and not (request.encrypted or snapshot.encrypted):
        problems.append("a KMS key is only used for an encrypted volume: set encrypted")
    target: Instance | None = None
    if request.attach_to is not None:
        if not request.device:
            problems.append(
                f"no device name to attach to {request.attach_to.id}: choose one such as /dev/sdf"
            )
        else:
            target = await get_instance(ctx, request.attach_to.id)
            problems += check_attach_target(
                target, request.az, request.device, instance_devices(target)
            )
    elif request.device:
        problems.append("a device name was given without an instance: choose one, or clear it")
    require(problems)
    provenance = _snapshot_provenance(now, identity, request, snapshot)
    tags = _tag_plan(provenance.tags(), request.tags, snapshot.tags)
    params: dict[str, Any] = {
        "SnapshotId": snapshot.id,
        "AvailabilityZone": request.az,
        "VolumeType": request.volume_type,
        "Size": request.size_gib,
        "ClientToken": request.client_token,
        "TagSpecifications": [tag_specification("volume", tags.tags)],
    }
    if request.iops is not None:
        params["Iops"] = request.iops
    if request.throughput is not None:
        params["Throughput"] = request.throughput
    if request.encrypted or snapshot.encrypted:
        params["Encrypted"] = True
    if request.kms_key_id:
        params["KmsKeyId"] = request.kms_key_id
    return CallSpec(
        request,
        "CreateVolume",
        params,
        scope,
        ids_of=lambda r: [str(r["VolumeId"])] if r.get("VolumeId") else [],
        facts={"snapshot": snapshot, "target": target},
    )


async def _name_taken(ctx: AwsContext, name: str) -> list[str]:
    response = await ctx.call(
        "ec2", "DescribeImages", Owners=["self"], Filters=[{"Name": "name", "Values": [name]}]
    )
    taken = [str(i["ImageId"]) for i in response.get("Images") or () if i.get("Name") == name]
    if taken:
        return [f"an AMI named {name!r} already exists ({taken[0]}): choose another name"]
    return []


async def _create_image_spec(
    service: Ec2Service,
    request: CreateImageRequest,
    identity: Identity,
    scope: AuditScope,
    now: datetime,
) -> CallSpec:
    ctx = service.ctx
    problems = [
        *check_id(request.instance.id, "instance"),
        *check_image_name(request.name),
        *check_description(request.description),
        *check_tags(request.tags),
    ]
    if not isinstance(request.reboot, bool):
        problems.append("choose explicitly whether the instance may be rebooted")
    require(problems)
    instance = await get_instance(ctx, request.instance.id)
    problems = await _name_taken(ctx, request.name)
    if instance.state not in ATTACHABLE_STATES:
        problems.append(
            f"instance {instance.id} is {instance.state}: an image needs a running or "
            "stopped instance"
        )
    require(problems)
    provenance = _provenance(
        now,
        identity,
        request,
        name=request.name,
        source_instance=instance.id,
        source_image=instance.image_id,
        source_architecture=instance.architecture,
    )
    tags = _tag_plan(provenance.tags(), request.tags)
    params: dict[str, Any] = {
        "InstanceId": instance.id,
        "Name": request.name,
        "NoReboot": not request.reboot,
        "TagSpecifications": [
            tag_specification("image", tags.tags),
            tag_specification("snapshot", tags.tags),
        ],
    }
    if request.description:
        params["Description"] = request.description
    return CallSpec(request, "CreateImage", params, scope, ids_of=_image_ids)


async def _register_image_spec(
    service: Ec2Service,
    request: RegisterImageRequest,
    identity: Identity,
    scope: AuditScope,
    now: datetime,
) -> CallSpec:
    ctx = service.ctx
    problems = [
        *check_id(request.snapshot.id, "snapshot"),
        *check_image_name(request.name),
        *check_description(request.description),
        *check_tags(request.tags),
        *check_root_device_name(request.root_device_name),
        *_image_attribute_problems(request),
    ]
    if request.volume_type not in IMAGE_ROOT_VOLUME_TYPES:
        problems.append(
            f"{request.volume_type} cannot be chosen for the AMI's root volume here: "
            f"choose {', '.join(IMAGE_ROOT_VOLUME_TYPES)} (change it at launch if needed)"
        )
    require(problems)
    snapshot = await get_snapshot(ctx, request.snapshot.id)
    size = request.volume_size_gib or snapshot.volume_size_gib
    problems = [
        *_problems_of_state(snapshot, "registered as an AMI"),
        *check_volume(request.volume_type, size, snapshot_size_gib=snapshot.volume_size_gib),
        *await _name_taken(ctx, request.name),
    ]
    require(problems)
    provenance = _provenance(
        now,
        identity,
        request,
        name=request.name,
        source_snapshot=snapshot.id,
        source_volume=None if snapshot.is_copy else snapshot.volume_id,
        source_instance=snapshot.tags.get(SOURCE_INSTANCE_TAG),
    )
    tags = _tag_plan(provenance.tags(), request.tags)
    params: dict[str, Any] = {
        "Name": request.name,
        "Architecture": request.architecture,
        "VirtualizationType": request.virtualization_type,
        "RootDeviceName": request.root_device_name,
        "BlockDeviceMappings": [
            {
                "DeviceName": request.root_device_name,
                "Ebs": {
                    "SnapshotId": snapshot.id,
                    "VolumeSize": size,
                    "VolumeType": request.volume_type,
                    "DeleteOnTermination": True,
                },
            }
        ],
        "TagSpecifications": [tag_specification("image", tags.tags)],
    }
    if request.description:
        params["Description"] = request.description
    if request.ena_support is not None:
        params["EnaSupport"] = request.ena_support
    if request.boot_mode is not None:
        params["BootMode"] = request.boot_mode
    return CallSpec(request, "RegisterImage", params, scope, ids_of=_image_ids)


async def _launch_spec(
    service: Ec2Service,
    request: LaunchRequest,
    identity: Identity,
    scope: AuditScope,
    now: datetime,
) -> CallSpec:
    ctx = service.ctx
    problems = [
        *check_id(request.image.id, "image"),
        *_check_name(request.name),
        *check_tags(request.tags),
    ]
    if not _INSTANCE_TYPE_RE.match(request.instance_type or ""):
        problems.append(
            f"{request.instance_type!r} is not an instance type: use a name like t3.small"
        )
    if not 1 <= request.count <= MAX_LAUNCH_COUNT:
        problems.append(f"count {request.count}: launch 1 to {MAX_LAUNCH_COUNT} instances")
    if request.subnet_id and request.az:
        problems.append("choose a subnet or a zone, not both (the subnet decides the zone)")
    if request.subnet_id and not _SUBNET_RE.match(request.subnet_id):
        problems.append(f"{request.subnet_id!r} is not a subnet id: use subnet-0123...")
    for group in request.security_group_ids:
        if not _GROUP_RE.match(group):
            problems.append(f"{group!r} is not a security group id: use sg-0123...")
    if request.key_name is not None and not 1 <= len(request.key_name) <= 255:
        problems.append("key pair name must be 1 to 255 characters: fix or clear it")
    require(problems)
    image = await get_image(ctx, request.image.id)
    problems = []
    if image.state != "available":
        problems.append(f"image {image.id} is {image.state}: wait until it is available")
    if request.az and not request.subnet_id:
        problems += check_availability_zone(request.az, ctx.settings.region, await zone_names(ctx))
    require(problems)
    provenance = _provenance(now, identity, request, name=request.name, source_image=image.id)
    tags = _tag_plan(provenance.tags(), request.tags)
    params: dict[str, Any] = {
        "ImageId": image.id,
        "InstanceType": request.instance_type,
        "MinCount": request.count,
        "MaxCount": request.count,
        "ClientToken": request.client_token,
        "TagSpecifications": [
            tag_specification("instance", tags.tags),
            tag_specification("volume", tags.tags),
        ],
    }
    if request.subnet_id:
        params["SubnetId"] = request.subnet_id
    elif request.az:
        params["Placement"] = {"AvailabilityZone": request.az}
    if request.key_name:
        params["KeyName"] = request.key_name
    if request.security_group_ids:
        params["SecurityGroupIds"] = list(request.security_group_ids)
    return CallSpec(
        request,
        "RunInstances",
        params,
        scope,
        ids_of=lambda r: [str(i["InstanceId"]) for i in r.get("Instances") or ()],
    )


async def _copy_spec(
    service: Ec2Service,
    request: CopySnapshotRequest,
    identity: Identity,
    scope: AuditScope,
    now: datetime,
) -> CallSpec:
    ctx = service.ctx
    problems = [
        *check_id(request.snapshot.id, "snapshot"),
        *check_region(request.target_region),
        *check_description(request.description),
        *_check_name(request.name),
        *check_tags(request.tags),
    ]
    require(problems)
    snapshot = await get_snapshot(ctx, request.snapshot.id)
    problems = _problems_of_state(snapshot)
    if request.kms_key_id and not (request.encrypted or snapshot.encrypted):
        problems.append("a KMS key is only used for an encrypted copy: set encrypted")
    require(problems)
    provenance = _snapshot_provenance(now, identity, request, snapshot)
    tags = _tag_plan(provenance.tags(), request.tags, snapshot.tags)
    params: dict[str, Any] = {
        "SourceRegion": ctx.settings.region,
        "SourceSnapshotId": snapshot.id,
        "TagSpecifications": [tag_specification("snapshot", tags.tags)],
    }
    if request.description:
        params["Description"] = request.description
    if request.encrypted:
        params["Encrypted"] = True
    if request.kms_key_id:
        params["KmsKeyId"] = request.kms_key_id
    return CallSpec(
        request,
        "CopySnapshot",
        params,
        AuditScope.of(ctx.settings, identity, region=request.target_region),
        ids_of=lambda r: [str(r["SnapshotId"])] if r.get("SnapshotId") else [],
        target_region=request.target_region,
    )


async def _delete_spec(
    service: Ec2Service,
    request: DeleteSnapshotRequest,
    identity: Identity,
    scope: AuditScope,
    now: datetime,
) -> CallSpec:
    require(check_id(request.snapshot.id, "snapshot"))
    snapshot = await get_snapshot(service.ctx, request.snapshot.id)
    checks = await check_delete(service, snapshot)
    blockers = blocking(checks)
    if blockers:
        raise ActionBlockedError(blockers)
    return CallSpec(
        request,
        "DeleteSnapshot",
        {"SnapshotId": snapshot.id},
        scope,
        ids_of=lambda _: [snapshot.id],
        facts={"checks": checks},
    )


async def _deregister_spec(
    service: Ec2Service,
    request: DeregisterImageRequest,
    identity: Identity,
    scope: AuditScope,
    now: datetime,
) -> CallSpec:
    require(check_id(request.image.id, "image"))
    image = await get_image(service.ctx, request.image.id)
    return CallSpec(
        request,
        "DeregisterImage",
        {"ImageId": image.id},
        scope,
        ids_of=lambda _: [image.id],
        facts={"image": image},
    )
