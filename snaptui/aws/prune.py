"""Provides plan_prune(): which generations of a volume retention may delete (pure, no I/O).

Prune deletes only what it is sure about. It never deletes:

- any of the **newest N completed** snapshots (the restore points to keep), nor any snapshot
  newer than them, so "the newest N" holds whichever way one counts;
- a snapshot that is **not completed** (pending: still running; error and other states: not a
  generation, left for a person to look at);
- a snapshot an **AMI** uses (AWS would refuse anyway) or **AWS Backup** manages;
- a snapshot younger than ``older_than``, or whose start time is unknown;
- copies (``vol-ffffffff``): they belong to no volume's lineage.

Missing permissions are not decided here: the command runs a DryRun before deleting anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from snaptui.aws.generations import generations_for_volume
from snaptui.aws.models import Image, Snapshot

__all__ = ["Kept", "PrunePlan", "plan_prune"]

_BACKUP_TAG_PREFIX = "aws:backup:"


@dataclass(frozen=True)
class Kept:
    snapshot: Snapshot
    reason: str
    """Why prune keeps it, e.g. ``one of the newest 3 completed``."""


@dataclass(frozen=True)
class PrunePlan:
    volume_id: str
    keep: int
    older_than: timedelta | None
    kept: tuple[Kept, ...]
    """Newest first."""
    delete: tuple[Snapshot, ...]
    """Newest first."""

    @property
    def delete_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.delete)


def _ami_users(images: Iterable[Image]) -> dict[str, list[str]]:
    users: dict[str, list[str]] = {}
    for image in images:
        for snapshot_id in image.snapshot_ids:
            users.setdefault(snapshot_id, []).append(image.id)
    return users


def _age_text(delta: timedelta) -> str:
    days = delta.total_seconds() / 86400
    return f"{days:g}d" if days >= 1 else f"{delta.total_seconds() / 3600:g}h"


def plan_prune(
    snapshots: Iterable[Snapshot],
    volume_id: str,
    *,
    keep: int,
    now: datetime,
    images: Iterable[Image] = (),
    older_than: timedelta | None = None,
) -> PrunePlan:
    """Split the volume's snapshots into what to keep (with a reason) and what to delete.

    ``snapshots`` may hold other volumes' snapshots too; only ``volume_id``'s own count.
    ``images`` are the account's AMIs. Raises ValueError when ``keep`` is below 1: prune
    never removes every restore point of a volume.
    """
    if keep < 1:
        raise ValueError("keep must be at least 1: prune never deletes every restore point")
    generations = generations_for_volume(snapshots, volume_id)
    users = _ami_users(images)
    kept: list[Kept] = []
    delete: list[Snapshot] = []
    completed_seen = 0
    for generation in generations:  # newest first
        snapshot = generation.snapshot
        reason = _keep_reason(snapshot, completed_seen, keep, users, now, older_than)
        if snapshot.state == "completed":
            completed_seen += 1
        if reason is None:
            delete.append(snapshot)
        else:
            kept.append(Kept(snapshot, reason))
    return PrunePlan(volume_id, keep, older_than, tuple(kept), tuple(delete))


def _keep_reason(
    snapshot: Snapshot,
    completed_newer: int,
    keep: int,
    users: dict[str, list[str]],
    now: datetime,
    older_than: timedelta | None,
) -> str | None:
    """Why ``snapshot`` must stay, or None when prune may delete it."""
    if snapshot.state == "pending":
        return "pending: still being created"
    if snapshot.state != "completed":
        return f"state {snapshot.state}: not a restore point; prune leaves it to you"
    if completed_newer < keep:
        return f"one of the newest {keep} completed"
    if snapshot.id in users:
        return f"used by AMI {', '.join(users[snapshot.id])}"
    if any(key.startswith(_BACKUP_TAG_PREFIX) for key in snapshot.tags):
        return "managed by AWS Backup"
    if older_than is not None:
        if snapshot.start_time is None:
            return "start time unknown"
        if now - snapshot.start_time < older_than:
            return f"younger than {_age_text(older_than)}"
    return None
