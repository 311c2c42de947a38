"""Provides the pure grouping of snapshots into per-volume generations (no I/O).

A *lineage* is every snapshot of one volume; its *generations* are those snapshots newest
first. Three kinds of snapshot do not fit that simple picture and get their own places:

- **orphans**: the volume no longer exists (the caller says which volumes exist);
- **copies**: AWS gives every copied snapshot the placeholder VolumeId ``vol-ffffffff``, so
  copies of unrelated volumes would otherwise look like one lineage. They are grouped by the
  snapshot they were copied from (``snaptui:source-snapshot`` tag, or AWS's
  "[Copied snap-... from region]" / "...SourceSnapshot snap-..." descriptions), and a copy
  whose source is unknown stands alone;
- **sets**: snapshots taken together of several volumes (CreateSnapshots). snaptui tags them
  with ``snaptui:set-id``; otherwise snapshots with the same source-instance tag and the
  identical StartTime are taken to be one set.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from types import MappingProxyType
from typing import Any

from snaptui.aws.models import Snapshot

__all__ = [
    "SET_ID_TAG",
    "SOURCE_INSTANCE_TAGS",
    "Generation",
    "GenerationIndex",
    "find_sets",
    "generations_for_volume",
    "group_generations",
    "refreshed",
    "related_snapshots",
    "same_grouping",
]

SET_ID_TAG = "snaptui:set-id"
SOURCE_INSTANCE_TAGS = ("snaptui:source-instance", "snaptui:source")
"""Tags naming the instance a snapshot was taken from (``snaptui:source`` counts only when
its value is an instance id)."""


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Generation:
    """One snapshot in its lineage."""

    snapshot: Snapshot
    position: int
    """0 for the newest generation of the lineage, 1 for the one before, ..."""
    total: int
    """How many generations the lineage has."""
    since_previous: timedelta | None
    """Time since the previous (older) generation; None for the oldest, or without times."""
    set_id: str | None = None
    set_members: tuple[str, ...] = ()
    """Ids of every snapshot of the set, this one included; () when not part of a set."""

    @property
    def id(self) -> str:
        return self.snapshot.id

    @property
    def is_newest(self) -> bool:
        return self.position == 0

    @property
    def is_oldest(self) -> bool:
        return self.position == self.total - 1


@dataclass(frozen=True, eq=False)
class GenerationIndex:
    """Every snapshot of a listing, grouped. Mappings are read-only and ordered newest first."""

    lineages: Mapping[str, tuple[Generation, ...]] = field(default_factory=_empty)
    """volume id -> generations, for volumes that exist."""
    orphans: Mapping[str, tuple[Generation, ...]] = field(default_factory=_empty)
    """volume id -> generations, for volumes that no longer exist (or an unknown volume: "")."""
    copies: Mapping[str, tuple[Generation, ...]] = field(default_factory=_empty)
    """source snapshot id -> its copies; a copy with an unknown source is keyed by its own id."""
    sets: Mapping[str, tuple[Snapshot, ...]] = field(default_factory=_empty)
    """set id -> the snapshots taken together."""
    _by_id: Mapping[str, Generation] = field(default_factory=_empty, repr=False)

    def for_volume(self, volume_id: str) -> tuple[Generation, ...]:
        """The generations of a volume, whether it still exists or not."""
        return self.lineages.get(volume_id) or self.orphans.get(volume_id) or ()

    def generation(self, snapshot_id: str) -> Generation | None:
        return self._by_id.get(snapshot_id)

    def set_members(self, set_id: str) -> tuple[Snapshot, ...]:
        return self.sets.get(set_id, ())

    def copies_of(self, snapshot_id: str) -> tuple[Generation, ...]:
        """Copies whose source is known to be ``snapshot_id``."""
        copies = self.copies.get(snapshot_id, ())
        return tuple(g for g in copies if g.snapshot.id != snapshot_id)


# ---------------------------------------------------------------------------------------------


def _newest_first(snapshots: Iterable[Snapshot]) -> list[Snapshot]:
    # Snapshots without a StartTime sort as the oldest; the id keeps the order deterministic.
    def key(s: Snapshot) -> tuple[bool, float, str]:
        when = s.start_time
        return (when is not None, when.timestamp() if when else 0.0, s.id)

    return sorted(snapshots, key=key, reverse=True)


def _source_instance(snapshot: Snapshot) -> str | None:
    for tag in SOURCE_INSTANCE_TAGS:
        value = snapshot.tags.get(tag, "")
        if value.startswith("i-"):
            return value
    return None


def find_sets(snapshots: Iterable[Snapshot]) -> dict[str, tuple[Snapshot, ...]]:
    """Group multi-volume sets: by ``snaptui:set-id``, else by source instance + StartTime.

    A tagged set keeps its id even if only one member is left; an inferred set needs two or
    more snapshots. Inferred set ids read ``<instance-id>@<ISO start time>``. Copies never
    join a set: a copy made with its tags would otherwise join its source's set.
    """
    groups: dict[str, list[Snapshot]] = defaultdict(list)
    inferred: set[str] = set()
    for snap in snapshots:
        if snap.is_copy:
            continue
        tagged = snap.tags.get(SET_ID_TAG)
        if tagged:
            groups[tagged].append(snap)
            continue
        instance = _source_instance(snap)
        if instance and snap.start_time is not None:
            key = f"{instance}@{snap.start_time.isoformat()}"
            groups[key].append(snap)
            inferred.add(key)
    return {
        key: tuple(_newest_first(members))
        for key, members in groups.items()
        if key not in inferred or len(members) > 1
    }


def _build(
    ordered: Sequence[Snapshot], set_of: Mapping[str, tuple[str, tuple[str, ...]]]
) -> tuple[Generation, ...]:
    total = len(ordered)
    result = []
    for position, snap in enumerate(ordered):
        older = ordered[position + 1] if position + 1 < total else None
        gap = None
        if older is not None and snap.start_time and older.start_time:
            gap = snap.start_time - older.start_time
        set_id, members = set_of.get(snap.id, (None, ()))
        result.append(Generation(snap, position, total, gap, set_id, members))
    return tuple(result)


def _set_lookup(
    sets: Mapping[str, tuple[Snapshot, ...]],
) -> dict[str, tuple[str, tuple[str, ...]]]:
    lookup = {}
    for set_id, members in sets.items():
        ids = tuple(m.id for m in members)
        for member in members:
            lookup[member.id] = (set_id, ids)
    return lookup


def _dedupe(snapshots: Iterable[Snapshot]) -> list[Snapshot]:
    """Last one wins: a refreshed snapshot replaces the older listing of the same id."""
    return list({s.id: s for s in snapshots}.values())


def generations_for_volume(snapshots: Iterable[Snapshot], volume_id: str) -> list[Generation]:
    """The generations of one volume, newest first. Copies never count as a volume's own."""
    all_snaps = _dedupe(snapshots)
    lookup = _set_lookup(find_sets(all_snaps))
    mine = [s for s in all_snaps if s.volume_id == volume_id and not s.is_copy]
    return list(_build(_newest_first(mine), lookup))


