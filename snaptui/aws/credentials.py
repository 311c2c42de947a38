"""Credentials on a bastion: what kind a profile uses, MFA prompts the UI can answer, SSO.

botocore asks for an MFA code with ``getpass`` on the terminal, synchronously, from inside the
assume-role fetcher. Inside a Textual app that fights the UI for the tty and hangs. snaptui
replaces that prompter (``install_mfa_prompter``) with ``CrossThreadPrompter``, which asks a
coroutine on the UI's loop and waits for its answer on the AWS thread.

MFA credentials cannot refresh themselves (botocore raises RefreshWithMFAUnsupportedError on
the second fetch) and aiobotocore keeps no on-disk cache, so re-authenticating means a new
session and a new code. SSO tokens are only ever read from the cache that ``aws sso login``
writes: snaptui runs that command (``sso_login_command``) and never logs in itself.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import json
import os
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import botocore.credentials
import botocore.exceptions
import botocore.session
from aiobotocore.credentials import create_credential_resolver

from snaptui.aws.errors import AccessDeniedError, AwsError, CredentialsError

__all__ = [
    "CredentialKind",
    "CrossThreadPrompter",
    "SharedCredentials",
    "SsoToken",
    "install_mfa_prompter",
    "is_clock_error",
    "mfa_serial_of",
    "needs_reauth",
    "profile_kind",
    "reauth_plan",
    "sso_login_command",
    "sso_token",
]

MFA_TIMEOUT = 300.0
"""Seconds the AWS thread waits for an MFA code before giving up."""


class CredentialKind(StrEnum):
    SSO = "sso"
    MFA_ROLE = "assume-role with MFA"
    ROLE = "assume-role"
    ENV = "environment variables"
    STATIC = "static keys"
    PROCESS = "credential_process"
    WEB_IDENTITY = "web identity"
    INSTANCE = "instance profile / container"
    UNKNOWN = "unknown"


def _scoped_config(profile: str | None) -> dict[str, Any] | None:
    try:
        return dict(botocore.session.Session(profile=profile).get_scoped_config())
    except botocore.exceptions.BotoCoreError:
        return None


def profile_kind(profile: str | None, environ: Mapping[str, str] | None = None) -> CredentialKind:
    """How botocore will get credentials for *profile* (None: the default chain).

    Follows botocore's order: environment variables only without an explicit profile, then
    assume-role, SSO, credential_process, web identity, static keys, and finally IMDS.
    """
    env = os.environ if environ is None else environ
    if profile is None and env.get("AWS_ACCESS_KEY_ID") and env.get("AWS_SECRET_ACCESS_KEY"):
        return CredentialKind.ENV
    config = _scoped_config(profile)
    if config is None:
        return CredentialKind.UNKNOWN
    if config.get("role_arn"):
        return CredentialKind.MFA_ROLE if config.get("mfa_serial") else CredentialKind.ROLE
    if config.get("sso_start_url") or config.get("sso_session"):
        return CredentialKind.SSO
    if config.get("web_identity_token_file"):
        return CredentialKind.WEB_IDENTITY
    if config.get("credential_process"):
        return CredentialKind.PROCESS
    if config.get("aws_access_key_id"):
        return CredentialKind.STATIC
    return CredentialKind.INSTANCE


def mfa_serial_of(profile: str | None) -> str | None:
    config = _scoped_config(profile) or {}
    serial = config.get("mfa_serial")
    return str(serial) if serial else None


def sso_login_command(profile: str | None) -> list[str]:
    """``aws sso login`` for a headless bastion: the device code flow, no browser needed."""
    command = ["aws", "sso", "login"]
    if profile:
        command += ["--profile", profile]
    return [*command, "--use-device-code"]


# ---------------------------------------------------------------------------------------------
# SSO token cache (read only, for doctor and for messages).


def sso_cache_dir() -> Path:
    """Where ``aws sso login`` leaves tokens: botocore's own idea of it (~/.aws/sso/cache)."""
    return Path(botocore.credentials.SSOProvider._SSO_TOKEN_CACHE_DIR)


