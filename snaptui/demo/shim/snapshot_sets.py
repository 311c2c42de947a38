"""Patch 8: CreateSnapshots honours ``ExcludeDataVolumeIds``."""

from __future__ import annotations

from typing import Any

from ._patching import replace


def apply_snapshot_set_exclusions() -> None:
    """Stock moto ignores ``InstanceSpecification.ExcludeDataVolumeIds`` and snapshots every
    attached volume, so a demo user who excluded a scratch disk would still get (and pay for,
    on AWS) its snapshot. As in AWS, the root volume cannot be excluded that way
    (``ExcludeBootVolume`` is for it): InvalidParameterValue."""
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.models.elastic_block_store import EBSBackend

    def create_snapshots(
        self: Any, instance_spec: dict[str, Any], description: str, tags: dict[str, str]
    ) -> list[Any]:
        instance = self.get_instance(instance_spec["InstanceId"])
        excluded = set(instance_spec.get("ExcludeDataVolumeIds") or ())
        exclude_boot = str(instance_spec.get("ExcludeBootVolume", False)).lower() == "true"
        volume_ids = []
        for device, block in instance.get_block_device_mapping:
            is_root = device == instance.root_device_name
            if is_root and block.volume_id in excluded:
                raise EC2ClientError(
                    "InvalidParameterValue",
                    f"The volume {block.volume_id} is the root volume of {instance.id}: use "
                    "ExcludeBootVolume to exclude it",
                )
            if (is_root and exclude_boot) or block.volume_id in excluded:
                continue
            volume_ids.append(block.volume_id)
        snapshots = [self.create_snapshot(v, description=description) for v in volume_ids]
        for snapshot in snapshots:
            snapshot.add_tags(tags)
        return snapshots

    replace(EBSBackend, "create_snapshots", create_snapshots)
