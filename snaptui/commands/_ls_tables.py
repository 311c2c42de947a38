"""The human tables of ``snaptui ls`` (and of the other commands' results).

Ids are never shortened (they are what people copy); long names and descriptions are.
Times are UTC, as AWS reports them, with the age alongside.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from snaptui.commands._output import print_table

if TYPE_CHECKING:
    from snaptui.aws.models import Image, Instance, Snapshot, Volume

__all__ = ["print_rows", "snapshot_rows", "when"]


def when(moment: datetime | None, now: datetime) -> str:
    """``2026-03-01 12:00 (3d)``; ``-`` when unknown."""
    from snaptui.ui.render import format_age

    if moment is None:
        return "-"
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} ({format_age(moment, now)})"


def _cut(text: str, width: int) -> str:
    from snaptui.ui.render import truncate

    return truncate(" ".join(text.split()), width)


def _progress(snapshot: Snapshot) -> str:
    return "-" if snapshot.progress is None else f"{snapshot.progress}%"


SNAPSHOT_HEADERS = ("ID", "NAME", "VOLUME", "STATE", "PROGRESS", "SIZE", "STARTED (UTC)")


def snapshot_rows(snapshots: Sequence[Snapshot], now: datetime) -> list[tuple[Any, ...]]:
    from snaptui.ui.render import format_gib

    return [
        (
            s.id,
            _cut(s.name, 32),
            s.volume_id,
            s.state,
            _progress(s),
            format_gib(s.volume_size_gib),
            when(s.start_time, now),
        )
        for s in snapshots
    ]


def _instances(items: Sequence[Instance], now: datetime) -> None:
    print_table(
        ("ID", "NAME", "STATE", "TYPE", "AZ", "VOLUMES", "LAUNCHED (UTC)"),
        [
            (
                i.id,
                _cut(i.name, 32),
                i.state,
                i.instance_type,
                i.az,
                len(i.block_devices),
                when(i.launch_time, now),
            )
            for i in items
        ],
    )


def _volumes(items: Sequence[Volume], now: datetime) -> None:
    from snaptui.ui.render import format_gib

    print_table(
        ("ID", "NAME", "STATE", "TYPE", "SIZE", "AZ", "ATTACHED TO"),
        [
            (
                v.id,
                _cut(v.name, 32),
                v.state,
                v.volume_type,
                format_gib(v.size_gib),
                v.az,
                ", ".join(f"{a.instance_id} {a.device}" for a in v.attachments),
            )
            for v in items
        ],
    )


def _images(items: Sequence[Image], now: datetime) -> None:
    print_table(
        ("ID", "NAME", "STATE", "ARCH", "SNAPSHOTS", "CREATED (UTC)"),
        [
            (
                i.id,
                _cut(i.name, 40),
                i.state,
                i.architecture,
                " ".join(i.snapshot_ids),
                when(i.creation_date, now),
            )
            for i in items
        ],
    )


def print_rows(kind: str, items: Sequence[Any], now: datetime) -> None:
    if kind == "snapshots":
        print_table(SNAPSHOT_HEADERS, snapshot_rows(items, now))
    else:
        {"instances": _instances, "volumes": _volumes, "images": _images}[kind](items, now)
