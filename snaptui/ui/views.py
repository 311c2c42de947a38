"""Provides the resource views as data: which items a view shows, in what order, under what title.

A ``ViewState`` says everything about one view (kind, scope, filter, sort, cursor), so the
drill-down stack is a list of them and ``esc`` pops one. The functions here turn a state plus
the inventory into rows, titles and breadcrumbs; the screens only display them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from operator import itemgetter
from typing import Any

from snaptui.ui import render
from snaptui.ui.columns import (
    GENERATION_COLUMNS,
    IMAGE_COLUMNS,
    INSTANCE_COLUMNS,
    INSTANCE_VOLUME_COLUMNS,
    SNAPSHOT_COLUMNS,
    VOLUME_COLUMNS,
    Column,
)
from snaptui.ui.filtering import compile_filter
from snaptui.ui.inventory import Inventory, Kind

__all__ = [
    "ViewKind",
    "ViewState",
    "breadcrumb",
    "columns_for",
    "drill_down",
    "items_for",
    "needs",
    "next_sort",
    "sort_column",
    "title_for",
]

CRUMB_SEPARATOR = " › "


class ViewKind(StrEnum):
    INSTANCES = "instances"
    VOLUMES = "volumes"
    SNAPSHOTS = "snapshots"
    IMAGES = "images"
    INSTANCE_VOLUMES = "instance-volumes"
    """The volumes of one instance (scope: the instance id)."""
    GENERATIONS = "generations"
    """The snapshot generations of one volume (scope: the volume id)."""


@dataclass(frozen=True)
class ViewState:
    kind: ViewKind
    scope_id: str | None = None
    filter_text: str = ""
    sort_key: str | None = None
    """A column key; None means the view's default order."""
    sort_reverse: bool = False
    cursor_id: str | None = None
    """The id of the selected row, restored when the user comes back with esc."""


_COLUMNS: dict[ViewKind, tuple[Column[Any], ...]] = {
    ViewKind.INSTANCES: INSTANCE_COLUMNS,
    ViewKind.VOLUMES: VOLUME_COLUMNS,
    ViewKind.SNAPSHOTS: SNAPSHOT_COLUMNS,
    ViewKind.IMAGES: IMAGE_COLUMNS,
    ViewKind.INSTANCE_VOLUMES: INSTANCE_VOLUME_COLUMNS,
    ViewKind.GENERATIONS: GENERATION_COLUMNS,
}

_NEEDS: dict[ViewKind, tuple[Kind, ...]] = {
    ViewKind.INSTANCES: (Kind.INSTANCES,),
    ViewKind.VOLUMES: (Kind.VOLUMES, Kind.INSTANCES),
    ViewKind.SNAPSHOTS: (Kind.SNAPSHOTS, Kind.VOLUMES),
    ViewKind.IMAGES: (Kind.IMAGES,),
    ViewKind.INSTANCE_VOLUMES: (Kind.VOLUMES, Kind.INSTANCES),
    ViewKind.GENERATIONS: (Kind.SNAPSHOTS, Kind.VOLUMES),
}

_TITLES = {
    ViewKind.INSTANCES: "Instances",
    ViewKind.VOLUMES: "Volumes",
    ViewKind.SNAPSHOTS: "Snapshots",
    ViewKind.IMAGES: "Images",
    ViewKind.INSTANCE_VOLUMES: "Volumes",
    ViewKind.GENERATIONS: "Generations",
}


def columns_for(kind: ViewKind) -> tuple[Column[Any], ...]:
    return _COLUMNS[ViewKind(kind)]


def needs(kind: ViewKind) -> tuple[Kind, ...]:
    """The listings a view reads, the one its rows come from first (load those)."""
    return _NEEDS[ViewKind(kind)]


def sort_column(state: ViewState) -> Column[Any]:
    """The column the view is ordered by: the chosen one, else the view's default."""
    for column in columns_for(state.kind):
        chosen = (column.key == state.sort_key) if state.sort_key else column.default_sort
        if chosen:
            return column
    raise ValueError(f"{state.kind} view has no column {state.sort_key!r}")


# ---------------------------------------------------------------------------------------------
# Items.


