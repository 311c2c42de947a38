"""Provides AwsSettings: how the AWS layer connects (region, profile, endpoint, limits)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RetryMode = Literal["standard", "adaptive"]


@dataclass(frozen=True)
class AwsSettings:
    """Connection settings for one AWS context.

    Credentials are never part of the settings: they come from botocore's own chain
    (environment, profile, SSO, assume-role, IMDS...).
    """

    region: str
    profile: str | None = None
    """Named profile from ~/.aws/config; None lets botocore pick (AWS_PROFILE or default)."""
    endpoint_url: str | None = None
    """Overrides every service endpoint (moto, LocalStack). When None, botocore's own
    AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> variables still apply."""
    read_only: bool = False
    """Refuse every mutating call (DryRun included) before it is sent."""
    connect_timeout: float = 5
    read_timeout: float = 30
    max_attempts: int = 5
    """Total attempts per request, the first one included (botocore's total_max_attempts)."""
    retry_mode: RetryMode = "standard"
    """"standard" by default: it retries EC2 throttling codes (RequestLimitExceeded...) and
    transient errors with capped exponential backoff (max 20 s) and a retry quota, and it
    behaves predictably for an interactive tool. "adaptive" adds client-side rate limiting,
    which can delay a keypress-driven call for an unbounded time before it is even sent;
    choose it only for bulk, non-interactive work. botocore's own default ("legacy") is
    never used."""

    def __post_init__(self) -> None:
        if not self.region:
            raise ValueError("region must not be empty")
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.connect_timeout <= 0 or self.read_timeout <= 0:
            raise ValueError("timeouts must be positive")
