"""translate(): botocore/aiohttp failures, built by hand, into the AwsError hierarchy."""

from __future__ import annotations

import aiohttp
import pytest
from botocore import exceptions as bex
from botocore.parsers import ResponseParserError

from snaptui.aws.errors import (
    AccessDeniedError,
    AwsError,
    CredentialsError,
    EndpointError,
    InvalidRequestError,
    NotFoundError,
    NotSupportedError,
    ReadOnlyError,
    ThrottledError,
    is_aws_failure,
    is_read_only_operation,
    redact,
    translate,
)


def client_error(
    code: str, message: str | None = "boom", status: int = 400, operation: str = "Op"
) -> bex.ClientError:
    error = {"Code": code}
    if message is not None:
        error["Message"] = message
    return bex.ClientError(
        {
            "Error": error,
            "ResponseMetadata": {
                "RequestId": "req-body",
                "HTTPStatusCode": status,
                "HTTPHeaders": {"x-amzn-requestid": "req-header"},
            },
        },
        operation,
    )


def test_not_found_without_message_gets_a_readable_one() -> None:
    # moto sends InvalidSnapshot.NotFound with no Message at all.
    err = translate(
        client_error("InvalidSnapshot.NotFound", None),
        operation="DescribeSnapshots",
        resource="snap-123",
    )
    assert isinstance(err, NotFoundError)
    assert str(err) == "InvalidSnapshot.NotFound: snapshot snap-123 not found (DescribeSnapshots)"
    assert err.resource == "snap-123"
    assert err.request_id == "req-header"
    assert err.http_status == 400


def test_not_found_keeps_the_aws_message() -> None:
    err = translate(
        client_error("InvalidVolume.NotFound", "The volume 'vol-1' does not exist."),
        operation="DescribeVolumes",
    )
    assert isinstance(err, NotFoundError)
    assert (
        str(err) == "InvalidVolume.NotFound: The volume 'vol-1' does not exist. (DescribeVolumes)"
    )


def test_malformed_id_is_not_found() -> None:
    err = translate(client_error("InvalidSnapshotID.Malformed", None), operation="DeleteSnapshot")
    assert isinstance(err, NotFoundError)
    assert "malformed" in err.message


def test_message_is_one_line() -> None:
    err = translate(client_error("InvalidParameterValue", "line one\n  line two"), operation="X")
    assert isinstance(err, InvalidRequestError)
    assert "\n" not in str(err)
    assert str(err) == "InvalidParameterValue: line one line two (X)"


def test_html_500_from_a_parser_error_is_not_supported() -> None:
    body = (
        "Unable to parse response (syntax error: line 1, column 0), invalid XML received. "
        "Further retries may succeed:\nb'<!doctype html>\\n<html lang=en>\\n<title>500 "
        "Internal Server Error</title>'"
    )
    err = translate(
        ResponseParserError(body),
        operation="DescribeVolumeStatus",
        endpoint="http://127.0.0.1:5000",
    )
    assert isinstance(err, NotSupportedError)
    assert "not available" in str(err)
    assert "HTML" in str(err)
    assert str(err).endswith("(DescribeVolumeStatus)")
    assert "\n" not in str(err)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("500", "Internal Server Error"),
        ("InternalError", "<!doctype html><html><title>500</title></html>"),
        ("InvalidAction", "The action LockSnapshot is not valid for this web service."),
        ("UnknownOperation", None),
        ("NotImplemented", "nope"),
    ],
)
def test_unimplemented_operations_are_not_supported(code: str, message: str | None) -> None:
    err = translate(client_error(code, message, status=500), operation="LockSnapshot")
    assert isinstance(err, NotSupportedError)
    assert "not available on this endpoint" in err.message


def test_expired_token_is_a_credentials_error() -> None:
    err = translate(
        client_error("ExpiredToken", "The security token included in the request is expired"),
        operation="DescribeSnapshots",
    )
    assert isinstance(err, CredentialsError)
    assert err.title == "Credentials problem"


@pytest.mark.parametrize(
    "code",
    ["RequestExpired", "AuthFailure", "UnrecognizedClientException", "InvalidClientTokenId"],
)
def test_other_credential_codes(code: str) -> None:
    assert isinstance(translate(client_error(code), operation="X"), CredentialsError)


