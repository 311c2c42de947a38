"""Patch 7: AMIs really reference snapshots (RegisterImage, CreateImage, RunInstances, delete).

Stock moto fakes the AMI <-> snapshot link: RegisterImage ignores BlockDeviceMappings,
RootDeviceName, Architecture, VirtualizationType and TagSpecifications; CreateImage snapshots
none of the instance's volumes (and fails with HTTP 500 on snapshot TagSpecifications); both
attach one synthetic 15 GiB snapshot; RunInstances from any AMI gets an 8 GiB blank root; and a
user's snapshot referenced by an AMI can be deleted. With this patch:

- RegisterImage keeps the mappings (VolumeSize defaults to the snapshot's size), the root
  device, the architecture/virtualization (AWS's own defaults i386/paravirtual when not
  given), EnaSupport, BootMode and the image tags; an unknown snapshot is InvalidSnapshot.NotFound;
- CreateImage (over the API) snapshots every EBS volume of the instance, tags those snapshots
  from ``ResourceType=snapshot`` specifications, and maps them as AWS does;
- DescribeImages shows those mappings; RunInstances from such an AMI (without its own
  mappings) creates each volume from the AMI's snapshot, the root included, sized from the
  mapping or the snapshot;
- DeleteSnapshot refuses a snapshot that a registered AMI maps (``InvalidSnapshot.InUse``).

AMIs made through the backend directly (the demo seed) keep moto's synthetic mapping.
"""

from __future__ import annotations

import copy
from typing import Any

from ._patching import replace

MAPPINGS = "_snaptui_mappings"


def _error(code: str, message: str) -> Exception:
    from moto.ec2.exceptions import EC2ClientError

    return EC2ClientError(code, message)


def _mappings(ami: Any) -> list[dict[str, Any]] | None:
    return ami.__dict__.get(MAPPINGS)


def _use_mappings(backend: Any, ami: Any, mappings: list[dict[str, Any]], root: str) -> None:
    """Replace moto's synthetic snapshot by ``mappings``."""
    backend.snapshots.pop(ami.ebs_snapshot.id, None)
    setattr(ami, MAPPINGS, mappings)
    ami.root_device_name = root
    ami.root_device_type = "ebs"


def _register_image(self: Any) -> Any:
    from moto.core.responses import ActionResult

    name = self._get_param("Name")
    description = self._get_param("Description", "")
    requested = self._get_param("BlockDeviceMappings", []) or []
    root = self._get_param("RootDeviceName")
    tags = self._parse_tag_specification().get("image", {})
    self.error_on_dryrun()

    backend = self.ec2_backend
    mappings = []
    for entry in requested:
        ebs = dict(entry.get("Ebs") or {})
        snapshot_id = ebs.get("SnapshotId")
        if snapshot_id:
            snapshot = backend.get_snapshot(snapshot_id)  # InvalidSnapshot.NotFound
            ebs.setdefault("VolumeSize", snapshot.volume.size)
            ebs["Encrypted"] = bool(snapshot.encrypted)
        ebs.setdefault("DeleteOnTermination", True)
        mappings.append({"DeviceName": entry.get("DeviceName"), "Ebs": ebs})
    devices = [m["DeviceName"] for m in mappings]
    if mappings and root and root not in devices:
        raise _error(
            "InvalidBlockDeviceMapping",
            f"The root device name {root} does not match any device in the block device mapping",
        )
    image = backend.register_image(name, description)
    if mappings:
        _use_mappings(backend, image, mappings, root or devices[0])
    image.architecture = self._get_param("Architecture") or "i386"
    image.virtualization_type = self._get_param("VirtualizationType") or "paravirtual"
    image.boot_mode = self._get_param("BootMode")
    ena = self._get_param("EnaSupport")
    if ena is not None:
        image.ena_support = bool(ena)
    image.add_tags(tags)
    return ActionResult({"ImageId": image.id})


