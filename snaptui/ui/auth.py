"""Credentials inside the running UI: MFA codes in a modal, re-authentication, clock skew.

The app makes two calls into this module: ``wrap_factory`` (its AWS clients get the MFA
prompter and the clock watch) and ``offer_reauth`` (from ``report_error``: expired or refused
credentials pause live refresh and offer to re-authenticate, keeping the current view).
Everything else is driven from those two.

Threads: botocore asks for the MFA code on the AWS thread (``AwsClient`` runs the AWS layer on
its own loop); ``CrossThreadPrompter`` hands the question to the UI loop, where ``ask_mfa``
pushes the modal from the app's message queue and waits for the answer.
"""

from __future__ import annotations

import asyncio
import logging
import subprocess
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import SuspendNotSupported

from snaptui.aws.client import AwsClient
from snaptui.aws.clock_skew import AWS_TOLERANCE, ClockSkewMonitor, describe_offset
from snaptui.aws.credentials import (
    CredentialKind,
    CrossThreadPrompter,
    SharedCredentials,
    install_mfa_prompter,
    is_clock_error,
    needs_reauth,
    profile_kind,
    reauth_plan,
    serial_from_prompt,
    sso_login_command,
)
from snaptui.aws.errors import AwsError
from snaptui.aws.settings import AwsSettings
from snaptui.ui.inventory import Kind
from snaptui.ui.messages import SessionChanged
from snaptui.ui.screens.auth import MfaPromptScreen, ReauthScreen

if TYPE_CHECKING:
    from snaptui.ui.app import SnaptuiApp

__all__ = ["AuthGlue", "UiAwsClient"]

log = logging.getLogger(__name__)

ClientFactory = Callable[[AwsSettings], AwsClient]
LoginCommand = Callable[[str | None], list[str]]


class UiAwsClient(AwsClient):
    """An AwsClient whose sessions ask the UI for MFA codes and report clock skew."""

    def __init__(self, settings: AwsSettings, glue: AuthGlue) -> None:
        super().__init__(settings, prepare_session=self._prepare)
        self._glue = glue
        self._ui_loop: asyncio.AbstractEventLoop | None = None
        self._prompter: CrossThreadPrompter | None = None
        self._shared = SharedCredentials()
        """One MFA code per client, whatever the number of sessions (other regions)."""

    async def open(self) -> None:
        self._ui_loop = asyncio.get_running_loop()
        self._glue.ui_loop = self._ui_loop
        await super().open()

    def _prepare(self, session: Any) -> None:
        """On the AWS thread, for each new session, before any client exists."""
        if self._ui_loop is not None:
            self._prompter = self._prompter or CrossThreadPrompter(
                self._glue.ask_mfa, self._ui_loop
            )
            install_mfa_prompter(
                session, self._prompter, region=self.settings.region, shared=self._shared
            )
        self._glue.clock.install(session)

    async def close(self) -> None:
        if self._prompter is not None:
            self._prompter.cancel()  # a pending MFA prompt must not hold the AWS thread
        await super().close()


