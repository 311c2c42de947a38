"""A fault-injecting HTTP proxy on loopback, between snaptui and a moto backend.

Every request is logged (service, operation, DryRun, what was done to it), and faults are
injected per request or per operation, either *before* the request reaches the backend (it is
certainly not applied) or *after* (the backend applied it, the client never hears so: the
ambiguous case that must not create anything twice)::

    with FaultProxy(moto_url) as proxy:
        proxy.inject("throttle", operation="DescribeSnapshots", times=3)
        proxy.inject("slow", operation="CreateSnapshot", after_forward=True, delay=3)
        ...
        assert proxy.mutating() == []

Faults (the error bodies are the XML EC2 and STS really send):

=================  ============================================================
``throttle``       HTTP 503 ``RequestLimitExceeded`` (EC2's throttling reply)
``throttling``     HTTP 400 ``Throttling`` (the other throttling shape)
``internal``       HTTP 500 ``InternalError``
``unavailable``    HTTP 503 ``Unavailable``
``reset``          the TCP connection is reset (RST) with no response
``slow``           the response comes ``delay`` seconds late (beyond a read timeout)
``truncate``       the headers promise the whole body; half of it comes, then EOF
``expired``        HTTP 400 ``ExpiredToken`` (EC2 and STS shapes)
``request_expired`` HTTP 400 ``RequestExpired``
=================  ============================================================

The service comes from the SigV4 credential scope of the Authorization header, the operation
from the query-protocol ``Action=`` (EC2, STS) or the REST path (EBS direct API).
"""

from __future__ import annotations

import http.client
import re
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from tests.loopback import LoopbackServer, Running

__all__ = ["FAULTS", "FaultProxy", "Rule", "Seen", "is_mutating"]

FAULTS = (
    "throttle",
    "throttling",
    "internal",
    "unavailable",
    "reset",
    "slow",
    "truncate",
    "expired",
    "request_expired",
)

_EC2_ERROR = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{code}</Code>'
    "<Message>{message}</Message></Error></Errors><RequestID>{rid}</RequestID></Response>"
)
_STS_ERROR = (
    "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>"
    "</Error><RequestId>{rid}</RequestId></ErrorResponse>"
)
_JSON_ERROR = '{{"message": "{message}"}}'
_ERRORS = {
    "throttle": (503, "RequestLimitExceeded", "Request limit exceeded."),
    "throttling": (400, "Throttling", "Rate exceeded"),
    "internal": (500, "InternalError", "An internal error has occurred"),
    "unavailable": (503, "Unavailable", "The service is unavailable. Please try again shortly."),
    "expired": (400, "ExpiredToken", "The security token included in the request is expired"),
    "request_expired": (400, "RequestExpired", "Request has expired."),
}
_HOP_BY_HOP = {"connection", "content-length", "date", "server", "transfer-encoding", "keep-alive"}
_SCOPE_RE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")
_EBS_ROUTES = (
    ("GET", re.compile(r"^/snapshots/[^/]+/changedblocks"), "ListChangedBlocks"),
    ("GET", re.compile(r"^/snapshots/[^/]+/blocks/\d+"), "GetSnapshotBlock"),
    ("GET", re.compile(r"^/snapshots/[^/]+/blocks"), "ListSnapshotBlocks"),
    ("PUT", re.compile(r"^/snapshots/[^/]+/blocks/\d+"), "PutSnapshotBlock"),
    ("POST", re.compile(r"^/snapshots/completion/"), "CompleteSnapshot"),
    ("POST", re.compile(r"^/snapshots/?$"), "StartSnapshot"),
)
_READ_PREFIXES = ("Describe", "List", "Get")


def is_mutating(operation: str) -> bool:
    """Anything but Describe*/List*/Get* changes something (a DryRun counts as mutating too:
    read-only mode promises that no such call leaves the machine)."""
    return not operation.startswith(_READ_PREFIXES)


@dataclass(frozen=True)
class Seen:
    """One request as the proxy saw it."""

    service: str
    operation: str
    dry_run: bool
    fault: str | None
    """The fault injected into it, or None."""
    forwarded: bool
    """The backend received it (and may have applied it)."""
    params: dict[str, list[str]] = field(default_factory=dict, compare=False)

    @property
    def mutating(self) -> bool:
        return is_mutating(self.operation)


