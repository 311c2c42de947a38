"""Detects a wrong clock on this machine from the ``Date`` header of AWS responses.

SigV4 signatures carry the local time; AWS refuses requests more than 5 minutes off with
RequestExpired or SignatureDoesNotMatch, which look exactly like expired credentials. botocore
only uses the server's Date to compute a retry TTL; it does not correct the clock or say
anything. ``ClockSkewMonitor`` compares every response's Date with the local clock, so the
user is told "your clock is 7 min behind" instead of being sent to re-authenticate in vain.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

__all__ = [
    "AWS_TOLERANCE",
    "WARN_AFTER",
    "ClockSkewMonitor",
    "describe_offset",
    "offset_from_date",
    "offset_from_message",
]

log = logging.getLogger(__name__)

AWS_TOLERANCE = 300.0
"""Seconds of skew AWS accepts before it refuses a signature."""
WARN_AFTER = 60.0
"""Skew worth telling the user about (the Date header has 1 s resolution, plus latency)."""

Clock = Callable[[], datetime]


def offset_from_date(date_header: str, local: datetime) -> float | None:
    """Seconds the server's clock is ahead of *local* (negative: behind); None if unparsable."""
    try:
        server = parsedate_to_datetime(date_header)
    except (TypeError, ValueError, IndexError):
        return None
    if server.tzinfo is None:
        server = server.replace(tzinfo=UTC)
    return (server - local).total_seconds()


_STAMP = r"(\d{8}T\d{6}Z)"
_EXPIRED_RE = re.compile(rf"{_STAMP} is now earlier than {_STAMP} \({_STAMP} - ")
_SERVER_TIME_RE = re.compile(r"ServerTime>?\s*:?\s*(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ?)")


def _stamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def offset_from_message(message: str) -> float | None:
    """The skew stated in an error message, when AWS states it.

    ``Signature expired: 20240101T000000Z is now earlier than 20240101T000500Z
    (20240101T001000Z - 5 min.)``: the first stamp is the request's (local) time, the third
    the server's. S3-style errors carry ``<ServerTime>``; with no request time in the message
    that one is compared with now.
    """
    match = _EXPIRED_RE.search(message)
    if match:
        return (_stamp(match.group(3)) - _stamp(match.group(1))).total_seconds()
    match = _SERVER_TIME_RE.search(message)
    if match:
        server = datetime.fromisoformat(match.group(1).replace("Z", "+00:00"))
        if server.tzinfo is None:
            server = server.replace(tzinfo=UTC)
        return (server - datetime.now(UTC)).total_seconds()
    return None


def describe_offset(seconds: float) -> str:
    """``"this machine's clock is 7 min 12 s behind AWS"``."""
    total = round(abs(seconds))
    minutes, secs = divmod(total, 60)
    amount = f"{minutes} min {secs} s" if minutes else f"{secs} s"
    direction = "behind" if seconds > 0 else "ahead of"
    return f"this machine's clock is {amount} {direction} AWS"


class ClockSkewMonitor:
    """Measures the offset on every response (botocore ``after-call`` events).

    ``on_skew(offset)`` is called (on the AWS thread) when the offset first reaches
    WARN_AFTER, and again whenever it moves by more than WARN_AFTER since the last report.
    """

    def __init__(
        self, on_skew: Callable[[float], None] | None = None, clock: Clock | None = None
    ) -> None:
        self._on_skew = on_skew
        self._clock: Clock = clock or (lambda: datetime.now(UTC))
        self.offset: float | None = None
        """The latest measured offset in seconds (server minus local); None before any."""
        self._reported: float | None = None

    def install(self, session: Any) -> None:
        """Watch every client later created from *session* (botocore/aiobotocore)."""
        session.register("after-call", self.after_call, unique_id="snaptui-clock-skew")

    def after_call(self, http_response: Any = None, **_: Any) -> None:
        headers = getattr(http_response, "headers", None) or {}
        date = headers.get("Date") or headers.get("date")
        if date:
            self.observe(date)

    def observe(self, date_header: str) -> float | None:
        offset = offset_from_date(date_header, self._clock())
        if offset is None:
            return None
        self.offset = offset
        significant = abs(offset) >= WARN_AFTER
        moved = self._reported is None or abs(offset - self._reported) >= WARN_AFTER
        if significant and moved:
            self._reported = offset
            log.warning("clock skew: %s", describe_offset(offset))
            if self._on_skew is not None:
                try:
                    self._on_skew(offset)
                except Exception:  # a broken listener must not break AWS calls
                    log.exception("clock skew listener failed")
        return offset

    @property
    def too_skewed(self) -> bool:
        """True when AWS would refuse signatures because of the skew alone."""
        return self.offset is not None and abs(self.offset) >= AWS_TOLERANCE
