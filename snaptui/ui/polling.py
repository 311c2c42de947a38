"""When to poll pending snapshots next: a fixed interval, doubled after each failure (pure).

One batched DescribeSnapshots per interval, whatever the number of pending snapshots; none
while nothing is pending or the user paused; back off when throttled, up to a minute.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_INTERVAL = 60.0


@dataclass
class PollSchedule:
    base: float
    """Seconds between polls while all is well (config: refresh_interval)."""
    failures: int = 0
    """Consecutive failed polls; each doubles the interval."""
    paused: bool = False
    last_poll: float | None = None
    """Monotonic time the last poll started."""
    reason: str | None = None
    """Why the last poll failed (an AWS error code such as RequestLimitExceeded), if known;
    the status line names it while backing off."""

    @property
    def interval(self) -> float:
        return min(self.base * 2**self.failures, MAX_INTERVAL)

    def due(self, now: float, pending: int) -> bool:
        """Poll now? Never while paused or with nothing pending."""
        if self.paused or pending == 0:
            return False
        return self.last_poll is None or now - self.last_poll >= self.interval

    def started(self, now: float) -> None:
        self.last_poll = now

    def succeeded(self) -> None:
        self.failures = 0
        self.reason = None

    def failed(self, reason: str | None = None) -> None:
        self.failures += 1
        self.reason = reason

    def seconds_until_next(self, now: float) -> float:
        if self.last_poll is None:
            return 0.0
        return max(0.0, self.interval - (now - self.last_poll))