def group_generations(
    snapshots: Iterable[Snapshot], existing_volume_ids: Iterable[str] | None
) -> GenerationIndex:
    """Group a listing into lineages, orphans, copies and sets.

    ``existing_volume_ids=None`` means "unknown": nothing is reported as an orphan.
    """
    all_snaps = _dedupe(snapshots)
    existing = None if existing_volume_ids is None else frozenset(existing_volume_ids)
    sets = find_sets(all_snaps)
    lookup = _set_lookup(sets)

    by_volume: dict[str, list[Snapshot]] = defaultdict(list)
    by_source: dict[str, list[Snapshot]] = defaultdict(list)
    for snap in _newest_first(all_snaps):
        if snap.is_copy:
            by_source[snap.source_snapshot_id or snap.id].append(snap)
        else:
            by_volume[snap.volume_id].append(snap)

    lineages: dict[str, tuple[Generation, ...]] = {}
    orphans: dict[str, tuple[Generation, ...]] = {}
    for volume_id, members in by_volume.items():
        target = lineages if existing is None or volume_id in existing else orphans
        if not volume_id:
            target = orphans
        target[volume_id] = _build(members, lookup)
    copies = {key: _build(members, lookup) for key, members in by_source.items()}

    by_id = {
        g.snapshot.id: g
        for group in (lineages, orphans, copies)
        for gens in group.values()
        for g in gens
    }
    return GenerationIndex(
        lineages=MappingProxyType(lineages),
        orphans=MappingProxyType(orphans),
        copies=MappingProxyType(copies),
        sets=MappingProxyType(sets),
        _by_id=MappingProxyType(by_id),
    )


