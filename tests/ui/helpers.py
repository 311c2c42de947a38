"""Pilot helpers: wait for what a user would wait for, never sleep blindly."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


async def wait_for(pilot, predicate: Callable[[], bool], within: float = 15.0) -> None:
    """Let the app run until *predicate* holds; fail with a clear message after *within* seconds."""
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within}s: {predicate}")
        await pilot.pause(0.05)
        await asyncio.sleep(0)


def plain(widget) -> str:
    """What a widget shows, as plain text (works for Rich tables inside a Static too)."""
    import io

    from rich.console import Console

    visual = widget.render()
    renderable = getattr(visual, "_renderable", visual)
    console = Console(width=200, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.file.getvalue()
