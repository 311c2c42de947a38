"""Polls resources until each is done or failed, or the optional timeout passes.

Resources are read by id *filter* (``snapshot-id``, ``volume-id``...), never by ``...Ids``:
AWS fails a whole ``...Ids`` call when one id is missing, and a resource created a moment ago
may not be visible yet. A missing one counts as waiting for a grace period (see
``snaptui.aws.waiting``). Transient AWS errors (throttling, timeouts) do not end a wait of
hours: they are reported and the next poll tries again; other errors end it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from snaptui.aws.waiting import (
    Kind,
    Observation,
    Verdict,
    all_finished,
    kind_of,
    poll_interval,
    verdict,
)
from snaptui.commands._output import note
from snaptui.commands._progress import ProgressReporter, describe, format_elapsed

if TYPE_CHECKING:
    from snaptui.aws.client import AwsClient
    from snaptui.aws.service import Ec2Service

__all__ = ["WaitOutcome", "wait_for"]


@dataclass(frozen=True)
class WaitOutcome:
    observations: tuple[Observation, ...]
    timed_out: bool
    elapsed: float

    @property
    def failed(self) -> tuple[Observation, ...]:
        return tuple(o for o in self.observations if o.verdict is Verdict.FAILED)

    @property
    def pending(self) -> tuple[Observation, ...]:
        return tuple(o for o in self.observations if o.verdict is Verdict.WAITING)

    def summary(self) -> str:
        """One line for stderr: what finished, what failed, what is still running."""
        if self.timed_out:
            still = ", ".join(describe(o) for o in self.pending)
            return (
                f"timed out after {format_elapsed(self.elapsed)}: {still}; it keeps running in "
                f"AWS: watch again with 'snaptui wait {' '.join(o.id for o in self.pending)}'"
            )
        if self.failed:
            return "failed: " + ", ".join(describe(o) for o in self.failed)
        return f"done after {format_elapsed(self.elapsed)}: " + ", ".join(
            describe(o) for o in self.observations
        )


_FILTERS = {
    Kind.SNAPSHOT: ("DescribeSnapshots", "Snapshots", "snapshot-id", "SnapshotId"),
    Kind.VOLUME: ("DescribeVolumes", "Volumes", "volume-id", "VolumeId"),
    Kind.IMAGE: ("DescribeImages", "Images", "image-id", "ImageId"),
    Kind.INSTANCE: ("DescribeInstances", "Reservations", "instance-id", "InstanceId"),
}


async def _describe(service: Ec2Service, kind: Kind, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Raw items by id; the ids AWS does not list are simply absent."""
    operation, key, filter_name, id_key = _FILTERS[kind]
    params: dict[str, Any] = {"Filters": [{"Name": filter_name, "Values": ids}]}
    if kind is Kind.SNAPSHOT:
        params["OwnerIds"] = ["self"]
    response = await service.ctx.call("ec2", operation, **params)
    items = list(response.get(key) or ())
    if kind is Kind.INSTANCE:
        items = [i for reservation in items for i in reservation.get("Instances") or ()]
    return {str(item[id_key]): item for item in items}


def _state_of(kind: Kind, item: dict[str, Any] | None) -> tuple[str | None, int | None]:
    from snaptui.aws.models import parse_progress

    if item is None:
        return None, None
    if kind is Kind.INSTANCE:
        return str((item.get("State") or {}).get("Name") or "unknown"), None
    state = str(item.get("State") or "unknown")
    return state, parse_progress(item.get("Progress")) if kind is Kind.SNAPSHOT else None


async def poll(
    client: AwsClient, ids: Sequence[str], missing_since: dict[str, float], now: float
) -> list[Observation]:
    """One look at every id (one call per kind)."""
    by_kind: dict[Kind, list[str]] = {}
    for resource_id in ids:
        kind = kind_of(resource_id)
        assert kind is not None, resource_id
        by_kind.setdefault(kind, []).append(resource_id)
    found: dict[str, dict[str, Any]] = {}
    for kind, kind_ids in by_kind.items():
        found.update(await client.run(_describe, kind, kind_ids))
    observations = []
    for resource_id in ids:
        kind = kind_of(resource_id)
        assert kind is not None
        state, progress = _state_of(kind, found.get(resource_id))
        if state is None:
            missing_since.setdefault(resource_id, now)
        else:
            missing_since.pop(resource_id, None)
        missing_for = now - missing_since.get(resource_id, now)
        result = verdict(kind, state, missing_for=missing_for)
        observations.append(Observation(resource_id, kind, state, progress, result))
    return observations


def _unseen(resource_id: str) -> Observation:
    kind = kind_of(resource_id)
    assert kind is not None
    return Observation(resource_id, kind, None)


async def wait_for(
    client: AwsClient,
    ids: Sequence[str],
    *,
    limit: float | None,
    reporter: ProgressReporter | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> WaitOutcome:
    """Poll until every id is done or failed; ``limit`` (seconds) None means no limit at all."""
    from snaptui.aws.errors import AwsError

    reporter = reporter or ProgressReporter()
    started = clock()
    missing_since: dict[str, float] = {}
    observations: list[Observation] = []
    try:
        while True:
            elapsed = clock() - started
            try:
                observations = await poll(client, ids, missing_since, elapsed)
            except AwsError as error:
                if not error.retryable:
                    raise
                note(f"{error.code} while polling: trying again")
            else:
                reporter.update(observations, elapsed)
                if observations and all_finished(observations):
                    return WaitOutcome(tuple(observations), False, elapsed)
            pause = poll_interval(elapsed)
            if limit is not None:
                left = limit - (clock() - started)
                if left <= 0:
                    seen = observations or [_unseen(i) for i in ids]
                    return WaitOutcome(tuple(seen), True, clock() - started)
                pause = min(pause, left)
            await asyncio.sleep(pause)
    finally:
        reporter.finish()


def exit_code(outcome: WaitOutcome | None) -> int:
    """0 when everything finished well (or nobody waited), 4 on timeout, 1 when one failed."""
    from snaptui.cli import EXIT_FAILED, EXIT_OK, EXIT_TIMEOUT

    if outcome is None:
        return EXIT_OK
    if outcome.timed_out:
        return EXIT_TIMEOUT
    return EXIT_FAILED if outcome.failed else EXIT_OK


async def wait_if_asked(
    wait: bool, client: AwsClient, ids: Sequence[str], limit: float | None
) -> WaitOutcome | None:
    """``--wait``: wait for ``ids`` with progress on stderr and a summary line at the end."""
    if not wait or not ids:
        return None
    cap = f" (at most {format_elapsed(limit)})" if limit else ""
    note(f"waiting for {', '.join(ids)}{cap}; Ctrl-C stops watching, not the work")
    outcome = await wait_for(client, ids, limit=limit)
    note(outcome.summary())
    return outcome


async def fetch(client: AwsClient, kind: Kind, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The raw Describe* items of ``ids`` by id (missing ones absent, never an error)."""
    return await client.run(_describe, kind, list(ids)) if ids else {}


def wait_fields(outcome: WaitOutcome | None) -> dict[str, bool]:
    """``waited``/``timed_out`` for a creating command's JSON."""
    return {"waited": outcome is not None, "timed_out": bool(outcome and outcome.timed_out)}
