"""Provides the joined rows a view shows when one model alone lacks the context a column needs.

A snapshot row needs its volume's name, a volume row the names of the instances it is attached
to. Column cells only see ``(item, now)``, so the inventory joins that context in once, here.
Every row has ``id`` (the resource id), the key the tables and ``drill_down`` use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

from snaptui.aws.compare import BlockDiff, BlockResult
from snaptui.aws.generations import Generation
from snaptui.aws.models import Snapshot, Volume

__all__ = [
    "AttachedTo",
    "AttachedVolume",
    "SnapshotOrigin",
    "SnapshotRow",
    "TimelineRow",
    "VolumeRow",
]


@dataclass(frozen=True, slots=True)
class AttachedVolume:
    """A volume as one instance sees it: the device it is attached as."""

    volume: Volume
    device: str
    instance_id: str
    delete_on_termination: bool = False
    is_root: bool = False

    @property
    def id(self) -> str:
        return self.volume.id


class AttachedTo(NamedTuple):
    instance_id: str
    instance_name: str
    """"" when the instance has no Name tag or is not in the inventory."""
    device: str

    @property
    def label(self) -> str:
        """``prod-db-primary /dev/sdf``, or the instance id when it has no name."""
        return f"{self.instance_name or self.instance_id} {self.device}".rstrip()


@dataclass(frozen=True, slots=True)
class VolumeRow:
    volume: Volume
    attached: tuple[AttachedTo, ...] = ()

    @property
    def id(self) -> str:
        return self.volume.id

    @property
    def attached_label(self) -> str:
        return ", ".join(a.label for a in self.attached)


SnapshotOrigin = Literal["volume", "orphan", "copy", "unknown"]
"""Where a snapshot's volume is: it exists, it is gone (orphan), the snapshot is a copy (AWS
gives copies no volume), or volumes are not loaded yet (unknown)."""


@dataclass(frozen=True, slots=True)
class SnapshotRow:
    snapshot: Snapshot
    volume: Volume | None
    origin: SnapshotOrigin

    @property
    def id(self) -> str:
        return self.snapshot.id

    @property
    def volume_label(self) -> str:
        """The volume's name, else its id; what the Volume column and the filter see."""
        if self.origin == "copy":
            source = self.snapshot.source_snapshot_id
            return f"copy of {source}" if source else "copy"
        if self.volume is not None and self.volume.name:
            return self.volume.name
        return self.snapshot.volume_id or "-"


@dataclass(frozen=True)
class TimelineRow(Generation):
    """A generation plus how much changed since the previous one, once that is known.

    A subclass, so every column, filter and detail written for ``Generation`` still applies.
    """

    change: BlockResult | None = None
    """None until computed (lazily, a few at a time); the oldest generation never has one."""
    largest: int = 0
    """Most changed blocks of any generation in the lineage, to scale the bars."""

    @property
    def changed_bytes(self) -> int | None:
        return self.change.changed_bytes if isinstance(self.change, BlockDiff) else None