def _source(state: ViewState, inventory: Inventory) -> list[Any]:
    match state.kind:
        case ViewKind.INSTANCES:
            return list(inventory.instances.values())
        case ViewKind.VOLUMES:
            return inventory.volume_rows()
        case ViewKind.SNAPSHOTS:
            return inventory.snapshot_rows()
        case ViewKind.IMAGES:
            return list(inventory.images.values())
        case ViewKind.INSTANCE_VOLUMES:
            return inventory.volumes_of(state.scope_id) if state.scope_id else []
        case ViewKind.GENERATIONS:
            return inventory.timeline_of(state.scope_id) if state.scope_id else []
    raise ValueError(f"unknown view {state.kind!r}")


def _sorted(items: list[Any], column: Column[Any], reverse: bool) -> list[Any]:
    """Stable sort by *column*; items whose key is None (unknown) go last either way."""
    key_of = column.sort or column.sort_value
    keyed = [(key_of(item), item) for item in items]
    known = [pair for pair in keyed if pair[0] is not None]
    known.sort(key=itemgetter(0), reverse=reverse)
    return [item for _, item in known] + [item for key, item in keyed if key is None]


def _by_default(items: list[Any], column: Column[Any], reverse: bool) -> list[Any]:
    """Sort by the view's default column with ids breaking ties, in one pass over the keys."""
    key_of = column.sort or column.sort_value
    keyed = [(key_of(item), item.id, item) for item in items]
    known = [entry for entry in keyed if entry[0] is not None]
    known.sort(key=itemgetter(0, 1), reverse=reverse)
    unknown = sorted((entry for entry in keyed if entry[0] is None), key=itemgetter(1))
    return [entry[2] for entry in known] + [entry[2] for entry in unknown]


def _ordered(state: ViewState, inventory: Inventory) -> tuple[Any, ...]:
    """Every row of the view, sorted: ties keep the default order, ids break ties in that."""
    items = _source(state, inventory)
    default = sort_column(replace(state, sort_key=None))
    chosen = sort_column(state)
    if chosen is default:
        return tuple(_by_default(items, default, state.sort_reverse))
    return tuple(_sorted(_by_default(items, default, False), chosen, state.sort_reverse))


def items_for(state: ViewState, inventory: Inventory) -> list[Any]:
    """The rows of a view: sorted, then filtered by ``state.filter_text``.

    The sorted rows are remembered until the inventory changes, so typing a filter only
    costs the filtering (the filter keeps the order).
    """
    key = ("items", state.kind, state.scope_id, state.sort_key, state.sort_reverse)
    ordered = inventory.memo(key, lambda: _ordered(state, inventory))
    if not state.filter_text.strip():
        return list(ordered)
    keep = compile_filter(state.filter_text, inventory.search_cache)
    return [item for item in ordered if keep(item)]


def next_sort(state: ViewState, column_key: str) -> ViewState:
    """Sort by *column_key*; picking the column already sorted by flips the direction."""
    if column_key not in {c.key for c in columns_for(state.kind)}:
        raise ValueError(f"{state.kind} view has no column {column_key!r}")
    if sort_column(state).key == column_key:
        return replace(state, sort_key=column_key, sort_reverse=not state.sort_reverse)
    return replace(state, sort_key=column_key, sort_reverse=False)


def drill_down(state: ViewState, selected_id: str | None, inventory: Inventory) -> ViewState | None:
    """Where ``enter`` on *selected_id* leads: instance → its volumes, volume → generations."""
    if selected_id is None:
        return None
    if state.kind == ViewKind.INSTANCES and selected_id in inventory.instances:
        return ViewState(ViewKind.INSTANCE_VOLUMES, scope_id=selected_id)
    if (
        state.kind in (ViewKind.VOLUMES, ViewKind.INSTANCE_VOLUMES)
        and selected_id in inventory.volumes
    ):
        return ViewState(ViewKind.GENERATIONS, scope_id=selected_id)
    return None


# ---------------------------------------------------------------------------------------------
# Titles and breadcrumbs.


def _instance_label(instance_id: str, inventory: Inventory, short: bool) -> str:
    inst = inventory.instances.get(instance_id)
    shown_id = render.short_id(instance_id) if short else instance_id
    return f"{inst.name} {shown_id}" if inst and inst.name else shown_id


