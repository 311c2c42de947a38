"""The change strip, the sparkline and the one-line change summary (pure rich Text)."""

from __future__ import annotations

import pytest

from snaptui.aws.compare import BlockDiff, Reason, Unavailable
from snaptui.ui.blockmap import (
    ASCII_SPARK,
    ASCII_STRIP,
    SPARK,
    STRIP,
    block_strip,
    block_strip_runs,
    cell_counts,
    diff_strip,
    format_change,
    format_share,
    sparkline,
    timeline_values,
)

GIB = 1024**3
EMPTY, FULL = STRIP[0], STRIP[-1]


def test_three_blocks_at_the_start_of_a_hundred() -> None:
    assert block_strip({0, 1, 2}, 100, 10).plain == FULL + EMPTY * 9
    assert block_strip({0, 1, 2}, 100, 100).plain == FULL * 3 + EMPTY * 97
    assert block_strip({0, 1, 2}, 100, 1).plain == FULL
    # Absolute density: 3 of the cell's 10 blocks is the second level; 3% still shows.
    assert block_strip({0, 1, 2}, 100, 10, relative=False).plain == STRIP[2] + EMPTY * 9
    assert block_strip({0, 1, 2}, 100, 1, relative=False).plain == STRIP[1]


@pytest.mark.parametrize(
    ("indexes", "total", "width", "expected"),
    [
        (range(100), 100, 10, FULL * 10),
        (set(), 100, 10, EMPTY * 10),
        ({99}, 100, 10, EMPTY * 9 + FULL),
        (range(50, 60), 100, 10, EMPTY * 5 + FULL + EMPTY * 4),
        (range(50, 60), 100, 5, EMPTY * 2 + FULL + EMPTY * 2),
        ({0, 5}, 8, 4, FULL + EMPTY + FULL + EMPTY),
        (set(range(20)) | {50}, 100, 5, FULL + EMPTY * 1 + STRIP[1] + EMPTY * 2),
        (set(range(10)) | {50, 51, 52, 53, 54}, 100, 2, FULL + STRIP[2]),
    ],
)
def test_strip_density_per_cell_relative_to_the_densest(
    indexes, total: int, width: int, expected: str
) -> None:
    assert block_strip(indexes, total, width).plain == expected


@pytest.mark.parametrize(
    ("indexes", "total", "width", "expected"),
    [
        ({99}, 100, 10, EMPTY * 9 + STRIP[1]),
        (range(50, 60), 100, 5, EMPTY * 2 + STRIP[2] + EMPTY * 2),
        ({0, 5}, 8, 4, STRIP[2] + EMPTY + STRIP[2] + EMPTY),  # 1 of 2 blocks: half
        (range(100), 100, 10, FULL * 10),
    ],
)
def test_strip_absolute_density(indexes, total: int, width: int, expected: str) -> None:
    assert block_strip(indexes, total, width, relative=False).plain == expected


def test_strip_never_wider_than_the_volume_and_grows_for_blocks_beyond_it() -> None:
    assert block_strip({1}, 4, 10).plain == EMPTY + FULL + EMPTY * 2
    assert block_strip({9}, 4, 10).plain == EMPTY * 9 + FULL  # a volume that grew
    assert block_strip(set(), 0, 10).plain == ""
    assert block_strip({0}, 100, 0).plain == ""


def test_strip_ascii_fallback_and_styles() -> None:
    strip = block_strip({0, 1, 2}, 100, 10, ascii=True)
    assert strip.plain == ASCII_STRIP[-1] + ASCII_STRIP[0] * 9
    assert all(ch in ASCII_STRIP for ch in strip.plain)
    styled = block_strip(range(10), 100, 10)
    assert styled.spans[0].style != styled.spans[-1].style  # changed vs empty


