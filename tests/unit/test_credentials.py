"""Credential helpers: profile kinds, SSO cache, the MFA prompter hook, clock skew."""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import UTC, datetime, timedelta

import botocore.exceptions
import pytest

from snaptui.aws import credentials
from snaptui.aws.clock_skew import (
    ClockSkewMonitor,
    describe_offset,
    offset_from_date,
    offset_from_message,
)
from snaptui.aws.context import AwsContext
from snaptui.aws.credentials import CredentialKind, CrossThreadPrompter
from snaptui.aws.errors import AccessDeniedError, CredentialsError, ThrottledError
from snaptui.aws.settings import AwsSettings

SSO = "sso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n"


@pytest.fixture
def aws_config(tmp_path, monkeypatch):
    def write(text: str):
        path = tmp_path / "aws-config"
        path.write_text(text)
        monkeypatch.setenv("AWS_CONFIG_FILE", str(path))
        return path

    return write


def test_profile_kinds(aws_config):
    aws_config(
        f"[profile sso]\n{SSO}sso_account_id = 1\nsso_role_name = Ops\n"
        "[profile base]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n"
        "[profile mfa]\nrole_arn = arn:aws:iam::1:role/ops\nsource_profile = base\n"
        "mfa_serial = arn:aws:iam::1:mfa/alice\n"
        "[profile role]\nrole_arn = arn:aws:iam::1:role/ops\n"
        "credential_source = Ec2InstanceMetadata\n"
        "[profile proc]\ncredential_process = /bin/true\n"
        "[profile bastion]\nregion = us-east-1\n"
    )
    kind = credentials.profile_kind
    assert kind("sso") is CredentialKind.SSO
    assert kind("base") is CredentialKind.STATIC
    assert kind("mfa") is CredentialKind.MFA_ROLE
    assert kind("role") is CredentialKind.ROLE
    assert kind("proc") is CredentialKind.PROCESS
    assert kind("bastion") is CredentialKind.INSTANCE
    assert kind("absent") is CredentialKind.UNKNOWN
    assert kind(None) is CredentialKind.ENV  # the test environment exports fake keys
    assert credentials.mfa_serial_of("mfa") == "arn:aws:iam::1:mfa/alice"


def test_sso_login_is_the_device_code_flow():
    assert credentials.sso_login_command("prod") == [
        "aws", "sso", "login", "--profile", "prod", "--use-device-code",
    ]  # fmt: skip


def test_sso_token_reads_the_cli_cache(aws_config, tmp_path):
    aws_config(f"[profile sso]\n{SSO}")
    cache = tmp_path / "cache"
    cache.mkdir()
    assert credentials.sso_token("sso", cache).expired()  # never logged in
    token = credentials.sso_token("sso", cache)
    later = datetime.now(UTC) + timedelta(hours=8)
    token.cache_file.write_text(
        json.dumps({"accessToken": "t", "expiresAt": later.strftime("%Y-%m-%dT%H:%M:%SZ")})
    )
    fresh = credentials.sso_token("sso", cache)
    assert not fresh.expired() and abs((fresh.expires_at - later).total_seconds()) < 1
    assert credentials.sso_token("base", cache) is None


def test_which_errors_need_reauthentication():
    assert credentials.needs_reauth(CredentialsError("ExpiredToken", "expired"))
    assert credentials.needs_reauth(
        AccessDeniedError("AccessDenied", "MultiFactorAuthentication failed with invalid MFA")
    )
    assert not credentials.needs_reauth(AccessDeniedError("UnauthorizedOperation", "no"))
    assert not credentials.needs_reauth(ThrottledError("Throttling", "slow down"))
    assert credentials.is_clock_error(CredentialsError("RequestExpired", "Request has expired"))


# ---------------------------------------------------------------------------------------------
# The cross-thread prompter.