@pytest.mark.parametrize(
    "code",
    [
        "RequestLimitExceeded",
        "Throttling",
        "ThrottlingException",
        "SnapshotCreationPerVolumeRateExceeded",
    ],
)
def test_throttling(code: str) -> None:
    err = translate(client_error(code, "Request limit exceeded."), operation="DescribeSnapshots")
    assert isinstance(err, ThrottledError)
    assert err.retryable


def test_access_denied_names_the_missing_action_and_drops_the_encoded_blob() -> None:
    message = (
        "You are not authorized to perform this operation. User: arn:aws:iam::1:user/bob is "
        "not authorized to perform: ec2:CreateSnapshot on resource: arn:aws:ec2:us-east-1::"
        "snapshot/* because no identity-based policy allows the ec2:CreateSnapshot action. "
        "Encoded authorization failure message: AbCdEf0123456789"
    )
    err = translate(client_error("UnauthorizedOperation", message), operation="CreateSnapshot")
    assert isinstance(err, AccessDeniedError)
    assert err.action == "ec2:CreateSnapshot"
    assert "Encoded authorization" not in str(err)
    assert "AbCdEf0123456789" not in str(err)


def test_access_denied_without_named_action_guesses_it_from_the_operation() -> None:
    err = translate(
        client_error("UnauthorizedOperation", "You are not authorized to perform this operation."),
        operation="CreateSnapshot",
        service="ec2",
    )
    assert isinstance(err, AccessDeniedError)
    assert err.action == "ec2:CreateSnapshot"
    assert "ec2:CreateSnapshot" in str(err)


def test_endpoint_connection_error_names_the_endpoint_quickly() -> None:
    exc = bex.EndpointConnectionError(endpoint_url="http://127.0.0.1:1/", error="refused")
    err = translate(exc, operation="DescribeVolumes")
    assert isinstance(err, EndpointError)
    assert "http://127.0.0.1:1/" in str(err)
    assert err.retryable


@pytest.mark.parametrize(
    "exc",
    [
        bex.ConnectTimeoutError(endpoint_url="https://ec2.example.test"),
        bex.ReadTimeoutError(endpoint_url="https://ec2.example.test"),
        bex.ConnectionClosedError(endpoint_url="https://ec2.example.test"),
    ],
)
def test_timeouts_are_endpoint_errors_naming_the_endpoint(exc: Exception) -> None:
    err = translate(exc, operation="DescribeSnapshots")
    assert isinstance(err, EndpointError)
    assert "https://ec2.example.test" in str(err)


def test_endpoint_credentials_in_the_url_are_not_shown() -> None:
    exc = bex.EndpointConnectionError(endpoint_url="http://user:hunter2@127.0.0.1:9/", error="x")
    err = translate(exc, operation="X")
    assert "hunter2" not in str(err)
    assert "127.0.0.1:9" in str(err)


@pytest.mark.parametrize(
    "exc", [aiohttp.ServerDisconnectedError(), aiohttp.ClientPayloadError("bad"), TimeoutError()]
)
def test_aiohttp_errors_and_timeouts_are_endpoint_errors(exc: Exception) -> None:
    err = translate(exc, operation="DescribeSnapshots", endpoint="http://127.0.0.1:4566")
    assert isinstance(err, EndpointError)
    assert "http://127.0.0.1:4566" in str(err)


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (bex.NoCredentialsError(), "NoCredentials"),
        (bex.PartialCredentialsError(provider="env", cred_var="AWS_SECRET_ACCESS_KEY"), None),
        (bex.ProfileNotFound(profile="prod"), "ProfileNotFound"),
        (bex.TokenRetrievalError(provider="sso", error_msg="Token has expired"), None),
        (bex.SSOTokenLoadError(error_msg="no cached token"), None),
        (bex.UnauthorizedSSOTokenError(), None),
        (bex.RefreshWithMFAUnsupportedError(), None),
    ],
)
def test_credential_exceptions(exc: Exception, code: str | None) -> None:
    err = translate(exc, operation="GetCallerIdentity")
    assert isinstance(err, CredentialsError)
    if code:
        assert err.code == code
    assert "\n" not in str(err)


