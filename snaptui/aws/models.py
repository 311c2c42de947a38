"""Provides the frozen models (Instance, Volume, Snapshot, Image, Identity) built from API dicts.

Parsing is defensive: AWS (and moto even more) omits fields, sends "" for "none" and strings
for numbers. Every ``from_api`` accepts the dict botocore returns for one item and never raises
on a missing optional field. Datetimes are aware and in UTC.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

__all__ = [
    "COPY_VOLUME_ID",
    "Attachment",
    "BlockDevice",
    "FrozenMap",
    "Identity",
    "Image",
    "ImageBlockDevice",
    "Instance",
    "Snapshot",
    "Volume",
    "parse_progress",
    "parse_time",
]

COPY_VOLUME_ID = "vol-ffffffff"
"""The VolumeId AWS gives to copied snapshots (and those created by CreateImage copies)."""

SOURCE_SNAPSHOT_TAG = "snaptui:source-snapshot"


class FrozenMap(Mapping[str, str]):
    """An immutable, hashable str -> str mapping (tags), so the models can stay frozen."""

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        self._data: dict[str, str] = dict(data)
        self._hash: int | None = None

    @classmethod
    def from_tags(cls, tags: Iterable[Mapping[str, Any]] | None) -> FrozenMap:
        """From the API's ``[{"Key": k, "Value": v}, ...]`` list (None -> empty)."""
        return cls(
            (str(t["Key"]), str(t.get("Value") or ""))
            for t in tags or ()
            if t.get("Key") is not None
        )

    def __getitem__(self, key: str) -> str:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"


# ---------------------------------------------------------------------------------------------
# Field parsers.

_PROGRESS_RE = re.compile(r"^\s*(\d{1,3})(?:\.\d*)?\s*%?\s*$")


def parse_progress(value: object) -> int | None:
    """``"45%"`` -> 45. ``""``, None, garbage or a value outside 0..100 -> None (unknown)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if not math.isfinite(value):
            return None
        number = int(value)
    elif isinstance(value, str):
        match = _PROGRESS_RE.match(value)
        if not match:
            return None
        number = int(match.group(1))
    else:
        return None
    return number if 0 <= number <= 100 else None


def parse_time(value: object) -> datetime | None:
    """A botocore datetime or an ISO-8601 string (DescribeImages) -> aware UTC; else None."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)  # the API speaks UTC
    return moment.astimezone(UTC)


def _int(value: object) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def _str(value: object) -> str | None:
    """None for missing and for the empty string AWS uses to mean "none"."""
    return str(value) if value not in (None, "") else None


def _name(tags: FrozenMap) -> str:
    return tags.get("Name", "")


# ---------------------------------------------------------------------------------------------
# Models.


class BlockDevice(NamedTuple):
    """An EBS volume attached to an instance, as DescribeInstances reports it."""

    device: str
    volume_id: str
    delete_on_termination: bool


@dataclass(frozen=True)
class Instance:
    id: str
    name: str
    state: str
    instance_type: str
    az: str | None
    launch_time: datetime | None
    platform: str | None
    """``"windows"`` or None; see ``platform_details`` for billing ("Linux/UNIX", "Red Hat...")."""
    platform_details: str | None
    architecture: str | None
    root_device_name: str | None
    block_devices: tuple[BlockDevice, ...]
    private_ip: str | None
    image_id: str | None
    subnet_id: str | None
    vpc_id: str | None
    tags: FrozenMap

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> Instance:
        tags = FrozenMap.from_tags(item.get("Tags"))
        devices = tuple(
            BlockDevice(
                device=str(m.get("DeviceName", "")),
                volume_id=str(m["Ebs"]["VolumeId"]),
                delete_on_termination=bool(m["Ebs"].get("DeleteOnTermination", False)),
            )
            for m in item.get("BlockDeviceMappings") or ()
            if (m.get("Ebs") or {}).get("VolumeId")
        )
        return cls(
            id=str(item["InstanceId"]),
            name=_name(tags),
            state=str((item.get("State") or {}).get("Name", "unknown")),
            instance_type=str(item.get("InstanceType", "")),
            az=_str((item.get("Placement") or {}).get("AvailabilityZone")),
            launch_time=parse_time(item.get("LaunchTime")),
            platform=_str(item.get("Platform")),
            platform_details=_str(item.get("PlatformDetails")),
            architecture=_str(item.get("Architecture")),
            root_device_name=_str(item.get("RootDeviceName")),
            block_devices=devices,
            private_ip=_str(item.get("PrivateIpAddress")),
            image_id=_str(item.get("ImageId")),
            subnet_id=_str(item.get("SubnetId")),
            vpc_id=_str(item.get("VpcId")),
            tags=tags,
        )

    @property
    def volume_ids(self) -> tuple[str, ...]:
        return tuple(d.volume_id for d in self.block_devices)


@dataclass(frozen=True)
class Attachment:
    instance_id: str
    device: str
    state: str
    delete_on_termination: bool

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> Attachment:
        return cls(
            instance_id=str(item.get("InstanceId", "")),
            device=str(item.get("Device", "")),
            state=str(item.get("State", "")),
            delete_on_termination=bool(item.get("DeleteOnTermination", False)),
        )