def _volume_label(
    volume_id: str, inventory: Inventory, short: bool, on_instance: str | None = None
) -> str:
    """``prod-db-primary /dev/sdf vol-…`` when attached; ``name vol-…`` or ``vol-… (deleted)``.

    With *on_instance* (the parent crumb already names the instance) only the device is added.
    """
    shown_id = render.short_id(volume_id) if short else volume_id
    if on_instance is not None:
        device = inventory.device_of(volume_id, on_instance)
        return f"{device} {shown_id}" if device else shown_id
    inst = inventory.instance_of(volume_id)
    if inst is not None:
        device = inventory.device_of(volume_id, inst.id)
        return " ".join(part for part in (inst.name or inst.id, device, shown_id) if part)
    volume = inventory.volumes.get(volume_id)
    if volume is not None:
        return f"{volume.name} {shown_id}" if volume.name else shown_id
    if Kind.VOLUMES in inventory.loaded:
        return f"{shown_id} (deleted)"
    return shown_id


def _scope_label(state: ViewState, inventory: Inventory, short: bool) -> str:
    if state.scope_id is None:
        return ""
    if state.kind == ViewKind.INSTANCE_VOLUMES:
        return _instance_label(state.scope_id, inventory, short)
    if state.kind == ViewKind.GENERATIONS:
        return _volume_label(state.scope_id, inventory, short)
    return state.scope_id


def _total(state: ViewState, inventory: Inventory) -> int:
    match state.kind:
        case ViewKind.INSTANCES:
            return len(inventory.instances)
        case ViewKind.VOLUMES:
            return len(inventory.volumes)
        case ViewKind.SNAPSHOTS:
            return len(inventory.snapshots)
        case ViewKind.IMAGES:
            return len(inventory.images)
    return len(_source(state, inventory))


def title_for(state: ViewState, inventory: Inventory, shown: int | None = None) -> str:
    """``Generations · prod-db-primary /dev/sdf vol-0abc… · 14``.

    With a filter: ``Snapshots · 3 of 10000 · /prod``; ``· loading…`` until the view's
    listing is complete. Pass *shown* (the row count) when you have it, to avoid a recount.
    """
    parts = [_TITLES[state.kind]]
    scope = _scope_label(state, inventory, short=True)
    if scope:
        parts.append(scope)
    if shown is None:
        shown = len(items_for(state, inventory))
    if state.filter_text.strip():
        parts.append(f"{shown} of {_total(state, inventory)}")
        parts.append(f"/{state.filter_text.strip()}")
    else:
        parts.append(str(shown))
    if needs(state.kind)[0] not in inventory.loaded:
        parts.append("loading…")
    return " · ".join(parts)


def _crumbs(stack: Sequence[ViewState], inventory: Inventory, short: bool) -> list[str]:
    crumbs = []
    parent: ViewState | None = None
    for state in stack:
        if state.kind == ViewKind.INSTANCE_VOLUMES and state.scope_id:
            inst = inventory.instances.get(state.scope_id)
            crumbs.append(inst.name if inst and inst.name else state.scope_id)
        elif state.kind == ViewKind.GENERATIONS and state.scope_id:
            on_instance = None
            if parent is not None and parent.kind == ViewKind.INSTANCE_VOLUMES:
                on_instance = parent.scope_id
            crumbs.append(_volume_label(state.scope_id, inventory, short, on_instance))
        else:
            crumbs.append(str(state.kind))
        parent = state
    return crumbs


def breadcrumb(
    stack: Sequence[ViewState],
    inventory: Inventory,
    *,
    root: str | None = None,
    width: int | None = None,
) -> str:
    """Where the user is: ``prod › instances › prod-db-primary › /dev/sdf vol-0abc…``.

    *root* (e.g. the profile) comes first. Within *width*, ids are shortened first, then the
    oldest crumbs give way to ``…``.
    """
    head = [root] if root else []
    text = CRUMB_SEPARATOR.join(head + _crumbs(stack, inventory, short=False))
    if width is None or len(text) <= width:
        return text
    crumbs = head + _crumbs(stack, inventory, short=True)
    text = CRUMB_SEPARATOR.join(crumbs)
    while len(text) > width and len(crumbs) > 1:
        crumbs = crumbs[1:]
        text = CRUMB_SEPARATOR.join(["…", *crumbs])
    return render.truncate(text, width)