@dataclass(frozen=True)
class SsoToken:
    """The cached SSO access token of a profile, as ``aws sso login`` left it."""

    cache_file: Path
    expires_at: datetime | None
    """None when there is no cached token (never logged in, or logged out)."""

    def expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is None or self.expires_at <= (now or datetime.now(UTC))


def sso_token(profile: str | None, cache_dir: Path | None = None) -> SsoToken | None:
    """The cached token for an SSO profile; None when the profile does not use SSO."""
    config = _scoped_config(profile) or {}
    key = config.get("sso_session") or config.get("sso_start_url")
    if not key:
        return None
    directory = (cache_dir or sso_cache_dir()).expanduser()
    path = directory / f"{hashlib.sha1(str(key).encode()).hexdigest()}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        expires = datetime.fromisoformat(str(data["expiresAt"]).replace("Z", "+00:00"))
    except (OSError, ValueError, KeyError, TypeError):
        return SsoToken(path, None)
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    return SsoToken(path, expires)


# ---------------------------------------------------------------------------------------------
# Which errors mean "authenticate again".

_CLOCK_CODES = frozenset(
    {"RequestExpired", "RequestTimeTooSkewed", "SignatureDoesNotMatch", "InvalidSignatureException"}
)


def needs_reauth(error: AwsError) -> bool:
    """True for expired, missing or refused credentials (not for a missing IAM permission).

    A wrong MFA code arrives as AccessDenied from sts:AssumeRole; it needs a new code too.
    """
    if isinstance(error, CredentialsError):
        return True
    return isinstance(error, AccessDeniedError) and "MultiFactorAuthentication" in error.message


def is_clock_error(error: AwsError) -> bool:
    """An error AWS also returns when this machine's clock is more than 5 minutes off."""
    return error.code in _CLOCK_CODES


def reauth_plan(kind: CredentialKind, profile: str | None) -> str:
    """One sentence: what re-authenticating will do for this kind of credentials."""
    name = profile or "default"
    match kind:
        case CredentialKind.SSO:
            command = " ".join(sso_login_command(profile))
            return (
                f"Run `{command}`: snaptui steps aside while it runs; open the URL it prints "
                "on any device and enter the code. Then snaptui reloads the credentials."
            )
        case CredentialKind.MFA_ROLE:
            return (
                f"Assume the role of profile {name} again: snaptui asks for a new MFA code "
                "(MFA credentials cannot refresh themselves)."
            )
        case CredentialKind.ROLE:
            return f"Assume the role of profile {name} again from its source credentials."
        case CredentialKind.ENV:
            return (
                "Credentials come from AWS_* variables of this shell, which snaptui cannot "
                "renew: retry only helps if they were not the problem. Otherwise quit, export "
                "fresh ones (or use --profile) and start again."
            )
        case CredentialKind.PROCESS:
            return f"Run the credential_process of profile {name} again."
        case CredentialKind.INSTANCE:
            return "Fetch fresh instance-profile credentials from the instance metadata service."
        case _:
            return (
                f"Reload the credentials of profile {name} (renew them in another terminal "
                "first if they come from a file)."
            )


# ---------------------------------------------------------------------------------------------
# The MFA prompter.


def _cancelled(reason: str) -> botocore.exceptions.CredentialRetrievalError:
    return botocore.exceptions.CredentialRetrievalError(
        provider="assume-role with MFA", error_msg=reason
    )


_SERIAL_RE = re.compile(r"for (\S+?):?\s*$")


def serial_from_prompt(prompt: str) -> str | None:
    """``"Enter MFA code for arn:aws:iam::1:mfa/alice: "`` -> the serial."""
    match = _SERIAL_RE.search(prompt.strip())
    return match.group(1) if match else None