@dataclass
class Rule:
    fault: str
    operation: str | None = None
    """Only requests for this API operation (None: every request)."""
    times: int | None = 1
    """How many matching requests get the fault (None: every one until cleared)."""
    after_forward: bool = False
    """Forward the request first (the backend applies it), then fail the reply."""
    delay: float = 0.0
    """For ``slow``: seconds before the reply."""
    dry_run: bool | None = None
    """Only DryRun requests (True), only real ones (False), or both (None)."""
    hits: int = 0

    def matches(self, operation: str, dry_run: bool) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if self.operation is not None and self.operation != operation:
            return False
        return self.dry_run is None or self.dry_run == dry_run


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: LoopbackServer

    def log_message(self, *args: object) -> None:
        pass

    def _identify(self, body: bytes) -> tuple[str, str, bool, dict[str, list[str]]]:
        scope = _SCOPE_RE.search(self.headers.get("Authorization", ""))
        service = scope.group(1) if scope else "unsigned"
        if self.path.startswith("/moto-api"):
            service = "moto-api"
        params: dict[str, list[str]] = {}
        if body and "json" not in (self.headers.get("Content-Type") or ""):
            params = parse_qs(body.decode("utf-8", "replace"))
        operation = (params.get("Action") or [""])[0]
        if not operation:
            path = urlsplit(self.path).path
            operation = next(
                (
                    name
                    for method, route, name in _EBS_ROUTES
                    if method == self.command and route.match(path)
                ),
                f"{self.command} {path}",
            )
        dry_run = (params.get("DryRun") or ["false"])[0].lower() == "true"
        return service, operation, dry_run, params

    def _handle(self) -> None:
        proxy = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        service, operation, dry_run, params = self._identify(body)
        rule = proxy._take(operation, dry_run)
        fault = rule.fault if rule else None
        forwarded = rule is None or rule.after_forward or rule.fault == "slow"
        proxy._log(Seen(service, operation, dry_run, fault, forwarded, params))
        if rule is not None and not forwarded:
            self._fail(rule, service)
            return
        status, data, headers = self._forward(body)
        if rule is None:
            self._reply(status, data, headers)
        elif rule.fault == "slow":
            time.sleep(rule.delay)
            self._reply(status, data, headers)
        else:
            self._fail(rule, service)

    def _forward(self, body: bytes) -> tuple[int, bytes, dict[str, str]]:
        target = urlsplit(self.server.owner.target)
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            connection.request(self.command, self.path, body=body or None, headers=headers)
            response = connection.getresponse()
            data = response.read()
            kept = {k: v for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP}
            return response.status, data, kept
        finally:
            connection.close()

    def _fail(self, rule: Rule, service: str) -> None:
        if rule.fault == "reset":
            self._reset()
        elif rule.fault == "truncate":
            self._truncated()
        elif rule.fault == "slow":  # a slow fault before forwarding: late, then the reply
            time.sleep(rule.delay)
            self._reply(*self._forward(b""))
        else:
            status, code, message = _ERRORS[rule.fault]
            rid = f"fault-{code}-{self.server.owner.count}"
            if service == "ebs":
                data = _JSON_ERROR.format(message=message).encode()
                headers = {"Content-Type": "application/json", "x-amzn-ErrorType": code}
            else:
                template = _STS_ERROR if service == "sts" else _EC2_ERROR
                data = template.format(code=code, message=message, rid=rid).encode()
                headers = {"Content-Type": "text/xml"}
            self._reply(status, data, headers)

    def _reset(self) -> None:
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def _truncated(self) -> None:
        # A 200 that stops half way: the client has read the headers and waits for the rest.
        full = b'<?xml version="1.0"?><DescribeSnapshotsResponse>' + b" " * 2048
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(full)))
        self.end_headers()
        self.wfile.write(full[: len(full) // 2])
        self.wfile.flush()
        self._reset()

    def _reply(self, status: int, data: bytes, headers: dict[str, str]) -> None:
        try:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up (its read timeout) while we were slow
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle


class FaultProxy(Running):
    """The proxy: ``start()`` (or ``with``), then ``url``; ``inject()`` rules; read ``seen``."""

    handler = _Handler

    def __init__(self, target: str) -> None:
        self.target = target
        self.rules: list[Rule] = []
        self.seen: list[Seen] = []
        self._lock = threading.Lock()

    # -- rules -------------------------------------------------------------------------------

    def inject(
        self,
        fault: str,
        *,
        operation: str | None = None,
        times: int | None = 1,
        after_forward: bool = False,
        delay: float = 0.0,
        dry_run: bool | None = None,
    ) -> Rule:
        """Fail the next ``times`` matching requests with ``fault`` (see the module doc)."""
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; one of {', '.join(FAULTS)}")
        if fault == "slow" and delay <= 0:
            raise ValueError("a slow fault needs delay= seconds")
        rule = Rule(fault, operation, times, after_forward, delay, dry_run)
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear(self) -> None:
        """No more faults: every request goes through."""
        with self._lock:
            self.rules.clear()

    def _take(self, operation: str, dry_run: bool) -> Rule | None:
        with self._lock:
            for rule in self.rules:
                if rule.matches(operation, dry_run):
                    rule.hits += 1
                    return rule
        return None

    def _log(self, seen: Seen) -> None:
        with self._lock:
            self.seen.append(seen)

    # -- what happened -----------------------------------------------------------------------

    @property
    def count(self) -> int:
        return len(self.seen)

    def operations(self, service: str | None = None) -> list[str]:
        """Every operation seen, in order (of one service if given)."""
        return [s.operation for s in list(self.seen) if service is None or s.service == service]

    def mutating(self) -> list[Seen]:
        """Requests that would change something, DryRuns included, faulted or not."""
        return [s for s in list(self.seen) if s.mutating and s.service != "moto-api"]

    def calls(self, operation: str) -> list[Seen]:
        return [s for s in list(self.seen) if s.operation == operation]
