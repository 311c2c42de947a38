"""Provides Inventory: the in-memory store every view reads (like a k9s informer cache).

Workers write listings into it (page by page, then a final ``replace``); views read plain
dicts and derived indexes from it. Derived data (which instance a volume belongs to, the
snapshot generations) is computed lazily and dropped whenever its inputs change. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from enum import StrEnum
from typing import Any, NamedTuple, TypeVar

from snaptui.aws.compare import BlockDiff, BlockResult
from snaptui.aws.generations import (
    Generation,
    GenerationIndex,
    group_generations,
    refreshed,
    related_snapshots,
)
from snaptui.aws.models import Image, Instance, Snapshot, Volume
from snaptui.ui.filtering import SearchCache
from snaptui.ui.rows import (
    AttachedTo,
    AttachedVolume,
    SnapshotOrigin,
    SnapshotRow,
    TimelineRow,
    VolumeRow,
)

__all__ = ["AttachedVolume", "Inventory", "Kind", "natural_key"]


class Kind(StrEnum):
    """The kinds of resource the inventory holds (one listing each)."""

    INSTANCES = "instances"
    VOLUMES = "volumes"
    SNAPSHOTS = "snapshots"
    IMAGES = "images"


_MODEL_OF: dict[Kind, type] = {
    Kind.INSTANCES: Instance,
    Kind.VOLUMES: Volume,
    Kind.SNAPSHOTS: Snapshot,
    Kind.IMAGES: Image,
}

T = TypeVar("T")
MEMO_SIZE = 16

_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[str | int, ...]:
    """``/dev/sdf2`` < ``/dev/sdf10``; ``web-2`` < ``web-10``; case-insensitive.

    ``re.split`` puts text at even and numbers at odd positions, so tuples always compare
    str with str and int with int.
    """
    parts = _DIGITS.split(text.casefold())
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts))


class _Link(NamedTuple):
    instance_id: str
    device: str
    delete_on_termination: bool


class _Links(NamedTuple):
    by_volume: dict[str, dict[str, _Link]]
    """volume id -> instance id -> link"""
    by_instance: dict[str, dict[str, _Link]]
    """instance id -> volume id -> link"""

    def add(self, volume_id: str, link: _Link, *, replace: bool = True) -> None:
        on_volume = self.by_volume.setdefault(volume_id, {})
        if replace or link.instance_id not in on_volume:
            on_volume[link.instance_id] = link
            self.by_instance.setdefault(link.instance_id, {})[volume_id] = link


class Inventory:
    """Resources by id, per kind, plus the derived indexes the views need.

    ``version`` increases whenever the content changes (not on a no-op update), so the UI can
    skip redraws. The dicts are the inventory's own: read them, never write them.
    """

    def __init__(self) -> None:
        self.instances: dict[str, Instance] = {}
        self.volumes: dict[str, Volume] = {}
        self.snapshots: dict[str, Snapshot] = {}
        self.images: dict[str, Image] = {}
        self.loaded: set[Kind] = set()
        """Kinds whose full listing has completed at least once (``replace`` was called)."""
        self.version = 0
        self.block_changes: dict[str, BlockResult] = {}
        """Changed blocks since the previous generation, by the newer snapshot's id."""
        self._generations: GenerationIndex | None = None
        self._links: _Links | None = None
        self.search_cache = SearchCache()
        """Filter haystacks of the stored models and rows (see ``filtering.compile_filter``)."""
        self._rows: dict[str, SnapshotRow | VolumeRow] = {}
        self._memo: dict[Hashable, Any] = {}
        self._memo_version = -1

    # -- writes ----------------------------------------------------------------------------

    def _store(self, kind: Kind) -> dict[str, Any]:
        return {
            Kind.INSTANCES: self.instances,
            Kind.VOLUMES: self.volumes,
            Kind.SNAPSHOTS: self.snapshots,
            Kind.IMAGES: self.images,
        }[Kind(kind)]

    def _changed(self, kind: Kind) -> None:
        self.version += 1
        if kind in (Kind.SNAPSHOTS, Kind.VOLUMES):
            self._generations = None  # orphans depend on which volumes exist
        if kind in (Kind.INSTANCES, Kind.VOLUMES):
            self._links = None

    def add_page(self, kind: Kind, items: Iterable[Any]) -> None:
        """Add or update one page of a streamed listing; nothing is removed."""
        kind = Kind(kind)
        store, model = self._store(kind), _MODEL_OF[kind]
        changed = False
        for item in items:
            if not isinstance(item, model):
                raise TypeError(f"{kind} holds {model.__name__}, not {type(item).__name__}")
            if store.get(item.id) != item:
                store[item.id] = item
                self.search_cache.text(item)  # now, while the page streams in, not on "/"
                changed = True
        if changed:
            self._changed(kind)

    def replace(self, kind: Kind, items: Iterable[Any]) -> set[str]:
        """The result of a full listing: add/update *items*, drop every id not among them.

        Marks *kind* loaded. Returns the ids that were dropped.
        """
        kind = Kind(kind)
        items = list(items)
        self.add_page(kind, items)
        store = self._store(kind)
        gone = set(store) - {item.id for item in items}
        for resource_id in gone:
            del store[resource_id]
        self._forget(gone)
        if gone or kind not in self.loaded:
            self.loaded.add(kind)
            self._changed(kind)  # being loaded changes derived data too (orphans)
        return gone

    def _forget(self, ids: set[str]) -> None:
        self.search_cache.discard(ids)
        for resource_id in ids:
            self._rows.pop(resource_id, None)

    def remove(self, kind: Kind, ids: Iterable[str]) -> set[str]:
        """Forget resources known to be gone (deleted, or NotFound on a poll)."""
        store = self._store(Kind(kind))
        gone = {resource_id for resource_id in ids if store.pop(resource_id, None) is not None}
        self._forget(gone)
        if gone:
            self._changed(Kind(kind))
        return gone

    def update_snapshots(self, snapshots: Iterable[Snapshot]) -> set[str]:
        """Store fresh descriptions of some snapshots (a progress poll, a create).

        Returns the ids that are new or whose state or progress changed: the rows to redraw.
        """
        changed: set[str] = set()
        fresh: list[Snapshot] = []
        for snap in snapshots:
            old = self.snapshots.get(snap.id)
            if old == snap:
                continue
            if old is None or (old.state, old.progress) != (snap.state, snap.progress):
                changed.add(snap.id)
            self.snapshots[snap.id] = snap
            self.search_cache.text(snap)
            fresh.append(snap)
        if fresh:
            index = self._generations
            self._changed(Kind.SNAPSHOTS)
            if index is not None:  # keep the grouping when nothing moved (a progress poll)
                self._generations = refreshed(index, fresh)
        return changed

    def clear(self) -> None:
        """Forget everything (a region or profile switch)."""
        for kind in Kind:
            self._store(kind).clear()
        self.loaded.clear()
        self.search_cache.clear()
        self._rows.clear()
        self.version += 1
        self._generations = None
        self._links = None

    # -- reads -----------------------------------------------------------------------------

    def pending_snapshot_ids(self) -> list[str]:
        """Ids of the snapshots still being taken (what the progress poller asks about)."""
        return sorted(s.id for s in self.snapshots.values() if s.is_pending)

    @property
    def generation_index(self) -> GenerationIndex:
        """Every snapshot grouped; rebuilt after snapshots or volumes change.

        Until volumes are loaded nothing counts as an orphan (we do not know yet).
        """
        if self._generations is None:
            existing = self.volumes.keys() if Kind.VOLUMES in self.loaded else None
            self._generations = group_generations(self.snapshots.values(), existing)
        return self._generations

    def generations_of(self, volume_id: str) -> tuple[Generation, ...]:
        """The snapshot generations of a volume, newest first (also for a deleted volume)."""
        return self.generation_index.for_volume(volume_id)

    def index_for(
        self, *, volume_id: str | None = None, snapshot_id: str | None = None
    ) -> GenerationIndex:
        """An index that answers for one volume or snapshot (``for_volume``, ``generation``,
        ``copies_of``): the full one when it is built, else one grouped from the related
        snapshots only (``related_snapshots``), so a detail pane redrawn while pages stream
        in does not regroup the whole listing after each page."""
        if self._generations is not None:
            return self._generations
        snapshot = self.snapshots.get(snapshot_id) if snapshot_id else None
        if snapshot is None and volume_id is None:
            return self.generation_index
        existing = self.volumes.keys() if Kind.VOLUMES in self.loaded else None
        key = ("index-for", volume_id, snapshot_id)
        return self.memo(
            key,
            lambda: group_generations(
                related_snapshots(self.snapshots.values(), volume_id=volume_id, snapshot=snapshot),
                existing,
            ),
        )

    def set_block_changes(self, changes: Mapping[str, BlockResult]) -> None:
        """Record changed-block results (keyed by the newer snapshot of each pair)."""
        if changes:
            self.block_changes.update(changes)
            self.version += 1

    def timeline_of(self, volume_id: str) -> list[TimelineRow]:
        """The generations of a volume with what changed since each one's predecessor."""
        generations = self.generations_of(volume_id)
        changes = [self.block_changes.get(g.id) for g in generations]
        largest = max((c.changed_blocks for c in changes if isinstance(c, BlockDiff)), default=0)
        return [
            TimelineRow(
                snapshot=g.snapshot,
                position=g.position,
                total=g.total,
                since_previous=g.since_previous,
                set_id=g.set_id,
                set_members=g.set_members,
                change=change,
                largest=largest,
            )
            for g, change in zip(generations, changes, strict=True)
        ]

    def generation(self, snapshot_id: str) -> Generation | None:
        return self.generation_index.generation(snapshot_id)

    def _attachment_links(self) -> _Links:
        """Who is attached to what, both ways. The instance's own block devices win."""
        if self._links is None:
            links = _Links({}, {})
            for inst in self.instances.values():
                for bd in inst.block_devices:
                    links.add(bd.volume_id, _Link(inst.id, bd.device, bd.delete_on_termination))
            for vol in self.volumes.values():
                for att in vol.attachments:
                    if att.instance_id:
                        links.add(
                            vol.id,
                            _Link(att.instance_id, att.device, att.delete_on_termination),
                            replace=False,
                        )
            self._links = links
        return self._links

    def volumes_of(self, instance_id: str) -> list[AttachedVolume]:
        """The known volumes attached to an instance: the root device first, then by device.

        Volumes the instance lists but the inventory does not hold (yet) are left out.
        """
        inst = self.instances.get(instance_id)
        root = inst.root_device_name if inst else None
        result = []
        for volume_id, link in self._attachment_links().by_instance.get(instance_id, {}).items():
            volume = self.volumes.get(volume_id)
            if volume is None:
                continue
            result.append(
                AttachedVolume(
                    volume,
                    link.device,
                    instance_id,
                    link.delete_on_termination,
                    is_root=bool(root) and link.device == root,
                )
            )
        result.sort(key=lambda a: (not a.is_root, natural_key(a.device), a.id))
        return result

    def attachments_of(self, volume_id: str) -> list[AttachedTo]:
        """Where a volume is attached (several instances for a multi-attach io2 volume)."""
        found = []
        for link in self._attachment_links().by_volume.get(volume_id, {}).values():
            inst = self.instances.get(link.instance_id)
            found.append(AttachedTo(link.instance_id, inst.name if inst else "", link.device))
        return sorted(found)

    def instance_of(self, volume_id: str) -> Instance | None:
        """The (first known) instance a volume is attached to."""
        for link in sorted(self._attachment_links().by_volume.get(volume_id, {}).values()):
            inst = self.instances.get(link.instance_id)
            if inst is not None:
                return inst
        return None

    def device_of(self, volume_id: str, instance_id: str | None = None) -> str | None:
        """The device name a volume is attached as (on *instance_id*, or on any instance)."""
        links = self._attachment_links().by_volume.get(volume_id, {})
        if instance_id is not None:
            link = links.get(instance_id)
            return link.device if link else None
        return min((link.device for link in links.values()), default=None)

    # -- joined rows -----------------------------------------------------------------------
    # Rows are reused while their parts are unchanged, so their filter haystacks are too.

    def volume_row(self, volume: Volume) -> VolumeRow:
        attached = tuple(self.attachments_of(volume.id))
        old = self._rows.get(volume.id)
        if isinstance(old, VolumeRow) and old.volume is volume and old.attached == attached:
            return old
        row = VolumeRow(volume, attached)
        self._rows[volume.id] = row
        return row

    def snapshot_row(self, snapshot: Snapshot) -> SnapshotRow:
        volume = None
        origin: SnapshotOrigin
        if snapshot.is_copy:
            origin = "copy"
        elif (volume := self.volumes.get(snapshot.volume_id)) is not None:
            origin = "volume"
        elif Kind.VOLUMES in self.loaded or not snapshot.volume_id:
            origin = "orphan"
        else:
            origin = "unknown"
        old = self._rows.get(snapshot.id)
        if (
            isinstance(old, SnapshotRow)
            and old.snapshot is snapshot
            and old.volume is volume
            and old.origin == origin
        ):
            return old
        row = SnapshotRow(snapshot, volume, origin)
        self._rows[snapshot.id] = row
        return row

    def snapshot_rows(self) -> list[SnapshotRow]:
        return [self.snapshot_row(s) for s in self.snapshots.values()]

    def volume_rows(self) -> list[VolumeRow]:
        return [self.volume_row(v) for v in self.volumes.values()]

    def memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """``build()``, remembered until the inventory changes (for the views' sorted rows)."""
        if self._memo_version != self.version:
            self._memo.clear()
            self._memo_version = self.version
        if key not in self._memo:
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            self._memo[key] = build()
        return self._memo[key]  # type: ignore[no-any-return]
