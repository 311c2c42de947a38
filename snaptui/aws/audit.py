"""Provides the local audit log: append-only JSON lines, one per mutating call and per decision.

Default file: ``platformdirs.user_state_dir("snaptui")/audit.jsonl``, created 0600 (a wider
mode found on an existing file is narrowed). Each line is written with a single ``write()`` on
an ``O_APPEND`` descriptor, so concurrent snaptui processes never interleave records.

A record holds who (OS user, SSH client address, profile, account, caller ARN), where
(region), what (operation, sanitised parameters, resulting ids), how it went (outcome: ``ok``
or the error code) and the ids to correlate with CloudTrail (AWS request id, snaptui request
id, ClientToken). Parameters are sanitised twice: requests hand over only ids, sizes, types and
names, and ``sanitise()`` still drops anything whose key looks like a secret and redacts access
keys and ``secret=...`` patterns from every value.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import socket
import stat
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import platformdirs

from snaptui.aws.action_requests import ActionRequest
from snaptui.aws.errors import redact
from snaptui.aws.models import Identity
from snaptui.aws.settings import AwsSettings

__all__ = [
    "AUDIT_FILE_NAME",
    "AuditError",
    "AuditLog",
    "AuditScope",
    "Decision",
    "default_audit_path",
    "record_decision",
    "sanitise",
    "ssh_client_address",
]

log = logging.getLogger(__name__)

AUDIT_FILE_NAME = "audit.jsonl"
FILE_MODE = 0o600
DIR_MODE = 0o700
Decision = Literal["confirmed", "cancelled"]

_SECRET_WORDS = (
    "secret",
    "password",
    "credential",
    "accesskey",
    "access_key",
    "sessiontoken",
    "session_token",
    "signature",
    "authorization",
    "userdata",
    "user_data",
)
_MAX_VALUE = 512
_MAX_ITEMS = 50


def default_audit_path() -> Path:
    return Path(platformdirs.user_state_dir("snaptui")) / AUDIT_FILE_NAME


def ssh_client_address(environ: Mapping[str, str] | None = None) -> str | None:
    """The SSH client's address (first field of SSH_CLIENT or SSH_CONNECTION), if any."""
    env = os.environ if environ is None else environ
    for name in ("SSH_CLIENT", "SSH_CONNECTION"):
        fields = env.get(name, "").split()
        if fields:
            return fields[0]
    return None


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no USER/LOGNAME and no passwd entry (containers)
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown"


def _is_secret_key(key: str) -> bool:
    lowered = key.lower().replace("-", "_")
    return any(word in lowered for word in _SECRET_WORDS)


def _clean(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Mapping):
        return sanitise(value)
    if isinstance(value, list | tuple | set | frozenset):
        items = list(value)[:_MAX_ITEMS]
        return [_clean(v) for v in items]
    text = redact(str(value))
    return text if len(text) <= _MAX_VALUE else text[:_MAX_VALUE] + "..."


def sanitise(params: Mapping[str, Any]) -> dict[str, Any]:
    """Drop secret-looking keys, redact secret-looking values, cut long values."""
    return {str(k): _clean(v) for k, v in params.items() if not _is_secret_key(str(k))}


@dataclass(frozen=True)
class AuditScope:
    """Who and where: the same for every record of one session and region."""

    profile: str | None
    region: str
    account: str | None = None
    caller_arn: str | None = None

    @classmethod
    def of(
        cls, settings: AwsSettings, identity: Identity | None, region: str | None = None
    ) -> AuditScope:
        return cls(
            profile=settings.profile,
            region=region or settings.region,
            account=identity.account if identity else None,
            caller_arn=identity.arn if identity else None,
        )


class AuditError(OSError):
    """The audit log cannot be written: actions refuse to run rather than go unrecorded."""


