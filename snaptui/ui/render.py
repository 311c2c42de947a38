"""Pure functions that turn models into table cells: sizes, ages, states. No widgets, no I/O.

``now`` is always passed in, so the same input renders the same text in tests and screenshots.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.text import Text

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