class AuthGlue:
    """One per app. ``sso_login_command`` is replaceable (tests never run the real aws CLI)."""

    def __init__(self, app: SnaptuiApp) -> None:
        self.app = app
        self.sso_login_command: LoginCommand = sso_login_command
        self.clock = ClockSkewMonitor(on_skew=self._skew_from_aws_thread)
        self.ui_loop: asyncio.AbstractEventLoop | None = None
        self.offered = False
        """The re-auth screen is up, or re-authentication is running."""
        self.reauthentications = 0
        self._mfa_screen: MfaPromptScreen | None = None
        self._paused_polling = False
        """Live refresh was paused by us (not by the user), so we resume it."""

    # -- clients --------------------------------------------------------------------------------

    def wrap_factory(self, factory: ClientFactory) -> ClientFactory:
        """The default AwsClient gets the UI hooks; test doubles are left as they are."""
        if factory is AwsClient:
            return lambda settings: UiAwsClient(settings, self)
        return factory

    async def replace_client(self) -> None:
        """A new client (new session, fresh credentials) for the same settings.

        Unlike ``switch_settings`` this keeps the inventory, so the view stays as it was.
        """
        app = self.app
        app.workers.cancel_group(app, "load")
        app.workers.cancel_group(app, "poll")
        old = app.client
        app.client = app.client_factory(app.settings)
        app.client.add_listener(app.calls.append)
        app._opened = False
        app._polling = False
        await old.close()

    # -- MFA ------------------------------------------------------------------------------------

    async def ask_mfa(self, prompt: str) -> str | None:
        """On the UI loop: show the MFA modal and wait for the code (None: cancelled).

        Runs as a bare task (scheduled from the AWS thread), so the screen itself is pushed
        from the app's own message queue, where Textual's context is set.
        """
        answer: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        self.app.call_later(self._show_mfa, serial_from_prompt(prompt), answer)
        try:
            return await answer
        finally:
            if answer.cancelled() or not answer.done():
                self.app.call_later(self._hide_mfa)  # the AWS side gave up (closed, timeout)

    def _show_mfa(self, serial: str | None, answer: asyncio.Future[str | None]) -> None:
        def answered(code: str | None) -> None:
            if not answer.done():
                answer.set_result(code)

        if answer.done():
            return
        self._mfa_screen = MfaPromptScreen(self.app.settings.profile, serial)
        self.app.push_screen(self._mfa_screen, callback=answered)

    def _hide_mfa(self) -> None:
        screen = self._mfa_screen
        if screen is not None and self.app.screen is screen:
            screen.dismiss(None)

    # -- expired or refused credentials ---------------------------------------------------------

    def offer_reauth(self, error: AwsError, doing: str) -> bool:
        """If *error* means "authenticate again": pause polling and ask. True when handled."""
        if not needs_reauth(error):
            return False
        app = self.app
        if not app.poll.paused:
            app.poll.paused = True
            self._paused_polling = True
        app.tell(SessionChanged())
        if self.offered:
            return True
        self.offered = True
        settings = app.settings
        kind = CredentialKind.UNKNOWN if app.demo else profile_kind(settings.profile)
        app.push_screen(
            ReauthScreen(
                error=str(error),
                doing=doing,
                plan=reauth_plan(kind, settings.profile),
                clock_note=self.clock_note(error),
            ),
            callback=self._answered,
        )
        return True

    def clock_note(self, error: AwsError) -> str | None:
        offset = self.clock.offset
        if offset is None or abs(offset) < AWS_TOLERANCE or not is_clock_error(error):
            return None
        return (
            f"This is the clock, not the credentials: {describe_offset(offset)}. AWS refuses "
            "requests more than 5 minutes off; fix the time (timedatectl, chronyc) first."
        )

    def _answered(self, go: bool | None) -> None:
        if go:
            self.app.run_worker(self.reauthenticate(), group="reauth", exclusive=True)
            return
        self.offered = False
        self.app.notify("Live refresh stays paused: p resumes it, r retries a listing", timeout=8)

    async def reauthenticate(self) -> bool:
        """Renew the credentials (SSO login or a new session), then carry on where we were."""
        app = self.app
        kind = CredentialKind.UNKNOWN if app.demo else profile_kind(app.settings.profile)
        if kind is CredentialKind.SSO and not self._sso_login():
            self.offered = False
            return False
        await self.replace_client()
        try:
            await app._ensure_open()  # GetCallerIdentity: asks for an MFA code if needed
        except AwsError as exc:
            self.offered = False
            app.report_error(exc, "re-authenticating")
            return False
        self.offered = False
        self.reauthentications += 1
        if self._paused_polling:
            app.poll.paused = False
            self._paused_polling = False
        app.poll.succeeded()
        app.last_error = None
        app.notify(f"Re-authenticated as {app.session_info.principal or 'the same identity'}")
        app.load(*Kind)
        app.tell(SessionChanged())
        return True

    def _sso_login(self) -> bool:
        command = self.sso_login_command(self.app.settings.profile)
        shown = " ".join(command)
        try:
            code = self._run_in_terminal(command)
        except FileNotFoundError:
            self.app.notify(
                f"`{command[0]}` is not installed here: run `{shown}` where it is (same "
                "~/.aws), then choose Re-authenticate again",
                severity="error",
                timeout=15,
            )
            return False
        except SuspendNotSupported:
            self.app.notify(
                f"Run `{shown}` in another terminal, then choose Re-authenticate again",
                severity="warning",
                timeout=15,
            )
            return False
        if code != 0:
            self.app.notify(f"`{shown}` failed (exit {code})", severity="error", timeout=12)
            return False
        return True

    def _run_in_terminal(self, command: list[str]) -> int:
        """Run *command* with the terminal handed over (the UI is suspended meanwhile)."""
        try:
            with self.app.suspend():
                return subprocess.run(command, check=False).returncode
        except SuspendNotSupported:
            if not self.app.is_headless:
                raise
        # Headless (tests, scripts): there is no terminal to hand over.
        return subprocess.run(command, check=False, capture_output=True).returncode

    # -- clock skew -----------------------------------------------------------------------------

    def _skew_from_aws_thread(self, offset: float) -> None:
        loop = self.ui_loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._skew_noticed, offset)

    def _skew_noticed(self, offset: float) -> None:
        severe = abs(offset) >= AWS_TOLERANCE
        consequence = (
            "AWS refuses requests this far off (RequestExpired, SignatureDoesNotMatch)"
            if severe
            else "AWS starts refusing requests at 5 minutes"
        )
        self.app.notify(
            f"{_sentence(describe_offset(offset))} (from the Date of its responses): "
            f"{consequence}. Fix the time sync (timedatectl, chronyc).",
            title="Clock skew",
            severity="error" if severe else "warning",
            timeout=20,
        )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
