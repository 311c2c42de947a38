"""Loopback fakes for credential tests: an endpoint whose credentials expire, an SSO portal.

Both are tiny HTTP servers on 127.0.0.1 in a thread; nothing leaves the machine.
"""

from __future__ import annotations

import http.client
import json
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from tests.loopback import LoopbackServer, Running

_HOP_BY_HOP = {"connection", "content-length", "date", "server", "transfer-encoding", "keep-alive"}

EC2_ERROR = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{code}</Code>'
    "<Message>{message}</Message></Error></Errors><RequestID>fake-{code}</RequestID></Response>"
)
STS_ERROR = (
    "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>"
    "</Error><RequestId>fake-{code}</RequestId></ErrorResponse>"
)
MESSAGES = {
    "ExpiredToken": "The security token included in the request is expired",
    "RequestExpired": "Request has expired.",
}


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: LoopbackServer

    def log_message(self, *args: object) -> None:
        pass

    def date_time_string(self, timestamp: float | None = None) -> str:
        proxy: ExpiringEndpoint = self.server.owner
        return formatdate((timestamp or time.time()) + proxy.skew, usegmt=True)

    def _handle(self) -> None:
        proxy: ExpiringEndpoint = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        text = body.decode("utf-8", "replace")
        proxy.requests.append(text or self.path)
        denied = next((a for a in proxy.denied if f"Action={a}&" in text + "&"), None)
        if denied and "DryRun=true" in text:
            message = (
                "You are not authorized to perform this operation. "
                f"User: x is not authorized to perform: ec2:{denied}"
            )
            self._reply(
                403, EC2_ERROR.format(code="UnauthorizedOperation", message=message).encode(), {}
            )
            return
        if proxy.expired_code:
            template = STS_ERROR if "Version=2011-06-15" in text else EC2_ERROR
            code = proxy.expired_code
            self._reply(400, template.format(code=code, message=MESSAGES[code]).encode(), {})
            return
        target = urlsplit(proxy.target)
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
        connection.request(self.command, self.path, body=body or None, headers=headers)
        response = connection.getresponse()
        data = response.read()
        kept = {k: v for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP}
        connection.close()
        self._reply(response.status, data, kept)

    def _reply(self, status: int, data: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)  # adds Date (skewed) and Server
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _handle


class ExpiringEndpoint(Running):
    """A proxy in front of moto whose credentials "expire" on demand, with a skewed clock,
    and with IAM denying some DryRuns.

    ``expire("ExpiredToken")`` makes every request fail as AWS does when the session token
    ran out (for EC2 and STS alike) until ``renew()`` -- the user refreshing credentials.
    ``skew`` seconds are added to the Date header of every response.
    """

    handler = _ProxyHandler

    def __init__(self, target: str, *, skew: float = 0.0) -> None:
        self.target = target
        self.skew = skew
        self.expired_code: str | None = None
        self.requests: list[str] = []
        self.denied: set[str] = set()
        """EC2 actions whose DryRun answers UnauthorizedOperation (IAM says no)."""

    def expire(self, code: str = "ExpiredToken") -> None:
        self.expired_code = code

    def renew(self) -> None:
        self.expired_code = None


class _PortalHandler(BaseHTTPRequestHandler):
    server: LoopbackServer

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        portal: SsoPortal = self.server.owner
        portal.requests.append((self.path, self.headers.get("x-amz-sso_bearer_token")))
        expiration = int((time.time() + 3600) * 1000)
        body = json.dumps(
            {
                "roleCredentials": {
                    "accessKeyId": "ASIASSOFAKE0000000000",
                    "secretAccessKey": "sso-fake-secret",
                    "sessionToken": "sso-fake-session",
                    "expiration": expiration,
                }
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class SsoPortal(Running):
    """The SSO portal's GetRoleCredentials (``/federation/credentials``), always granting."""

    handler = _PortalHandler

    def __init__(self) -> None:
        self.requests: list[tuple[str, str | None]] = []
