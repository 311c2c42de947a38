"""Provides compare_rows(): the rows of a side-by-side compare view (field, older, newer).

Pure: no widgets, no I/O, ``now`` passed in. Differences are never shown by colour alone:
the label of a differing row starts with ``≠``, tag rows with ``+`` (added in the newer),
``−`` (removed) or ``~`` (changed); ``ascii=True`` uses ``!``, ``+``, ``-``, ``~``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.text import Text

from snaptui.aws.compare import BlockDiff, Comparison, Unavailable
from snaptui.aws.diff import FieldDiff, SnapshotDiff, TagChange
from snaptui.aws.models import Snapshot
from snaptui.ui import render
from snaptui.ui.blockmap import diff_strip, format_change

__all__ = ["COLUMNS", "CompareRow", "compare_rows"]

CompareRow = tuple[str, Text | str, Text | str]
COLUMNS = ("Field", "Older", "Newer")

_MARKS = {"differs": "≠", "added": "+", "removed": "−", "changed": "~", "same": " "}
_ASCII_MARKS = {"differs": "!", "added": "+", "removed": "-", "changed": "~", "same": " "}
_TAG_INDENT = "  "
DIFF_STYLE = "bold"
"""The newer side of a differing row; the marker in the label carries the meaning."""


def _label(mark: str, label: str) -> str:
    return f"{mark} {label}"


def _cell(field: FieldDiff, snap: Snapshot, now: datetime) -> Text | str:
    value: Any = getattr(snap, field.key)
    match field.key:
        case "start_time":
            return render.format_time(value, now)
        case "state":
            return render.snapshot_state_text(snap.state, snap.progress, bar_width=6)
        case "volume_size_gib":
            return render.format_gib(value)
        case "encrypted":
            return render.yes_no(value)
        case "volume_id" if snap.is_copy:
            return f"{value} (copy or EBS direct)"
    return str(value) if value not in (None, "") else "-"


def _field_rows(diff: SnapshotDiff, now: datetime, marks: dict[str, str]) -> list[CompareRow]:
    rows: list[CompareRow] = []
    for field in diff.fields:
        if field.key == "data_encryption_key_id" and not (field.older or field.newer):
            continue  # unencrypted (or an endpoint that does not report it): nothing to show
        older = _cell(field, diff.older, now)
        newer = _cell(field, diff.newer, now)
        if field.notable:
            if isinstance(newer, Text):
                newer.stylize(DIFF_STYLE)
            else:
                newer = Text(newer, style=DIFF_STYLE)
        mark = marks["differs"] if field.notable else marks["same"]
        rows.append((_label(mark, field.label), older, newer))
        if field.key == "start_time":
            rows.append((_label(marks["same"], "Time between"), "", _between(diff)))
    return rows


def _between(diff: SnapshotDiff) -> str:
    gap = diff.time_between
    if gap is None:
        return "-"
    if gap.total_seconds() == 0:
        return "same time"
    return f"{render.format_duration(gap)} later"


def _tag_rows(diff: SnapshotDiff, marks: dict[str, str]) -> list[CompareRow]:
    counts = (str(len(diff.older.tags)), str(len(diff.newer.tags)))
    changes = len(diff.tag_differences)
    mark = marks["differs"] if changes else marks["same"]
    rows: list[CompareRow] = [(_label(mark, "Tags"), *counts)]
    # Differences first (added, removed, changed), then the tags both share.
    order = {"added": 0, "removed": 1, "changed": 2, "same": 3}
    for tag in sorted(diff.tags, key=lambda t: order[t.kind]):
        rows.append(_tag_row(tag, marks))
    return rows


def _tag_row(tag: TagChange, marks: dict[str, str]) -> CompareRow:
    label = _label(marks[tag.kind], _TAG_INDENT + tag.key)
    match tag.kind:
        case "added":
            return (label, "", Text(tag.newer or "", style="green"))
        case "removed":
            return (label, Text(tag.older or "", style="red"), "")
        case "changed":
            return (label, tag.older or "", Text(tag.newer or "", style="bold yellow"))
    return (label, tag.older or "", tag.newer or "")


def _block_rows(
    blocks: BlockDiff | Unavailable | None, marks: dict[str, str], strip_width: int, ascii: bool
) -> list[CompareRow]:
    same = marks["same"]
    if blocks is None:
        return [(_label(same, "Changed data"), "", Text("comparing…", style="italic"))]
    if isinstance(blocks, Unavailable):
        return [
            (
                _label(same, "Changed data"),
                "",
                Text(f"unavailable: {blocks.title}", style="yellow"),
            ),
            (_label(same, "Why"), "", blocks.message),
        ]
    mark = marks["differs"] if blocks.changed_blocks else same
    summary = format_change(blocks, ascii=ascii) if blocks.changed_blocks else "no blocks changed"
    return [
        (_label(mark, "Changed data"), "", Text(summary, style=DIFF_STYLE)),
        (_label(same, "Where"), "", diff_strip(blocks, strip_width, ascii=ascii)),
    ]


def compare_rows(
    comparison: Comparison | SnapshotDiff,
    now: datetime,
    *,
    strip_width: int = 40,
    ascii: bool = False,
) -> list[tuple[str, Text | str, Text | str]]:
    """Rows for ``COLUMNS``: the fields, the tags, then the changed data.

    Pass a bare SnapshotDiff while the blocks are still being listed ("comparing…").
    Labels start with a one-character marker and a space, so they line up.
    """
    marks = _ASCII_MARKS if ascii else _MARKS
    if isinstance(comparison, Comparison):
        diff, blocks = comparison.metadata, comparison.blocks
    else:
        diff, blocks = comparison, None
    return (
        _field_rows(diff, now, marks)
        + _tag_rows(diff, marks)
        + _block_rows(blocks, marks, strip_width, ascii)
    )
