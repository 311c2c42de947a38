"""Provides what actions return: the permission preflight verdict and one result per action."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from snaptui.aws.delete_checks import DeleteCheck

__all__ = [
    "CopyResult",
    "DeleteResult",
    "DeregisterResult",
    "ImageResult",
    "LaunchResult",
    "OutcomeStatus",
    "Permission",
    "RestoreResult",
    "SetResult",
    "SnapshotResult",
    "VolumeOutcome",
]


@dataclass(frozen=True)
class Permission:
    """A DryRun verdict: would IAM allow the call? Not a validation of the parameters."""

    allowed: bool
    missing_action: str | None
    """The IAM action that is missing (``ec2:CreateSnapshot``) when not allowed and known."""
    message: str


@dataclass(frozen=True)
class SnapshotResult:
    snapshot_id: str
    volume_id: str
    state: str
    request_id: str
    aws_request_id: str | None
    recovered: bool = False
    """True when the call failed ambiguously and the snapshot was found by its request id."""
    duplicates: tuple[str, ...] = ()
    """Other snapshots carrying the same request id (botocore retried a timed-out call that
    AWS had already applied). Never deleted automatically."""


class OutcomeStatus(StrEnum):
    CREATED = "created"
    """A snapshot was created (its ``state`` may still be ``error``: see ``VolumeOutcome.ok``)."""
    MISSING = "missing"
    """Planned, but no snapshot came back: detached or deleted after planning."""
    UNEXPECTED = "unexpected"
    """Snapshotted although not planned (attached later, or an exclusion was ignored)."""


@dataclass(frozen=True)
class VolumeOutcome:
    volume_id: str
    device: str | None
    status: OutcomeStatus
    snapshot_id: str | None = None
    state: str | None = None
    message: str = ""
    tags_error: str | None = None
    """Why the per-volume tags (device, volume, Name, the volume's tags) were not applied."""

    @property
    def ok(self) -> bool:
        return self.status is OutcomeStatus.CREATED and self.state != "error"


@dataclass(frozen=True)
class SetResult:
    """Per-volume outcomes of one CreateSnapshots: one failed volume never hides the others."""

    set_id: str
    instance_id: str
    request_id: str
    outcomes: tuple[VolumeOutcome, ...]
    """One per planned volume, in device order."""
    unexpected: tuple[VolumeOutcome, ...] = ()
    aws_request_id: str | None = None
    recovered: bool = False

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes) and not self.unexpected

    @property
    def failed(self) -> tuple[VolumeOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.ok)

    @property
    def snapshot_ids(self) -> tuple[str, ...]:
        """Every snapshot the call created, the unexpected ones included."""
        return tuple(o.snapshot_id for o in (*self.outcomes, *self.unexpected) if o.snapshot_id)


@dataclass(frozen=True)
class RestoreResult:
    volume_id: str
    snapshot_id: str
    az: str
    volume_type: str
    size_gib: int
    state: str
    request_id: str
    """Also the ClientToken of the CreateVolume call."""
    aws_request_id: str | None
    attached_to: str | None = None
    device: str | None = None
    attach_error: str | None = None
    """The volume exists but could not be attached (it is left in place, never deleted)."""

    @property
    def ok(self) -> bool:
        return self.attach_error is None


@dataclass(frozen=True)
class ImageResult:
    image_id: str
    name: str
    request_id: str
    aws_request_id: str | None
    recovered: bool = False
    duplicates: tuple[str, ...] = ()


@dataclass(frozen=True)
class LaunchResult:
    instance_ids: tuple[str, ...]
    reservation_id: str | None
    request_id: str
    """Also the ClientToken of the RunInstances call."""
    aws_request_id: str | None


@dataclass(frozen=True)
class CopyResult:
    snapshot_id: str
    source_snapshot_id: str
    source_region: str
    target_region: str
    request_id: str
    aws_request_id: str | None
    recovered: bool = False
    duplicates: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeleteResult:
    snapshot_id: str
    aws_request_id: str | None
    checks: tuple[DeleteCheck, ...]
    already_deleted: bool = False


@dataclass(frozen=True)
class DeregisterResult:
    image_id: str
    kept_snapshot_ids: tuple[str, ...]
    aws_request_id: str | None
