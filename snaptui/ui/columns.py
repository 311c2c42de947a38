"""Which columns each resource view has, and how one model becomes one row of cells (pure).

Every column carries a real sort key (sizes sort as numbers, ages as times, names naturally),
a priority for narrow terminals (0 = never dropped: ids, the name, the state) and an estimate
of its usual width, so ``visible_columns`` can keep what fits in 80 cells.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, TypeVar

from rich.text import Text

from snaptui.aws.compare import BlockDiff
from snaptui.aws.generations import Generation
from snaptui.aws.models import Image, Instance
from snaptui.ui import render
from snaptui.ui.inventory import natural_key
from snaptui.ui.rows import AttachedVolume, SnapshotRow, VolumeRow

M = TypeVar("M")
Cell = str | Text

CELL_PADDING = 2
"""DataTable pads every cell by one on each side."""
SCROLLBAR = 2
"""Cells the table's vertical scrollbar takes."""
DESCRIPTION_WIDTH = 40
NAME_WIDTH = 32

_FALLBACK_NOW = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Column(Generic[M]):
    key: str
    label: str
    cell: Callable[[M, datetime], Cell]
    priority: int = 1
    """Lower numbers survive narrow terminals; 0 is never dropped (ids, name, state)."""
    width: int | None = None
    """A fixed width for the table; None lets the table size the column to its content."""
    sort: Callable[[M], Any] | None = None
    """The sort key; None means "unknown" and sorts last. Default: the cell's plain text."""
    fit: int = 8
    """The usual width of a cell, used to decide which columns fit."""
    default_sort: bool = False
    """The view is ordered by this column (ascending) until the user picks another."""

    def sort_value(self, item: M) -> Any:
        if self.sort is not None:
            return self.sort(item)
        cell = self.cell(item, _FALLBACK_NOW)
        return cell.plain if isinstance(cell, Text) else cell

    @property
    def estimated_width(self) -> int:
        """Cells the column takes: content or label (plus a sort arrow), plus padding."""
        return max(self.width or self.fit, len(self.label) + 1) + CELL_PADDING


class SortState(Protocol):
    """What ``sort_indicator`` needs of a view state (``views.ViewState`` has it)."""

    @property
    def sort_key(self) -> str | None: ...

    @property
    def sort_reverse(self) -> bool: ...


def sort_indicator(column: Column[Any], state: SortState, *, ascii: bool = False) -> str:
    """The header label, with ▲ (ascending) or ▼ when the view is sorted by *column*."""
    active = (column.key == state.sort_key) if state.sort_key else column.default_sort
    if not active:
        return column.label
    up, down = ("^", "v") if ascii else ("▲", "▼")
    return f"{column.label}{down if state.sort_reverse else up}"


def visible_columns(columns: tuple[Column[M], ...], width: int) -> tuple[Column[M], ...]:
    """The columns that fit in *width* cells, most important first; order is kept.

    Priority-0 columns always stay. The others are taken by priority (then left to right)
    while they fit, so a narrow, less important column may fill space a wide one left.
    """
    budget = width - SCROLLBAR - sum(c.estimated_width for c in columns if c.priority == 0)
    keep = {id(c) for c in columns if c.priority == 0}
    for column in sorted((c for c in columns if c.priority > 0), key=lambda c: c.priority):
        if column.estimated_width <= budget:
            keep.add(id(column))
            budget -= column.estimated_width
    return tuple(c for c in columns if id(c) in keep)


def row(columns: tuple[Column[M], ...], item: M, now: datetime) -> tuple[Cell, ...]:
    return tuple(column.cell(item, now) for column in columns)


# ---------------------------------------------------------------------------------------------
# Sort keys. None sorts last whatever the direction (``views`` handles that).


def age_key(moment: datetime | None) -> float | None:
    """Ascending age = newest first."""
    return -moment.timestamp() if moment is not None else None


def name_key(name: str) -> tuple[str | int, ...] | None:
    return natural_key(name) if name else None


def _dash(value: object) -> str:
    return "-" if value in (None, "") else str(value)


# ---------------------------------------------------------------------------------------------
# Instances.

INSTANCE_COLUMNS: tuple[Column[Instance], ...] = (
    Column("name", "Name", lambda i, now: render.truncate(i.name, NAME_WIDTH) or "-", 0,
           sort=lambda i: name_key(i.name), fit=18, default_sort=True),
    Column("id", "Instance", lambda i, now: i.id, 0, sort=lambda i: i.id, fit=19),
    Column("state", "State", lambda i, now: render.state_text(i.state), 0,
           sort=lambda i: i.state, fit=10),
    Column("type", "Type", lambda i, now: i.instance_type or "-", 2,
           sort=lambda i: natural_key(i.instance_type), fit=11),
    Column("az", "AZ", lambda i, now: _dash(i.az), 3, sort=lambda i: i.az, fit=10),
    Column("volumes", "Vols", lambda i, now: str(len(i.block_devices)), 2,
           sort=lambda i: len(i.block_devices), fit=4),
    Column("age", "Age", lambda i, now: render.format_age(i.launch_time, now), 1,
           sort=lambda i: age_key(i.launch_time), fit=5),
)  # fmt: skip

