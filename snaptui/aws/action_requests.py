"""Provides the requests the UI and CLI fill in, show and confirm before an action runs (pure).

A request is a frozen dataclass holding the models it is about (the volume, the snapshot...),
as they were when it was planned, so ``summary()`` can state what will happen, where, how big
and what it costs without another call. Every request carries a ``request_id`` (a uuid): it is
tagged on what gets created, used as the ClientToken where the API has one, and written to the
audit log with the confirmation decision and with the calls.

``region`` is the region the request was planned in; an action refuses to run a request in a
context of another region (the user may have switched region between planning and confirming).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from snaptui.aws.delete_checks import CheckLevel, DeleteCheck
from snaptui.aws.models import BlockDevice, FrozenMap, Image, Instance, Snapshot, Volume
from snaptui.aws.provenance import new_request_id, new_set_id

__all__ = [
    "ActionRequest",
    "CopySnapshotRequest",
    "CreateImageRequest",
    "DeleteSnapshotRequest",
    "DeregisterImageRequest",
    "LaunchRequest",
    "RegisterImageRequest",
    "RestoreRequest",
    "SnapshotRequest",
    "SnapshotSetRequest",
    "SummaryLine",
    "with_tags_under",
]

SummaryLine = tuple[str, str]


def _named(resource_id: str, name: str | None) -> str:
    return f"{resource_id} ({name})" if name else resource_id


def _tags_text(tags: Mapping[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in tags.items()) if tags else "none"


@dataclass(frozen=True, kw_only=True)
class ActionRequest:
    """What every request has. Subclasses set OPERATION (the main API call) and TITLE."""

    OPERATION: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""

    region: str
    reason: str = ""
    """Why (ticket, incident): tagged as ``snaptui:reason`` and audited."""
    tags: FrozenMap = field(default_factory=FrozenMap)
    """The user's own extra tags for what gets created."""
    request_id: str = field(default_factory=new_request_id)

    def summary(self) -> list[SummaryLine]:
        """(label, value) lines for the confirmation dialog, most important first."""
        lines = [("Action", f"{self.TITLE} ({self.OPERATION})"), *self._details()]
        lines.append(("Region", self.region))
        if self.reason:
            lines.append(("Reason", self.reason))
        if self.tags:
            lines.append(("Extra tags", _tags_text(self.tags)))
        lines.append(("Request id", self.request_id))
        return lines

    def _details(self) -> list[SummaryLine]:
        return []

    def audit_params(self) -> dict[str, Any]:
        """What the audit log records about this request: ids, sizes, types, names."""
        params: dict[str, Any] = {"region": self.region, **self._audit_details()}
        if self.reason:
            params["reason"] = self.reason
        if self.tags:
            params["tag_keys"] = sorted(self.tags)
        return params

    def _audit_details(self) -> dict[str, Any]:
        return {}


# ---------------------------------------------------------------------------------------------
# Snapshots.


@dataclass(frozen=True, kw_only=True)
class SnapshotRequest(ActionRequest):
    OPERATION: ClassVar[str] = "CreateSnapshot"
    TITLE: ClassVar[str] = "Create snapshot"

    volume: Volume
    name: str | None = None
    """Name tag; None keeps the volume's own Name (copied with its other tags)."""
    description: str = ""

    def _details(self) -> list[SummaryLine]:
        v = self.volume
        attached = ", ".join(f"{a.instance_id} as {a.device}" for a in v.attachments)
        return [
            ("Volume", _named(v.id, v.name)),
            ("Size", f"{v.size_gib} GiB {v.volume_type}" + (", encrypted" if v.encrypted else "")),
            ("Attached to", attached or "not attached"),
            ("Name", self.name or v.name or "(none)"),
            ("Description", self.description or "(none)"),
            (
                "Consistency",
                "captures what is on disk now; pause writes (stop the instance for a root "
                "volume) for an application-consistent snapshot",
            ),
            (
                "Cost",
                "billed per GB-month of stored blocks; the first snapshot of a volume is a "
                f"full copy (up to {v.size_gib} GiB)",
            ),
        ]

    def _audit_details(self) -> dict[str, Any]:
        return {
            "volume_id": self.volume.id,
            "size_gib": self.volume.size_gib,
            "name": self.name,
            "description": self.description,
        }


