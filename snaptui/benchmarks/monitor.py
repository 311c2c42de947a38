"""Watch an event loop: a ticker for stalls, gc pauses, and timed spans of chosen methods.

The ticker sleeps TICK seconds at a time on the loop it runs on; anything that keeps that loop
(or, through the GIL, the whole process) busy delays its wake-up, and the delay beyond TICK is
recorded as a stall. gc pauses come from ``gc.callbacks`` and cover every thread (a collection
holds the GIL). Spans are wall-clock durations of wrapped methods (the browser's redraw, the
table fill, the compositor refresh), used to explain where the worst stall went.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections import defaultdict
from collections.abc import Callable
from time import perf_counter
from typing import Any

from snaptui.benchmarks.common import ms, percentile

TICK = 0.005

Span = tuple[float, float]
"""(start, seconds)"""


class LoopMonitor:
    def __init__(self, tick: float = TICK) -> None:
        self.tick = tick
        self.gaps: list[tuple[float, float]] = []
        """(time the tick woke up, seconds it was late)"""
        self.gc_pauses: list[tuple[float, float, int]] = []
        """(start, seconds, generation)"""
        self.spans: dict[str, list[Span]] = defaultdict(list)
        self._gc_started: float | None = None
        self._task: asyncio.Task[None] | None = None

    # -- running ---------------------------------------------------------------------------

    def start(self) -> None:
        gc.callbacks.append(self._on_gc)
        self._task = asyncio.get_running_loop().create_task(self._tick())

    async def stop(self) -> None:
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _tick(self) -> None:
        last = perf_counter()
        while True:
            await asyncio.sleep(self.tick)
            now = perf_counter()
            self.gaps.append((now, max(0.0, now - last - self.tick)))
            last = now

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        now = perf_counter()
        if phase == "start":
            self._gc_started = now
        elif self._gc_started is not None:
            self.gc_pauses.append((self._gc_started, now - self._gc_started, info["generation"]))
            self._gc_started = None

    def wrap(
        self, obj: object, name: str, label: str, after: Callable[[], None] | None = None
    ) -> None:
        """Time every call of ``obj.name`` (an instance attribute shadows the method)."""
        original = getattr(obj, name)
        spans = self.spans[label]

        def timed(*args: Any, **kwargs: Any) -> Any:
            began = perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spans.append((began, perf_counter() - began))
                if after is not None:
                    after()

        setattr(obj, name, timed)

    # -- reporting -------------------------------------------------------------------------

    def window(self, start: float, end: float) -> dict[str, Any]:
        """Stalls, gc and spans between *start* and *end* (perf_counter times)."""
        gaps = [(t, g) for t, g in self.gaps if start <= t <= end]
        stalls = [g for _, g in gaps]
        worst_at, worst = max(gaps, key=lambda x: x[1], default=(end, 0.0))
        worst_from = worst_at - worst - self.tick
        pauses = [p for p in self.gc_pauses if start <= p[0] <= end]
        by_gen: dict[str, dict[str, float | int | None]] = {}
        for gen in (0, 1, 2):
            durations = [d for _, d, g in pauses if g == gen]
            by_gen[f"gen{gen}"] = {
                "count": len(durations),
                "total_ms": ms(sum(durations)),
                "max_ms": ms(max(durations, default=0.0)),
            }
        spans = {
            label: [s for s in found if start <= s[0] <= end] for label, found in self.spans.items()
        }
        return {
            "seconds": round(end - start, 3),
            "ticks": len(stalls),
            "tick_ms": ms(self.tick),
            "max_ms": ms(worst),
            "p99_ms": ms(percentile(stalls, 99)),
            "p95_ms": ms(percentile(stalls, 95)),
            "median_ms": ms(percentile(stalls, 50)),
            "stalls_over_50ms": sum(1 for s in stalls if s > 0.05),
            "blocked_ms_total": ms(sum(stalls)),
            "worst_stall_at_s": round(worst_from - start, 3),
            "gc": {
                "collections": len(pauses),
                "total_ms": ms(sum(d for _, d, _ in pauses)),
                "max_ms": ms(max((d for _, d, _ in pauses), default=0.0)),
                **by_gen,
            },
            "spans": {
                label: {
                    "count": len(found),
                    "total_ms": ms(sum(d for _, d in found)),
                    "max_ms": ms(max((d for _, d in found), default=0.0)),
                }
                for label, found in spans.items()
            },
            "worst_stall_overlaps_ms": {
                "gc": ms(_overlap([(s, d) for s, d, _ in pauses], worst_from, worst_at)),
                **{
                    label: ms(_overlap(found, worst_from, worst_at))
                    for label, found in spans.items()
                },
            },
        }


def _overlap(spans: list[Span], start: float, end: float) -> float:
    """Seconds of *spans* inside [start, end]."""
    return sum(max(0.0, min(end, s + d) - max(start, s)) for s, d in spans)