def test_sso_errors_say_how_to_log_in() -> None:
    err = translate(bex.UnauthorizedSSOTokenError(), operation="GetCallerIdentity")
    assert "aws sso login" in str(err)


def test_profile_not_found_names_the_profile() -> None:
    assert "'prod'" in str(translate(bex.ProfileNotFound(profile="prod"), operation="Connect"))


def test_no_region() -> None:
    err = translate(bex.NoRegionError(), operation="Connect")
    assert isinstance(err, EndpointError)
    assert "region" in err.message


def test_bad_endpoint_url() -> None:
    err = translate(ValueError("Invalid endpoint: htp:/x"), operation="Connect", endpoint="htp:/x")
    assert isinstance(err, EndpointError)


def test_param_validation_is_invalid_request() -> None:
    exc = bex.ParamValidationError(report='Missing required parameter in input: "VolumeId"')
    err = translate(exc, operation="CreateSnapshot")
    assert isinstance(err, InvalidRequestError)
    assert "VolumeId" in str(err)


def test_unknown_client_error_code_is_a_plain_aws_error() -> None:
    err = translate(client_error("IncorrectState", "Volume is busy"), operation="DetachVolume")
    assert type(err) is AwsError
    assert str(err) == "IncorrectState: Volume is busy (DetachVolume)"


def test_aws_errors_pass_through_unchanged() -> None:
    original = ReadOnlyError("ReadOnly", "refused", operation="CreateSnapshot")
    assert translate(original, operation="Other") is original


def test_messages_never_contain_credentials() -> None:
    message = (
        "Signature mismatch. Credential=AKIAFAKEFAKEFAKE0000/20260301/us-east-1/sts/aws4_request "
        "X-Amz-Security-Token: FQoGZXIvYXdzEJr aws_secret_access_key=abc/def+ghi"
    )
    err = translate(client_error("SignatureDoesNotMatch", message), operation="GetCallerIdentity")
    text = str(err)
    assert "AKIAFAKEFAKEFAKE0000" not in text
    assert "FQoGZXIvYXdzEJr" not in text
    assert "abc/def+ghi" not in text
    assert isinstance(err, CredentialsError)


def test_redact_leaves_ordinary_text_alone() -> None:
    assert redact("snapshot snap-123 not found") == "snapshot snap-123 not found"


@pytest.mark.parametrize(
    ("operation", "read_only"),
    [
        ("DescribeSnapshots", True),
        ("ListSnapshotBlocks", True),
        ("GetCallerIdentity", True),
        ("GetSnapshotBlock", True),
        ("CreateSnapshot", False),
        ("DeleteSnapshot", False),
        ("ModifySnapshotAttribute", False),
        ("StartSnapshot", False),
        ("CopySnapshot", False),
    ],
)
def test_read_only_operation_classification(operation: str, read_only: bool) -> None:
    assert is_read_only_operation(operation) is read_only


def test_is_aws_failure_lets_bugs_through() -> None:
    assert is_aws_failure(client_error("X"))
    assert is_aws_failure(bex.NoCredentialsError())
    assert not is_aws_failure(KeyError("bug"))
    assert not is_aws_failure(ValueError("some other value error"))


def test_transport_failures_say_whether_the_connection_ever_opened() -> None:
    import aiohttp
    from botocore import exceptions as bex

    from snaptui.aws.errors import translate

    url = "http://127.0.0.1:9/"
    refused = aiohttp.ClientConnectorError(
        connection_key=None,  # type: ignore[arg-type]
        os_error=ConnectionRefusedError(111, "refused"),
    )
    reset = aiohttp.ClientOSError(104, "Connection reset by peer")
    cases = [
        (
            bex.EndpointConnectionError(endpoint_url=url, error=refused),
            f"cannot connect to {url}: check the network (and any proxy) and the endpoint URL",
        ),
        (
            bex.EndpointConnectionError(endpoint_url=url, error=reset),
            f"connection to {url} was reset before a complete response",
        ),
        (
            bex.ConnectionClosedError(endpoint_url=url, error=None, request=None),
            f"connection to {url} closed before a complete response",
        ),
    ]
    for exc, message in cases:
        assert translate(exc, operation="DescribeVolumes").message == message