@dataclass(frozen=True, kw_only=True)
class SnapshotSetRequest(ActionRequest):
    """All volumes of one instance at the same instant (CreateSnapshots, crash-consistent)."""

    OPERATION: ClassVar[str] = "CreateSnapshots"
    TITLE: ClassVar[str] = "Create snapshot set"

    instance: Instance
    exclude_boot: bool = False
    exclude_volume_ids: frozenset[str] = frozenset()
    volumes: tuple[Volume, ...] = ()
    """The instance's volumes when planned (sizes and names for the summary)."""
    description: str = ""
    set_id: str = ""
    """Tagged as ``snaptui:set-id``; generated from the instance id when empty."""

    def __post_init__(self) -> None:
        if not self.set_id:
            object.__setattr__(self, "set_id", new_set_id(self.instance.id))
        object.__setattr__(self, "exclude_volume_ids", frozenset(self.exclude_volume_ids))

    @property
    def planned(self) -> tuple[BlockDevice, ...]:
        """The devices that will be snapshotted, as the instance was when planned."""
        root = self.instance.root_device_name
        return tuple(
            d
            for d in self.instance.block_devices
            if d.volume_id not in self.exclude_volume_ids
            and not (self.exclude_boot and d.device == root)
        )

    def _details(self) -> list[SummaryLine]:
        by_id = {v.id: v for v in self.volumes}
        lines: list[SummaryLine] = [
            ("Instance", _named(self.instance.id, self.instance.name)),
            ("Instance state", self.instance.state),
        ]
        total = 0
        for device in self.planned:
            volume = by_id.get(device.volume_id)
            size = f"{volume.size_gib} GiB {volume.volume_type}" if volume else "size unknown"
            total += volume.size_gib if volume else 0
            lines.append((f"Snapshot {device.device}", f"{device.volume_id}, {size}"))
        excluded = [d for d in self.instance.block_devices if d not in self.planned]
        for device in excluded:
            lines.append((f"Excluded {device.device}", device.volume_id))
        lines += [
            ("Set id", self.set_id),
            ("Description", self.description or "(none)"),
            (
                "Consistency",
                "crash-consistent: all volumes at the same instant; the set shows 99% until "
                "every snapshot is complete",
            ),
            ("Cost", f"billed per GB-month of stored blocks (volumes total {total} GiB)"),
        ]
        return lines

    def _audit_details(self) -> dict[str, Any]:
        return {
            "instance_id": self.instance.id,
            "volume_ids": [d.volume_id for d in self.planned],
            "exclude_boot": self.exclude_boot,
            "exclude_volume_ids": sorted(self.exclude_volume_ids),
            "set_id": self.set_id,
            "description": self.description,
        }


# ---------------------------------------------------------------------------------------------
# Restore.