def same_grouping(old: Snapshot, new: Snapshot) -> bool:
    """True when ``new`` belongs exactly where ``old`` was: same volume, time, tags and
    description (copies are recognised by the description). State, progress and the rest
    do not move a snapshot."""
    return (old.volume_id, old.start_time, old.tags, old.description) == (
        new.volume_id,
        new.start_time,
        new.tags,
        new.description,
    )


def refreshed(index: GenerationIndex, snapshots: Iterable[Snapshot]) -> GenerationIndex | None:
    """``index`` with fresh descriptions of snapshots it holds swapped in place.

    A progress poll changes state and progress only, and regrouping 10,000 snapshots for that
    took ~200 ms of the UI loop. Returns None when a snapshot is new or would move (then
    ``group_generations`` must run again).
    """
    by_id = dict(index._by_id)
    groups = {"lineages": dict(index.lineages), "orphans": dict(index.orphans)}
    groups["copies"] = dict(index.copies)
    sets = dict(index.sets)
    for snap in snapshots:
        old = by_id.get(snap.id)
        if old is None or not same_grouping(old.snapshot, snap):
            return None
        fresh = replace(old, snapshot=snap)
        by_id[snap.id] = fresh
        key = snap.source_snapshot_id or snap.id if snap.is_copy else snap.volume_id
        name = "copies" if snap.is_copy else "lineages" if key in groups["lineages"] else "orphans"
        gens = list(groups[name][key])
        gens[old.position] = fresh
        groups[name][key] = tuple(gens)
        if old.set_id is not None and old.set_id in sets:
            sets[old.set_id] = tuple(snap if m.id == snap.id else m for m in sets[old.set_id])
    return GenerationIndex(
        lineages=MappingProxyType(groups["lineages"]),
        orphans=MappingProxyType(groups["orphans"]),
        copies=MappingProxyType(groups["copies"]),
        sets=MappingProxyType(sets),
        _by_id=MappingProxyType(by_id),
    )


def related_snapshots(
    snapshots: Iterable[Snapshot], *, volume_id: str | None = None, snapshot: Snapshot | None = None
) -> list[Snapshot]:
    """The few snapshots that decide where one volume's lineage (or one snapshot) stands.

    ``group_generations`` over them answers ``for_volume``, ``generation`` and ``copies_of``
    for that volume or snapshot exactly as over the whole listing: a lineage is its volume's
    snapshots; a set is found among snapshots taken at the same instant or tagged with the
    same set id; copies are grouped by their source. Used while a listing streams in, when
    regrouping 10,000 snapshots for one detail pane would stall the UI (~100 ms per page).
    """
    everything = list(snapshots)
    if snapshot is not None and snapshot.is_copy:
        group = snapshot.source_snapshot_id or snapshot.id
        return [
            s
            for s in everything
            if s.is_copy
            and ((s.source_snapshot_id or s.id) == group or s.source_snapshot_id == snapshot.id)
        ]
    volume = volume_id if snapshot is None else snapshot.volume_id
    lineage = [s for s in everything if not s.is_copy and s.volume_id == volume]
    times = {s.start_time for s in lineage if s.start_time is not None}
    set_ids = {s.tags.get(SET_ID_TAG) for s in lineage} - {None}
    mine = {s.id for s in lineage}
    related = [
        s
        for s in everything
        if not s.is_copy
        and s.id not in mine
        and (s.start_time in times or s.tags.get(SET_ID_TAG) in set_ids)
    ]
    copies = []
    if snapshot is not None:
        copies = [s for s in everything if s.is_copy and s.source_snapshot_id == snapshot.id]
    return lineage + related + copies
