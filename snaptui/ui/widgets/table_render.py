"""The pure part of ResourceTable: measuring cells, choosing the columns that fit, composing lines.

Nothing here touches a widget or a console, so it is cheap to test. Measuring is a plain Python
loop over cell lengths (no Console render per row): that is what keeps 10,000 rows instant.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.segment import Segment
from rich.text import Text

from snaptui.ui.columns import CELL_PADDING, Cell

PAD = CELL_PADDING // 2
"""Blank cells on each side of a cell, as DataTable draws them."""

_BLANKS = str.maketrans({"\n": " ", "\r": " ", "\t": " "})
"""A line of the table is one terminal line: control characters that move the cursor become
blanks (the same width ``cell_width`` counted for them)."""


class Prioritised(Protocol):
    """What ``fit`` needs of a column (``columns.Column`` has it)."""

    @property
    def priority(self) -> int: ...


def cell_width(cell: Cell) -> int:
    """Cells a value takes on screen. ASCII strings (nearly every cell) skip Rich's tables."""
    if isinstance(cell, Text):
        return cell.cell_len
    return len(cell) if cell.isascii() else cell_len(cell)


def cell_widths(cells: Iterable[Cell]) -> tuple[int, ...]:
    return tuple(map(cell_width, cells))


def max_widths(rows: Sequence[Sequence[int]], count: int) -> list[int]:
    """The widest value of each of *count* columns over *rows* (0 without rows).

    ``zip(*rows)`` transposes in C: 10,000 rows of 9 widths take a few milliseconds.
    """
    if not rows:
        return [0] * count
    return [max(column) for column in zip(*rows, strict=True)]


def column_widths(
    fixed: Sequence[int | None], labels: Sequence[str], measured: Sequence[int]
) -> list[int]:
    """The width of each column: its fixed width, else the widest of its label and cells."""
    return [
        width or max(cell_len(label), content)
        for width, label, content in zip(fixed, labels, measured, strict=True)
    ]


def fit(columns: Sequence[Prioritised], widths: Sequence[int], room: int) -> list[int]:
    """Indexes of the columns to keep: drop the least important (highest priority number,
    rightmost first) until the widths fit in *room*; priority 0 always stays. Then a less
    important but narrow column may still fit in what a wide one left."""
    keep = list(range(len(columns)))
    while sum(widths[i] + CELL_PADDING for i in keep) > room:
        droppable = [i for i in keep if columns[i].priority > 0]
        if not droppable:
            break
        keep.remove(max(droppable, key=lambda i: (columns[i].priority, i)))
    used = sum(widths[i] + CELL_PADDING for i in keep)
    for i in sorted(set(range(len(columns))) - set(keep), key=lambda i: (columns[i].priority, i)):
        if used + widths[i] + CELL_PADDING <= room:
            keep.append(i)
            used += widths[i] + CELL_PADDING
    return sorted(keep)


def line_width(widths: Sequence[int]) -> int:
    """Cells one line of the table takes: every column plus its padding."""
    return sum(widths) + CELL_PADDING * len(widths)


def as_text(cell: Cell) -> Text:
    """A cell as Text. Strings are taken literally, never parsed as markup."""
    return cell if isinstance(cell, Text) else Text(cell)


def fit_plain(cell: str, width: int) -> str:
    """*cell* on one line of exactly *width* cells: padded, or cut with ``…`` (never wrapped)."""
    if width <= 0:
        return ""
    if "\n" in cell or "\r" in cell or "\t" in cell:
        cell = cell.translate(_BLANKS)
    length = len(cell) if cell.isascii() else cell_len(cell)
    if length > width:
        return set_cell_size(cell, width - 1) + "…"
    return cell + " " * (width - length) if length < width else cell


def fit_cell(cell: Cell, width: int) -> Text:
    """*cell* as Text on one line of exactly *width* cells, like ``fit_plain``.

    A Text cell is copied before any change: the caller's cells are cached and shared.
    """
    if not isinstance(cell, Text):
        return Text(fit_plain(cell, width))
    if width <= 0:
        return Text()
    text = cell
    plain = text.plain
    if "\n" in plain or "\r" in plain or "\t" in plain:
        text = text.copy()
        text.plain = plain.translate(_BLANKS)
    if text.cell_len != width:
        if text is cell:
            text = text.copy()
        text.truncate(width, overflow="ellipsis", pad=True)
    return text


def line_segments(cells: Sequence[Cell], widths: Sequence[int], console: Console) -> list[Segment]:
    """One table line: each cell fitted to its column, with PAD blanks on each side.

    Strings become one unstyled segment each (taken literally, never parsed as markup); Text
    cells keep their styles. *console* only resolves style names (``"bold magenta"``).
    """
    pad = " " * PAD
    segments: list[Segment] = []
    append = segments.append
    for cell, width in zip(cells, widths, strict=True):
        if isinstance(cell, Text):
            fitted = fit_cell(cell, width)
            append(Segment(pad))
            if fitted.style:  # Text.render draws the spans only; the base style goes under
                base = console.get_style(fitted.style)
                segments.extend(Segment.apply_style(fitted.render(console), base))
            else:
                segments.extend(fitted.render(console))
            append(Segment(pad))
        else:
            append(Segment(f"{pad}{fit_plain(cell, width)}{pad}"))
    return segments


def column_at(widths: Sequence[int], x: int) -> int | None:
    """The index of the column under offset *x* of a line (padding included), or None."""
    if x < 0:
        return None
    right = 0
    for index, width in enumerate(widths):
        right += width + CELL_PADDING
        if x < right:
            return index
    return None


def scroll_for_row(row: int, top: int, visible: int) -> int:
    """The first row to show so that *row* is visible, moving as little as possible from *top*
    (*visible* rows fit under the header)."""
    if row < top:
        return row
    if visible > 0 and row >= top + visible:
        return row - visible + 1
    return top
