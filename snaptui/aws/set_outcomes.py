"""Provides the per-volume view of one CreateSnapshots call (pure, no I/O).

CreateSnapshots answers with the snapshots it started, not with the volumes it skipped, so the
outcome of each *planned* volume is worked out here: created (with its state), missing
(detached or deleted between planning and the call) or, for snapshots nobody planned,
unexpected (attached meanwhile, or an exclusion the endpoint ignored). Nothing is hidden and
nothing is deleted: an unexpected snapshot is reported with its id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from snaptui.aws.action_requests import SnapshotSetRequest
from snaptui.aws.action_results import OutcomeStatus, VolumeOutcome
from snaptui.aws.models import Instance, Volume
from snaptui.aws.provenance import SOURCE_DEVICE_TAG, SOURCE_VOLUME_TAG, copyable_tags
from snaptui.aws.validation import MAX_TAGS

__all__ = ["member_tags", "set_outcomes"]


def set_outcomes(
    request: SnapshotSetRequest, instance: Instance, response: Mapping[str, Any]
) -> tuple[list[VolumeOutcome], list[VolumeOutcome]]:
    """(one outcome per planned volume in device order, the unexpected snapshots).

    ``instance`` is the instance as read right before the call (for device names and the
    root device of volumes that were not planned).
    """
    by_volume = {str(s.get("VolumeId")): s for s in response.get("Snapshots") or ()}
    outcomes = []
    for device in request.planned:
        item = by_volume.pop(device.volume_id, None)
        if item is None:
            outcomes.append(
                VolumeOutcome(
                    device.volume_id,
                    device.device,
                    OutcomeStatus.MISSING,
                    message=(
                        f"no snapshot of {device.volume_id}: it was detached from "
                        f"{instance.id} or deleted after planning; snapshot it on its own if "
                        "it still exists"
                    ),
                )
            )
            continue
        state = str(item.get("State") or "pending")
        message = ""
        if state == "error":
            message = f"the snapshot failed: {item.get('StateMessage') or 'no reason given'}"
        outcomes.append(
            VolumeOutcome(
                device.volume_id,
                device.device,
                OutcomeStatus.CREATED,
                snapshot_id=str(item["SnapshotId"]),
                state=state,
                message=message,
            )
        )
    devices = {d.volume_id: d.device for d in instance.block_devices}
    unexpected = []
    for volume_id, item in by_volume.items():
        excluded = volume_id in request.exclude_volume_ids or (
            request.exclude_boot and devices.get(volume_id) == instance.root_device_name
        )
        if excluded:
            why = (
                "snapshotted although excluded (the endpoint ignored the exclusion): delete "
                f"{item['SnapshotId']} if it is not wanted"
            )
        else:
            why = "attached after planning, so AWS included it in the set"
        unexpected.append(
            VolumeOutcome(
                volume_id,
                devices.get(volume_id),
                OutcomeStatus.UNEXPECTED,
                snapshot_id=str(item["SnapshotId"]),
                state=str(item.get("State") or "pending"),
                message=why,
            )
        )
    return outcomes, unexpected


def member_tags(
    outcome: VolumeOutcome,
    instance: Instance,
    volume: Volume | None,
    set_tags: Mapping[str, str],
) -> dict[str, str]:
    """The tags one snapshot of a set gets after creation, on top of the set-wide ``set_tags``:
    its source volume and device, a Name, and the volume's own tags that still fit in 50.
    Keys already set for the whole set are never overwritten."""
    own = {SOURCE_VOLUME_TAG: outcome.volume_id}
    if outcome.device:
        own[SOURCE_DEVICE_TAG] = outcome.device
    if "Name" not in set_tags:
        own["Name"] = (volume.name if volume and volume.name else "") or (
            f"{instance.name or instance.id} {outcome.device or outcome.volume_id}"
        )
    room = MAX_TAGS - len(set_tags) - len(own)
    copied = sorted(
        (k, v)
        for k, v in copyable_tags(volume.tags if volume else {}).items()
        if k not in set_tags and k not in own
    )
    return {**dict(copied[: max(room, 0)]), **own}