@pytest.fixture
def ui_loop():
    """A loop on another thread, standing in for Textual's."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield loop
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.close()


def test_prompter_asks_the_other_loop_and_returns_the_code(ui_loop):
    asked: list[str] = []

    async def ask(prompt: str) -> str:
        asked.append(prompt)
        return " 123456 "

    prompter = CrossThreadPrompter(ask, ui_loop)
    assert prompter("Enter MFA code for arn:aws:iam::1:mfa/alice: ") == "123456"
    assert credentials.serial_from_prompt(asked[0]) == "arn:aws:iam::1:mfa/alice"


def test_a_cancelled_prompt_fails_now_and_later(ui_loop):
    async def ask(prompt: str) -> None:
        return None

    prompter = CrossThreadPrompter(ask, ui_loop)
    with pytest.raises(botocore.exceptions.CredentialRetrievalError, match="cancelled"):
        prompter("Enter MFA code for x: ")
    with pytest.raises(botocore.exceptions.CredentialRetrievalError, match="cancelled"):
        prompter("Enter MFA code for x: ")


def test_cancel_ends_a_pending_wait(ui_loop):
    started = threading.Event()

    async def ask(prompt: str) -> str:
        started.set()
        await asyncio.sleep(3600)
        return "never"

    prompter = CrossThreadPrompter(ask, ui_loop)
    threading.Thread(target=lambda: started.wait(5) and prompter.cancel(), daemon=True).start()
    with pytest.raises(botocore.exceptions.CredentialRetrievalError, match="cancelled"):
        prompter("Enter MFA code for x: ")


async def test_the_prompter_refuses_to_block_its_own_loop():
    async def ask(prompt: str) -> str:
        return "123456"

    prompter = CrossThreadPrompter(ask, asyncio.get_running_loop())
    with pytest.raises(botocore.exceptions.CredentialRetrievalError, match="cannot wait"):
        prompter("Enter MFA code for x: ")


async def test_assume_role_with_mfa_uses_the_installed_prompter(moto, aws_config):
    """A real assume-role chain against moto's STS on loopback; getpass is never called."""
    aws_config(
        f"[profile base]\naws_access_key_id = AKIABASE\naws_secret_access_key = x\n"
        f"endpoint_url = {moto}\n"
        f"[profile ops]\nrole_arn = arn:aws:iam::123456789012:role/ops\nsource_profile = base\n"
        f"mfa_serial = arn:aws:iam::123456789012:mfa/alice\nregion = us-east-1\n"
        f"endpoint_url = {moto}\n"
    )
    prompts: list[str] = []

    def prompter(prompt: str) -> str:
        prompts.append(prompt)
        return "123456"

    settings = AwsSettings(region="us-east-1", profile="ops", endpoint_url=moto)
    async with AwsContext(
        settings,
        prepare_session=lambda s: credentials.install_mfa_prompter(s, prompter, region="us-east-1"),
    ) as ctx:
        identity = await ctx.call("sts", "GetCallerIdentity")
        await ctx.call("ec2", "DescribeVolumes")
    assert "assumed-role/ops" in identity["Arn"]
    assert prompts == ["Enter MFA code for arn:aws:iam::123456789012:mfa/alice: "]


# ---------------------------------------------------------------------------------------------
# Clock skew.

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


def test_offset_from_the_date_header():
    assert offset_from_date("Wed, 01 May 2024 12:07:12 GMT", NOW) == 432.0
    assert offset_from_date("Wed, 01 May 2024 11:59:30 GMT", NOW) == -30.0
    assert offset_from_date("not a date", NOW) is None


def test_offset_from_a_signature_expired_message():
    message = (
        "Signature expired: 20240501T120000Z is now earlier than 20240501T120212Z "
        "(20240501T120712Z - 5 min.)"
    )
    assert offset_from_message(message) == 432.0
    assert offset_from_message("Request has expired.") is None


def test_describe_offset():
    assert describe_offset(432) == "this machine's clock is 7 min 12 s behind AWS"
    assert describe_offset(-5) == "this machine's clock is 5 s ahead of AWS"


def test_monitor_reports_significant_skew_once_per_change():
    reports: list[float] = []
    monitor = ClockSkewMonitor(reports.append, clock=lambda: NOW)
    monitor.observe("Wed, 01 May 2024 12:00:01 GMT")
    assert monitor.offset == 1.0 and reports == [] and not monitor.too_skewed
    monitor.observe("Wed, 01 May 2024 12:07:12 GMT")
    monitor.observe("Wed, 01 May 2024 12:07:13 GMT")
    assert reports == [432.0] and monitor.too_skewed


async def test_monitor_sees_the_date_of_real_responses(moto):
    monitor = ClockSkewMonitor()
    settings = AwsSettings(region="us-east-1", endpoint_url=moto)
    async with AwsContext(settings, prepare_session=monitor.install) as ctx:
        await ctx.call("sts", "GetCallerIdentity")
    assert monitor.offset is not None and abs(monitor.offset) < 5


async def test_shared_credentials_ask_once_for_every_region(moto, aws_config):
    """CopySnapshot needs a session in the destination region: no second MFA code."""
    aws_config(
        f"[profile base]\naws_access_key_id = AKIABASE\naws_secret_access_key = x\n"
        f"endpoint_url = {moto}\n"
        f"[profile ops]\nrole_arn = arn:aws:iam::123456789012:role/ops\nsource_profile = base\n"
        f"mfa_serial = arn:aws:iam::123456789012:mfa/alice\nregion = us-east-1\n"
        f"endpoint_url = {moto}\n"
    )
    prompts: list[str] = []
    shared = credentials.SharedCredentials()

    def prepare(session) -> None:
        credentials.install_mfa_prompter(
            session, lambda p: prompts.append(p) or "123456", region="us-east-1", shared=shared
        )

    settings = AwsSettings(region="us-east-1", profile="ops", endpoint_url=moto)
    async with AwsContext(settings, prepare_session=prepare) as home:
        await home.call("ec2", "DescribeVolumes")
        other = AwsSettings(region="us-west-2", profile="ops", endpoint_url=moto)
        async with AwsContext(other, prepare_session=home.prepare_session) as away:
            identity = await away.call("sts", "GetCallerIdentity")
    assert "assumed-role/ops" in identity["Arn"]
    assert len(prompts) == 1
