"""Pure rendering of block compares as rich Text: the change strip, the sparkline, the summary.

No widgets, no I/O. Every glyph carries the meaning by its shape (density, height), so the
pictures read the same in 16 colours, NO_COLOR and over a serial console; ``ascii=True``
swaps in plain ASCII glyphs for terminals without block characters.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from rich.text import Text

from snaptui.aws.compare import GIB, BlockDiff, BlockResult, runs_from_indexes
from snaptui.ui.render import format_bytes, format_gib

__all__ = [
    "ASCII_SPARK",
    "ASCII_STRIP",
    "SPARK",
    "STRIP",
    "block_strip",
    "block_strip_runs",
    "cell_counts",
    "diff_strip",
    "format_change",
    "format_share",
    "sparkline",
    "timeline_values",
]

STRIP = "·░▒▓█"
"""Change strip: the first glyph is "nothing changed here", then rising density."""
ASCII_STRIP = ".-+*#"
SPARK = "▁▂▃▄▅▆▇█"
"""Sparkline bars, lowest to highest."""
ASCII_SPARK = "_-=+*%#@"
SPARK_ZERO, ASCII_SPARK_ZERO = "·", "."
"""Exactly zero (nothing changed), told apart from "a little"."""
SPARK_UNKNOWN = " "
"""A value that is not known (the pair could not be compared)."""

EMPTY_STYLE = "bright_black"
LEVEL_STYLES = ("yellow", "yellow", "bold yellow", "bold red")
"""Reinforces the glyph (never the only signal): low densities yellow, the densest red."""


# ---------------------------------------------------------------------------------------------
# The change strip: where on the volume the changed blocks are.


def cell_counts(runs: Iterable[tuple[int, int]], total_blocks: int, cells: int) -> list[int]:
    """Changed blocks per cell, cell ``i`` covering blocks ``[i*total//cells, (i+1)*total//cells)``.

    ``runs`` are ``(first, count)``, ascending and non-overlapping. Blocks at or beyond
    ``total_blocks`` are not counted. O(runs + cells).
    """
    counts = [0] * cells
    if cells <= 0 or total_blocks <= 0:
        return counts
    cell = 0
    for start, count in runs:
        end = min(start + count, total_blocks)
        position = max(start, 0)
        while position < end:
            while (cell + 1) * total_blocks // cells <= position:
                cell += 1
            cell_end = (cell + 1) * total_blocks // cells
            step = min(end, cell_end) - position
            counts[cell] += step
            position += step
    return counts


def _level(fraction: float, levels: int) -> int:
    """1..levels for any fraction above zero: one changed block in a big cell still shows."""
    return max(1, min(levels, math.ceil(fraction * levels)))


def block_strip_runs(
    runs: Sequence[tuple[int, int]],
    total_blocks: int,
    width: int,
    *,
    ascii: bool = False,
    relative: bool = True,
) -> Text:
    """One line, ``width`` cells (fewer for a volume with fewer blocks), each a stretch of
    the volume: ``·`` where nothing changed, ``░▒▓█`` by how many of its blocks did.

    ``relative`` (the default) scales the glyphs to the densest cell, so a few hundred
    changed blocks on a 400 GiB volume still show where they cluster; with
    ``relative=False`` a cell is ``█`` only when every one of its blocks changed. Either
    way a cell with any change shows at least ``░``. Blocks beyond ``total_blocks`` (a
    volume that grew) widen the map to fit them.
    """
    glyphs = ASCII_STRIP if ascii else STRIP
    last = max((start + count for start, count in runs), default=0)
    total = max(total_blocks, last)
    cells = max(0, min(width, total))
    text = Text(no_wrap=True, overflow="crop")
    if cells == 0:
        return text
    counts = cell_counts(sorted(runs), total, cells)
    densities = [
        count / ((i + 1) * total // cells - i * total // cells) for i, count in enumerate(counts)
    ]
    peak = max(densities) if relative else 1.0
    levels = len(glyphs) - 1
    for density in densities:
        if density <= 0:
            text.append(glyphs[0], style=EMPTY_STYLE)
            continue
        level = _level(density / peak, levels)
        text.append(glyphs[level], style=LEVEL_STYLES[min(level, len(LEVEL_STYLES)) - 1])
    return text


def block_strip(
    changed_indexes: Iterable[int],
    total_blocks: int,
    width: int,
    *,
    ascii: bool = False,
    relative: bool = True,
) -> Text:
    """``block_strip_runs`` for a plain collection of changed block indexes."""
    runs = runs_from_indexes(changed_indexes)
    return block_strip_runs(runs, total_blocks, width, ascii=ascii, relative=relative)


def diff_strip(diff: BlockDiff, width: int, *, ascii: bool = False, relative: bool = True) -> Text:
    return block_strip_runs(diff.runs, diff.total_blocks, width, ascii=ascii, relative=relative)


# ---------------------------------------------------------------------------------------------
# The sparkline: changed bytes per generation.


def sparkline(values: Sequence[float | None], width: int, *, ascii: bool = False) -> Text:
    """One glyph per value, oldest first, scaled to the largest (linear, so a burst stands out).

    Zero is ``·``, any value above zero at least ``▁``, None (unknown) a blank. With more
    values than ``width``, neighbours share a cell and the cell shows the largest of them: a
    burst night is never averaged away.
    """
    bars = ASCII_SPARK if ascii else SPARK
    zero = ASCII_SPARK_ZERO if ascii else SPARK_ZERO
    text = Text(no_wrap=True, overflow="crop")
    if width <= 0 or not values:
        return text
    cells = min(width, len(values))
    buckets: list[float | None] = []
    for i in range(cells):
        chunk = [
            v
            for v in values[i * len(values) // cells : (i + 1) * len(values) // cells]
            if v is not None
        ]
        buckets.append(max(chunk) if chunk else None)
    peak = max((v for v in buckets if v is not None), default=0.0)
    for value in buckets:
        if value is None:
            text.append(SPARK_UNKNOWN)
        elif value <= 0 or peak <= 0:
            text.append(zero, style=EMPTY_STYLE)
        else:
            level = _level(value / peak, len(bars))
            text.append(bars[level - 1], style="bold red" if level == len(bars) else "yellow")
    return text


def timeline_values(
    changes: Mapping[str, BlockResult], snapshot_ids_oldest_first: Sequence[str]
) -> list[int | None]:
    """Changed bytes per generation for ``sparkline``: None where unknown (or the oldest)."""
    values: list[int | None] = []
    for snapshot_id in snapshot_ids_oldest_first:
        result = changes.get(snapshot_id)
        values.append(result.changed_bytes if isinstance(result, BlockDiff) else None)
    return values


# ---------------------------------------------------------------------------------------------
# The summary line.


def format_share(share: float) -> str:
    """A fraction as a percentage that never rounds a change away: ``<0.01%``, ``0.09%``,
    ``4.2%``, ``37%``; ``>99.9%`` until it is really all."""
    percent = share * 100
    if percent <= 0:
        return "0%"
    if percent < 0.01:
        return "<0.01%"
    if percent < 1:
        return f"{percent:.2f}%"
    if percent < 10:
        return f"{percent:.1f}%"
    if percent < 99.9:
        return f"{percent:.0f}%"
    return "100%" if percent >= 100 else ">99.9%"


def _volume_size(size_bytes: int) -> str:
    if size_bytes > 0 and size_bytes % GIB == 0:
        return format_gib(size_bytes // GIB)
    return format_bytes(size_bytes)


def format_change(diff: BlockDiff, *, ascii: bool = False) -> str:
    """``52 blocks · 26.0 MiB · <0.01% of 400 GiB`` (thousands separated: ``1,200 blocks``)."""
    sep = " - " if ascii else " · "
    count = diff.changed_blocks
    parts = [f"{count:,} block{'' if count == 1 else 's'}", format_bytes(diff.changed_bytes)]
    if diff.volume_size_bytes > 0:
        parts.append(f"{format_share(diff.share)} of {_volume_size(diff.volume_size_bytes)}")
    return sep.join(parts)
