"""Resolves which region, profile and endpoint a session will use, and says where each came from.

botocore itself ignores ``AWS_REGION`` (only ``AWS_DEFAULT_REGION`` and the profile count), which
surprises people who set it for every other AWS tool. snaptui honours it, in the order the
``--region`` help text states: the flag, ``AWS_REGION``, ``AWS_DEFAULT_REGION``, the profile.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

import botocore.exceptions
import botocore.session


class ResolveError(Exception):
    """A setting could not be resolved; the message says how to fix it."""


@dataclass(frozen=True)
class Resolved:
    """A value and where it came from (``"--region"``, ``"AWS_REGION"``, ``"profile prod"``...)."""

    value: str | None
    source: str


def profile_region(profile: str | None) -> str | None:
    """The ``region`` of *profile* (or of the default profile) in the AWS config file."""
    session = botocore.session.Session(profile=profile)
    try:
        config = session.get_scoped_config()
    except botocore.exceptions.ProfileNotFound as exc:
        raise ResolveError(
            f"AWS profile {profile!r} is not in {session.get_config_variable('config_file')}: "
            "check the name with `aws configure list-profiles`."
        ) from exc
    region = config.get("region")
    return str(region) if region else None


def resolve_region(
    flag: str | None,
    profile: str | None,
    environ: Mapping[str, str] | None = None,
    *,
    configured: str | None = None,
) -> Resolved:
    """Pick the region: flag, AWS_REGION, AWS_DEFAULT_REGION, the profile's, snaptui's config."""
    env = os.environ if environ is None else environ
    if flag:
        return Resolved(flag, "--region")
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if env.get(name):
            return Resolved(env[name], name)
    region = profile_region(profile)
    if region:
        return Resolved(region, f"profile {profile or 'default'}")
    if configured:
        return Resolved(configured, "snaptui config")
    raise ResolveError(
        "No AWS region is set. Pass --region (e.g. --region eu-west-1), export AWS_REGION, "
        f"or set `region` for profile {profile or 'default'} in ~/.aws/config."
    )


def resolve_profile(flag: str | None, environ: Mapping[str, str] | None = None) -> Resolved:
    """Pick the profile: flag, then AWS_PROFILE; None means botocore's default chain.

    A named profile must exist: failing here is one clear line, failing later is a UI that
    opens on an error.
    """
    env = os.environ if environ is None else environ
    if flag:
        resolved = Resolved(flag, "--profile")
    elif env.get("AWS_PROFILE"):
        resolved = Resolved(env["AWS_PROFILE"], "AWS_PROFILE")
    else:
        return Resolved(None, "default credential chain")
    profile_region(resolved.value)  # raises ResolveError for an unknown profile
    return resolved


def resolve_endpoint(flag: str | None, environ: Mapping[str, str] | None = None) -> Resolved:
    """The endpoint shown to the user; botocore applies AWS_ENDPOINT_URL* itself."""
    env = os.environ if environ is None else environ
    if flag:
        return Resolved(flag, "--endpoint-url")
    for name in ("AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL"):
        if env.get(name):
            return Resolved(env[name], name)
    return Resolved(None, "AWS")


def list_profiles() -> list[str]:
    """Profile names from the AWS config and credentials files (for completion)."""
    try:
        return sorted(botocore.session.Session().available_profiles)
    except botocore.exceptions.BotoCoreError:
        return []
