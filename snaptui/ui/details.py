"""Provides the detail pane's content: every useful attribute of the selected resource, then tags.

``detail_rows`` returns ``(label, value)`` pairs; the pane lays them out. Tags come last,
under a ``Tags`` row, each as ``("  key", value)``, sorted by key.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.text import Text

from snaptui.aws.generations import Generation
from snaptui.aws.models import BlockDevice, FrozenMap, Image, Instance, Snapshot, Volume
from snaptui.ui import render
from snaptui.ui.inventory import Inventory, Kind
from snaptui.ui.rows import AttachedVolume, SnapshotRow, VolumeRow

__all__ = ["DetailRow", "detail_rows"]

DetailRow = tuple[str, str | Text]
TAG_INDENT = "  "


def detail_rows(item: Any, inventory: Inventory, now: datetime) -> list[DetailRow]:
    """The rows for any model or view row (rows are unwrapped to their resource)."""
    match item:
        case SnapshotRow() | Generation():
            return _snapshot(item.snapshot, inventory, now)
        case Snapshot():
            return _snapshot(item, inventory, now)
        case AttachedVolume():
            attached: list[DetailRow] = [
                ("Device", item.device + (" (root)" if item.is_root else "")),
                ("On termination", "deleted" if item.delete_on_termination else "kept"),
            ]
            return attached + _volume(item.volume, inventory, now)
        case VolumeRow():
            return _volume(item.volume, inventory, now)
        case Volume():
            return _volume(item, inventory, now)
        case Instance():
            return _instance(item, inventory, now)
        case Image():
            return _image(item, inventory, now)
    raise TypeError(f"no details for {type(item).__name__}")


def _tags(tags: FrozenMap) -> list[DetailRow]:
    if not tags:
        return [("Tags", "none")]
    rows: list[DetailRow] = [("Tags", str(len(tags)))]
    for key in sorted(tags, key=lambda k: (k.casefold(), k)):
        rows.append((TAG_INDENT + key, tags[key]))
    return rows


def _encryption(encrypted: bool, kms_key_id: str | None) -> str:
    if not encrypted:
        return "not encrypted"
    return f"encrypted, KMS key {kms_key_id}" if kms_key_id else "encrypted"


def _instance_name(instance_id: str, inventory: Inventory) -> str:
    inst = inventory.instances.get(instance_id)
    return f"{inst.name} ({instance_id})" if inst and inst.name else instance_id


# ---------------------------------------------------------------------------------------------


def _snapshot_volume(snap: Snapshot, inventory: Inventory) -> str:
    if snap.is_copy:
        source = snap.source_snapshot_id
        return f"none: a copy of {source}" if source else "none: a copy (source unknown)"
    if not snap.volume_id:
        return "unknown"
    volume = inventory.volumes.get(snap.volume_id)
    if volume is None:
        if Kind.VOLUMES in inventory.loaded:
            return f"{snap.volume_id} (deleted: orphan snapshot)"
        return snap.volume_id
    label = f"{volume.name} ({volume.id})" if volume.name else volume.id
    where = [
        f"{a.instance_name or a.instance_id} {a.device}"
        for a in inventory.attachments_of(volume.id)
    ]
    return f"{label}, attached to {', '.join(where)}" if where else f"{label}, not attached"


def _snapshot(snap: Snapshot, inventory: Inventory, now: datetime) -> list[DetailRow]:
    rows: list[DetailRow] = [("Snapshot", snap.id)]
    if snap.name:
        rows.append(("Name", snap.name))
    rows.append(("State", render.snapshot_state_text(snap.state, snap.progress, bar_width=10)))
    if snap.state_message:
        rows.append(("State message", snap.state_message))
    rows += [
        ("Started", render.format_time(snap.start_time, now)),
        ("Volume", _snapshot_volume(snap, inventory)),
        ("Size", render.format_gib(snap.volume_size_gib)),
        ("Description", snap.description or "-"),
        ("Encryption", _encryption(snap.encrypted, snap.kms_key_id)),
        ("Storage tier", snap.storage_tier or "-"),
        ("Owner", snap.owner_id or "-"),
    ]
    index = inventory.index_for(snapshot_id=snap.id)
    generation = index.generation(snap.id)
    if generation is not None:
        rows += _generation(generation)
    copies = index.copies_of(snap.id)
    if copies:
        rows.append(("Copies", ", ".join(g.snapshot.id for g in copies)))
    return rows + _tags(snap.tags)


def _generation(g: Generation) -> list[DetailRow]:
    label = "copy" if g.snapshot.is_copy else "generation"
    where = f"{g.position + 1} of {g.total}"
    if g.total > 1 and g.is_newest:
        where += " (newest)"
    elif g.total > 1 and g.is_oldest:
        where += " (oldest)"
    since = render.format_duration(g.since_previous) if g.since_previous is not None else "-"
    rows: list[DetailRow] = [
        (label.capitalize(), where),
        ("Since previous", since),
    ]
    if g.set_id:
        rows.append(("Set", f"{g.set_id}: {', '.join(g.set_members)}"))
    return rows


# ---------------------------------------------------------------------------------------------


def _volume(vol: Volume, inventory: Inventory, now: datetime) -> list[DetailRow]:
    rows: list[DetailRow] = [("Volume", vol.id)]
    if vol.name:
        rows.append(("Name", vol.name))
    rows += [
        ("State", render.state_text(vol.state)),
        ("Type", vol.volume_type or "-"),
        ("Size", render.format_gib(vol.size_gib)),
        ("IOPS", _optional(vol.iops)),
        ("Throughput", f"{vol.throughput} MiB/s" if vol.throughput else "-"),
        ("AZ", vol.az or "-"),
        ("Encryption", _encryption(vol.encrypted, vol.kms_key_id)),
        ("Created", render.format_time(vol.create_time, now)),
    ]
    if vol.snapshot_id:
        known = vol.snapshot_id in inventory.snapshots
        deleted = not known and Kind.SNAPSHOTS in inventory.loaded
        rows.append(("Restored from", vol.snapshot_id + (" (deleted)" if deleted else "")))
    else:
        rows.append(("Restored from", "- (blank volume)"))
    attachments = inventory.attachments_of(vol.id)
    states = {a.instance_id: a for a in vol.attachments}
    if not attachments:
        rows.append(("Attached to", "-"))
    for number, place in enumerate(attachments):
        text = f"{_instance_name(place.instance_id, inventory)} as {place.device}"
        att = states.get(place.instance_id)
        if att is not None:
            text += f", {att.state or 'attached'}"
            text += ", deleted on termination" if att.delete_on_termination else ""
        rows.append(("Attached to" if number == 0 else "", text))
    generations = inventory.index_for(volume_id=vol.id).for_volume(vol.id)
    if generations:
        newest = generations[0].snapshot
        age = render.format_age(newest.start_time, now)
        rows.append(("Snapshots", f"{len(generations)} generations, newest {age} ago"))
    else:
        rows.append(("Snapshots", "none"))
    return rows + _tags(vol.tags)


def _optional(value: object) -> str:
    return "-" if value in (None, "") else str(value)


# ---------------------------------------------------------------------------------------------


def _instance(inst: Instance, inventory: Inventory, now: datetime) -> list[DetailRow]:
    rows: list[DetailRow] = [("Instance", inst.id)]
    if inst.name:
        rows.append(("Name", inst.name))
    image = inventory.images.get(inst.image_id or "")
    ami = inst.image_id or "-"
    if image is not None and image.name:
        ami = f"{ami} ({image.name})"
    rows += [
        ("State", render.state_text(inst.state)),
        ("Type", inst.instance_type or "-"),
        ("AZ", inst.az or "-"),
        ("Private IP", inst.private_ip or "-"),
        ("VPC", inst.vpc_id or "-"),
        ("Subnet", inst.subnet_id or "-"),
        ("AMI", ami),
        ("Platform", inst.platform_details or inst.platform or "-"),
        ("Architecture", inst.architecture or "-"),
        ("Launched", render.format_time(inst.launch_time, now)),
        ("Root device", inst.root_device_name or "-"),
    ]
    devices = sorted(
        inst.block_devices,
        key=lambda d: (d.device != inst.root_device_name, d.device),
    )
    if not devices:
        rows.append(("Block devices", "none (instance store only)"))
    for number, device in enumerate(devices):
        rows.append(
            ("Block devices" if number == 0 else "", _block_device(device, inst, inventory))
        )
    return rows + _tags(inst.tags)


def _block_device(device: BlockDevice, inst: Instance, inventory: Inventory) -> str:
    parts = [device.device, device.volume_id]
    volume = inventory.volumes.get(device.volume_id)
    if volume is not None:
        if volume.name:
            parts.append(volume.name)
        parts.append(f"{render.format_gib(volume.size_gib)} {volume.volume_type}")
    if device.device == inst.root_device_name:
        parts.append("root")
    parts.append("deleted on termination" if device.delete_on_termination else "kept")
    return " · ".join(parts)


# ---------------------------------------------------------------------------------------------


def _image(image: Image, inventory: Inventory, now: datetime) -> list[DetailRow]:
    rows: list[DetailRow] = [("Image", image.id), ("Name", image.name or "-")]
    rows += [
        ("State", render.state_text(image.state)),
        ("Description", image.description or "-"),
        ("Created", render.format_time(image.creation_date, now)),
        ("Architecture", image.architecture or "-"),
        ("Virtualization", image.virtualization_type or "-"),
        ("ENA", render.yes_no(image.ena_support)),
        ("Boot mode", image.boot_mode or "-"),
        ("Owner", image.owner_id or "-"),
        ("Root device", image.root_device_name or "-"),
    ]
    if not image.block_devices:
        rows.append(("Block devices", "none"))
    for number, device in enumerate(image.block_devices):
        parts = [device.device, device.snapshot_id or "no snapshot"]
        listed = Kind.SNAPSHOTS not in inventory.loaded or device.snapshot_id in inventory.snapshots
        if device.snapshot_id and not listed:
            parts[-1] += " (not in this account's listing)"
        parts.append(render.format_gib(device.volume_size_gib))
        if device.volume_type:
            parts.append(device.volume_type)
        if device.encrypted is not None:
            parts.append("encrypted" if device.encrypted else "not encrypted")
        parts.append("deleted on termination" if device.delete_on_termination else "kept")
        rows.append(("Block devices" if number == 0 else "", " · ".join(parts)))
    return rows + _tags(image.tags)
