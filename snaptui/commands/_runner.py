"""Runs a headless command: the session, one AwsClient, and every failure as one line + exit code.

A command's body is an ``async`` function of a Context. Whatever it raises ends here as one
line on stderr (never a traceback) and an exit code from ``snaptui.cli``:

======================================  ==========================================
AwsError (code, message, operation)      3 (EXIT_AWS)
ValidationError, UsageError              2 (EXIT_USAGE)
ReadOnlyError, ActionBlockedError,       5 (EXIT_REFUSED): nothing was changed
AuditError, a declined confirmation
CommandError                             its own code
KeyboardInterrupt                        130: what AWS started keeps running
BrokenPipeError (``| head`` stopped       141, quietly, like other Unix tools
reading)
anything else (a bug)                    1, with the traceback in the log file only
======================================  ==========================================
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from snaptui.cli import (
    EXIT_AWS,
    EXIT_BROKEN_PIPE,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_REFUSED,
    EXIT_USAGE,
    Session,
    UsageError,
    open_session,
)
from snaptui.commands._output import note

if TYPE_CHECKING:
    from snaptui.aws.actions import Actions
    from snaptui.aws.audit import AuditLog, AuditScope
    from snaptui.aws.client import AwsClient
    from snaptui.aws.models import Identity

__all__ = ["CommandError", "Context", "run_command"]

log = logging.getLogger(__name__)


class CommandError(Exception):
    """Ends the command with ``message`` on stderr (after ``snaptui: ``) and ``code``."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Context:
    """What a command body gets: its arguments, the session and an open AwsClient."""

    args: argparse.Namespace
    session: Session
    client: AwsClient
    _identity: Identity | None = field(default=None, init=False)
    _actions: Actions | None = field(default=None, init=False)
    _audit: AuditLog | None = field(default=None, init=False)

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    @property
    def audit(self) -> AuditLog:
        if self._audit is None:
            from snaptui.aws.audit import AuditLog

            self._audit = AuditLog()
        return self._audit

    def actions(self) -> Actions:
        """The actions layer, audited, retrying snapshot rate limits (15 s, 30 s) boundedly."""
        if self._actions is None:
            from snaptui.aws.action_errors import RetryPolicy
            from snaptui.aws.actions import Actions

            def on_wait(error: Exception, seconds: float, retry: int) -> None:
                note(
                    f"{getattr(error, 'code', error)}: retrying in {seconds:.0f} s (retry {retry})"
                )

            self._actions = Actions(
                self.audit, rate_limit_retry=RetryPolicy(), on_rate_limit_wait=on_wait
            )
        return self._actions

    async def identity(self) -> Identity:
        if self._identity is None:
            self._identity = await self.client.identity()
        return self._identity

    async def scope(self) -> AuditScope:
        from snaptui.aws.audit import AuditScope

        return AuditScope.of(self.session.settings, await self.identity())


Body = Callable[[Context], Awaitable[int]]


def run_command(args: argparse.Namespace, body: Body, *, mutating: bool = False) -> int:
    """Open the session, refuse a mutating command in read-only mode, run ``body``.

    UsageError and DemoError raised while opening the session propagate to ``cli.main``.
    """
    with open_session(args) as session:
        if session.config_problem:
            note(f"warning: {session.config_problem}")
        try:
            if mutating and session.settings.read_only:
                raise CommandError(
                    f"refused: read-only mode (--read-only, or read_only in the config): "
                    f"'snaptui {args.command}' would change AWS resources; nothing was sent",
                    EXIT_REFUSED,
                )
            return asyncio.run(_run(args, session, body))
        except KeyboardInterrupt:
            note(
                "interrupted: stopped watching; anything already started keeps running in AWS "
                "(see it with 'snaptui ls', watch it with 'snaptui wait ID')"
            )
            return EXIT_INTERRUPTED
        except BrokenPipeError:
            _drop_further_output()
            return EXIT_BROKEN_PIPE
        except Exception as error:  # every failure becomes one line, never a traceback
            code, message = describe_failure(error, profile=session.settings.profile)
            note(message)
            return code


def _drop_further_output() -> None:
    """Point stdout at /dev/null, so that flushing it at exit does not fail a second time
    (Python would print "Exception ignored ... BrokenPipeError")."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


async def _run(args: argparse.Namespace, session: Session, body: Body) -> int:
    from snaptui.aws.client import AwsClient

    client = AwsClient(session.settings)
    await client.open()
    try:
        return await body(Context(args, session, client))
    finally:
        await client.close()


def describe_failure(error: BaseException, *, profile: str | None = None) -> tuple[int, str]:
    """(exit code, one-line message) for anything a command body raised.

    ``profile`` is the session's (None: the default chain); it says how to renew credentials
    that AWS refused.
    """
    from snaptui.aws.action_errors import ActionBlockedError
    from snaptui.aws.audit import AuditError
    from snaptui.aws.errors import AwsError, ReadOnlyError
    from snaptui.aws.validation import ValidationError

    if isinstance(error, CommandError):
        return error.code, str(error)
    if isinstance(error, UsageError):
        return EXIT_USAGE, f"error: {error}"
    if isinstance(error, ReadOnlyError):
        return EXIT_REFUSED, f"refused: {error.message}"
    if isinstance(error, ActionBlockedError):
        return EXIT_REFUSED, f"refused: blocked: {error}; nothing was changed"
    if isinstance(error, AuditError):
        return EXIT_REFUSED, f"refused: {error}"
    if isinstance(error, ValidationError):
        return EXIT_USAGE, f"error: {error}"
    if isinstance(error, AwsError):
        return EXIT_AWS, f"error: {aws_error_line(error)}{credentials_hint(error, profile)}"
    log.exception("unexpected error in a command")
    return EXIT_FAILED, (
        f"error: unexpected {type(error).__name__}: {' '.join(str(error).split())} "
        "(details in the snaptui log file)"
    )


def aws_error_line(error: Exception) -> str:
    """``Code: message (Operation)``, naming the resource when the message does not."""
    text = str(error)
    resource = getattr(error, "resource", None)
    if resource and resource not in text:
        text += f" [{resource}]"
    return text


# Credentials AWS itself refused: the session token ran out, or the key is unknown or wrong.
# Errors raised before any request (NoCredentials, SSO token errors...) already say what to do.
_REFUSED_CREDENTIALS = frozenset(
    {
        "AuthFailure",
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidAccessKeyId",
        "InvalidClientTokenId",
        "InvalidToken",
        "RequestExpired",
        "SignatureDoesNotMatch",
        "UnrecognizedClientException",
    }
)


def credentials_hint(error: Exception, profile: str | None) -> str:
    """``; <what to do>`` for credentials AWS refused, naming how this profile renews them;
    empty for any other error."""
    from snaptui.aws.credentials import CredentialKind, profile_kind, sso_login_command
    from snaptui.aws.errors import CredentialsError

    if not isinstance(error, CredentialsError) or error.code not in _REFUSED_CREDENTIALS:
        return ""
    kind = profile_kind(profile)
    if kind is CredentialKind.SSO:
        todo = f"run '{' '.join(sso_login_command(profile))}'"
    elif kind is CredentialKind.ENV:
        todo = "they come from this shell's AWS_* variables: export fresh ones (or use --profile)"
    else:
        todo = f"renew the credentials of profile {profile or 'default'}"
    return f"; {todo}, then run the command again"