@dataclass(frozen=True, kw_only=True)
class RestoreRequest(ActionRequest):
    """A NEW volume from a snapshot, optionally attached; existing volumes are never touched."""

    OPERATION: ClassVar[str] = "CreateVolume"
    TITLE: ClassVar[str] = "Restore snapshot to a new volume"

    snapshot: Snapshot
    az: str
    volume_type: str
    size_gib: int
    iops: int | None = None
    throughput: int | None = None
    encrypted: bool = False
    kms_key_id: str | None = None
    attach_to: Instance | None = None
    device: str | None = None
    name: str | None = None
    source_volume_type: str | None = None
    """The type of the volume the snapshot was taken from, when known (for the summary)."""

    @property
    def client_token(self) -> str:
        return self.request_id

    def _details(self) -> list[SummaryLine]:
        s = self.snapshot
        perf = []
        if self.iops is not None:
            perf.append(f"{self.iops} IOPS")
        if self.throughput is not None:
            perf.append(f"{self.throughput} MiB/s")
        type_note = ""
        if self.source_volume_type and self.source_volume_type == self.volume_type:
            type_note = " (same as the source volume)"
        elif self.source_volume_type:
            type_note = f" (source volume was {self.source_volume_type})"
        lines = [
            ("Snapshot", f"{_named(s.id, s.name)}, {s.volume_size_gib} GiB, from {s.volume_id}"),
            ("New volume", f"{self.size_gib} GiB {self.volume_type}{type_note}"),
        ]
        if perf:
            lines.append(("Performance", ", ".join(perf)))
        lines.append(("Availability zone", self.az))
        if s.encrypted or self.encrypted:
            key = self.kms_key_id or s.kms_key_id or "the snapshot's key / the account default"
            lines.append(("Encryption", f"encrypted with {key}"))
        else:
            lines.append(("Encryption", "not encrypted"))
        if self.attach_to is not None:
            lines.append(
                (
                    "Attach to",
                    f"{_named(self.attach_to.id, self.attach_to.name)} as {self.device} "
                    f"({self.attach_to.state})",
                )
            )
        else:
            lines.append(("Attach to", "nothing (the volume stays available)"))
        lines.append(("Name", self.name or "(from the snapshot's tags)"))
        cost = f"the new volume is billed per GiB-month ({self.size_gib} GiB) while it exists"
        if self.volume_type in ("io1", "io2") and self.iops:
            cost += f", plus {self.iops} provisioned IOPS per month"
        elif self.volume_type == "gp3" and (
            (self.iops or 3000) > 3000 or (self.throughput or 125) > 125
        ):
            cost += ", plus IOPS/throughput above the gp3 baseline (3000 IOPS, 125 MiB/s)"
        lines += [
            ("Cost", cost),
            (
                "Note",
                "blocks load lazily from S3 on first read: expect higher latency until the "
                "volume is initialised",
            ),
        ]
        return lines

    def _audit_details(self) -> dict[str, Any]:
        return {
            "snapshot_id": self.snapshot.id,
            "az": self.az,
            "volume_type": self.volume_type,
            "size_gib": self.size_gib,
            "iops": self.iops,
            "throughput": self.throughput,
            "encrypted": self.encrypted or self.snapshot.encrypted,
            "kms_key_id": self.kms_key_id,
            "attach_to": self.attach_to.id if self.attach_to else None,
            "device": self.device,
            "name": self.name,
        }


# ---------------------------------------------------------------------------------------------
# Images and instances.


@dataclass(frozen=True, kw_only=True)
class CreateImageRequest(ActionRequest):
    """An AMI from an instance. ``reboot`` has no default: the caller must choose."""

    OPERATION: ClassVar[str] = "CreateImage"
    TITLE: ClassVar[str] = "Create image from instance"

    instance: Instance
    name: str
    reboot: bool
    description: str = ""

    def _details(self) -> list[SummaryLine]:
        i = self.instance
        reboot = (
            "YES: the instance is shut down and restarted (application-consistent)"
            if self.reboot
            else "no: snapshots are crash-consistent (as after a power cut)"
        )
        return [
            ("Instance", f"{_named(i.id, i.name)} ({i.state}, {i.instance_type})"),
            ("Reboot", reboot),
            ("Image name", self.name),
            ("Description", self.description or "(none)"),
            ("Volumes", ", ".join(f"{d.device} {d.volume_id}" for d in i.block_devices) or "?"),
            ("Cost", "one snapshot per volume, billed per GB-month while the AMI keeps them"),
        ]

    def _audit_details(self) -> dict[str, Any]:
        return {
            "instance_id": self.instance.id,
            "name": self.name,
            "reboot": self.reboot,
            "description": self.description,
        }


