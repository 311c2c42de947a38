"""Provides metadata_diff(): the pure, side-by-side comparison of two snapshots' metadata.

No I/O. The older snapshot (by StartTime) always comes first, whatever order the caller
passes, so "added" tags are the ones the newer snapshot has and the older one lacks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from snaptui.aws.models import Snapshot

__all__ = [
    "FIELDS",
    "FieldDiff",
    "SnapshotDiff",
    "TagChange",
    "TagChangeKind",
    "metadata_diff",
    "older_first",
]

TagChangeKind = Literal["added", "removed", "changed", "same"]

FIELDS: tuple[tuple[str, str], ...] = (
    ("id", "Snapshot"),
    ("name", "Name"),
    ("start_time", "Started"),
    ("state", "State"),
    ("volume_id", "Volume"),
    ("volume_size_gib", "Size"),
    ("description", "Description"),
    ("encrypted", "Encrypted"),
    ("kms_key_id", "KMS key"),
    ("data_encryption_key_id", "Data key"),
    ("storage_tier", "Storage tier"),
    ("owner_id", "Owner"),
)
"""(Snapshot attribute, label) in display order."""

_ALWAYS_DIFFER = frozenset({"id", "start_time"})
"""Two generations differ here by definition: no use flagging them as a difference."""


@dataclass(frozen=True)
class FieldDiff:
    """One attribute, side by side. Values are raw (datetime, int, None...), not formatted."""

    key: str
    """The Snapshot attribute name, e.g. ``"storage_tier"``."""
    label: str
    older: Any
    newer: Any
    always_differs: bool = False
    """True for the id and the start time: different for any two snapshots."""

    @property
    def differs(self) -> bool:
        return bool(self.older != self.newer)

    @property
    def notable(self) -> bool:
        """A difference worth pointing at (not one every pair of generations has)."""
        return self.differs and not self.always_differs


@dataclass(frozen=True)
class TagChange:
    key: str
    older: str | None
    """None when the older snapshot does not have the tag."""
    newer: str | None
    """None when the newer snapshot does not have the tag."""

    @property
    def kind(self) -> TagChangeKind:
        if self.older is None:
            return "added"
        if self.newer is None:
            return "removed"
        return "same" if self.older == self.newer else "changed"


@dataclass(frozen=True)
class SnapshotDiff:
    older: Snapshot
    newer: Snapshot
    fields: tuple[FieldDiff, ...]
    """Every attribute of FIELDS, in that order."""
    tags: tuple[TagChange, ...]
    """Every tag key of either snapshot, sorted by key (case-insensitively)."""
    swapped: bool = False
    """True when the caller passed the newer snapshot first."""

    @property
    def time_between(self) -> timedelta | None:
        """How much later the newer snapshot started; None when a start time is unknown."""
        if self.older.start_time is None or self.newer.start_time is None:
            return None
        return self.newer.start_time - self.older.start_time

    def field(self, key: str) -> FieldDiff:
        for item in self.fields:
            if item.key == key:
                return item
        raise KeyError(key)

    @property
    def notable_fields(self) -> tuple[FieldDiff, ...]:
        return tuple(f for f in self.fields if f.notable)

    def _tags_of(self, kind: TagChangeKind) -> tuple[TagChange, ...]:
        return tuple(t for t in self.tags if t.kind == kind)

    @property
    def added(self) -> tuple[TagChange, ...]:
        """Tags only the newer snapshot has."""
        return self._tags_of("added")

    @property
    def removed(self) -> tuple[TagChange, ...]:
        """Tags only the older snapshot has."""
        return self._tags_of("removed")

    @property
    def changed(self) -> tuple[TagChange, ...]:
        """Tags both have, with different values (``older`` -> ``newer``)."""
        return self._tags_of("changed")

    @property
    def same(self) -> tuple[TagChange, ...]:
        return self._tags_of("same")

    @property
    def tag_differences(self) -> tuple[TagChange, ...]:
        return tuple(t for t in self.tags if t.kind != "same")

    @property
    def same_volume(self) -> bool:
        return bool(self.older.volume_id) and self.older.volume_id == self.newer.volume_id

    def __iter__(self) -> Iterator[FieldDiff]:
        return iter(self.fields)


def older_first(a: Snapshot, b: Snapshot) -> tuple[Snapshot, Snapshot, bool]:
    """``(older, newer, swapped)``. A snapshot without a StartTime counts as the older one;
    with equal (or both unknown) times the caller's order is kept."""
    if a.start_time is None or b.start_time is None:
        swapped = a.start_time is not None and b.start_time is None
    else:
        swapped = b.start_time < a.start_time
    return (b, a, True) if swapped else (a, b, False)


def _tag_changes(older: Snapshot, newer: Snapshot) -> tuple[TagChange, ...]:
    keys = sorted(set(older.tags) | set(newer.tags), key=lambda k: (k.casefold(), k))
    return tuple(TagChange(key, older.tags.get(key), newer.tags.get(key)) for key in keys)


def metadata_diff(a: Snapshot, b: Snapshot) -> SnapshotDiff:
    """Compare two snapshots' metadata, the older one first (see ``older_first``)."""
    older, newer, swapped = older_first(a, b)
    fields = tuple(
        FieldDiff(
            key=key,
            label=label,
            older=getattr(older, key),
            newer=getattr(newer, key),
            always_differs=key in _ALWAYS_DIFFER,
        )
        for key, label in FIELDS
    )
    return SnapshotDiff(older, newer, fields, _tag_changes(older, newer), swapped)
