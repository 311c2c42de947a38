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