# ---------------------------------------------------------------------------------------------
# Volumes (all of them) and the volumes of one instance.

VOLUME_COLUMNS: tuple[Column[VolumeRow], ...] = (
    Column("name", "Name", lambda r, now: render.truncate(r.volume.name, NAME_WIDTH) or "-", 0,
           sort=lambda r: name_key(r.volume.name), fit=18, default_sort=True),
    Column("id", "Volume", lambda r, now: r.volume.id, 0, sort=lambda r: r.volume.id, fit=21),
    Column("state", "State", lambda r, now: render.state_text(r.volume.state), 0,
           sort=lambda r: r.volume.state, fit=9),
    Column("type", "Type", lambda r, now: r.volume.volume_type or "-", 3,
           sort=lambda r: r.volume.volume_type, fit=4),
    Column("size", "Size", lambda r, now: render.format_gib(r.volume.size_gib), 1,
           sort=lambda r: r.volume.size_gib, fit=8),
    Column("iops", "IOPS", lambda r, now: _dash(r.volume.iops), 4,
           sort=lambda r: r.volume.iops, fit=6),
    Column("az", "AZ", lambda r, now: _dash(r.volume.az), 4, sort=lambda r: r.volume.az, fit=10),
    Column("attached", "Attached to", lambda r, now: r.attached_label or "-", 2,
           sort=lambda r: natural_key(r.attached_label) if r.attached else None, fit=22),
    Column("age", "Age", lambda r, now: render.format_age(r.volume.create_time, now), 1,
           sort=lambda r: age_key(r.volume.create_time), fit=5),
)  # fmt: skip


def _iops_throughput(a: AttachedVolume, now: datetime) -> str:
    if a.volume.iops is None and a.volume.throughput is None:
        return "-"
    return f"{_dash(a.volume.iops)}/{_dash(a.volume.throughput)}"


INSTANCE_VOLUME_COLUMNS: tuple[Column[AttachedVolume], ...] = (
    Column("device", "Device", lambda a, now: a.device + (" (root)" if a.is_root else ""), 0,
           sort=lambda a: (not a.is_root, natural_key(a.device)), fit=10, default_sort=True),
    Column("id", "Volume", lambda a, now: a.volume.id, 0, sort=lambda a: a.volume.id, fit=21),
    Column("name", "Name", lambda a, now: render.truncate(a.volume.name, NAME_WIDTH) or "-", 1,
           sort=lambda a: name_key(a.volume.name), fit=16),
    Column("type", "Type", lambda a, now: a.volume.volume_type or "-", 2,
           sort=lambda a: a.volume.volume_type, fit=4),
    Column("size", "Size", lambda a, now: render.format_gib(a.volume.size_gib), 1,
           sort=lambda a: a.volume.size_gib, fit=8),
    Column("state", "State", lambda a, now: render.state_text(a.volume.state), 0,
           sort=lambda a: a.volume.state, fit=9),
    Column("iops", "IOPS/MiBs", _iops_throughput, 3,
           sort=lambda a: a.volume.iops, fit=10),
    Column("on_termination", "OnTerm",
           lambda a, now: "delete" if a.delete_on_termination else "keep", 3,
           sort=lambda a: a.delete_on_termination, fit=6),
)  # fmt: skip

# ---------------------------------------------------------------------------------------------
# Snapshots (all of them) and the generations of one volume.


SNAPSHOT_VOLUME_WIDTH = 20


def _snapshot_volume(r: SnapshotRow, now: datetime) -> Cell:
    """The volume's name or id; ``orphan`` / ``copy`` spelled out, never colour alone."""
    if r.origin == "orphan":
        text = Text(render.truncate(r.volume_label, SNAPSHOT_VOLUME_WIDTH - 7))
        text.append(" orphan", style="bold magenta")
        return text
    label = render.truncate(r.volume_label, SNAPSHOT_VOLUME_WIDTH)
    if r.origin == "copy":
        return Text(label, style="cyan")
    return label


def _started(moment: datetime | None) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M}" if moment else "-"


def _state_key(state: str, progress: int | None) -> tuple[str, int]:
    return (state, -1 if progress is None else progress)