class CrossThreadPrompter:
    """botocore's ``mfa_prompter`` (a plain callable) that asks a coroutine on another loop.

    botocore calls it on the AWS thread and needs the code before it can return. It schedules
    ``ask(prompt)`` on *loop* (the UI's) and waits for the answer, in short slices so that a
    closed UI loop, ``cancel()`` or the timeout end the wait. A cancelled or empty answer
    raises CredentialRetrievalError, which the AWS layer reports as a CredentialsError; after
    one cancel, later prompts of the same session fail at once instead of asking again.
    """

    def __init__(
        self,
        ask: Callable[[str], Awaitable[str | None]],
        loop: asyncio.AbstractEventLoop,
        *,
        timeout: float = MFA_TIMEOUT,
    ) -> None:
        self._ask = ask
        self._loop = loop
        self._timeout = timeout
        self._pending: set[concurrent.futures.Future[str | None]] = set()
        self._cancelled = False

    def __call__(self, prompt: str) -> str:
        if self._cancelled:
            raise _cancelled("MFA code entry was cancelled")
        loop = self._loop
        if loop.is_closed():
            raise _cancelled("the UI is gone; no one can enter the MFA code")
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            raise _cancelled("cannot wait for an MFA code on the loop that has to ask for it")
        future = asyncio.run_coroutine_threadsafe(self._ask(prompt), loop)
        self._pending.add(future)
        deadline = time.monotonic() + self._timeout
        try:
            while True:
                try:
                    code = future.result(timeout=0.2)
                    break
                except concurrent.futures.TimeoutError:
                    if self._cancelled:
                        future.cancel()
                        raise _cancelled("MFA code entry was cancelled") from None
                    if loop.is_closed() or time.monotonic() > deadline:
                        future.cancel()
                        raise _cancelled("no MFA code was entered in time") from None
                except concurrent.futures.CancelledError:
                    self._cancelled = True
                    raise _cancelled("MFA code entry was cancelled") from None
        finally:
            self._pending.discard(future)
        if not code:
            self._cancelled = True
            raise _cancelled("MFA code entry was cancelled")
        return code.strip()

    def cancel(self) -> None:
        """Stop every wait (the client is closing); safe from any thread."""
        self._cancelled = True
        for future in list(self._pending):
            future.cancel()


class SharedCredentials:
    """Credentials resolved once and reused by every session given the same instance.

    A session per region (CopySnapshot runs in the destination region) would otherwise
    assume the role again and ask for another MFA code. The credentials object refreshes
    itself as usual; all sessions must live on one event loop (the AWS thread's).
    """

    def __init__(self) -> None:
        self.credentials: Any = None
        self._lock: asyncio.Lock | None = None

    async def load(self, resolver: Any) -> Any:
        self._lock = self._lock or asyncio.Lock()
        async with self._lock:
            if self.credentials is None:
                self.credentials = await resolver.load_credentials()
            return self.credentials


class _SharingResolver:
    """A credential resolver that answers from SharedCredentials once they are loaded."""

    def __init__(self, inner: Any, shared: SharedCredentials) -> None:
        self._inner = inner
        self._shared = shared

    async def load_credentials(self) -> Any:
        return await self._shared.load(self._inner)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def install_mfa_prompter(
    session: Any,
    prompter: Callable[[str], str],
    *,
    region: str | None = None,
    shared: SharedCredentials | None = None,
) -> None:
    """Give *session*'s assume-role provider *prompter* instead of getpass.

    Builds the credential resolver aiobotocore would build lazily (same chain, same region
    for its STS client) and registers it on the session before any client exists. With
    *shared*, sessions reuse the first one's credentials (one MFA code for all regions).
    """
    resolver = create_credential_resolver(session, region_name=region)
    try:
        provider = resolver.get_provider("assume-role")
    except botocore.exceptions.UnknownCredentialError:
        provider = None
    if provider is not None:
        provider._prompter = prompter  # the hook awscli uses too
    component = _SharingResolver(resolver, shared) if shared is not None else resolver
    session.register_component("credential_provider", component)
