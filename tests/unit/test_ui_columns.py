"""Columns: cells per view, progress for pending snapshots, sort indicators, narrow terminals."""

from __future__ import annotations

from typing import Any

import pytest
from rich.text import Text

from snaptui.ui.columns import (
    INSTANCE_COLUMNS,
    SCROLLBAR,
    Column,
    row,
    sort_indicator,
    visible_columns,
)
from snaptui.ui.views import ViewKind, ViewState, columns_for, items_for, next_sort
from tests.unit.ui_factories import DB, NOW, fleet, instance


def plain(cell: str | Text) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def cells(kind: ViewKind, item_id: str, scope: str | None = None) -> dict[str, str]:
    """The plain text of every cell of one row, by column key."""
    inv = fleet()
    items = {i.id: i for i in items_for(ViewState(kind, scope_id=scope), inv)}
    columns = columns_for(kind)
    return {
        c.key: plain(v) for c, v in zip(columns, row(columns, items[item_id], NOW), strict=True)
    }


# ---------------------------------------------------------------------------------------------
# Cells.


@pytest.mark.parametrize(
    ("kind", "item_id", "scope", "expected"),
    [
        (ViewKind.INSTANCES, DB, None,
         {"name": "prod-db-primary", "id": DB, "state": "running", "type": "r6i.2xlarge",
          "az": "us-east-1a", "volumes": "3", "age": "28w"}),
        (ViewKind.VOLUMES, "vol-dbdata", None,
         {"name": "prod-db-primary-pgdata", "size": "400 GiB", "type": "io2", "iops": "16000",
          "attached": "prod-db-primary /dev/sdf", "state": "in-use", "age": "8w"}),
        (ViewKind.VOLUMES, "vol-spare", None,
         {"size": "1 TiB", "attached": "-", "state": "available", "age": "5d"}),
        (ViewKind.VOLUMES, "vol-webroot", None, {"name": "-", "attached": "prod-web-1 /dev/xvda"}),
        (ViewKind.INSTANCE_VOLUMES, "vol-dbroot", DB,
         {"device": "/dev/xvda (root)", "id": "vol-dbroot", "name": "prod-db-primary-root",
          "size": "30 GiB", "on_termination": "delete"}),
        (ViewKind.INSTANCE_VOLUMES, "vol-dbdata", DB,
         {"device": "/dev/sdf", "iops": "16000/-", "on_termination": "keep"}),
        (ViewKind.SNAPSHOTS, "snap-d1", None,
         {"id": "snap-d1", "state": "completed", "volume": "prod-db-primary-pgd…",
          "size": "400 GiB", "age": "2d", "started": "2026-03-08 12:00", "description": "nightly",
          "tier": "standard", "name": "-"}),
        (ViewKind.SNAPSHOTS, "snap-o1", None, {"volume": "vol-gone orphan"}),
        (ViewKind.SNAPSHOTS, "snap-c1", None, {"volume": "copy of snap-d2"}),
        (ViewKind.SNAPSHOTS, "snap-w1", None, {"name": "wal", "age": "5h"}),
        (ViewKind.GENERATIONS, "snap-d2", "vol-dbdata",
         {"position": "2", "id": "snap-d2", "age": "1d", "since_previous": "1d",
          "size": "400 GiB", "state": "completed", "description": "nightly", "set": "-"}),
        (ViewKind.GENERATIONS, "snap-d1", "vol-dbdata", {"position": "3", "since_previous": "-"}),
        (ViewKind.IMAGES, "ami-new", None,
         {"name": "base-2026", "state": "available", "arch": "x86_64", "root": "/dev/xvda",
          "snapshots": "1", "age": "2d"}),
    ],
)  # fmt: skip
def test_cells(kind: ViewKind, item_id: str, scope: str | None, expected: dict[str, str]) -> None:
    got = cells(kind, item_id, scope)
    assert {key: got[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("kind", "scope"), [(ViewKind.SNAPSHOTS, None), (ViewKind.GENERATIONS, "vol-dbdata")]
)
def test_pending_snapshots_show_the_state_word_a_bar_and_a_percentage(
    kind: ViewKind, scope: str | None
) -> None:
    state = cells(kind, "snap-d3", scope)["state"]
    assert state.startswith("pending ")
    assert "40%" in state
    assert "█" in state and "░" in state


def test_the_orphan_marker_is_a_word_not_only_a_colour() -> None:
    orphan = next(r for r in items_for(ViewState(ViewKind.SNAPSHOTS), fleet()) if r.id == "snap-o1")
    volume_column = next(c for c in columns_for(ViewKind.SNAPSHOTS) if c.key == "volume")
    cell = volume_column.cell(orphan, NOW)
    assert isinstance(cell, Text) and cell.plain == "vol-gone orphan"
    assert any(span.style for span in cell.spans)  # coloured too, as a reinforcement


def test_long_names_are_cut_with_an_ellipsis() -> None:
    long = instance("i-1", "x" * 80)
    name = plain(row(INSTANCE_COLUMNS, long, NOW)[0])
    assert len(name) == 32 and name.endswith("…")


# ---------------------------------------------------------------------------------------------
# Sort indicator.


def labels(state: ViewState) -> list[str]:
    return [sort_indicator(c, state) for c in columns_for(state.kind)]


def test_the_default_sort_column_carries_the_arrow() -> None:
    assert labels(ViewState(ViewKind.SNAPSHOTS)).count("Age▲") == 1
    assert sum("▲" in label or "▼" in label for label in labels(ViewState(ViewKind.SNAPSHOTS))) == 1


def test_the_arrow_follows_the_chosen_column_and_direction() -> None:
    state = next_sort(ViewState(ViewKind.VOLUMES), "size")
    assert "Size▲" in labels(state) and "Name" in labels(state)
    state = next_sort(state, "size")
    assert "Size▼" in labels(state)
    assert sum("▲" in label or "▼" in label for label in labels(state)) == 1


def test_ascii_arrows() -> None:
    state = ViewState(ViewKind.IMAGES, sort_key="age", sort_reverse=True)
    age = next(c for c in columns_for(ViewKind.IMAGES) if c.key == "age")
    assert sort_indicator(age, state, ascii=True) == "Agev"
    assert sort_indicator(age, ViewState(ViewKind.IMAGES), ascii=True) == "Age^"


def test_a_column_without_a_sort_key_sorts_by_its_text() -> None:
    column: Column[Any] = Column("x", "X", lambda item, now: Text(f"<{item}>"))
    assert column.sort_value("b") == "<b>"


# ---------------------------------------------------------------------------------------------
# Narrow terminals.


def keys(kind: ViewKind, width: int) -> list[str]:
    return [c.key for c in visible_columns(columns_for(kind), width)]


@pytest.mark.parametrize("kind", list(ViewKind))
@pytest.mark.parametrize("width", [80, 100, 120, 200])
def test_ids_and_never_dropped_columns_stay_and_the_rest_fits(kind: ViewKind, width: int) -> None:
    columns = columns_for(kind)
    shown = visible_columns(columns, width)
    assert "id" in [c.key for c in shown]
    assert all(c in shown for c in columns if c.priority == 0)
    assert sum(c.estimated_width for c in shown) <= width - SCROLLBAR
    assert list(shown) == [c for c in columns if c in shown]  # order kept


@pytest.mark.parametrize("kind", list(ViewKind))
def test_wider_terminals_show_more_and_200_shows_all(kind: ViewKind) -> None:
    narrow, medium, wide = (set(keys(kind, w)) for w in (80, 120, 200))
    assert narrow <= medium <= wide
    assert wide == {c.key for c in columns_for(kind)}
    assert len(narrow) < len(wide)


@pytest.mark.parametrize(
    ("kind", "at_80"),
    [
        (ViewKind.INSTANCES, ["name", "id", "state", "type", "age"]),
        (ViewKind.VOLUMES, ["name", "id", "state", "type", "size", "age"]),
        (ViewKind.SNAPSHOTS, ["id", "state", "volume", "age"]),
        (ViewKind.GENERATIONS, ["position", "id", "age", "since_previous", "state"]),
        (ViewKind.INSTANCE_VOLUMES, ["device", "id", "name", "size", "state"]),
        (ViewKind.IMAGES, ["name", "id", "state", "arch", "age"]),
    ],
)
def test_what_an_80_column_terminal_shows(kind: ViewKind, at_80: list[str]) -> None:
    assert keys(kind, 80) == at_80


def test_even_a_tiny_terminal_keeps_the_ids() -> None:
    assert keys(ViewKind.SNAPSHOTS, 20) == ["id", "state"]