@dataclass(frozen=True, kw_only=True)
class RegisterImageRequest(ActionRequest):
    """An AMI whose root volume is a snapshot.

    ``architecture``/``virtualization_type`` have no defaults: RegisterImage's own (i386,
    paravirtual) are wrong for nearly every modern snapshot, so they are refused unless
    ``allow_legacy`` says the user chose them on purpose.
    """

    OPERATION: ClassVar[str] = "RegisterImage"
    TITLE: ClassVar[str] = "Register image from snapshot"

    snapshot: Snapshot
    name: str
    root_device_name: str
    architecture: str | None
    virtualization_type: str | None
    ena_support: bool | None
    boot_mode: str | None
    volume_type: str = "gp3"
    volume_size_gib: int | None = None
    """None: the snapshot's size."""
    description: str = ""
    allow_legacy: bool = False
    prefilled_from: str = ""
    """Where the architecture etc. came from (``"instance i-..."``, ``"AMI ami-..."``)."""

    def _details(self) -> list[SummaryLine]:
        s = self.snapshot
        size = self.volume_size_gib or s.volume_size_gib
        return [
            ("Snapshot", f"{_named(s.id, s.name)}, {s.volume_size_gib} GiB, from {s.volume_id}"),
            ("Image name", self.name),
            ("Root device", f"{self.root_device_name}: {size} GiB {self.volume_type}"),
            ("Architecture", self.architecture or "NOT SET"),
            ("Virtualization", self.virtualization_type or "NOT SET"),
            ("ENA support", {True: "yes", False: "no", None: "not set"}[self.ena_support]),
            ("Boot mode", self.boot_mode or "AWS default for the architecture"),
            ("Prefilled from", self.prefilled_from or "nothing (entered by hand)"),
            ("Description", self.description or "(none)"),
            (
                "Note",
                f"{s.id} cannot be deleted while the AMI is registered; billing codes "
                "(Windows, RHEL, SUSE, SQL Server) may not carry over: check PlatformDetails",
            ),
        ]

    def _audit_details(self) -> dict[str, Any]:
        return {
            "snapshot_id": self.snapshot.id,
            "name": self.name,
            "root_device_name": self.root_device_name,
            "architecture": self.architecture,
            "virtualization_type": self.virtualization_type,
            "ena_support": self.ena_support,
            "boot_mode": self.boot_mode,
            "volume_type": self.volume_type,
            "volume_size_gib": self.volume_size_gib,
        }


@dataclass(frozen=True, kw_only=True)
class LaunchRequest(ActionRequest):
    OPERATION: ClassVar[str] = "RunInstances"
    TITLE: ClassVar[str] = "Launch instance"

    image: Image
    instance_type: str
    subnet_id: str | None = None
    az: str | None = None
    """Used only without a subnet (the subnet decides the zone)."""
    key_name: str | None = None
    security_group_ids: tuple[str, ...] = ()
    name: str | None = None
    count: int = 1

    @property
    def client_token(self) -> str:
        return self.request_id

    def _details(self) -> list[SummaryLine]:
        im = self.image
        volumes = ", ".join(
            f"{d.device} {d.volume_size_gib or '?'} GiB from {d.snapshot_id}"
            for d in im.block_devices
        )
        where = self.subnet_id or self.az or "the default subnet"
        return [
            ("Image", f"{_named(im.id, im.name)} ({im.architecture or '?'})"),
            ("Instance type", f"{self.instance_type} x {self.count}"),
            ("Placement", where),
            ("Key pair", self.key_name or "none (no SSH key)"),
            ("Security groups", ", ".join(self.security_group_ids) or "the VPC default"),
            ("Name", self.name or "(none)"),
            ("Volumes", volumes or "as the AMI defines"),
            ("Cost", f"{self.count} x {self.instance_type} billed while running, plus volumes"),
        ]

    def _audit_details(self) -> dict[str, Any]:
        return {
            "image_id": self.image.id,
            "instance_type": self.instance_type,
            "subnet_id": self.subnet_id,
            "az": self.az,
            "key_name": self.key_name,
            "security_group_ids": list(self.security_group_ids),
            "name": self.name,
            "count": self.count,
        }


