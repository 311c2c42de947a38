"""Test-wide safety and the moto server every AWS-facing test talks to.

Nothing here may ever reach real AWS. Three layers make sure of it:

1. The environment is scrubbed before anything imports botocore: fake keys, config and
   credentials files pointed at /dev/null, IMDS disabled, no profile, no endpoint override.
2. A socket guard refuses any connection (and any DNS lookup) that is not loopback.
3. Every refusal is also recorded, and the session fails at the end if any happened -- even when
   the code under test caught the error and turned it into a friendly message.
"""

from __future__ import annotations

import gc
import ipaddress
import json
import logging
import os
import socket
import tempfile
import urllib.request

import pytest

# This one process hosts moto's server, the fault proxy and every app under test, so its
# long-lived heap is far bigger than an app's, and full collections, which walk all of it,
# came ~40 times a minute: 15 % of a UI test's time (43 of them, 6.6 s, in the read-only
# proof). Gathering ten times as many young collections before a full one cut that to 5
# (1.8 s); the longest pause stays ~0.5 s. Tests that check what is freed call gc.collect().
_gen0, _gen1, _ = gc.get_threshold()
gc.set_threshold(_gen0, _gen1, 100)

_SCRUB_PREFIXES = ("AWS_", "SNAPTUI_")
for _name in list(os.environ):
    if _name.startswith(_SCRUB_PREFIXES):
        del os.environ[_name]

_TEST_HOME = tempfile.mkdtemp(prefix="snaptui-test-home-")
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "AKIAFAKEFAKEFAKE0000",
        "AWS_SECRET_ACCESS_KEY": "fake-secret-key-for-tests-only",
        "AWS_SESSION_TOKEN": "fake-session-token-for-tests-only",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
        # Keep config, state and audit files of the tests away from the developer's own.
        "XDG_CONFIG_HOME": os.path.join(_TEST_HOME, "config"),
        "XDG_STATE_HOME": os.path.join(_TEST_HOME, "state"),
        "XDG_CACHE_HOME": os.path.join(_TEST_HOME, "cache"),
        "XDG_DATA_HOME": os.path.join(_TEST_HOME, "data"),
    }
)

# ---------------------------------------------------------------------------------------------
# The network guard.

REAL_ENDPOINT_ATTEMPTS: list[str] = []


class RealEndpointRefused(ConnectionRefusedError):
    """Raised when code under test tries to leave the loopback interface."""


def _is_loopback(host: object) -> bool:
    if not isinstance(host, str):
        return True  # AF_UNIX paths and the like
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(what: str) -> None:
    REAL_ENDPOINT_ATTEMPTS.append(what)
    raise RealEndpointRefused(f"test tried to reach a non-loopback address: {what}")


_real_getaddrinfo = socket.getaddrinfo
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _guarded_getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
    if isinstance(host, bytes):
        host = host.decode()
    if host is not None and not _is_loopback(host):
        _refuse(f"DNS lookup of {host}")
    return _real_getaddrinfo(host, *args, **kwargs)


def _check_address(address: object) -> None:
    if isinstance(address, tuple) and address and not _is_loopback(address[0]):
        _refuse(f"connect to {address[0]}:{address[1] if len(address) > 1 else ''}")


def _guarded_connect(self, address):  # type: ignore[no-untyped-def]
    _check_address(address)
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):  # type: ignore[no-untyped-def]
    _check_address(address)
    return _real_connect_ex(self, address)


socket.getaddrinfo = _guarded_getaddrinfo  # type: ignore[assignment]
socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if REAL_ENDPOINT_ATTEMPTS:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # type: ignore[no-untyped-def]
    if REAL_ENDPOINT_ATTEMPTS:
        terminalreporter.section("REAL AWS GUARD", red=True)
        for attempt in REAL_ENDPOINT_ATTEMPTS:
            terminalreporter.line(f"refused: {attempt}", red=True)
        terminalreporter.line("The run fails: a test tried to leave loopback.", red=True)


@pytest.fixture
def guard_attempts() -> list[str]:
    """The guard's record; tests of the guard itself clear what they provoked."""
    return REAL_ENDPOINT_ATTEMPTS


@pytest.fixture(autouse=True)
def _stayed_on_loopback(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Fail the very test that tried to leave loopback (also under pytest-xdist, whose
    workers' session status does not reach the controller)."""
    before = len(REAL_ENDPOINT_ATTEMPTS)
    yield
    provoked = REAL_ENDPOINT_ATTEMPTS[before:]
    if provoked and "guard_attempts" not in request.fixturenames:
        pytest.fail(f"the test tried to leave loopback: {provoked}", pytrace=False)


# ---------------------------------------------------------------------------------------------
# The moto server: one per session, in this process, over real HTTP on 127.0.0.1.

REGION = "us-east-1"


@pytest.fixture(scope="session")
def moto_endpoint() -> str:
    """URL of a moto server with snaptui's demo shim applied (paging, pending, fast tags)."""
    from moto.server import ThreadedMotoServer

    from snaptui.demo import shim

    shim.apply()
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _post(url: str, body: dict | None = None) -> None:
    data = json.dumps(body or {}).encode()
    request = urllib.request.Request(url, data=data, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


@pytest.fixture
def moto(moto_endpoint: str) -> str:
    """A freshly reset moto server for one test; snapshot transitions back to immediate."""
    from snaptui.demo import shim

    _post(f"{moto_endpoint}/moto-api/reset")
    shim.reset_snapshot_transition()
    yield moto_endpoint
    shim.reset_snapshot_transition()
