"""Provides delete_checks(): what stands against deleting one snapshot (pure, no I/O).

EBS snapshots are incremental in storage but independent in use: deleting one never breaks
an older or a newer snapshot of the same volume (AWS moves the blocks a newer one still needs).
What does matter: an AMI that boots from the snapshot (AWS refuses the delete; moto does not,
which is why the images are checked here from DescribeImages), AWS Backup owning it, and
losing the newest -- or the only -- restore point of a volume.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from snaptui.aws.generations import Generation
from snaptui.aws.models import Image, Snapshot

__all__ = ["CheckLevel", "DeleteCheck", "blocking", "delete_checks"]


class CheckLevel(StrEnum):
    BLOCKED = "blocked"
    """The delete must not (or cannot) happen."""
    WARN = "warn"
    """Allowed, but the user must read this before confirming."""
    INFO = "info"


@dataclass(frozen=True)
class DeleteCheck:
    level: CheckLevel
    message: str


_BACKUP_TAG_PREFIX = "aws:backup:"
_DLM_TAG_PREFIX = "aws:dlm:"


def delete_checks(
    snapshot: Snapshot, images: Iterable[Image], generations: Sequence[Generation]
) -> tuple[DeleteCheck, ...]:
    """Checks for deleting ``snapshot``, blockers first.

    ``images`` are the account's AMIs (any superset of those that use the snapshot);
    ``generations`` are the generations of the snapshot's volume, newest first (this one
    included), as ``generations_for_volume`` returns them.
    """
    checks: list[DeleteCheck] = []
    users = sorted(image.id for image in images if snapshot.id in image.snapshot_ids)
    if users:
        checks.append(
            DeleteCheck(
                CheckLevel.BLOCKED,
                f"AMI {', '.join(users)} is backed by {snapshot.id}: deregister the AMI first "
                "(AWS refuses to delete a snapshot a registered AMI uses)",
            )
        )
    if any(key.startswith(_BACKUP_TAG_PREFIX) for key in snapshot.tags):
        checks.append(
            DeleteCheck(
                CheckLevel.BLOCKED,
                f"{snapshot.id} is managed by AWS Backup: delete the recovery point in AWS Backup",
            )
        )
    if any(key.startswith(_DLM_TAG_PREFIX) for key in snapshot.tags):
        checks.append(
            DeleteCheck(
                CheckLevel.WARN,
                f"{snapshot.id} was created by a Data Lifecycle Manager policy, which would "
                "delete it on its own schedule",
            )
        )
    if snapshot.state == "pending":
        checks.append(
            DeleteCheck(
                CheckLevel.WARN,
                f"{snapshot.id} is still pending: it keeps counting against the volume's "
                "concurrent-snapshot limit until AWS finishes it",
            )
        )
    others = [g.snapshot for g in generations if g.snapshot.id != snapshot.id]
    newer = [s for s in others if not _older(s, snapshot)]
    volume = snapshot.volume_id or "its volume"
    if not snapshot.is_copy and not others:
        checks.append(
            DeleteCheck(
                CheckLevel.WARN,
                f"this is the only snapshot of {volume}: after the delete there is no restore "
                "point for it",
            )
        )
    elif not snapshot.is_copy and not newer:
        checks.append(
            DeleteCheck(
                CheckLevel.WARN,
                f"this is the newest snapshot of {volume}: the newest remaining one would be "
                f"{others[0].id}",
            )
        )
    me = next((g for g in generations if g.snapshot.id == snapshot.id), None)
    if me is not None and me.set_id and len(me.set_members) > 1:
        checks.append(
            DeleteCheck(
                CheckLevel.WARN,
                f"{snapshot.id} belongs to set {me.set_id} ({len(me.set_members)} snapshots): "
                "the set will no longer restore as a whole",
            )
        )
    if newer:
        checks.append(
            DeleteCheck(
                CheckLevel.INFO,
                f"{len(newer)} newer snapshot(s) of {volume} do not depend on this one: EBS "
                "keeps every block they need, and each snapshot restores on its own",
            )
        )
    order = {CheckLevel.BLOCKED: 0, CheckLevel.WARN: 1, CheckLevel.INFO: 2}
    return tuple(sorted(checks, key=lambda c: order[c.level]))


def _older(other: Snapshot, snapshot: Snapshot) -> bool:
    """True when ``other`` was started before ``snapshot`` (no StartTime counts as oldest)."""
    if snapshot.start_time is None:
        return False
    if other.start_time is None:
        return True
    return (other.start_time, other.id) < (snapshot.start_time, snapshot.id)


def blocking(checks: Iterable[DeleteCheck]) -> tuple[DeleteCheck, ...]:
    return tuple(c for c in checks if c.level is CheckLevel.BLOCKED)