def _create_image(self: Any) -> Any:
    from moto.core.responses import ActionResult

    name = self._get_param("Name")
    description = self._get_param("Description", "")
    instance_id = self._get_param("InstanceId")
    specifications = self._get_param("TagSpecifications", []) or []
    self.error_on_dryrun()

    backend = self.ec2_backend
    snapshot_tags = {
        tag["Key"]: tag.get("Value", "")
        for spec in specifications
        if spec.get("ResourceType") == "snapshot"
        for tag in spec.get("Tags") or ()
    }
    others = [s for s in specifications if s.get("ResourceType") != "snapshot"]
    image = backend.create_image(instance_id, name, description, tag_specifications=others)
    instance = backend.get_instance(instance_id)
    mappings = []
    for device, block in instance.get_block_device_mapping:
        volume = backend.get_volume(block.volume_id)
        snapshot = backend.create_snapshot(
            volume.id, f"Created by CreateImage({instance_id}) for {image.id}", from_ami=image.id
        )
        snapshot.add_tags(snapshot_tags)
        mappings.append(
            {
                "DeviceName": device,
                "Ebs": {
                    "SnapshotId": snapshot.id,
                    "VolumeSize": volume.size,
                    "VolumeType": volume.volume_type,
                    "DeleteOnTermination": bool(block.delete_on_termination),
                    "Encrypted": bool(volume.encrypted),
                },
            }
        )
    if mappings:
        _use_mappings(backend, image, mappings, instance.root_device_name)
    return ActionResult({"ImageId": image.id})


def apply_ami_snapshots() -> None:
    """Install the five replacements described in the module docstring."""
    from moto.ec2.exceptions import InvalidSnapshotInUse
    from moto.ec2.models.amis import Ami
    from moto.ec2.models.elastic_block_store import EBSBackend
    from moto.ec2.models.instances import Instance
    from moto.ec2.responses.amis import AmisResponse

    original_mappings = Ami.__dict__["block_device_mappings"]

    def block_device_mappings(self: Any) -> list[dict[str, Any]]:
        mappings = _mappings(self)
        if mappings is None:
            return original_mappings.fget(self)
        return copy.deepcopy(mappings)

    original_defaults = Instance.__dict__["setup_defaults"]

    def setup_defaults(self: Any) -> None:
        """Volumes from the AMI's snapshots instead of moto's blank 8 GiB root."""
        backend = self.ec2_backend
        ami = backend.amis.get(self.image_id)
        mappings = _mappings(ami) if ami is not None else None
        if not mappings:
            original_defaults(self)
            return
        for mapping in mappings:
            ebs = mapping.get("Ebs") or {}
            snapshot_id = ebs.get("SnapshotId")
            snapshot = backend.get_snapshot(snapshot_id) if snapshot_id else None
            size = ebs.get("VolumeSize") or (snapshot.volume.size if snapshot else 8)
            volume = backend.create_volume(
                size=int(size),
                zone_name=self._placement.zone,
                snapshot_id=snapshot_id,
                encrypted=bool(snapshot.encrypted) if snapshot else False,
                volume_type=ebs.get("VolumeType"),
            )
            backend.attach_volume(
                volume.id, self.id, mapping["DeviceName"], bool(ebs.get("DeleteOnTermination"))
            )

    original_delete = EBSBackend.__dict__["delete_snapshot"]

    def delete_snapshot(self: Any, snapshot_id: str) -> Any:
        """AWS refuses to delete a snapshot that a registered AMI maps."""
        for ami in list(self.amis.values()):
            for mapping in _mappings(ami) or ():
                if (mapping.get("Ebs") or {}).get("SnapshotId") == snapshot_id:
                    raise InvalidSnapshotInUse(snapshot_id, ami.id)
        return original_delete(self, snapshot_id)

    replace(Ami, "block_device_mappings", property(block_device_mappings))
    replace(Instance, "setup_defaults", setup_defaults)
    replace(EBSBackend, "delete_snapshot", delete_snapshot)
    replace(AmisResponse, "register_image", _register_image)
    replace(AmisResponse, "create_image", _create_image)