@dataclass(frozen=True)
class Volume:
    id: str
    name: str
    size_gib: int
    volume_type: str
    state: str
    az: str | None
    iops: int | None
    throughput: int | None
    encrypted: bool
    kms_key_id: str | None
    snapshot_id: str | None
    """The snapshot the volume was restored from; None for a blank volume."""
    create_time: datetime | None
    attachments: tuple[Attachment, ...]
    tags: FrozenMap

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> Volume:
        tags = FrozenMap.from_tags(item.get("Tags"))
        return cls(
            id=str(item["VolumeId"]),
            name=_name(tags),
            size_gib=_int(item.get("Size")) or 0,
            volume_type=str(item.get("VolumeType", "")),
            state=str(item.get("State", "unknown")),
            az=_str(item.get("AvailabilityZone")),
            iops=_int(item.get("Iops")),
            throughput=_int(item.get("Throughput")),
            encrypted=bool(item.get("Encrypted", False)),
            kms_key_id=_str(item.get("KmsKeyId")),
            snapshot_id=_str(item.get("SnapshotId")),
            create_time=parse_time(item.get("CreateTime")),
            attachments=tuple(Attachment.from_api(a) for a in item.get("Attachments") or ()),
            tags=tags,
        )

    @property
    def instance_ids(self) -> tuple[str, ...]:
        return tuple(a.instance_id for a in self.attachments)


_COPIED_RE = re.compile(r"\[Copied (snap-[0-9a-f]+) from ([a-z0-9-]+)\]")
_AMI_COPY_RE = re.compile(r"SourceSnapshot (snap-[0-9a-f]+)")


@dataclass(frozen=True)
class Snapshot:
    id: str
    volume_id: str
    state: str
    progress: int | None
    """0..100, or None when AWS sent nothing usable."""
    start_time: datetime | None
    volume_size_gib: int
    description: str
    encrypted: bool
    kms_key_id: str | None
    owner_id: str | None
    storage_tier: str | None
    tags: FrozenMap
    name: str
    state_message: str | None = None
    data_encryption_key_id: str | None = None
    """Same value => same lineage (AWS says so); cheap pre-check before a block compare."""

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> Snapshot:
        tags = FrozenMap.from_tags(item.get("Tags"))
        return cls(
            id=str(item["SnapshotId"]),
            volume_id=str(item.get("VolumeId") or ""),
            state=str(item.get("State") or "unknown"),
            progress=parse_progress(item.get("Progress")),
            start_time=parse_time(item.get("StartTime")),
            volume_size_gib=_int(item.get("VolumeSize")) or 0,
            description=str(item.get("Description") or ""),
            encrypted=bool(item.get("Encrypted", False)),
            kms_key_id=_str(item.get("KmsKeyId")),
            owner_id=_str(item.get("OwnerId")),
            storage_tier=_str(item.get("StorageTier")),
            tags=tags,
            name=_name(tags),
            state_message=_str(item.get("StateMessage")),
            data_encryption_key_id=_str(item.get("DataEncryptionKeyId")),
        )

    @property
    def is_pending(self) -> bool:
        return self.state == "pending"

    @property
    def is_copy(self) -> bool:
        """AWS gives copies the placeholder volume id ``vol-ffffffff``."""
        return self.volume_id == COPY_VOLUME_ID

    @property
    def source_snapshot_id(self) -> str | None:
        """For a copy: the snapshot it was copied from, when the tag or description says so."""
        tagged = self.tags.get(SOURCE_SNAPSHOT_TAG)
        if tagged:
            return tagged
        match = _COPIED_RE.search(self.description) or _AMI_COPY_RE.search(self.description)
        return match.group(1) if match else None


class ImageBlockDevice(NamedTuple):
    device: str
    snapshot_id: str | None
    volume_size_gib: int | None
    volume_type: str | None
    delete_on_termination: bool
    encrypted: bool | None


@dataclass(frozen=True)
class Image:
    id: str
    name: str
    """The AMI's own Name (not a tag); falls back to the Name tag."""
    state: str
    creation_date: datetime | None
    architecture: str | None
    root_device_name: str | None
    virtualization_type: str | None
    ena_support: bool | None
    boot_mode: str | None
    block_devices: tuple[ImageBlockDevice, ...]
    tags: FrozenMap
    description: str = ""
    owner_id: str | None = None

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> Image:
        tags = FrozenMap.from_tags(item.get("Tags"))
        devices = []
        for m in item.get("BlockDeviceMappings") or ():
            ebs = m.get("Ebs")
            if not ebs:
                continue  # instance-store / NoDevice entries
            encrypted = ebs.get("Encrypted")
            devices.append(
                ImageBlockDevice(
                    device=str(m.get("DeviceName", "")),
                    snapshot_id=_str(ebs.get("SnapshotId")),
                    volume_size_gib=_int(ebs.get("VolumeSize")),
                    volume_type=_str(ebs.get("VolumeType")),
                    delete_on_termination=bool(ebs.get("DeleteOnTermination", False)),
                    encrypted=None if encrypted is None else bool(encrypted),
                )
            )
        ena = item.get("EnaSupport")
        return cls(
            id=str(item["ImageId"]),
            name=str(item.get("Name") or _name(tags)),
            state=str(item.get("State", "unknown")),
            creation_date=parse_time(item.get("CreationDate")),
            architecture=_str(item.get("Architecture")),
            root_device_name=_str(item.get("RootDeviceName")),
            virtualization_type=_str(item.get("VirtualizationType")),
            ena_support=None if ena is None else bool(ena),
            boot_mode=_str(item.get("BootMode")),
            block_devices=tuple(devices),
            tags=tags,
            description=str(item.get("Description") or ""),
            owner_id=_str(item.get("OwnerId")),
        )

    @property
    def snapshot_ids(self) -> tuple[str, ...]:
        return tuple(d.snapshot_id for d in self.block_devices if d.snapshot_id)


@dataclass(frozen=True)
class Identity:
    account: str
    arn: str
    user_id: str

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> Identity:
        return cls(
            account=str(item.get("Account", "")),
            arn=str(item.get("Arn", "")),
            user_id=str(item.get("UserId", "")),
        )
