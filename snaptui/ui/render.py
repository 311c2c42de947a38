"""Pure functions that turn models into table cells: sizes, ages, states. No widgets, no I/O.

``now`` is always passed in, so the same input renders the same text in tests and screenshots.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from rich.text import Text

if TYPE_CHECKING:
    from snaptui.aws.context import CallRecord

# State words are always shown as text; colour only reinforces them (never colour alone).
STATE_STYLES = {
    "running": "green",
    "available": "green",
    "completed": "green",
    "in-use": "cyan",
    "pending": "yellow",
    "creating": "yellow",
    "stopping": "yellow",
    "shutting-down": "yellow",
    "stopped": "bright_black",
    "terminated": "bright_black",
    "error": "bold red",
    "failed": "bold red",
    "deleting": "red",
}


def state_text(state: str) -> Text:
    return Text(state or "?", style=STATE_STYLES.get(state, ""))


def format_age(then: datetime | None, now: datetime) -> str:
    """A compact age like ``45s``, ``12m``, ``3h``, ``5d``, ``7w``; ``-`` when unknown."""
    if then is None:
        return "-"
    seconds = max(0, int((now - then).total_seconds()))
    return format_duration(timedelta(seconds=seconds))


def format_duration(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        hours, rest = divmod(seconds, 3600)
        return f"{hours}h{rest // 60:02d}m" if hours < 10 and rest >= 60 else f"{hours}h"
    days = seconds // 86400
    if days < 14:
        hours = (seconds % 86400) // 3600
        return f"{days}d{hours}h" if days < 3 and hours else f"{days}d"
    return f"{days // 7}w"


def format_gib(size_gib: int | None) -> str:
    if size_gib is None:
        return "-"
    if size_gib >= 1024 and size_gib % 1024 == 0:
        return f"{size_gib // 1024} TiB"
    return f"{size_gib} GiB"


def format_bytes(count: int) -> str:
    value = float(count)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def progress_text(progress: int | None, width: int = 10) -> Text:
    """A bar plus percentage, e.g. ``█████░░░░░  52%``; works in 16 colours and NO_COLOR."""
    if progress is None:
        return Text("?", style="yellow")
    progress = max(0, min(100, progress))
    filled = round(width * progress / 100)
    bar = Text("█" * filled, style="yellow")
    bar.append("░" * (width - filled), style="bright_black")
    bar.append(f" {progress:3d}%")
    return bar


def format_time(then: datetime | None, now: datetime) -> str:
    """``2026-03-01 12:00:00 UTC (3d ago)``; ``-`` when unknown. Always UTC, as AWS reports."""
    if then is None:
        return "-"
    return f"{then.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC ({format_age(then, now)} ago)"


def short_id(resource_id: str, keep: int = 4) -> str:
    """``vol-0abc1234def567890`` -> ``vol-0abc…``: for breadcrumbs, never for id columns."""
    prefix, dash, rest = resource_id.partition("-")
    if not dash or len(rest) <= keep + 1:
        return resource_id
    return f"{prefix}-{rest[:keep]}…"


def truncate(text: str, width: int) -> str:
    """Cut *text* to *width* cells, marking the cut with ``…``."""
    if len(text) <= width:
        return text
    return text[: max(0, width - 1)] + "…"


def snapshot_state_text(state: str, progress: int | None, bar_width: int = 6) -> Text:
    """The state word, plus a progress bar and percentage while the snapshot is pending.

    A completed or failed snapshot shows the word alone: its progress tells nothing new.
    """
    text = state_text(state)
    if state == "pending":
        text.append(" ")
        text.append_text(progress_text(progress, bar_width))
    return text


def yes_no(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "no")


def format_seconds(seconds: float) -> str:
    """A call duration: ``850ms``, ``1.2s``, ``42s``."""
    if round(seconds * 1000) < 1000:
        return f"{seconds * 1000:.0f}ms"
    if seconds < 10:
        return f"{seconds:.1f}s"
    return f"{seconds:.0f}s"


# ---------------------------------------------------------------------------------------------
# The action log (lazygit's command log): one row per AWS call.

CALL_RECORD_LABELS = ("Time", "Operation", "Parameters", "Result", "Request id", "Took")


def outcome_text(outcome: str) -> Text:
    """``ok`` / ``dry-run-ok`` in green, an error code in bold red (the code is the text)."""
    ok = outcome in ("ok", "dry-run-ok")
    return Text(outcome or "?", style="green" if ok else "bold red")


def call_record_cells(record: CallRecord, tz: tzinfo | None = None) -> tuple[str | Text, ...]:
    """Cells for ``CALL_RECORD_LABELS``; times in *tz* (default: as recorded, UTC)."""
    started = record.started_at.astimezone(tz) if tz is not None else record.started_at
    params = " ".join(f"{key}={value}" for key, value in sorted(record.params.items()))
    return (
        f"{started:%H:%M:%S}",
        f"{record.service}:{record.operation}",
        params or "-",
        outcome_text(record.outcome),
        record.request_id or "-",
        format_seconds(record.duration),
    )
