"""Provides the AwsError hierarchy and translate(), which turns botocore/aiohttp failures into it.

Every error that leaves snaptui.aws is an AwsError. Its str() is ONE line, e.g.
``InvalidSnapshot.NotFound: snapshot snap-123 not found (DescribeSnapshots)``, and never
contains credentials.
"""

from __future__ import annotations

import http.client
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from botocore import exceptions as bex
from botocore.parsers import ResponseParserError

from snaptui.aws.redaction import redact

__all__ = [
    "AccessDeniedError",
    "AwsError",
    "CredentialsError",
    "EndpointError",
    "InvalidRequestError",
    "NotFoundError",
    "NotSupportedError",
    "ReadOnlyError",
    "ThrottledError",
    "is_aws_failure",
    "is_read_only_operation",
    "request_id_of",
    "translate",
]


class AwsError(Exception):
    """A failed AWS call, ready to show to a user."""

    title = "AWS error"
    """A short heading for dialogs and notifications."""
    retryable = False
    """True when trying again later may succeed without changing anything."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        operation: str | None = None,
        resource: str | None = None,
        request_id: str | None = None,
        service: str | None = None,
        http_status: int | None = None,
    ) -> None:
        self.code = code
        self.message = _one_line(redact(message)) or code
        self.operation = operation
        self.resource = resource
        self.request_id = request_id
        self.service = service
        self.http_status = http_status
        super().__init__(str(self))

    def __str__(self) -> str:
        suffix = f" ({self.operation})" if self.operation else ""
        return f"{self.code}: {self.message}{suffix}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class CredentialsError(AwsError):
    """No, partial, expired or invalid credentials (including SSO tokens)."""

    title = "Credentials problem"


class AccessDeniedError(AwsError):
    """Authenticated, but IAM does not allow the action."""

    title = "Access denied"

    def __init__(self, code: str, message: str, *, action: str | None = None, **kwargs: Any):
        self.action = action
        """The IAM action that is missing, e.g. ``ec2:CreateSnapshot``, when known."""
        super().__init__(code, message, **kwargs)


class ThrottledError(AwsError):
    """Rate limits that outlasted botocore's retries (or that botocore never retries)."""

    title = "Throttled"
    retryable = True


class NotFoundError(AwsError):
    """The resource does not exist (or is not visible yet), or its id is malformed."""

    title = "Not found"


class NotSupportedError(AwsError):
    """The endpoint does not implement the operation (moto, LocalStack, old partitions)."""

    title = "Not available on this endpoint"


class EndpointError(AwsError):
    """The endpoint cannot be reached or did not answer in time."""

    title = "Cannot reach AWS"
    retryable = True


class ReadOnlyError(AwsError):
    """snaptui is in read-only mode and refused to send a mutating call."""

    title = "Read-only mode"


class InvalidRequestError(AwsError):
    """The request itself is wrong (bad parameter value or combination)."""

    title = "Invalid request"


# ---------------------------------------------------------------------------------------------
# Read-only classification.

_READ_PREFIXES = ("Describe", "List", "Get")


def is_read_only_operation(operation: str) -> bool:
    """True for Describe*/List*/Get* API names (GetCallerIdentity included).

    Everything else is treated as mutating, DryRun calls too: read-only mode promises that
    nothing but reads leaves the machine.
    """
    return operation.startswith(_READ_PREFIXES)


def safe_endpoint(url: str | None) -> str | None:
    """The endpoint URL without any user:password part."""
    if not url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def _one_line(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------------
# Error codes.

_CREDENTIAL_CODES = frozenset(
    {
        "AuthFailure",
        "ExpiredToken",
        "ExpiredTokenException",
        "IncompleteSignature",
        "InvalidAccessKeyId",
        "InvalidClientTokenId",
        "InvalidToken",
        "MissingAuthenticationToken",
        "RequestExpired",
        "SignatureDoesNotMatch",
        "UnrecognizedClientException",
    }
)
_ACCESS_CODES = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "Forbidden"}
)
_THROTTLE_CODES = frozenset(
    {
        "BandwidthLimitExceeded",
        "ConcurrentSnapshotLimitExceeded",
        "EC2ThrottledException",
        "PriorRequestNotComplete",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
        "SnapshotCreationPerVolumeRateExceeded",
        "Throttling",
        "ThrottlingException",
        "TooManyRequestsException",
    }
)
_INVALID_CODES = frozenset(
    {
        "IdempotentParameterMismatch",
        "InvalidInput",
        "InvalidParameter",
        "InvalidParameterCombination",
        "InvalidParameterException",
        "InvalidParameterValue",
        "InvalidRequest",
        "MissingParameter",
        "UnknownParameter",
        "ValidationError",
        "ValidationException",
    }
)
_NOT_SUPPORTED_CODES = frozenset(
    {
        "InvalidAction",
        "NotImplemented",
        "UnknownOperation",
        "UnknownOperationException",
        "UnsupportedOperation",
    }
)
_NOT_FOUND_SUFFIXES = (".NotFound", ".Malformed", "NotFoundException")

