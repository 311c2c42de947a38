"""The stable JSON shapes of ``--json``: one function per model (documented in the README).

Keys are snake_case and always present (null when unknown); times are ISO-8601 UTC strings;
sizes are integers in GiB (``size_gib``) or bytes (``*_bytes``). New keys may be added; keys
are never renamed or removed without a major version.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from snaptui.commands._output import iso

if TYPE_CHECKING:
    from snaptui.aws.action_results import Permission
    from snaptui.aws.delete_checks import DeleteCheck
    from snaptui.aws.models import Image, Instance, Snapshot, Volume
    from snaptui.aws.waiting import Observation

JsonDict = dict[str, Any]


def _tags(tags: Mapping[str, str]) -> dict[str, str]:
    return dict(sorted(tags.items()))


def instance_json(instance: Instance) -> JsonDict:
    return {
        "id": instance.id,
        "name": instance.name,
        "state": instance.state,
        "instance_type": instance.instance_type,
        "az": instance.az,
        "launch_time": iso(instance.launch_time),
        "image_id": instance.image_id,
        "architecture": instance.architecture,
        "platform": instance.platform_details or instance.platform,
        "root_device": instance.root_device_name,
        "volumes": [{"device": d.device, "volume_id": d.volume_id} for d in instance.block_devices],
        "private_ip": instance.private_ip,
        "subnet_id": instance.subnet_id,
        "vpc_id": instance.vpc_id,
        "tags": _tags(instance.tags),
    }


def volume_json(volume: Volume) -> JsonDict:
    return {
        "id": volume.id,
        "name": volume.name,
        "state": volume.state,
        "volume_type": volume.volume_type,
        "size_gib": volume.size_gib,
        "iops": volume.iops,
        "throughput": volume.throughput,
        "az": volume.az,
        "encrypted": volume.encrypted,
        "kms_key_id": volume.kms_key_id,
        "snapshot_id": volume.snapshot_id,
        "create_time": iso(volume.create_time),
        "attachments": [
            {"instance_id": a.instance_id, "device": a.device, "state": a.state}
            for a in volume.attachments
        ],
        "tags": _tags(volume.tags),
    }


def snapshot_json(snapshot: Snapshot) -> JsonDict:
    return {
        "id": snapshot.id,
        "name": snapshot.name,
        "volume_id": snapshot.volume_id or None,
        "state": snapshot.state,
        "progress": snapshot.progress,
        "start_time": iso(snapshot.start_time),
        "size_gib": snapshot.volume_size_gib,
        "description": snapshot.description,
        "encrypted": snapshot.encrypted,
        "kms_key_id": snapshot.kms_key_id,
        "storage_tier": snapshot.storage_tier,
        "is_copy": snapshot.is_copy,
        "source_snapshot_id": snapshot.source_snapshot_id if snapshot.is_copy else None,
        "state_message": snapshot.state_message,
        "tags": _tags(snapshot.tags),
    }


def image_json(image: Image) -> JsonDict:
    return {
        "id": image.id,
        "name": image.name,
        "state": image.state,
        "creation_date": iso(image.creation_date),
        "architecture": image.architecture,
        "virtualization_type": image.virtualization_type,
        "root_device": image.root_device_name,
        "snapshot_ids": list(image.snapshot_ids),
        "block_devices": [
            {
                "device": d.device,
                "snapshot_id": d.snapshot_id,
                "size_gib": d.volume_size_gib,
                "volume_type": d.volume_type,
            }
            for d in image.block_devices
        ],
        "description": image.description,
        "tags": _tags(image.tags),
    }


def permission_json(permission: Permission | None) -> JsonDict | None:
    if permission is None:
        return None
    return {
        "allowed": permission.allowed,
        "missing_action": permission.missing_action,
        "message": permission.message,
    }


def check_json(check: DeleteCheck) -> JsonDict:
    return {"level": check.level.value, "message": check.message}


def observation_json(observation: Observation) -> JsonDict:
    return {
        "id": observation.id,
        "kind": observation.kind.value,
        "state": observation.state,
        "progress": observation.progress,
        "result": observation.verdict.value,
    }
