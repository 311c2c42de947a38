"""The ``snaptui`` command: parses flags, resolves the AWS settings, starts the TUI or the demo.

Exit codes: 0 success, 1 the action ran but something it made failed (or an unexpected
error), 2 usage or configuration error, 3 AWS or demo-backend error, 4 timed out while
waiting, 5 refused or aborted (read-only mode, declined confirmation, no --yes without a
terminal, blocked delete), 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from snaptui import __version__, config, locations
from snaptui.demo.backend import DemoError
from snaptui.logs import debug_requested, setup_logging

if TYPE_CHECKING:
    from snaptui.aws.settings import AwsSettings

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_AWS = 3
EXIT_TIMEOUT = 4
EXIT_REFUSED = 5
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141
"""128 + SIGPIPE: what a shell reports for any Unix tool whose reader went away."""

DEMO_REGION = "us-east-1"
_REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")


class UsageError(Exception):
    """Bad input on the command line; the message says what to do instead."""


def add_session_flags(parser: argparse.ArgumentParser, *, in_command: bool = False) -> None:
    """--profile/--region/--endpoint-url/--read-only/--demo, before or after a command.

    In a command's parser the defaults are suppressed, so a flag given before the command
    (``snaptui --region X ls``) is not overwritten by the command's default.
    """
    default = argparse.SUPPRESS if in_command else None
    parser.add_argument(
        "--profile", default=default, help="AWS profile (default: AWS_PROFILE, then the default)"
    )
    parser.add_argument(
        "--region",
        default=default,
        help="AWS region (default: AWS_REGION, then AWS_DEFAULT_REGION, then the profile's)",
    )
    parser.add_argument(
        "--endpoint-url",
        metavar="URL",
        default=default,
        help="EC2/EBS endpoint, e.g. a VPC endpoint or a local test server "
        "(AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_EC2 work too)",
    )
    parser.add_argument(
        "--read-only",
        action="store_true",
        default=argparse.SUPPRESS if in_command else False,
        help="refuse every call that would change anything",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS if in_command else False,
        help="log every AWS request and response to the log file (credentials redacted); "
        "SNAPTUI_DEBUG=1 does the same",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS if in_command else False,
        help="use an embedded demo backend (a seeded fake fleet; no AWS account needed)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="snaptui",
        description="Browse EC2 instances, EBS volumes and snapshot generations; "
        "snapshot and restore safely.",
        epilog="Try it without an AWS account: snaptui --demo",
    )
    parser.add_argument("--version", action="version", version=f"snaptui {__version__}")
    add_session_flags(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    from snaptui.commands import add_command_parsers

    add_command_parsers(commands)
    return parser


def check_endpoint_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"--endpoint-url {url!r} is not a URL: give scheme and host, "
            "e.g. https://ec2.eu-west-1.amazonaws.com or http://127.0.0.1:5000"
        )
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as exc:
        raise UsageError(f"--endpoint-url {url!r} has an invalid port") from exc
    return url


def check_region(region: str) -> str:
    if not _REGION_RE.match(region):
        raise UsageError(
            f"{region!r} is not an AWS region name: use one like us-east-1 or eu-west-2"
        )
    return region


def _use_demo_credentials() -> None:
    """The demo must never pick up a real profile or keys, whatever the shell exports."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            del os.environ[name]
    os.environ.update(
        AWS_ACCESS_KEY_ID="demo",
        AWS_SECRET_ACCESS_KEY="demo",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )


@dataclass(frozen=True)
class Session:
    """What every command needs: resolved AWS settings and how to label them."""

    settings: AwsSettings
    profile_label: str
    endpoint_label: str
    demo: bool
    config: config.Config
    config_problem: str | None


@contextmanager
def open_session(args: argparse.Namespace, *, quiet: bool = False) -> Iterator[Session]:
    """Resolve flags, environment, profile and config into settings; with --demo, start the
    demo backend for the duration (and stop it on any exit, Ctrl-C included).

    Raises UsageError for bad input and DemoError when the demo backend cannot start.
    """
    from snaptui.aws.resolve import ResolveError, resolve_endpoint
    from snaptui.aws.settings import AwsSettings

    loaded = config.load()
    cfg = loaded.config
    endpoint_url = getattr(args, "endpoint_url", None)
    region_flag = getattr(args, "region", None)
    read_only = bool(getattr(args, "read_only", False)) or cfg.read_only
    network = {
        "connect_timeout": cfg.network.connect_timeout,
        "read_timeout": cfg.network.read_timeout,
        "max_attempts": cfg.network.max_attempts,
    }
    if endpoint_url:
        check_endpoint_url(endpoint_url)
    if region_flag:
        check_region(region_flag)

    if getattr(args, "demo", False):
        from snaptui.demo.backend import DemoBackend

        _use_demo_credentials()
        if not quiet:
            print("snaptui: starting the demo backend on 127.0.0.1 ...", file=sys.stderr)
        with DemoBackend() as backend:
            settings = AwsSettings(
                region=region_flag or DEMO_REGION,
                endpoint_url=backend.endpoint_url,
                read_only=read_only,
                **network,
            )
            yield Session(settings, "demo", backend.endpoint_url, True, cfg, loaded.problem)
        return

    try:
        profile = config.resolve_profile(getattr(args, "profile", None), cfg)
        region = config.resolve_region(region_flag, profile.value, cfg).value
    except ResolveError as exc:
        raise UsageError(str(exc)) from exc
    settings = AwsSettings(
        region=check_region(region or ""),
        profile=profile.value,
        endpoint_url=endpoint_url,
        read_only=read_only or cfg.is_read_only(profile.value),
        **network,
    )
    endpoint_label = endpoint_url or resolve_endpoint(None).value or "AWS"
    yield Session(settings, profile.value or "default", endpoint_label, False, cfg, loaded.problem)


def _run_tui(args: argparse.Namespace) -> int:
    from snaptui.ui.app import SnaptuiApp

    with open_session(args) as session:
        app = SnaptuiApp(
            session.settings,
            demo=session.demo,
            profile_label=session.profile_label,
            endpoint_label=session.endpoint_label,
            startup_problem=session.config_problem,
            refresh_interval=2.0 if session.demo else session.config.refresh_interval,
            read_only_profiles=session.config.read_only_profiles,
            config=session.config,
            state_file=locations.state_file(),
        )
        app.run()
        return app.return_code or EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(debug=debug_requested(bool(getattr(args, "debug", False))))
    try:
        if args.command:
            return int(args.run(args))
        return _run_tui(args)
    except UsageError as exc:
        print(f"snaptui: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DemoError as exc:
        print(f"snaptui: {exc}", file=sys.stderr)
        return EXIT_AWS
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