# "InvalidSnapshot.NotFound" -> "snapshot": used when moto sends no Message.
_RESOURCE_WORDS = {
    "InvalidSnapshot": "snapshot",
    "InvalidSnapshotID": "snapshot id",
    "InvalidVolume": "volume",
    "InvalidVolumeID": "volume id",
    "InvalidInstanceID": "instance",
    "InvalidAMIID": "image",
    "InvalidKeyPair": "key pair",
    "InvalidSubnetID": "subnet",
    "InvalidGroup": "security group",
}

_ACTION_RE = re.compile(r"perform:\s*([a-z0-9-]+:[A-Za-z0-9*]+)")
_CHECK_THE_ROUTE = "check the network (and any proxy) and the endpoint URL"
"""Nothing answered at all: the cause is between here and the endpoint, or the URL."""
_ENCODED_RE = re.compile(r"\s*Encoded authorization failure message:.*$", re.DOTALL)
_IAM_NAMED_AFTER_API = frozenset({"ec2", "ebs", "sts"})


def _class_for_code(code: str) -> type[AwsError]:
    if code in _CREDENTIAL_CODES:
        return CredentialsError
    if code in _ACCESS_CODES:
        return AccessDeniedError
    if code in _THROTTLE_CODES:
        return ThrottledError
    if code in _INVALID_CODES:
        return InvalidRequestError
    if code in _NOT_SUPPORTED_CODES or code in ("500", "501"):
        return NotSupportedError
    if code.endswith(_NOT_FOUND_SUFFIXES):
        return NotFoundError
    if code.isdigit() and int(code) >= 502:
        return EndpointError
    return AwsError


def _missing_message(code: str, resource: str | None) -> str:
    """A message for the many moto (and some AWS) errors that come without one."""
    head, _, tail = code.partition(".")
    word = _RESOURCE_WORDS.get(head, "resource")
    if tail == "NotFound":
        return f"{word} {resource} not found" if resource else f"{word} not found"
    if tail == "Malformed":
        return f"malformed {word} {resource}" if resource else f"malformed {word}"
    if code.isdigit():
        return f"HTTP {code} {http.client.responses.get(int(code), '')}".strip()
    return f"{code} (no message from the endpoint)"


def request_id_of(response: Mapping[str, Any]) -> str | None:
    """The request id of a response or error response (what CloudTrail calls requestID)."""
    meta = response.get("ResponseMetadata") or {}
    headers = meta.get("HTTPHeaders") or {}
    for key in ("x-amzn-requestid", "x-amz-request-id"):
        if headers.get(key):
            return str(headers[key])
    rid = meta.get("RequestId")
    return str(rid) if rid else None


def _translate_client_error(
    exc: bex.ClientError, operation: str, resource: str | None, service: str | None
) -> AwsError:
    response = exc.response or {}
    error = response.get("Error") or {}
    code = str(error.get("Code") or "Unknown")
    status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
    raw_message = error.get("Message")
    message = str(raw_message) if raw_message else ""
    kwargs: dict[str, Any] = {
        "operation": operation,
        "resource": resource,
        "request_id": request_id_of(response),
        "service": service,
        "http_status": status,
    }
    # An HTML page instead of an AWS error: the endpoint does not implement the operation.
    html = "<html" in message.lower()
    cls = NotSupportedError if html else _class_for_code(code)
    if cls is NotSupportedError:
        if code.isdigit() or html:
            message = f"not available on this endpoint (HTTP {status or code} with no AWS error)"
        elif not message or "not available" not in message:
            message = f"not available on this endpoint ({message or code})"
        return NotSupportedError(code, message, **kwargs)
    if not message:
        message = _missing_message(code, resource)
    if cls is AccessDeniedError:
        match = _ACTION_RE.search(message)
        # EC2, EBS and STS IAM actions are named after the API operation.
        guess = f"{service}:{operation}" if service in _IAM_NAMED_AFTER_API else None
        action = match.group(1) if match else guess
        message = _ENCODED_RE.sub("", message)
        if action and action not in message:
            message = f"{message} (missing permission: {action})"
        return AccessDeniedError(code, message, action=action, **kwargs)
    if cls is CredentialsError and code in ("RequestExpired", "SignatureDoesNotMatch"):
        message += " (expired credentials, or the clock of this machine is off by > 5 minutes)"
    return cls(code, message, **kwargs)


_AWS_FAILURES = (
    bex.ClientError,
    bex.BotoCoreError,
    ResponseParserError,
    aiohttp.ClientError,
    TimeoutError,  # asyncio.TimeoutError too
)


def is_aws_failure(exc: BaseException) -> bool:
    """True for what an AWS call raises when AWS, the network or the config fails.

    Anything else is a bug in snaptui and must propagate untranslated.
    """
    if isinstance(exc, (AwsError, *_AWS_FAILURES)):
        return True
    return isinstance(exc, ValueError) and str(exc).startswith("Invalid endpoint")


_SSO_HINT = "run 'aws sso login' for this profile (add --use-device-code on a headless host)"