class AuditLog:
    """Appends records to one JSON-lines file. Thread-safe; every write opens and closes it."""

    def __init__(
        self, path: Path | str | None = None, *, environ: Mapping[str, str] | None = None
    ) -> None:
        self.path = Path(path) if path is not None else default_audit_path()
        self._environ = environ
        self._lock = threading.Lock()

    # -- writing -----------------------------------------------------------------------------

    def _open(self) -> int:
        self.path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        try:
            mode = stat.S_IMODE(os.fstat(fd).st_mode)
            if mode & 0o077:
                os.fchmod(fd, FILE_MODE)
        except BaseException:
            os.close(fd)
            raise
        return fd

    def check_writable(self) -> None:
        """Open (create, fix the mode of) the file; raise AuditError if that fails."""
        try:
            with self._lock:
                os.close(self._open())
        except OSError as error:
            raise AuditError(
                f"cannot write the audit log {self.path}: {error.strerror or error}; "
                "fix its permissions or free disk space (no action runs unrecorded)"
            ) from error

    def write(self, record: Mapping[str, Any]) -> None:
        """Append one record as one line. Raises AuditError."""
        line = (json.dumps(record, ensure_ascii=False, default=str) + "\n").encode()
        try:
            with self._lock:
                fd = self._open()
                try:
                    os.write(fd, line)
                finally:
                    os.close(fd)
        except OSError as error:
            raise AuditError(f"cannot write the audit log {self.path}: {error}") from error

    def _base(self, scope: AuditScope, kind: str) -> dict[str, Any]:
        return {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "kind": kind,
            "user": _os_user(),
            "host": socket.gethostname(),
            "ssh_client": ssh_client_address(self._environ),
            "profile": scope.profile,
            "account": scope.account,
            "caller_arn": scope.caller_arn,
            "region": scope.region,
        }

    # -- the two kinds of record -------------------------------------------------------------

    def record_call(
        self,
        scope: AuditScope,
        *,
        operation: str,
        params: Mapping[str, Any],
        outcome: str,
        resource_ids: Sequence[str] = (),
        aws_request_id: str | None = None,
        snaptui_request_id: str | None = None,
        client_token: str | None = None,
        message: str | None = None,
        recovered_from: str | None = None,
    ) -> None:
        """One mutating AWS call. ``outcome`` is ``"ok"`` or the error code."""
        record = self._base(scope, "call")
        record.update(
            operation=operation,
            params=sanitise(params),
            resource_ids=list(resource_ids),
            outcome=outcome,
            aws_request_id=aws_request_id,
            snaptui_request_id=snaptui_request_id,
            client_token=client_token,
        )
        if message:
            record["message"] = redact(message)
        if recovered_from:
            record["recovered_from"] = recovered_from
        self.write(record)

    def record_decision(
        self,
        scope: AuditScope,
        *,
        operation: str,
        decision: Decision,
        params: Mapping[str, Any],
        snaptui_request_id: str | None,
    ) -> None:
        """The user confirmed or cancelled an action (the UI and CLI call this).

        With a request at hand: ``log.record_decision(scope, operation=req.OPERATION,
        decision="confirmed", params=req.audit_params(), snaptui_request_id=req.request_id)``,
        or simply ``audit.record_decision(log, scope, req, "confirmed")``.
        """
        if decision not in ("confirmed", "cancelled"):
            raise ValueError(f"decision must be 'confirmed' or 'cancelled', not {decision!r}")
        record = self._base(scope, "decision")
        record.update(
            operation=operation,
            decision=decision,
            params=sanitise(params),
            snaptui_request_id=snaptui_request_id,
        )
        self.write(record)

    # -- reading (tests, an audit view) ------------------------------------------------------

    def read(self) -> list[dict[str, Any]]:
        """Every record, oldest first ([] when the file does not exist yet)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def record_decision(
    log: AuditLog, scope: AuditScope, request: ActionRequest, decision: Decision
) -> None:
    """Record the user's answer to a request's confirmation (``confirmed``/``cancelled``)."""
    log.record_decision(
        scope,
        operation=request.OPERATION,
        decision=decision,
        params=request.audit_params(),
        snaptui_request_id=request.request_id,
    )
