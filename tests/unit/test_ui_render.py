"""Pure cell rendering: sizes, ages, ids, states with progress, and action-log rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from rich.text import Text

from snaptui.aws.context import CallRecord
from snaptui.aws.models import FrozenMap
from snaptui.ui import render
from tests.unit.ui_factories import NOW


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (59, "59s"),
        (60, "1m"),
        (3599, "59m"),
        (3600, "1h"),
        (3600 + 61, "1h01m"),
        (10 * 3600 + 60, "10h"),
        (86400 + 3600, "1d1h"),
        (3 * 86400 + 3600, "3d"),
        (14 * 86400, "2w"),
        (-5, "0s"),
    ],
)
def test_format_duration(seconds: int, text: str) -> None:
    assert render.format_duration(timedelta(seconds=seconds)) == text


@pytest.mark.parametrize(
    ("size", "text"),
    [(None, "-"), (8, "8 GiB"), (1024, "1 TiB"), (1500, "1500 GiB"), (16384, "16 TiB")],
)
def test_format_gib(size: int | None, text: str) -> None:
    assert render.format_gib(size) == text


def test_format_time_is_utc_with_the_age() -> None:
    then = datetime(2026, 3, 10, 13, 30, tzinfo=timezone(timedelta(hours=2)))  # 11:30 UTC
    assert render.format_time(then, NOW) == "2026-03-10 11:30:00 UTC (30m ago)"
    assert render.format_time(None, NOW) == "-"


@pytest.mark.parametrize(
    ("resource_id", "short"),
    [
        ("vol-0abc1234def567890", "vol-0abc…"),
        ("snap-0123456789abcdef0", "snap-0123…"),
        ("i-0db", "i-0db"),
        ("vol-12345", "vol-12345"),
        ("vol-123456", "vol-1234…"),
        ("nodash", "nodash"),
    ],
)
def test_short_id(resource_id: str, short: str) -> None:
    assert render.short_id(resource_id) == short


@pytest.mark.parametrize(
    ("text", "width", "cut"), [("abcdef", 6, "abcdef"), ("abcdefg", 6, "abcde…"), ("", 3, "")]
)
def test_truncate(text: str, width: int, cut: str) -> None:
    assert render.truncate(text, width) == cut


@pytest.mark.parametrize(
    ("state", "progress", "text"),
    [
        ("pending", 40, "pending ██░░░░  40%"),
        ("pending", 0, "pending ░░░░░░   0%"),
        ("pending", 100, "pending ██████ 100%"),
        ("pending", None, "pending ?"),
        ("completed", 100, "completed"),
        ("error", 40, "error"),
        ("", None, "?"),
    ],
)
def test_snapshot_state_text(state: str, progress: int | None, text: str) -> None:
    assert render.snapshot_state_text(state, progress).plain == text


def test_a_state_word_is_always_there_even_without_colour() -> None:
    for state in render.STATE_STYLES:
        assert render.state_text(state).plain == state


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.0, "0ms"), (0.4237, "424ms"), (0.9996, "1.0s"), (1.25, "1.2s"), (42.4, "42s")],
)
def test_format_seconds(seconds: float, text: str) -> None:
    assert render.format_seconds(seconds) == text


@pytest.mark.parametrize(("value", "text"), [(True, "yes"), (False, "no"), (None, "-")])
def test_yes_no(value: bool | None, text: str) -> None:
    assert render.yes_no(value) == text


def record(outcome: str, request_id: str | None = "req-1", **params: str) -> CallRecord:
    return CallRecord(
        started_at=datetime(2026, 3, 10, 12, 0, 5, tzinfo=UTC),
        service="ec2",
        operation="DescribeSnapshots",
        params=FrozenMap(params),
        resource=None,
        outcome=outcome,
        request_id=request_id,
        duration=0.4237,
    )


def plain(cells: tuple[str | Text, ...]) -> list[str]:
    return [c.plain if isinstance(c, Text) else c for c in cells]


def test_call_record_cells() -> None:
    cells = render.call_record_cells(record("ok", SnapshotIds="snap-1,snap-2", OwnerIds="self"))
    assert len(cells) == len(render.CALL_RECORD_LABELS)
    assert plain(cells) == [
        "12:00:05",
        "ec2:DescribeSnapshots",
        "OwnerIds=self SnapshotIds=snap-1,snap-2",
        "ok",
        "req-1",
        "424ms",
    ]


def test_a_failed_call_shows_its_error_code_as_text() -> None:
    cells = render.call_record_cells(record("UnauthorizedOperation", request_id=None))
    assert plain(cells)[2:5] == ["-", "UnauthorizedOperation", "-"]
    outcome = cells[3]
    assert isinstance(outcome, Text) and "red" in str(outcome.style)


def test_call_record_time_in_another_zone() -> None:
    cells = render.call_record_cells(record("ok"), tz=timezone(timedelta(hours=-5)))
    assert cells[0] == "07:00:05"