def translate(
    exc: BaseException,
    *,
    operation: str,
    resource: str | None = None,
    service: str | None = None,
    endpoint: str | None = None,
) -> AwsError:
    """Turn any failure of an AWS call into an AwsError (AwsErrors pass through unchanged).

    ``endpoint`` is the URL the client talks to; it is named in connection errors.
    """
    if isinstance(exc, AwsError):
        return exc
    common: dict[str, Any] = {"operation": operation, "resource": resource, "service": service}
    where = safe_endpoint(getattr(exc, "kwargs", {}).get("endpoint_url") or endpoint) or "AWS"

    if isinstance(exc, bex.ClientError):
        return _translate_client_error(exc, operation, resource, service)
    if isinstance(exc, ResponseParserError):
        html = "<html" in str(exc).lower()
        detail = "HTTP 500 with an HTML page" if html else "a response botocore cannot parse"
        return NotSupportedError(
            "NotSupported", f"not available on this endpoint: {where} answered {detail}", **common
        )
    # Credentials. SSO errors are checked before the generic BotoCoreError fallback.
    if isinstance(exc, bex.UnauthorizedSSOTokenError):
        return CredentialsError("SSOTokenExpired", f"SSO session expired: {_SSO_HINT}", **common)
    if isinstance(exc, bex.TokenRetrievalError | bex.SSOTokenLoadError | bex.SSOError):
        return CredentialsError("SSOTokenError", f"{exc}; {_SSO_HINT}", **common)
    if isinstance(exc, bex.NoCredentialsError):
        return CredentialsError(
            "NoCredentials",
            "no AWS credentials found: use --profile, export AWS_PROFILE, or run 'aws sso login'",
            **common,
        )
    if isinstance(exc, bex.PartialCredentialsError):
        var = exc.kwargs.get("cred_var", "a value")
        provider = exc.kwargs.get("provider", "the credential source")
        return CredentialsError(
            "PartialCredentials", f"partial credentials from {provider}: {var} is missing", **common
        )
    if isinstance(exc, bex.ProfileNotFound):
        profile = exc.kwargs.get("profile", "?")
        return CredentialsError(
            "ProfileNotFound", f"profile '{profile}' not found in the AWS config files", **common
        )
    if isinstance(exc, bex.RefreshWithMFAUnsupportedError):
        return CredentialsError(
            "MFARefreshUnsupported", "credentials expired and need a new MFA code", **common
        )
    if isinstance(exc, bex.CredentialRetrievalError | bex.UnknownCredentialError):
        return CredentialsError("CredentialRetrievalError", str(exc), **common)
    # Endpoints and the network.
    if isinstance(exc, bex.NoRegionError):
        return EndpointError(
            "NoRegion", "no region configured: use --region or set AWS_DEFAULT_REGION", **common
        )
    if isinstance(exc, bex.ConnectTimeoutError):
        return EndpointError(
            "ConnectTimeout", f"connect timeout to {where}: {_CHECK_THE_ROUTE}", **common
        )
    if isinstance(exc, bex.ReadTimeoutError):
        return EndpointError("ReadTimeout", f"{where} did not answer in time", **common)
    if isinstance(exc, bex.EndpointConnectionError | bex.ConnectionError):
        cause = getattr(exc, "kwargs", {}).get("error")
        if isinstance(cause, aiohttp.ClientConnectionError) and not isinstance(
            cause, aiohttp.ClientConnectorError
        ):  # the connection was open: it broke mid-request
            message = f"connection to {where} was reset before a complete response"
        else:
            message = f"cannot connect to {where}: {_CHECK_THE_ROUTE}"
        return EndpointError("EndpointConnectionError", message, **common)
    if isinstance(exc, bex.ConnectionClosedError):
        message = f"connection to {where} closed before a complete response"
        return EndpointError("HTTPClientError", message, **common)
    if isinstance(exc, bex.HTTPClientError):
        cause = getattr(exc, "kwargs", {}).get("error")
        detail = type(cause).__name__ if cause is not None else "no detail"
        message = f"connection to {where} failed ({detail})"
        return EndpointError("HTTPClientError", message, **common)
    if isinstance(exc, bex.InvalidEndpointConfigurationError | bex.UnknownEndpointError):
        return EndpointError("InvalidEndpoint", f"bad endpoint configuration: {exc}", **common)
    if isinstance(exc, ValueError) and str(exc).startswith("Invalid endpoint"):
        return EndpointError("InvalidEndpoint", f"bad endpoint URL {where}", **common)
    if isinstance(exc, aiohttp.ClientError):
        return EndpointError(
            "EndpointConnectionError",
            f"connection to {where} failed ({type(exc).__name__})",
            **common,
        )
    if isinstance(exc, TimeoutError):
        return EndpointError("Timeout", f"{where} did not answer in time", **common)
    if isinstance(exc, bex.ParamValidationError):
        return InvalidRequestError("ParamValidation", str(exc), **common)
    if isinstance(exc, bex.BotoCoreError):
        return AwsError(type(exc).__name__, str(exc), **common)
    return AwsError(type(exc).__name__, str(exc) or type(exc).__name__, **common)
