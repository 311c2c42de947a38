"""The pure helpers of ResourceTable: measuring, fitting columns, composing one line."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from snaptui.ui.widgets.table_render import (
    cell_width,
    cell_widths,
    column_at,
    column_widths,
    fit,
    fit_cell,
    fit_plain,
    line_segments,
    line_width,
    max_widths,
    scroll_for_row,
)


@dataclass(frozen=True)
class Col:
    priority: int


def plain(segments: list[Segment]) -> str:
    return "".join(segment.text for segment in segments)


# -- measuring ---------------------------------------------------------------------------------


def test_cell_width_counts_terminal_cells_not_characters():
    assert cell_width("vol-0abc") == 8
    assert cell_width("") == 0
    assert cell_width("数据库") == 6  # wide characters take two cells
    assert cell_width(Text("pending ██░░░░  40%")) == 19
    assert cell_widths(("a", Text("bc"), "数")) == (1, 2, 2)


def test_strings_are_measured_literally_not_as_markup():
    assert cell_width("[bold]x[/bold]") == 14


def test_max_widths_per_column_and_without_rows():
    assert max_widths([(1, 5), (3, 2), (2, 2)], 2) == [3, 5]
    assert max_widths([], 3) == [0, 0, 0]


def test_column_widths_fixed_or_widest_of_label_and_cells():
    assert column_widths([None, 20, None], ["Name", "Volume", "Size▲"], [9, 31, 2]) == [9, 20, 5]


# -- which columns fit -------------------------------------------------------------------------


def test_fit_keeps_everything_that_fits():
    columns = [Col(0), Col(1), Col(2)]
    assert fit(columns, [10, 10, 10], room=36) == [0, 1, 2]


def test_fit_drops_the_highest_priority_number_rightmost_first():
    columns = [Col(0), Col(2), Col(1), Col(2)]
    # 4 columns of 10 + padding 2 = 48; room for 3
    assert fit(columns, [10, 10, 10, 10], room=36) == [0, 1, 2]


def test_fit_never_drops_priority_zero_even_when_nothing_fits():
    columns = [Col(0), Col(0), Col(3)]
    assert fit(columns, [30, 30, 5], room=20) == [0, 1]


def test_fit_re_adds_a_narrow_column_where_a_wide_one_left_room():
    columns = [Col(0), Col(1), Col(2)]
    # without the wide priority-1 column, the narrow priority-2 one fits
    assert fit(columns, [10, 40, 3], room=20) == [0, 2]


def test_line_width_includes_padding():
    assert line_width([3, 5]) == 12
    assert line_width([]) == 0


# -- one line ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "width", "expected"),
    [
        ("abc", 5, "abc  "),
        ("abcdef", 4, "abc…"),
        ("abcd", 4, "abcd"),
        ("a\nb\tc", 5, "a b c"),
        ("数据库", 5, "数据…"),
        ("x", 0, ""),
    ],
)
def test_fit_plain_pads_or_cuts_to_exactly_the_width(cell, width, expected):
    assert fit_plain(cell, width) == expected


def test_fit_cell_keeps_styles_and_leaves_the_cached_cell_alone():
    cell = Text("orphaned-volume", style="magenta")
    cell.stylize("bold", 0, 3)
    fitted = fit_cell(cell, 8)
    assert fitted.plain == "orphane…" and fitted.cell_len == 8
    assert fitted.style == "magenta" and fitted.spans
    assert cell.plain == "orphaned-volume"  # not changed in place
    short = fit_cell(Text("ok", style="green"), 4)
    assert short.plain == "ok  "
    assert fit_cell("[b]x[/b]", 8).plain == "[b]x[/b]"  # literal, not markup


def test_line_segments_pad_each_cell_by_one_and_fit_it():
    console = Console(width=200)
    cells = ["snap-1", Text("pending", style="yellow"), "a-very-long-description"]
    segments = line_segments(cells, [8, 9, 10], console)
    assert plain(segments) == " snap-1    pending    a-very-lo… "
    assert len(plain(segments)) == line_width([8, 9, 10])
    styled = [s for s in segments if s.text.strip() == "pending"]
    assert styled and styled[0].style == Style.parse("yellow")


def test_line_segments_render_strings_unstyled_and_literally():
    segments = line_segments(["[red]x[/red]"], [12], Console())
    assert plain(segments) == " [red]x[/red] "
    assert all(s.style is None for s in segments)


def test_line_segments_of_an_empty_row():
    assert line_segments([], [], Console()) == []


# -- geometry ----------------------------------------------------------------------------------


def test_column_at_maps_an_offset_to_a_column_padding_included():
    widths = [4, 6]  # columns span 0-5 and 6-13
    assert [column_at(widths, x) for x in (0, 5, 6, 13, 14, -1)] == [0, 0, 1, 1, None, None]


def test_scroll_for_row_moves_as_little_as_possible():
    assert scroll_for_row(5, top=0, visible=10) == 0  # already visible
    assert scroll_for_row(12, top=0, visible=10) == 3  # bottom edge
    assert scroll_for_row(2, top=5, visible=10) == 2  # above: to the top
    assert scroll_for_row(0, top=0, visible=0) == 0
