"""Provides the pure rules of waiting for resources (no I/O): when a state counts as done.

botocore's waiters give up after 10 minutes (15 s x 40) and cannot report ``Progress``; the
first snapshot of a large volume takes hours. ``snaptui wait`` and ``--wait`` therefore poll
on their own, with no cap unless the user sets one, and use these rules:

- each kind of resource has states that mean *done* and states that mean *failed* (anything
  else means *still waiting*), following the botocore waiters' acceptors;
- a resource that is not found right after it was created is eventual consistency, not
  absence: it counts as waiting for ``NOT_FOUND_GRACE`` seconds, then as failed;
- the poll interval grows with the time waited (a pipeline waiting for hours should not
  spend its describe rate limit on the first minutes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "NOT_FOUND_GRACE",
    "TARGETS",
    "Kind",
    "Observation",
    "Target",
    "Verdict",
    "all_finished",
    "kind_of",
    "parse_duration",
    "poll_interval",
    "verdict",
]

NOT_FOUND_GRACE = 60.0
"""Seconds a missing resource counts as "not visible yet" rather than as gone."""


class Kind(StrEnum):
    SNAPSHOT = "snapshot"
    VOLUME = "volume"
    IMAGE = "image"
    INSTANCE = "instance"


_PREFIXES = {"snap": Kind.SNAPSHOT, "vol": Kind.VOLUME, "ami": Kind.IMAGE, "i": Kind.INSTANCE}


def kind_of(resource_id: str) -> Kind | None:
    """The kind of resource an id names, from its prefix (``snap-`` ...); None if unknown."""
    prefix, dash, _ = resource_id.partition("-")
    return _PREFIXES.get(prefix) if dash else None


class Verdict(StrEnum):
    WAITING = "waiting"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class Target:
    done: frozenset[str]
    failed: frozenset[str]
    goal: str
    """How the goal reads in a message: ``completed``, ``available``..."""


TARGETS: dict[Kind, Target] = {
    Kind.SNAPSHOT: Target(frozenset({"completed"}), frozenset({"error"}), "completed"),
    Kind.VOLUME: Target(
        frozenset({"available", "in-use"}),
        frozenset({"error", "deleting", "deleted"}),
        "available",
    ),
    Kind.IMAGE: Target(
        frozenset({"available"}),
        frozenset({"failed", "invalid", "error", "deregistered", "disabled"}),
        "available",
    ),
    # botocore's instance_running fails on these too: a stopped instance never starts by itself.
    Kind.INSTANCE: Target(
        frozenset({"running"}),
        frozenset({"shutting-down", "terminated", "stopping", "stopped"}),
        "running",
    ),
}


def verdict(kind: Kind, state: str | None, *, missing_for: float = 0.0) -> Verdict:
    """Done, failed or still waiting. ``state`` None means "not found" (for ``missing_for`` s)."""
    if state is None:
        return Verdict.WAITING if missing_for < NOT_FOUND_GRACE else Verdict.FAILED
    target = TARGETS[kind]
    if state in target.done:
        return Verdict.DONE
    if state in target.failed:
        return Verdict.FAILED
    return Verdict.WAITING


@dataclass(frozen=True)
class Observation:
    """One resource as the last poll saw it."""

    id: str
    kind: Kind
    state: str | None
    """None while the resource is not found."""
    progress: int | None = None
    """0..100 for snapshots; None for other kinds or when AWS says nothing usable."""
    verdict: Verdict = Verdict.WAITING

    @property
    def finished(self) -> bool:
        return self.verdict is not Verdict.WAITING

    @property
    def percent(self) -> int | None:
        """Progress for a bar: 100 when done, the snapshot's own progress while waiting."""
        if self.verdict is Verdict.DONE:
            return 100
        return self.progress


def all_finished(observations: Iterable[Observation]) -> bool:
    return all(o.finished for o in observations)


def poll_interval(elapsed: float) -> float:
    """Seconds to the next poll: 2 s in the first minute, 5 s up to 10 min, then 15 s."""
    if elapsed < 60:
        return 2.0
    if elapsed < 600:
        return 5.0
    return 15.0


_DURATION_RE = re.compile(r"(\d+(?:\.\d+)?)([smhdw]?)")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> float:
    """``"90"``/``"90s"``, ``"30m"``, ``"2h"``, ``"1h30m"``, ``"30d"``, ``"2w"`` -> seconds.

    Raises ValueError with a message that shows the accepted forms.
    """
    cleaned = text.strip().lower().replace(" ", "")
    position, total = 0, 0.0
    while position < len(cleaned):
        match = _DURATION_RE.match(cleaned, position)
        if match is None or match.end() == position:
            break
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        position = match.end()
    if not cleaned or position != len(cleaned) or total <= 0:
        raise ValueError(
            f"{text!r} is not a duration: use a number with a unit, e.g. 90s, 30m, 2h, 1h30m, 30d"
        )
    return total
