"""Provides the errors of actions and the bounded retry for EBS's snapshot rate limits.

Two EBS refusals are never retried by botocore, whatever the retry mode:
``SnapshotCreationPerVolumeRateExceeded`` (AWS wants ~15 s between snapshots of one volume) and
``ConcurrentSnapshotLimitExceeded`` (5 pending snapshots per volume, 1 for st1/sc1). Both mean
nothing was created, so waiting and trying again is safe: ``retry_snapshot_limits`` does that
a bounded number of times. Nothing else is ever retried at the application level, except a
call that carries a ClientToken, which AWS makes idempotent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from snaptui.aws.delete_checks import DeleteCheck
from snaptui.aws.errors import AccessDeniedError, AwsError, EndpointError

__all__ = [
    "RATE_LIMIT_CODES",
    "ActionBlockedError",
    "AmbiguousOutcomeError",
    "RetryPolicy",
    "explain",
    "is_ambiguous",
    "retry_snapshot_limits",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

RATE_LIMIT_CODES = frozenset(
    {"SnapshotCreationPerVolumeRateExceeded", "ConcurrentSnapshotLimitExceeded"}
)

_EXPLANATIONS = {
    "SnapshotCreationPerVolumeRateExceeded": (
        "AWS limits how often one volume can be snapshotted (about one request every 15 s): "
        "nothing was created; wait 15 s and try again"
    ),
    "ConcurrentSnapshotLimitExceeded": (
        "the volume already has the maximum number of snapshots in progress (5; 1 for st1/sc1; "
        "deleted and failed ones count until AWS finishes them): nothing was created; wait for "
        "one to complete and try again"
    ),
    "IdempotentParameterMismatch": (
        "this request id (the ClientToken) was already used with different parameters: AWS "
        "ran the first version; plan a new request instead of editing a submitted one"
    ),
}


def explain(error: AwsError) -> AwsError:
    """The same error with a message that says what to do, for the codes that need one."""
    text = _EXPLANATIONS.get(error.code)
    if text is None:
        return error
    kwargs: dict[str, Any] = {
        "operation": error.operation,
        "resource": error.resource,
        "request_id": error.request_id,
        "service": error.service,
        "http_status": error.http_status,
    }
    if isinstance(error, AccessDeniedError):
        kwargs["action"] = error.action
    where = f" ({error.resource})" if error.resource else ""
    return type(error)(error.code, f"{text}{where}", **kwargs)


_NOT_SENT_CODES = frozenset({"ConnectTimeout", "NoRegion", "InvalidEndpoint"})
_SERVER_FAULT_CODES = frozenset(
    {"InternalError", "InternalFailure", "ServiceUnavailable", "Unavailable"}
)


def is_ambiguous(error: AwsError) -> bool:
    """True when the call may or may not have been applied (timeouts, resets, 5xx faults)."""
    if isinstance(error, EndpointError):
        return error.code not in _NOT_SENT_CODES
    return error.code in _SERVER_FAULT_CODES


class AmbiguousOutcomeError(AwsError):
    """A call without a ClientToken failed ambiguously and nothing it would have created is
    visible. Running the same request again is safe: it looks for its request id first."""

    title = "Outcome unknown"
    retryable = True


class ActionBlockedError(Exception):
    """The action must not run: ``checks`` say why (e.g. an AMI uses the snapshot)."""

    def __init__(self, checks: Iterable[DeleteCheck]) -> None:
        self.checks = tuple(checks)
        super().__init__("; ".join(c.message for c in self.checks))


@dataclass(frozen=True)
class RetryPolicy:
    """Waits before trying again after a snapshot rate-limit refusal: 15 s, 30 s, 60 s..."""

    attempts: int = 3
    """Total attempts, the first one included."""
    first_delay: float = 15.0
    backoff: float = 2.0
    max_delay: float = 60.0

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1-based)."""
        return min(self.first_delay * self.backoff ** (retry - 1), self.max_delay)


async def retry_snapshot_limits(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy | None = None,
    *,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    on_wait: Callable[[AwsError, float, int], None] | None = None,
) -> T:
    """Await ``call()``; on a snapshot rate-limit refusal wait and try again, boundedly.

    ``on_wait(error, seconds, retry)`` is told before each wait (for a "retrying in 15 s"
    line). Any other error, and the last refusal, propagate (explained).
    """
    policy = policy or RetryPolicy()
    retry = 0
    while True:
        try:
            return await call()
        except AwsError as error:
            retry += 1
            if error.code not in RATE_LIMIT_CODES or retry >= policy.attempts:
                explained = explain(error)
                if explained is error:
                    raise
                raise explained from error
            seconds = policy.delay(retry)
            log.info("%s: retrying in %.0f s (retry %d)", error.code, seconds, retry)
            if on_wait is not None:
                on_wait(error, seconds, retry)
            await sleep(seconds)