def test_cell_counts_from_runs_are_exact_for_big_volumes() -> None:
    total = 819200  # 400 GiB in 512 KiB blocks
    runs = ((0, 600), (409600, 1), (819199, 1))
    counts = cell_counts(runs, total, 80)
    assert sum(counts) == 602
    assert counts[0] == 600 and counts[40] == 1 and counts[79] == 1
    strip = block_strip_runs(runs, total, 80).plain
    assert strip[0] == FULL and strip[40] == STRIP[1] and strip[79] == STRIP[1]
    assert strip.count(EMPTY) == 77
    flat = block_strip_runs(runs, total, 80, relative=False).plain
    assert flat[0] == flat[40] == flat[79] == STRIP[1]  # 600 of 10,240 blocks: still shows


def test_diff_strip_uses_the_volume_size() -> None:
    diff = BlockDiff.from_indexes("a", "b", range(2048), volume_size_bytes=4 * GIB)
    assert diff_strip(diff, 4).plain == FULL + EMPTY * 3  # 1 GiB of 4


# ---------------------------------------------------------------------------------------------


def test_sparkline_scales_to_the_largest_value() -> None:
    assert sparkline([1, 2, 4, 8], 10).plain == "▁▂▄█"
    assert sparkline([0, 8, 4], 10).plain == "·█▄"
    nights = [10, 3, 9, 3, 8, 9, 4, 726, 52, 32]
    line = sparkline(nights, 20).plain
    assert len(line) == 10
    assert line.index("█") == 7 and line.count("█") == 1
    assert set(line) - {"█"} == {"▁"}  # small nights stay visible, never blank


def test_sparkline_all_zero_single_value_and_unknown() -> None:
    assert sparkline([0, 0, 0], 10).plain == "···"
    assert sparkline([5], 10).plain == "█"
    assert sparkline([0], 10).plain == "·"
    assert sparkline([None, 4, None], 10).plain == " █ "
    assert sparkline([], 10).plain == ""
    assert sparkline([1, 2], 0).plain == ""


def test_sparkline_buckets_keep_the_peak() -> None:
    values = [1] * 30 + [100] + [1] * 9  # 40 values into 10 cells
    line = sparkline(values, 10).plain
    assert len(line) == 10
    assert line.count("█") == 1 and line.index("█") == 7


def test_sparkline_ascii() -> None:
    line = sparkline([0, 1, 8], 5, ascii=True).plain
    assert line == "." + ASCII_SPARK[0] + ASCII_SPARK[-1]
    assert SPARK[-1] == "█"


def test_timeline_values_from_changes() -> None:
    diff = BlockDiff.from_indexes("a", "b", [1, 2], volume_size_bytes=GIB)
    changes = {"b": diff, "c": Unavailable(Reason.NOT_COMPLETED, "pending")}
    assert timeline_values(changes, ["a", "b", "c"]) == [None, 2 * 524288, None]


# ---------------------------------------------------------------------------------------------


def test_format_change_numbers_are_exact() -> None:
    diff = BlockDiff.from_indexes("a", "b", range(52), volume_size_bytes=400 * GIB)
    assert format_change(diff) == "52 blocks · 26.0 MiB · <0.01% of 400 GiB"
    burst = BlockDiff.from_indexes("a", "b", range(726), volume_size_bytes=400 * GIB)
    assert format_change(burst) == "726 blocks · 363.0 MiB · 0.09% of 400 GiB"
    full = BlockDiff.from_indexes("a", "b", range(1200), volume_size_bytes=GIB)
    assert format_change(full) == "1,200 blocks · 600.0 MiB · 59% of 1 GiB"
    one = BlockDiff.from_indexes("a", "b", [3], volume_size_bytes=2 * 1024**4)
    assert format_change(one, ascii=True) == "1 block - 512.0 KiB - <0.01% of 2 TiB"
    none = BlockDiff.from_indexes("a", "b", [], volume_size_bytes=0)
    assert format_change(none) == "0 blocks · 0 B"


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (0.0, "0%"),
        (0.00005, "<0.01%"),
        (0.0003, "0.03%"),
        (0.042, "4.2%"),
        (0.37, "37%"),
        (0.9995, ">99.9%"),
        (1.0, "100%"),
    ],
)
def test_format_share(share: float, text: str) -> None:
    assert format_share(share) == text