# ---------------------------------------------------------------------------------------------
# Copy and delete.


@dataclass(frozen=True, kw_only=True)
class CopySnapshotRequest(ActionRequest):
    """A copy of a snapshot of ``region`` into ``target_region`` (which may be the same)."""

    OPERATION: ClassVar[str] = "CopySnapshot"
    TITLE: ClassVar[str] = "Copy snapshot"

    snapshot: Snapshot
    target_region: str
    description: str = ""
    encrypted: bool = False
    kms_key_id: str | None = None
    name: str | None = None

    def _details(self) -> list[SummaryLine]:
        s = self.snapshot
        cross = self.target_region != self.region
        encryption = "encrypted" if (self.encrypted or s.encrypted) else "not encrypted"
        if self.kms_key_id:
            encryption += f" with {self.kms_key_id}"
        return [
            ("Snapshot", f"{_named(s.id, s.name)}, {s.volume_size_gib} GiB"),
            ("From", self.region),
            ("To", self.target_region),
            ("Encryption", encryption),
            ("Name", self.name or s.name or "(none)"),
            ("Description", self.description or "(AWS default)"),
            (
                "Cost",
                "the copy is a full snapshot, billed separately"
                + ("; cross-region data transfer is billed" if cross else ""),
            ),
        ]

    def _audit_details(self) -> dict[str, Any]:
        return {
            "snapshot_id": self.snapshot.id,
            "source_region": self.region,
            "target_region": self.target_region,
            "encrypted": self.encrypted,
            "kms_key_id": self.kms_key_id,
            "name": self.name,
        }


@dataclass(frozen=True, kw_only=True)
class DeleteSnapshotRequest(ActionRequest):
    OPERATION: ClassVar[str] = "DeleteSnapshot"
    TITLE: ClassVar[str] = "Delete snapshot"

    snapshot: Snapshot
    checks: tuple[DeleteCheck, ...] = ()
    """delete_checks() when planned; the action checks again before deleting."""

    def _details(self) -> list[SummaryLine]:
        s = self.snapshot
        lines = [
            ("Snapshot", f"{_named(s.id, s.name)}, {s.volume_size_gib} GiB, {s.state}"),
            ("Volume", s.volume_id or "?"),
            ("Started", s.start_time.isoformat(timespec="seconds") if s.start_time else "?"),
        ]
        for check in self.checks:
            lines.append((check.level.value.upper(), check.message))
        lines.append(
            ("Undo", "none: the snapshot is gone for good (unless a Recycle Bin rule keeps it)")
        )
        return lines

    @property
    def blocked(self) -> bool:
        return any(c.level is CheckLevel.BLOCKED for c in self.checks)

    def _audit_details(self) -> dict[str, Any]:
        return {"snapshot_id": self.snapshot.id, "volume_id": self.snapshot.volume_id}


@dataclass(frozen=True, kw_only=True)
class DeregisterImageRequest(ActionRequest):
    OPERATION: ClassVar[str] = "DeregisterImage"
    TITLE: ClassVar[str] = "Deregister image"

    image: Image

    def _details(self) -> list[SummaryLine]:
        im = self.image
        kept = ", ".join(im.snapshot_ids) or "none"
        return [
            ("Image", f"{_named(im.id, im.name)} ({im.state})"),
            ("Snapshots kept", f"{kept}: still billed; delete them separately if unwanted"),
            ("Effect", "no new instance can be launched from it; running ones are unaffected"),
        ]

    def _audit_details(self) -> dict[str, Any]:
        return {"image_id": self.image.id, "name": self.image.name}


def with_tags_under(request: ActionRequest, extra: Mapping[str, str]) -> ActionRequest:
    """``request`` with ``extra`` tags (the config's ``[tags]``) beneath its own: the request's
    win on a clash. Deletes and deregistrations create nothing and come back unchanged."""
    if not extra or isinstance(request, DeleteSnapshotRequest | DeregisterImageRequest):
        return request
    return replace(request, tags=FrozenMap({**extra, **request.tags}))
