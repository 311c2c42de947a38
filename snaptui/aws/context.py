"""Provides AwsContext: one aiobotocore session, its long-lived clients and the one call wrapper.

An AwsContext belongs to the event loop it was entered on (aiohttp sessions are loop-bound):
create and use it inside that loop only. ``AwsClient`` runs one on a background thread.

Retries. Reads, DryRuns and calls with a ClientToken go through clients with botocore's
standard retries (throttling, 5xx, timeouts, resets: safe, since sending them twice changes
nothing). A mutating call without a ClientToken (CreateSnapshot, CreateImage...) must never be
re-sent blindly: after a timeout or a reset AWS may already have applied it, and a second send
would make a second snapshot. Those go through a second EC2 client that botocore never
retries; ``call()`` retries them itself only when the failure proves nothing was applied
(throttling, or no connection at all), and leaves the ambiguous rest to the actions layer,
which looks for what the call would have made (``snaptui.aws.actions``).
"""

from __future__ import annotations

import asyncio
import logging
import random
import socket
import time
from collections import deque
from collections.abc import Callable, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

import aiohttp
import botocore.exceptions as bex
from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession
from botocore.exceptions import ClientError

from snaptui.aws.errors import (
    NotSupportedError,
    ReadOnlyError,
    ThrottledError,
    is_aws_failure,
    is_read_only_operation,
    request_id_of,
    safe_endpoint,
    translate,
)
from snaptui.aws.models import FrozenMap
from snaptui.aws.redaction import remember_secret
from snaptui.aws.settings import AwsSettings

__all__ = ["SERVICES", "AwsContext", "CallListener", "CallRecord"]

log = logging.getLogger(__name__)

SERVICES = ("ec2", "ebs", "sts")
MAX_POOL_CONNECTIONS = 16
"""A little above botocore's 10: progress polling, paging and a user action can overlap."""
SINGLE_SHOT_SERVICES = ("ec2",)
"""Services with a second, never-retried client for mutating calls without a ClientToken."""
MAX_BACKOFF = 20.0


@dataclass(frozen=True)
class CallRecord:
    """One AWS call as the audit trail and the UI's activity log see it."""

    started_at: datetime
    service: str
    operation: str
    params: FrozenMap
    """Ids only (``SnapshotIds``, ``VolumeId``...), never credentials or other values."""
    resource: str | None
    outcome: str
    """``"ok"``, ``"dry-run-ok"``, or the error code."""
    request_id: str | None
    duration: float
    """Seconds, retries included."""

    @property
    def ok(self) -> bool:
        return self.outcome in ("ok", "dry-run-ok")


CallListener = Callable[[CallRecord], None]

_MAX_IDS_RECORDED = 10
_SECRET_WORDS = ("secret", "token", "password", "credential", "accesskey", "signature")


def key_params(params: Mapping[str, Any]) -> FrozenMap:
    """The ids among the call parameters, as strings: what an audit line needs and no more."""
    kept: dict[str, str] = {}
    for key, value in params.items():
        lowered = key.lower()
        if not key.endswith(("Id", "Ids")) or any(w in lowered for w in _SECRET_WORDS):
            continue
        if isinstance(value, list | tuple):
            ids = [str(v) for v in value[:_MAX_IDS_RECORDED]]
            more = len(value) - len(ids)
            kept[key] = ",".join(ids) + (f",+{more}" if more > 0 else "")
        elif isinstance(value, str | int):
            kept[key] = str(value)
    return FrozenMap(kept)


_RESOURCE_KEYS = ("SnapshotId", "VolumeId", "InstanceId", "ImageId", "SourceSnapshotId")
_RESOURCE_LIST_KEYS = ("SnapshotIds", "VolumeIds", "InstanceIds", "ImageIds")


def guess_resource(params: Mapping[str, Any]) -> str | None:
    """The one resource a call is about, for error messages ("snapshot snap-1 not found")."""
    for key in _RESOURCE_KEYS:
        if isinstance(params.get(key), str):
            return str(params[key])
    for key in _RESOURCE_LIST_KEYS:
        value = params.get(key)
        if isinstance(value, list | tuple) and len(value) == 1:
            return str(value[0])
    return None