SNAPSHOT_COLUMNS: tuple[Column[SnapshotRow], ...] = (
    Column("name", "Name", lambda r, now: render.truncate(r.snapshot.name, NAME_WIDTH) or "-", 3,
           sort=lambda r: name_key(r.snapshot.name), fit=16),
    Column("id", "Snapshot", lambda r, now: r.snapshot.id, 0, sort=lambda r: r.snapshot.id,
           fit=22),
    Column("state", "State",
           lambda r, now: render.snapshot_state_text(r.snapshot.state, r.snapshot.progress), 0,
           sort=lambda r: _state_key(r.snapshot.state, r.snapshot.progress), fit=19),
    Column("volume", "Volume", _snapshot_volume, 1, width=SNAPSHOT_VOLUME_WIDTH,
           sort=lambda r: natural_key(r.volume_label), fit=SNAPSHOT_VOLUME_WIDTH),
    Column("size", "Size", lambda r, now: render.format_gib(r.snapshot.volume_size_gib), 2,
           sort=lambda r: r.snapshot.volume_size_gib, fit=8),
    Column("age", "Age", lambda r, now: render.format_age(r.snapshot.start_time, now), 1,
           sort=lambda r: age_key(r.snapshot.start_time), fit=5, default_sort=True),
    Column("started", "Started (UTC)", lambda r, now: _started(r.snapshot.start_time), 4,
           sort=lambda r: age_key(r.snapshot.start_time), fit=16),
    Column("description", "Description",
           lambda r, now: render.truncate(r.snapshot.description, DESCRIPTION_WIDTH) or "-", 3,
           sort=lambda r: r.snapshot.description.casefold() or None, fit=30),
    Column("tier", "Tier", lambda r, now: _dash(r.snapshot.storage_tier), 4,
           sort=lambda r: r.snapshot.storage_tier, fit=8),
)  # fmt: skip


def _since_previous(g: Generation, now: datetime) -> str:
    return render.format_duration(g.since_previous) if g.since_previous is not None else "-"


CHANGED_WIDTH = 17
CHANGED_BAR = 6


def _changed(g: Generation) -> Cell:
    """Bytes changed since the previous generation and a bar scaled to the lineage's largest."""
    change = getattr(g, "change", None)
    if g.is_oldest:
        return Text("-", style="dim")
    if change is None:
        return Text("…", style="dim")
    if not isinstance(change, BlockDiff):
        return Text("n/a", style="dim")
    largest = max(getattr(g, "largest", 0), 1)
    filled = (
        max(1, round(CHANGED_BAR * change.changed_blocks / largest)) if change.changed_blocks else 0
    )
    text = Text(f"{render.format_bytes(change.changed_bytes):>9} ")
    text.append("█" * filled, style="magenta")
    text.append("·" * (CHANGED_BAR - filled), style="bright_black")
    return text


GENERATION_COLUMNS: tuple[Column[Generation], ...] = (
    Column("position", "#", lambda g, now: str(g.position + 1), 0, sort=lambda g: g.position,
           fit=3, default_sort=True),
    Column("id", "Snapshot", lambda g, now: g.snapshot.id, 0, sort=lambda g: g.snapshot.id,
           fit=22),
    Column("age", "Age", lambda g, now: render.format_age(g.snapshot.start_time, now), 1,
           sort=lambda g: age_key(g.snapshot.start_time), fit=5),
    Column("since_previous", "Since prev", _since_previous, 1,
           sort=lambda g: g.since_previous, fit=6),
    Column("size", "Size", lambda g, now: render.format_gib(g.snapshot.volume_size_gib), 2,
           sort=lambda g: g.snapshot.volume_size_gib, fit=8),
    Column("changed", "Changed", lambda g, now: _changed(g), 1,
           sort=lambda g: getattr(g, "changed_bytes", None), fit=CHANGED_WIDTH),
    Column("state", "State",
           lambda g, now: render.snapshot_state_text(g.snapshot.state, g.snapshot.progress), 0,
           sort=lambda g: _state_key(g.snapshot.state, g.snapshot.progress), fit=19),
    Column("description", "Description",
           lambda g, now: render.truncate(g.snapshot.description, DESCRIPTION_WIDTH) or "-", 2,
           sort=lambda g: g.snapshot.description.casefold() or None, fit=30),
    Column("set", "Set", lambda g, now: f"set of {len(g.set_members)}" if g.set_id else "-", 3,
           sort=lambda g: g.set_id, fit=8),
)  # fmt: skip

# ---------------------------------------------------------------------------------------------
# Images.

IMAGE_COLUMNS: tuple[Column[Image], ...] = (
    Column("name", "Name", lambda i, now: render.truncate(i.name, NAME_WIDTH) or "-", 0,
           sort=lambda i: name_key(i.name), fit=24),
    Column("id", "Image", lambda i, now: i.id, 0, sort=lambda i: i.id, fit=21),
    Column("state", "State", lambda i, now: render.state_text(i.state), 0,
           sort=lambda i: i.state, fit=9),
    Column("arch", "Arch", lambda i, now: _dash(i.architecture), 2,
           sort=lambda i: i.architecture, fit=6),
    Column("root", "Root device", lambda i, now: _dash(i.root_device_name), 3,
           sort=lambda i: natural_key(i.root_device_name) if i.root_device_name else None,
           fit=10),
    Column("snapshots", "Snaps", lambda i, now: str(len(i.snapshot_ids)), 2,
           sort=lambda i: len(i.snapshot_ids), fit=5),
    Column("age", "Age", lambda i, now: render.format_age(i.creation_date, now), 1,
           sort=lambda i: age_key(i.creation_date), fit=5, default_sort=True),
)  # fmt: skip
