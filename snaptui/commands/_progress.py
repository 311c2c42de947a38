"""Progress of a wait on stderr: one redrawn bar on a terminal, plain lines in a log.

On a terminal the last line is redrawn in place (``\\r``) and every resource that finishes
gets a line of its own above it. Elsewhere (CI logs, ``2>file``) a line is written when a
resource changes state or crosses another 10 %, plus a heartbeat every minute, so a log
shows both progress and that the job is still alive, without a line every two seconds.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from snaptui.aws.waiting import Observation, Verdict

__all__ = ["ProgressReporter", "describe", "format_elapsed"]

BAR_WIDTH = 24
HEARTBEAT = 60.0


def format_elapsed(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def describe(observation: Observation) -> str:
    """``snap-0123 pending 45%``, ``vol-0123 available``, ``ami-0123 not found yet``."""
    if observation.state is None:
        word = "not found" if observation.verdict is Verdict.FAILED else "not found yet"
        return f"{observation.id} {word}"
    text = f"{observation.id} {observation.state}"
    if observation.state == "pending" and observation.progress is not None:
        text += f" {observation.progress}%"
    return text


class ProgressReporter:
    """Feed it every poll's observations; ``finish()`` once at the end."""

    def __init__(self, stream: TextIO | None = None, *, tty: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self._seen: dict[str, tuple[str | None, int | None]] = {}
        self._last_line_at = 0.0
        self._drawn = False

    def update(self, observations: Sequence[Observation], elapsed: float) -> None:
        changed = [o for o in observations if self._changed(o)]
        if self.tty:
            self._clear()
            for observation in changed:
                if observation.finished:
                    self.stream.write(describe(observation) + "\n")
            self.stream.write(self._bar(observations, elapsed))
            self._drawn = True
        else:
            for observation in changed:
                self.stream.write(f"{describe(observation)} ({format_elapsed(elapsed)})\n")
            if changed:
                self._last_line_at = elapsed
            elif elapsed - self._last_line_at >= HEARTBEAT:
                waiting = sum(1 for o in observations if not o.finished)
                self.stream.write(
                    f"still waiting for {waiting} of {len(observations)} "
                    f"({format_elapsed(elapsed)})\n"
                )
                self._last_line_at = elapsed
        self.stream.flush()

    def finish(self) -> None:
        if self.tty and self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False

    def _changed(self, observation: Observation) -> bool:
        bucket = None if observation.progress is None else observation.progress // 10
        key = (observation.state, bucket)
        if self._seen.get(observation.id) == key:
            return False
        self._seen[observation.id] = key
        return True

    def _clear(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[2K")

    @staticmethod
    def _bar(observations: Sequence[Observation], elapsed: float) -> str:
        done = sum(1 for o in observations if o.verdict is Verdict.DONE)
        percents = [o.percent for o in observations if o.percent is not None]
        total = len(observations)
        if percents and len(percents) == total:
            share = sum(percents) / (100 * total)
        else:
            share = done / total if total else 1.0
        filled = round(BAR_WIDTH * share)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        return (
            f"waiting [{bar}] {share * 100:3.0f}%  {done}/{total} done  {format_elapsed(elapsed)}"
        )