class AwsContext:
    """Clients for ec2, ebs and sts plus ``call()``, the wrapper every AWS call goes through.

    ``call()`` refuses mutating calls in read-only mode, translates errors into AwsError and
    records a CallRecord. Read-only mode is also enforced by a ``before-call`` handler on
    every client, so a raw ``ctx.client("ec2").create_snapshot(...)`` is refused too.
    """

    def __init__(
        self,
        settings: AwsSettings,
        *,
        history_size: int = 500,
        prepare_session: Callable[[AioSession], None] | None = None,
    ) -> None:
        self._settings = settings
        self._prepare_session = prepare_session
        """Called with the new AioSession before any client exists: the UI's MFA prompter,
        the clock-skew watch (snaptui.aws.credentials, snaptui.aws.clock_skew)."""
        self._stack: AsyncExitStack | None = None
        self._clients: dict[str, Any] = {}
        self._single_shot: dict[str, Any] = {}
        """service -> a client botocore never retries (see the module doc)."""
        self.sleep: Callable[[float], Any] = asyncio.sleep
        """How ``call()`` waits before its own retries (tests replace it)."""
        # service -> {"describe_snapshots" or "DescribeSnapshots": ("DescribeSnapshots",
        # "describe_snapshots")}
        self._operations: dict[str, dict[str, tuple[str, str]]] = {}
        self._listeners: list[CallListener] = []
        self._history: deque[CallRecord] = deque(maxlen=history_size)

    @property
    def settings(self) -> AwsSettings:
        return self._settings

    @property
    def prepare_session(self) -> Callable[[AioSession], None] | None:
        """The session hook; pass it on to a context for another region (same credentials,
        no second MFA prompt, no getpass on the terminal)."""
        return self._prepare_session

    @property
    def history(self) -> tuple[CallRecord, ...]:
        """The most recent calls, oldest first."""
        return tuple(self._history)

    # -- lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        stack = AsyncExitStack()
        try:
            session = AioSession(profile=self._settings.profile)
            if self._prepare_session is not None:
                self._prepare_session(session)
            config = self._config(session)
            single_shot = config.merge(
                AioConfig(retries={"mode": "standard", "total_max_attempts": 1})
            )
            for service in SERVICES:
                client = await self._open(stack, session, service, config)
                self._clients[service] = client
                operations = {}
                for python_name, api_name in client.meta.method_to_api_mapping.items():
                    operations[python_name] = operations[api_name] = (api_name, python_name)
                self._operations[service] = operations
                if service in SINGLE_SHOT_SERVICES:
                    self._single_shot[service] = await self._open(
                        stack, session, service, single_shot
                    )
            await _remember_credentials(session)
        except BaseException as exc:
            self._clients.clear()
            self._single_shot.clear()
            await stack.aclose()
            if is_aws_failure(exc):
                raise translate(
                    exc, operation="Connect", endpoint=self._settings.endpoint_url
                ) from exc
            raise
        self._stack = stack
        return self

    async def _open(
        self, stack: AsyncExitStack, session: AioSession, service: str, config: AioConfig
    ) -> Any:
        client = await stack.enter_async_context(
            session.create_client(
                service,
                region_name=self._settings.region,
                endpoint_url=self._settings.endpoint_url,
                config=config,
            )
        )
        if self._settings.read_only:
            client.meta.events.register(
                "before-call", _refuse_mutations, unique_id="snaptui-read-only"
            )
        return client

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the clients (idempotent)."""
        stack, self._stack = self._stack, None
        self._clients.clear()
        self._single_shot.clear()
        if stack is not None:
            await stack.aclose()

    def _config(self, session: AioSession) -> AioConfig:
        s = self._settings
        # Honour AWS_SDK_UA_APP_ID / sdk_ua_app_id when the user set one; otherwise tag
        # every request "app/snaptui" so CloudTrail can tell snaptui's calls apart.
        app_id = session.get_config_variable("user_agent_appid") or "snaptui"
        return AioConfig(
            retries={"mode": s.retry_mode, "total_max_attempts": s.max_attempts},
            connect_timeout=s.connect_timeout,
            read_timeout=s.read_timeout,
            user_agent_appid=app_id,
            max_pool_connections=MAX_POOL_CONNECTIONS,
        )

    # -- clients and calls ------------------------------------------------------------------

    def client(self, service: str) -> Any:
        """The raw aiobotocore client (read-only mode still applies to it)."""
        try:
            return self._clients[service]
        except KeyError:
            state = "not open" if not self._clients else f"no client for {service!r}"
            raise RuntimeError(f"AwsContext: {state}") from None

    def endpoint(self, service: str) -> str | None:
        client = self._clients.get(service)
        return safe_endpoint(client.meta.endpoint_url) if client is not None else None

    def add_listener(self, callback: CallListener) -> None:
        """Call ``callback(record)`` after every call (on this context's loop)."""
        self._listeners.append(callback)

    def remove_listener(self, callback: CallListener) -> None:
        try:
            self._listeners.remove(callback)
        except ValueError:
            pass

    async def call(
        self, service: str, operation: str, resource: str | None = None, **params: Any
    ) -> dict[str, Any]:
        """Call ``operation`` (``"DescribeSnapshots"`` or ``"describe_snapshots"``).

        Returns the parsed response. Raises AwsError. A DryRun that would succeed returns
        ``{"DryRunOperation": True, ...}`` instead of raising.
        """
        client = self.client(service)
        api_name, python_name = self._operations[service].get(operation, (None, ""))
        resource = resource or guess_resource(params)
        started_at = datetime.now(UTC)
        start = time.perf_counter()
        request_id: str | None = None
        outcome = "ok"
        try:
            if api_name is None:
                raise NotSupportedError(
                    "UnknownOperation",
                    f"botocore knows no {service} operation {operation!r}",
                    operation=operation,
                    service=service,
                )
            if self._settings.read_only and not is_read_only_operation(api_name):
                raise ReadOnlyError(
                    "ReadOnly",
                    "snaptui is in read-only mode; nothing was sent",
                    operation=api_name,
                    resource=resource,
                    service=service,
                )
            single_shot = self._single_shot.get(service)
            if single_shot is not None and _needs_single_shot(api_name, params):
                send = getattr(single_shot, python_name)
                method = lambda: self._send_once_safely(send, params)  # noqa: E731
            else:
                method = lambda: getattr(client, python_name)(**params)  # noqa: E731
            try:
                response: dict[str, Any] = await method()
            except ClientError as exc:
                error_code = (exc.response.get("Error") or {}).get("Code")
                if params.get("DryRun") and error_code == "DryRunOperation":
                    outcome = "dry-run-ok"
                    response = {
                        "DryRunOperation": True,
                        "ResponseMetadata": exc.response.get("ResponseMetadata", {}),
                    }
                else:
                    raise
            request_id = request_id_of(response)
            return response
        except Exception as exc:
            if not is_aws_failure(exc):
                raise
            error = translate(
                exc,
                operation=api_name or operation,
                resource=resource,
                service=service,
                endpoint=self.endpoint(service),
            )
            outcome = error.code
            request_id = error.request_id
            if error is exc:
                raise
            raise error from exc
        finally:
            self._record(
                CallRecord(
                    started_at=started_at,
                    service=service,
                    operation=api_name or operation,
                    params=key_params(params),
                    resource=resource,
                    outcome=outcome,
                    request_id=request_id,
                    duration=time.perf_counter() - start,
                )
            )

    async def _send_once_safely(
        self, send: Callable[..., Any], params: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Send a call that must not be applied twice; retry only what was surely not applied."""
        attempt = 1
        while True:
            try:
                response: dict[str, Any] = await send(**params)
            except Exception as exc:
                if attempt >= self._settings.max_attempts or not _surely_not_applied(exc):
                    raise
                delay = random.random() * min(MAX_BACKOFF, 2.0 ** (attempt - 1))
                log.info(
                    "retrying after %s (attempt %d) in %.1f s", type(exc).__name__, attempt, delay
                )
                await self.sleep(delay)
                attempt += 1
                continue
            meta = response.setdefault("ResponseMetadata", {})
            meta["SafeRetries"] = attempt - 1
            return response

    async def dry_run(
        self, service: str, operation: str, resource: str | None = None, **params: Any
    ) -> bool:
        """Permission preflight: True when AWS says the call would be allowed.

        Raises AccessDeniedError (with the missing action) when it would not, and
        ReadOnlyError in read-only mode. A DryRun checks permissions, not every parameter.
        """
        response = await self.call(service, operation, resource, DryRun=True, **params)
        return bool(response.get("DryRunOperation", True))

    def _record(self, record: CallRecord) -> None:
        self._history.append(record)
        for listener in list(self._listeners):
            try:
                listener(record)
            except Exception:  # a broken listener must not break AWS calls
                log.exception("call listener %r failed", listener)


async def _remember_credentials(session: AioSession) -> None:
    """Let ``redact`` replace the resolved secret key and token wherever they might appear."""
    credentials = await session.get_credentials()  # resolved (and cached) by create_client
    if credentials is not None:
        frozen = await credentials.get_frozen_credentials()
        remember_secret(frozen.secret_key, frozen.token)


def _needs_single_shot(api_name: str, params: Mapping[str, Any]) -> bool:
    """A mutating, non-DryRun call without a ClientToken: sending it twice could apply it
    twice."""
    return (
        not is_read_only_operation(api_name)
        and not params.get("DryRun")
        and not params.get("ClientToken")
    )


def _surely_not_applied(exc: BaseException) -> bool:
    """Throttling, and connections that never opened: AWS refused or never saw the request.

    A reset after the request was sent is not one of them, although aiobotocore reports it as
    the same EndpointConnectionError as a refused connect: only the underlying aiohttp
    connector error (or a DNS failure) proves the request never left.
    """
    if isinstance(exc, bex.ConnectTimeoutError):
        return True
    if isinstance(exc, bex.EndpointConnectionError):
        cause = exc.kwargs.get("error")
        return isinstance(cause, aiohttp.ClientConnectorError | socket.gaierror)
    if not isinstance(exc, ClientError):
        return False
    error = translate(exc, operation="?")
    return isinstance(error, ThrottledError) and error.code != "PriorRequestNotComplete"


def _refuse_mutations(model: Any, **_: Any) -> None:
    """botocore ``before-call`` handler installed on every client in read-only mode."""
    if not is_read_only_operation(model.name):
        raise ReadOnlyError(
            "ReadOnly",
            "snaptui is in read-only mode; nothing was sent",
            operation=model.name,
            service=model.service_model.service_name,
        )
