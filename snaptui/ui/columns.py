"""Which columns each resource view has, and how one model becomes one row of cells (pure)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from rich.text import Text

from snaptui.aws.models import Instance
from snaptui.ui import render

M = TypeVar("M")
Cell = str | Text


@dataclass(frozen=True)
class Column(Generic[M]):
    key: str
    label: str
    cell: Callable[[M, datetime], Cell]
    priority: int = 1
    """Lower numbers survive narrow terminals; 0 is never dropped (the id)."""
    width: int | None = None


INSTANCE_COLUMNS: tuple[Column[Instance], ...] = (
    Column("name", "Name", lambda i, now: i.name or "-", 0),
    Column("id", "Instance", lambda i, now: i.id, 0),
    Column("state", "State", lambda i, now: render.state_text(i.state), 0),
    Column("type", "Type", lambda i, now: i.instance_type, 2),
    Column("az", "AZ", lambda i, now: i.az or "-", 2),
    Column("volumes", "Vols", lambda i, now: str(len(i.block_devices)), 1),
    Column("age", "Age", lambda i, now: render.format_age(i.launch_time, now), 3),
)


def visible_columns(columns: tuple[Column[M], ...], width: int) -> tuple[Column[M], ...]:
    """Drop the least important columns until the rest fit roughly in *width* cells."""
    budget = {0: 0, 1: 78, 2: 100, 3: 120}
    return tuple(c for c in columns if width >= budget.get(c.priority, 150))


def row(columns: tuple[Column[M], ...], item: M, now: datetime) -> tuple[Cell, ...]:
    return tuple(column.cell(item, now) for column in columns)
