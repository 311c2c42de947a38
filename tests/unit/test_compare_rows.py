"""The rows of the side-by-side compare view (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from rich.text import Text

from snaptui.aws.compare import BlockDiff, Comparison, Reason, Unavailable
from snaptui.aws.diff import metadata_diff
from snaptui.aws.models import Snapshot
from snaptui.ui.blockmap import STRIP
from snaptui.ui.compare_rows import COLUMNS, compare_rows

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
GIB = 1024**3


def snap(snapshot_id: str, days_ago: float, tags: dict[str, str], **extra: Any) -> Snapshot:
    item: dict[str, Any] = {
        "SnapshotId": snapshot_id,
        "VolumeId": "vol-1",
        "State": "completed",
        "Progress": "100%",
        "StartTime": NOW - timedelta(days=days_ago),
        "VolumeSize": 400,
        "Description": "nightly",
        "OwnerId": "123456789012",
        "StorageTier": "standard",
        "Tags": [{"Key": k, "Value": v} for k, v in tags.items()],
        **extra,
    }
    return Snapshot.from_api(item)


OLDER = snap("snap-old", 2, {"Name": "pg", "policy": "daily", "gone": "1"})
NEWER = snap("snap-new", 1, {"Name": "pg", "policy": "weekly", "fresh": "2"}, VolumeSize=500)


def plain(cell: Text | str) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def by_label(rows: list) -> dict[str, tuple[str, str]]:
    return {label: (plain(older), plain(newer)) for label, older, newer in rows}


def test_fields_side_by_side_with_differences_marked() -> None:
    diff = BlockDiff.from_indexes(OLDER.id, NEWER.id, range(52), volume_size_bytes=500 * GIB)
    rows = compare_rows(Comparison(metadata_diff(NEWER, OLDER), diff), NOW, strip_width=10)
    table = by_label(rows)

    assert COLUMNS == ("Field", "Older", "Newer")
    assert table["  Snapshot"] == ("snap-old", "snap-new")  # older first, no marker
    assert table["  Started"][0].endswith("(2d ago)")
    assert table["  Time between"] == ("", "1d later")
    assert table["≠ Size"] == ("400 GiB", "500 GiB")
    assert table["  Description"] == ("nightly", "nightly")
    assert table["  State"] == ("completed", "completed")
    assert "  Data key" not in table  # nothing to show for unencrypted snapshots
    assert all(label[0] in "≠+−~ " and label[1] == " " for label, _, _ in rows)


def test_tag_rows_with_markers_differences_first() -> None:
    rows = compare_rows(metadata_diff(OLDER, NEWER), NOW)
    labels = [label for label, _, _ in rows]
    start = labels.index("≠ Tags")
    assert labels[start : start + 5] == [
        "≠ Tags",
        "+   fresh",
        "−   gone",
        "~   policy",
        "    Name",
    ]
    table = by_label(rows)
    assert table["≠ Tags"] == ("3", "3")
    assert table["+   fresh"] == ("", "2")
    assert table["−   gone"] == ("1", "")
    assert table["~   policy"] == ("daily", "weekly")
    assert table["    Name"] == ("pg", "pg")
    ascii_labels = [
        label for label, _, _ in compare_rows(metadata_diff(OLDER, NEWER), NOW, ascii=True)
    ]
    assert "-   gone" in ascii_labels and "! Size" in ascii_labels


def test_changed_data_section() -> None:
    diff = BlockDiff.from_indexes(OLDER.id, NEWER.id, range(52), volume_size_bytes=400 * GIB)
    rows = compare_rows(Comparison(metadata_diff(OLDER, NEWER), diff), NOW, strip_width=8)
    table = by_label(rows)
    assert table["≠ Changed data"] == ("", "52 blocks · 26.0 MiB · <0.01% of 400 GiB")
    assert table["  Where"] == ("", STRIP[-1] + STRIP[0] * 7)
    assert [label for label, _, _ in rows][-2:] == ["≠ Changed data", "  Where"]


def test_no_changes_and_still_comparing() -> None:
    empty = BlockDiff.from_indexes(OLDER.id, NEWER.id, [], volume_size_bytes=400 * GIB)
    table = by_label(compare_rows(Comparison(metadata_diff(OLDER, NEWER), empty), NOW))
    assert table["  Changed data"] == ("", "no blocks changed")
    waiting = by_label(compare_rows(metadata_diff(OLDER, NEWER), NOW))
    assert waiting["  Changed data"] == ("", "comparing…")


def test_unavailable_says_which_and_why() -> None:
    reason = Unavailable(Reason.ARCHIVED, "snap-old is in the archive tier: restore it")
    rows = compare_rows(Comparison(metadata_diff(OLDER, NEWER), reason), NOW)
    table = by_label(rows)
    assert table["  Changed data"] == ("", "unavailable: Archived snapshot")
    assert table["  Why"] == ("", "snap-old is in the archive tier: restore it")


def test_pending_state_shows_progress_and_is_marked() -> None:
    pending = snap("snap-new", 0.1, {}, State="pending", Progress="45%")
    table = by_label(compare_rows(metadata_diff(OLDER, pending), NOW))
    older, newer = table["≠ State"]
    assert older == "completed"
    assert newer.startswith("pending") and "45%" in newer
